// The tester's pure helpers: JSON error positions, line colouring, the virtual window's
// arithmetic, the page cache and turning the editor's state into a request.
import { describe, expect, it, vi } from "vitest";
import { BodyPages } from "./body-pages";
import { formatBytes, formatMs } from "./format";
import { jsonProblem } from "./json-check";
import { lineSegments, tokenizeJsonLine } from "./json-highlight";
import { emptyDraft, requestFromHistory, resolveBaseUrl, toTesterRequest } from "./request-draft";
import { historyEntry, pagedBody } from "./test-fixtures";
import { scrollTopFor, visibleLines } from "./virtual-window";

describe("jsonProblem", () => {
  it("accepts valid JSON and blank text", () => {
    expect(jsonProblem('{"a": [1, 2.5e3, true, null, "x\\n"]}')).toBeNull();
    expect(jsonProblem("  ")).toBeNull();
  });

  it.each([
    ['{"a": 1,}', 1, 9, "trailing ','"],
    ['{\n  "a" 1\n}', 2, 7, "expected ':'"],
    ["[1, 2", 1, 6, "expected ',' or ']'"],
    ["{'a': 1}", 1, 2, "property name in double quotes"],
    ['{"a": "x}', 1, 10, "not closed"],
    ["[1] 2", 1, 5, "after the JSON value"],
    ["[01]", 1, 3, "expected ',' or ']'"],
  ])("locates the problem in %j", (text, line, column, message) => {
    const problem = jsonProblem(text);
    expect(problem).toMatchObject({ line, column });
    expect(problem?.message).toContain(message);
  });
});

describe("json-highlight", () => {
  it("tokenizes a pretty-printed line", () => {
    expect(tokenizeJsonLine('  "id": 12, "ok": true, "s": "a\\"b"')).toEqual([
      { kind: "text", text: "  " },
      { kind: "key", text: '"id"' },
      { kind: "punct", text: ":" },
      { kind: "text", text: " " },
      { kind: "number", text: "12" },
      { kind: "punct", text: "," },
      { kind: "text", text: " " },
      { kind: "key", text: '"ok"' },
      { kind: "punct", text: ":" },
      { kind: "text", text: " " },
      { kind: "literal", text: "true" },
      { kind: "punct", text: "," },
      { kind: "text", text: " " },
      { kind: "key", text: '"s"' },
      { kind: "punct", text: ":" },
      { kind: "text", text: " " },
      { kind: "string", text: '"a\\"b"' },
    ]);
  });

  it("marks search matches across token boundaries, ignoring case", () => {
    const segments = lineSegments('"Name": "ada"', true, "e\": \"A");
    expect(segments.map((s) => s.text).join("")).toBe('"Name": "ada"');
    expect(segments.filter((s) => s.mark).map((s) => s.text).join("")).toBe('e": "a');
  });
});

describe("virtual window", () => {
  const geometry = { total: 1_000, lineHeight: 18, viewportHeight: 360 };

  it("maps scroll positions to lines one to one when the body fits", () => {
    expect(visibleLines(geometry, 0)).toEqual({ first: 0, count: 21, top: 0, spacerHeight: 18_000 });
    expect(visibleLines(geometry, 185)).toMatchObject({ first: 10, top: 180 });
    expect(scrollTopFor(geometry, 100)).toBe(100 * 18 - 120);
  });

  it("scales a body taller than the spacer limit", () => {
    const huge = { total: 2_000_000, lineHeight: 18, viewportHeight: 360 };
    const end = visibleLines(huge, 10_000_000);
    expect(end.spacerHeight).toBe(8_000_000);
    expect(end.first + end.count).toBe(2_000_000);
    const top = scrollTopFor(huge, 1_500_000);
    const shown = visibleLines(huge, top);
    expect(1_500_000).toBeGreaterThanOrEqual(shown.first);
    expect(1_500_000).toBeLessThan(shown.first + shown.count);
  });
});

describe("BodyPages", () => {
  it("fetches each page once and keeps only the most recent ones", async () => {
    const fetch = vi.fn(pagedBody(100_000).bind(null, "r"));
    const changed = vi.fn();
    const pages = new BodyPages(fetch, changed, 100, 3);
    pages.want("raw", 0, 150);
    pages.want("raw", 0, 150);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(2));
    expect(pages.line("raw", 120)).toContain('"n": 120');
    expect(pages.line("pretty", 120)).toBeUndefined();
    pages.want("raw", 5_000, 5_250);
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(5));
    expect(pages.size).toBe(3);
  });
});

describe("request-draft", () => {
  it("drops blank fields of the body kinds not chosen", () => {
    const draft = emptyDraft();
    draft.body = { kind: "text", text: "hi", contentType: " ", pairs: [] };
    expect(toTesterRequest("c", draft).body).toEqual({ kind: "text", text: "hi" });
  });

  it("leaves out parameters that were not filled in", () => {
    const draft = emptyDraft();
    draft.vars = { id: "7", note: "" };
    expect(toTesterRequest("c", draft).vars).toEqual({ id: "7" });
  });

  it("turns a history URL back into a path and non-auth query", () => {
    const base = resolveBaseUrl("https://{{domain}}/api/v1/", { domain: "acme.example" });
    expect(base).toBe("https://acme.example/api/v1/");
    expect(requestFromHistory(historyEntry(), base, ["api_key"])).toEqual({
      method: "GET",
      path: "/customers",
      query: [{ name: "limit", value: "5" }],
    });
    const elsewhere = historyEntry({ url: "https://acme.example/other?token=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A29" });
    expect(requestFromHistory(elsewhere, base, [])).toEqual({
      method: "GET",
      path: "https://acme.example/other",
      query: [],
    });
  });
});

describe("format", () => {
  it("reads sizes and durations", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(20 * 1024 * 1024)).toBe("20.0 MB");
    expect(formatMs(85.4)).toBe("85 ms");
    expect(formatMs(1240)).toBe("1.24 s");
    expect(formatMs(undefined)).toBe("—");
  });
});
