// The import panel with IPC (the core opens the file dialog) and window drops mocked: what the
// preview shows, what gets sent to the core — a picked file's token, never its path —, and when
// Import is allowed.
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ImportItem, ImportReport } from "../../bindings";
import * as ipc from "../../lib/ipc";
import * as drop from "./drop";
import type { DroppedFile, FileDrop } from "./drop";
import ImportPanel from "./ImportPanel.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  previewImport: vi.fn(),
  applyImport: vi.fn(),
  pickImportFile: vi.fn(),
}));
vi.mock("./drop", () => ({ onFileDrop: vi.fn(), MAX_DROP_BYTES: 64 * 1024 * 1024 }));

const mockedIpc = vi.mocked(ipc);
const mockedDrop = vi.mocked(drop);

const FILE = "/home/ada/shared/team.patchbay.json";
const TOKEN = "pick_0123456789abcdefghjkmnpqrs";
const PICKED = { kind: "picked", token: TOKEN };

function item(over: Partial<ImportItem> = {}): ImportItem {
  const slug = over.slug ?? "acme";
  return {
    slug,
    display_name: "Acme billing",
    action: "create",
    stored_as: slug,
    changed_fields: [],
    field_diffs: [],
    paused_connections: [],
    required_secrets: [],
    ...over,
  };
}

function report(items: ImportItem[], over: Partial<ImportReport> = {}): ImportReport {
  return { source: FILE, format: "bundle", dry_run: true, items, notes: [], ...over };
}

const REPLACING = report(
  [
    item({ slug: "acme", required_secrets: ["api_key: api_key"] }),
    item({
      slug: "globex-crm",
      display_name: "Globex CRM",
      action: "replace",
      changed_fields: ["base_url", "auth_patterns"],
      field_diffs: [
        { path: "base_url", before: '"https://old.globex.example"', after: '"https://api.globex.example"' },
      ],
      paused_connections: ["Globex prod: base URL host changes to api.globex.example"],
      required_secrets: ["oauth2_authorization_code: client_secret"],
    }),
  ],
  {
    notes: [
      { kind: "mapped", path: "components.securitySchemes.key", message: "header name defaulted to X-API-Key" },
      { kind: "dropped", path: "paths./upload.post", message: "multipart bodies are not supported" },
    ],
  },
);

let dragHandler: ((d: FileDrop) => void) | undefined;
const unlisten = vi.fn();

beforeEach(() => {
  vi.clearAllMocks();
  dragHandler = undefined;
  mockedDrop.onFileDrop.mockImplementation(async (handler) => {
    dragHandler = handler;
    return unlisten;
  });
  mockedIpc.pickImportFile.mockResolvedValue({ token: TOKEN, name: "team.patchbay.json", path: FILE });
});

async function chooseFile() {
  const user = userEvent.setup();
  await user.click(screen.getByTestId("import-choose"));
  return user;
}

describe("preview", () => {
  it("shows each type's action, changed fields, paused connections, required secrets and notes", async () => {
    mockedIpc.previewImport.mockResolvedValue(REPLACING);
    render(ImportPanel, { onimported: vi.fn() });
    await chooseFile();

    const preview = await screen.findByTestId("import-preview");
    expect(mockedIpc.previewImport).toHaveBeenCalledWith(PICKED, "auto", "fail");
    expect(within(preview).getByTestId("import-file")).toHaveTextContent("team.patchbay.json");
    expect(within(preview).getByTestId("import-detected-format")).toHaveTextContent("Patchbay bundle");

    const rows = screen.getAllByTestId("import-item");
    expect(rows).toHaveLength(2);
    const acme = within(rows[0]);
    expect(acme.getByTestId("import-action")).toHaveTextContent("Create new");
    expect(acme.queryByTestId("changed-fields")).toBeNull();
    expect(acme.queryByTestId("paused-connections")).toBeNull();
    expect(acme.getByTestId("required-secrets")).toHaveTextContent("api_key: api_key");

    const globex = within(rows[1]);
    expect(globex.getByTestId("import-action")).toHaveTextContent("Replace existing");
    expect(globex.getByTestId("import-action")).toHaveAttribute("data-action", "replace");
    expect(globex.getByTestId("changed-fields")).toHaveTextContent("base_url");
    expect(globex.getByTestId("changed-fields")).toHaveTextContent("auth_patterns");
    const diff = globex.getByTestId("field-diff");
    expect(diff).toHaveAttribute("data-path", "base_url");
    expect(diff).toHaveTextContent("https://old.globex.example");
    expect(diff).toHaveTextContent("https://api.globex.example");
    const paused = globex.getByTestId("paused-connections");
    expect(paused).toHaveTextContent("Globex prod: base URL host changes to api.globex.example");
    expect(paused).toHaveTextContent("approve them in Connections");
    expect(globex.getByTestId("required-secrets")).toHaveTextContent("bundles never carry them");
    expect(globex.getByTestId("required-secrets")).toHaveTextContent("client_secret");

    expect(within(screen.getByTestId("notes-mapped")).getByTestId("import-note")).toHaveTextContent(
      "components.securitySchemes.key header name defaulted to X-API-Key",
    );
    expect(within(screen.getByTestId("notes-dropped")).getByTestId("import-note")).toHaveTextContent(
      "multipart bodies are not supported",
    );
    expect(screen.getByTestId("import-apply")).toBeEnabled();
  });

  it("shows a rename with the slug it will be stored under", async () => {
    mockedIpc.previewImport.mockResolvedValue(
      report([item({ action: "rename", stored_as: "acme-2", changed_fields: ["description"] })]),
    );
    render(ImportPanel, { onimported: vi.fn() });
    await chooseFile();
    expect(await screen.findByTestId("import-action")).toHaveTextContent("Rename to acme-2");
  });

  it("re-runs the preview when the policy or the format changes", async () => {
    mockedIpc.previewImport.mockResolvedValue(REPLACING);
    render(ImportPanel, { onimported: vi.fn() });
    const user = await chooseFile();
    await screen.findByTestId("import-preview");

    await user.selectOptions(screen.getByTestId("conflict-policy"), "replace");
    expect(mockedIpc.previewImport).toHaveBeenLastCalledWith(PICKED, "auto", "replace");
    await user.selectOptions(screen.getByTestId("import-format"), "openapi");
    expect(mockedIpc.previewImport).toHaveBeenLastCalledWith(PICKED, "openapi", "replace");
  });

  it("does nothing when the file dialog is cancelled", async () => {
    mockedIpc.pickImportFile.mockResolvedValue(null);
    render(ImportPanel, { onimported: vi.fn() });
    await chooseFile();
    expect(mockedIpc.previewImport).not.toHaveBeenCalled();
    expect(screen.getByTestId("import-apply")).toBeDisabled();
  });

  it("shows the core's error, with its field problems, for a bad file", async () => {
    mockedIpc.previewImport.mockRejectedValue({
      message: "team.patchbay.json: types[0].auth_patterns[0].api_key.header_name: expected a string",
      problems: [{ path: "types[0].auth_patterns[0].api_key.header_name", message: "expected a string" }],
      dependents: [],
    });
    render(ImportPanel, { onimported: vi.fn() });
    await chooseFile();
    const error = await screen.findByTestId("import-error");
    expect(error).toHaveTextContent("team.patchbay.json: types[0].auth_patterns[0].api_key.header_name");
    expect(within(error).getByRole("listitem")).toHaveTextContent("expected a string");
    expect(screen.queryByTestId("import-preview")).toBeNull();
    expect(screen.getByTestId("import-apply")).toBeDisabled();
  });
});

describe("conflicts", () => {
  beforeEach(() => {
    // The core's preview lists conflicts under "fail" (applying would refuse them).
    mockedIpc.previewImport.mockImplementation(async (_path, _format, policy) => {
      const action =
        policy === "fail"
          ? "conflict"
          : policy === "skip"
            ? "skip"
            : policy === "rename"
              ? "rename"
              : "replace";
      return report([
        item(),
        item({
          slug: "globex-crm",
          display_name: "Globex CRM",
          action,
          stored_as: policy === "rename" ? "globex-crm-2" : "globex-crm",
          changed_fields: ["base_url"],
        }),
      ]);
    });
  });

  it("shows conflicts under fail and keeps Import disabled until another policy is picked", async () => {
    const onimported = vi.fn();
    render(ImportPanel, { onimported });
    const user = await chooseFile();

    const conflicts = await screen.findByTestId("import-conflicts");
    expect(conflicts).toHaveTextContent("1 type already exists here with a different definition: globex-crm");
    const globex = within(screen.getAllByTestId("import-item")[1]);
    expect(globex.getByTestId("import-action")).toHaveTextContent("Conflict");
    expect(globex.getByTestId("changed-fields")).toHaveTextContent("base_url");
    expect(screen.queryByTestId("import-error")).toBeNull();
    expect(screen.getByTestId("import-apply")).toBeDisabled();
    expect(screen.getByTestId("import-blocked")).toBeInTheDocument();
    await user.click(screen.getByTestId("import-apply"));
    expect(mockedIpc.applyImport).not.toHaveBeenCalled();

    await user.click(within(conflicts).getByTestId("conflict-use-rename"));
    expect(mockedIpc.previewImport).toHaveBeenLastCalledWith(PICKED, "auto", "rename");
    expect(screen.getByTestId("conflict-policy")).toHaveValue("rename");
    await waitFor(() => expect(screen.queryByTestId("import-conflicts")).toBeNull());
    expect(within(screen.getAllByTestId("import-item")[1]).getByTestId("import-action")).toHaveTextContent(
      "Rename to globex-crm-2",
    );
    expect(screen.getByTestId("import-apply")).toBeEnabled();
  });

  it("also blocks Import when the core reports conflicts in a successful preview", async () => {
    mockedIpc.previewImport.mockResolvedValue(report([item({ action: "conflict", changed_fields: ["slug"] })]));
    render(ImportPanel, { onimported: vi.fn() });
    await chooseFile();
    await screen.findByTestId("import-conflicts");
    expect(screen.getByTestId("import-apply")).toBeDisabled();
  });
});

describe("apply", () => {
  it("imports with the chosen format and policy, shows the result and reports it", async () => {
    mockedIpc.previewImport.mockResolvedValue(REPLACING);
    mockedIpc.applyImport.mockResolvedValue({ ...REPLACING, dry_run: false });
    const onimported = vi.fn();
    render(ImportPanel, { onimported });
    const user = await chooseFile();
    await user.selectOptions(screen.getByTestId("conflict-policy"), "replace");
    await screen.findByTestId("import-preview");

    await user.click(screen.getByTestId("import-apply"));
    expect(mockedIpc.applyImport).toHaveBeenCalledWith(PICKED, "auto", "replace");
    const result = await screen.findByTestId("import-result");
    expect(result).toHaveTextContent("Imported from team.patchbay.json: 1 created, 1 replaced.");
    expect(result).toHaveTextContent("1 connection paused until you approve the new host in Connections");
    expect(onimported).toHaveBeenCalledOnce();
  });

  it("shows the core's message when the import fails, and reports nothing", async () => {
    mockedIpc.previewImport.mockResolvedValue(REPLACING);
    mockedIpc.applyImport.mockRejectedValue("team.patchbay.json changed on disk: types[1].slug is missing");
    const onimported = vi.fn();
    render(ImportPanel, { onimported });
    const user = await chooseFile();
    await screen.findByTestId("import-preview");
    await user.click(screen.getByTestId("import-apply"));
    expect(await screen.findByTestId("import-error")).toHaveTextContent("types[1].slug is missing");
    expect(screen.queryByTestId("import-result")).toBeNull();
    expect(onimported).not.toHaveBeenCalled();
  });
});

const dropped = (name: string, text: string, size = text.length): DroppedFile => ({
  name,
  size,
  text: async () => text,
});

describe("drag and drop", () => {
  const TEXT = '{"patchbay_bundle": 1, "types": []}';

  it("highlights the zone while dragging and previews the dropped file's text", async () => {
    mockedIpc.previewImport.mockResolvedValue({ ...REPLACING, source: "dropped.json" });
    render(ImportPanel, { onimported: vi.fn() });
    await waitFor(() => expect(dragHandler).toBeDefined());
    const zone = screen.getByTestId("drop-zone");
    expect(zone).toHaveTextContent("or drop a file on this window");

    dragHandler!({ type: "enter" });
    await waitFor(() => expect(zone).toHaveAttribute("data-dragging", "true"));
    dragHandler!({ type: "drop", files: [dropped("dropped.json", TEXT)] });
    await waitFor(() => expect(zone).toHaveAttribute("data-dragging", "false"));
    await waitFor(() =>
      expect(mockedIpc.previewImport).toHaveBeenCalledWith(
        { kind: "dropped", name: "dropped.json", text: TEXT },
        "auto",
        "fail",
      ),
    );
    expect(await screen.findByTestId("import-file")).toHaveTextContent("dropped.json");
  });

  it("re-previews and imports a dropped file by its text", async () => {
    mockedIpc.previewImport.mockResolvedValue(REPLACING);
    mockedIpc.applyImport.mockResolvedValue({ ...REPLACING, dry_run: false });
    const onimported = vi.fn();
    const user = userEvent.setup();
    render(ImportPanel, { onimported });
    await waitFor(() => expect(dragHandler).toBeDefined());
    dragHandler!({ type: "drop", files: [dropped("a.json", TEXT), dropped("b.json", "{}")] });
    await screen.findByTestId("import-preview");
    expect(screen.getByTestId("drop-note")).toHaveTextContent("only the first is read");

    await user.selectOptions(screen.getByTestId("conflict-policy"), "skip");
    const source = { kind: "dropped", name: "a.json", text: TEXT };
    expect(mockedIpc.previewImport).toHaveBeenLastCalledWith(source, "auto", "skip");
    await user.click(screen.getByTestId("import-apply"));
    expect(mockedIpc.applyImport).toHaveBeenCalledWith(source, "auto", "skip");
    await screen.findByTestId("import-result");
    expect(onimported).toHaveBeenCalledOnce();
  });

  it("refuses a dropped file over the core's size limit without reading it", async () => {
    const text = vi.fn(async () => "");
    render(ImportPanel, { onimported: vi.fn() });
    await waitFor(() => expect(dragHandler).toBeDefined());
    dragHandler!({ type: "drop", files: [{ name: "huge.json", size: 100 * 1024 * 1024, text }] });
    expect(await screen.findByTestId("import-error")).toHaveTextContent(
      "huge.json: the file is 100 MiB; imports are limited to 64 MiB",
    );
    expect(text).not.toHaveBeenCalled();
    expect(mockedIpc.previewImport).not.toHaveBeenCalled();
  });

  it("stops listening when the panel goes away", async () => {
    const { unmount } = render(ImportPanel, { onimported: vi.fn() });
    await waitFor(() => expect(dragHandler).toBeDefined());
    await waitFor(() => expect(screen.getByTestId("drop-zone")).toHaveTextContent("drop a file"));
    unmount();
    expect(unlisten).toHaveBeenCalledOnce();
  });

  it("keeps the button when drops cannot be listened to", async () => {
    mockedDrop.onFileDrop.mockRejectedValue(new Error("no window to listen on"));
    render(ImportPanel, { onimported: vi.fn() });
    await Promise.resolve();
    expect(screen.getByTestId("import-choose")).toBeInTheDocument();
    expect(screen.getByTestId("drop-zone")).not.toHaveTextContent("drop a file");
  });
});
