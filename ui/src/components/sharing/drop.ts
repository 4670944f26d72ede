// Files dropped on the window. The window runs with Tauri's own drop handling off
// (`dragDropEnabled: false`; its drop events would need an event permission the window does not
// have), so drops arrive as HTML drag and drop: File objects with a name and contents but no
// path. The page reads the text and the core imports it (ipc.previewDroppedImport). Listening
// on the whole window also keeps a stray drop from navigating the web view to the file.
// Kept in its own module so component tests mock it.

/** What the import needs of a dropped file; a browser `File` is one. */
export type DroppedFile = { name: string; size: number; text: () => Promise<string> };

export type FileDrop =
  | { type: "enter" }
  | { type: "over" }
  | { type: "drop"; files: DroppedFile[] }
  | { type: "leave" };

/** The core refuses larger imports (MAX_IMPORT_BYTES); checked before reading a huge file. */
export const MAX_DROP_BYTES = 64 * 1024 * 1024;

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;

/** Calls `handler` for every file drag over the window; resolves to the function that stops it. */
export async function onFileDrop(
  handler: (drop: FileDrop) => void,
  target: Window = window,
): Promise<() => void> {
  // dragenter/dragleave fire for every element crossed; the drag is over the window while the
  // count of entries not yet left is above zero.
  let depth = 0;

  const enter = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    if (depth === 1) handler({ type: "enter" });
  };
  const over = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    handler({ type: "over" });
  };
  const leave = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) handler({ type: "leave" });
  };
  const drop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth = 0;
    handler({ type: "drop", files: Array.from(event.dataTransfer?.files ?? []) });
  };

  target.addEventListener("dragenter", enter);
  target.addEventListener("dragover", over);
  target.addEventListener("dragleave", leave);
  target.addEventListener("drop", drop);
  return () => {
    target.removeEventListener("dragenter", enter);
    target.removeEventListener("dragover", over);
    target.removeEventListener("dragleave", leave);
    target.removeEventListener("drop", drop);
  };
}
