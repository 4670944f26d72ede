// What every part of the type editor needs without passing it down through each level: the
// field problems to show (from the live check or a refused save) and whether the type is
// read-only. TypeEditor provides it with getters over its state, so readers stay reactive.
import { createContext } from "svelte";
import type { Problem } from "../../bindings";

export type EditorContext = {
  /** Problems to show next to the fields whose JSON path they name. */
  readonly problems: Problem[];
  /** The type is read-only: every input is disabled. */
  readonly disabled: boolean;
};

export const [getEditor, setEditor] = createContext<EditorContext>();

/** The problems whose path is exactly `path`. */
export const problemsAt = (problems: Problem[], path: string) =>
  problems.filter((p) => p.path === path);

/** The problems at `prefix` or anywhere below it (`actions[2]` → `actions[2].path`, ...). */
export const problemsUnder = (problems: Problem[], prefix: string) =>
  problems.filter(
    (p) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`),
  );
