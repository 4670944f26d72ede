// Words for the import/export screen: the core's enum values in plain language, the import
// summary line and the default file names an export offers. Keyed by the generated union types,
// so a new variant in Rust is a type error here until it gets words. Pure, tested without a DOM.
import type {
  ConflictPolicy,
  ExportFormat,
  ImportAction,
  ImportFormat,
  ImportReport,
  NoteKind,
} from "../../bindings";
import type { Tone } from "../../lib/labels";

export const IMPORT_FORMATS: Record<ImportFormat, string> = {
  auto: "Detect from the file",
  bundle: "Patchbay bundle",
  scalekit: "Scalekit payloads",
  openapi: "OpenAPI / Swagger",
  postman: "Postman collection",
  curl: "curl command",
};

/** How a detected format reads in the preview ("Read as OpenAPI / Swagger"). */
export const DETECTED_FORMATS: Record<ImportFormat, string> = {
  ...IMPORT_FORMATS,
  auto: "Detected automatically",
};

export const POLICIES: Record<ConflictPolicy, { label: string; help: string }> = {
  fail: {
    label: "Stop and import nothing",
    help: "If a type in the file already exists here with a different definition, nothing is imported.",
  },
  skip: {
    label: "Keep my existing types",
    help: "Types that already exist here are left as they are; only new types are added.",
  },
  replace: {
    label: "Replace mine with the file's",
    help: "Existing types are overwritten. Their connections stay; any whose host or sign-in changes are paused until you approve them.",
  },
  rename: {
    label: "Import as copies under a new slug",
    help: "Types that already exist are added next to yours under a free slug (for example acme-2).",
  },
};

export const ACTIONS: Record<ImportAction, { label: string; tone: Tone | "accent" }> = {
  create: { label: "Create new", tone: "ok" },
  unchanged: { label: "Unchanged", tone: "neutral" },
  replace: { label: "Replace existing", tone: "warn" },
  skip: { label: "Skip · keep yours", tone: "neutral" },
  rename: { label: "Rename", tone: "accent" },
  conflict: { label: "Conflict", tone: "bad" },
};

/** What each action did, as it reads in the result line ("2 created"). */
const DONE: Record<ImportAction, string> = {
  create: "created",
  unchanged: "unchanged",
  replace: "replaced",
  skip: "skipped",
  rename: "imported under a new slug",
  conflict: "in conflict",
};

/** What each action will do, as it reads in the preview's count line ("2 new"). */
const PLANNED: Record<ImportAction, string> = {
  create: "new",
  unchanged: "unchanged",
  replace: "to replace",
  skip: "to skip",
  rename: "to rename",
  conflict: "in conflict",
};

const ACTION_ORDER: ImportAction[] = ["create", "replace", "rename", "unchanged", "skip", "conflict"];

export const NOTE_GROUPS: Record<NoteKind, { title: string; help: string }> = {
  mapped: { title: "Mapped, worth knowing", help: "Imported, with a default filled in or a name adjusted." },
  dropped: { title: "Left out", help: "Not imported, and why." },
};

export const EXPORT_FORMATS: Record<ExportFormat, string> = {
  bundle: "Patchbay bundle (re-importable, no secrets)",
  scalekit: "Scalekit custom-provider payloads",
};

/** How many items took each action, in a fixed order, leaving out the zeros. */
export function actionCounts(report: ImportReport): { action: ImportAction; count: number }[] {
  return ACTION_ORDER.map((action) => ({
    action,
    count: report.items.filter((i) => i.action === action).length,
  })).filter((c) => c.count > 0);
}

/** "2 created, 1 replaced" — or "Nothing in the file" for an empty one. */
export function resultSummary(report: ImportReport): string {
  const parts = actionCounts(report).map((c) => `${c.count} ${DONE[c.action]}`);
  return parts.length > 0 ? parts.join(", ") : "Nothing in the file";
}

/** The last part of a path, for either separator. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** "3 types: 2 new · 1 in conflict". */
export function planSummary(report: ImportReport): string {
  const parts = actionCounts(report).map((c) => `${c.count} ${PLANNED[c.action]}`);
  const total = countOf(report.items.length, "type");
  return parts.length > 0 ? `${total}: ${parts.join(" · ")}` : total;
}

/** "1 type", "3 types". */
export function countOf(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
