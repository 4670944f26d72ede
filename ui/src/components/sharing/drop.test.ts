// The window-wide file drop listener: only file drags count, crossing child elements is not a
// leave, a drop is kept from navigating the page, and the returned function stops listening.
import { describe, expect, it, vi } from "vitest";
import { onFileDrop, type FileDrop } from "./drop";

function drag(type: string, types: string[], files: File[] = []): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, "dataTransfer", { value: { types, files, dropEffect: "none" } });
  return event;
}

describe("onFileDrop", () => {
  it("reports enter, one leave after nested entries, and the dropped files", async () => {
    const seen: FileDrop[] = [];
    const stop = await onFileDrop((d) => seen.push(d));
    const file = new File(['{"types": []}'], "team.json", { type: "application/json" });

    window.dispatchEvent(drag("dragenter", ["Files"]));
    window.dispatchEvent(drag("dragenter", ["Files"]));
    window.dispatchEvent(drag("dragleave", ["Files"]));
    expect(seen.map((d) => d.type)).toEqual(["enter"]);
    window.dispatchEvent(drag("dragleave", ["Files"]));
    expect(seen.map((d) => d.type)).toEqual(["enter", "leave"]);

    const drop = drag("drop", ["Files"], [file]);
    window.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    const last = seen[seen.length - 1];
    expect(last.type).toBe("drop");
    if (last.type === "drop") {
      // The browser's own File (jsdom's lacks text(); the web view's has it).
      expect(last.files).toEqual([file]);
      expect(last.files[0].name).toBe("team.json");
    }
    stop();
  });

  it("ignores drags of text and stops when asked", async () => {
    const handler = vi.fn();
    const stop = await onFileDrop(handler);
    window.dispatchEvent(drag("dragenter", ["text/plain"]));
    expect(handler).not.toHaveBeenCalled();
    stop();
    window.dispatchEvent(drag("dragenter", ["Files"]));
    expect(handler).not.toHaveBeenCalled();
  });
});
