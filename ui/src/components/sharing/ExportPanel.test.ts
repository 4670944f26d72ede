// The export panel with IPC mocked (the core opens the save dialog and names the file, see
// default_export_name in the core): what gets sent to the core — never a path —, what a
// cancelled dialog does (nothing), and how a big catalog is filtered and capped.
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../../lib/ipc";
import { TYPES, typeSummary } from "../../test/fixtures";
import ExportPanel from "./ExportPanel.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  exportTypes: vi.fn(),
}));

const mockedIpc = vi.mocked(ipc);

const box = (slug: string) =>
  screen.getAllByTestId("export-type").find((e) => e.getAttribute("data-slug") === slug)!;

beforeEach(() => {
  vi.clearAllMocks();
  mockedIpc.exportTypes.mockResolvedValue({ path: "/home/ada/out.json", bytes: 2048 });
});

describe("export", () => {
  it("lists every type with its name and slug, and needs a selection", () => {
    render(ExportPanel, { types: TYPES });
    const boxes = screen.getAllByTestId("export-type");
    expect(boxes.map((b) => b.getAttribute("data-slug"))).toEqual(["acme", "globex-crm", "initech-agent"]);
    expect(screen.getByLabelText(/Globex CRM\s*globex-crm/)).toBe(box("globex-crm"));
    expect(screen.getByTestId("export-submit")).toBeDisabled();
  });

  it("exports one type as a bundle to where the person saved it", async () => {
    const user = userEvent.setup();
    render(ExportPanel, { types: TYPES });
    await user.click(box("globex-crm"));
    await user.click(screen.getByTestId("export-submit"));
    expect(mockedIpc.exportTypes).toHaveBeenCalledWith(["globex-crm"], "bundle");
    expect(await screen.findByTestId("export-result")).toHaveTextContent(
      "Exported 1 type to /home/ada/out.json (2048 bytes)",
    );
  });

  it("sends every selected slug and the chosen format", async () => {
    const user = userEvent.setup();
    render(ExportPanel, { types: TYPES });
    await user.click(screen.getByTestId("export-all"));
    await user.click(box("acme"));
    await user.selectOptions(screen.getByTestId("export-format"), "scalekit");
    expect(screen.getByTestId("export-count")).toHaveTextContent("2 selected");
    await user.click(screen.getByTestId("export-submit"));
    expect(mockedIpc.exportTypes).toHaveBeenCalledWith(["globex-crm", "initech-agent"], "scalekit");
    expect(await screen.findByTestId("export-result")).toHaveTextContent("Exported 2 types to");
  });

  it("exports every type with select all, and select none clears", async () => {
    const user = userEvent.setup();
    render(ExportPanel, { types: TYPES });
    await user.click(screen.getByTestId("export-all"));
    await user.click(screen.getByTestId("export-submit"));
    expect(mockedIpc.exportTypes).toHaveBeenCalledWith(["acme", "globex-crm", "initech-agent"], "bundle");
    await user.click(screen.getByTestId("export-none"));
    expect(screen.getAllByTestId("export-type").every((b) => !(b as HTMLInputElement).checked)).toBe(true);
    expect(screen.getByTestId("export-submit")).toBeDisabled();
  });

  it("does nothing when the save dialog is cancelled", async () => {
    mockedIpc.exportTypes.mockResolvedValue(null);
    const user = userEvent.setup();
    render(ExportPanel, { types: TYPES });
    await user.click(box("acme"));
    await user.click(screen.getByTestId("export-submit"));
    expect(mockedIpc.exportTypes).toHaveBeenCalledOnce();
    expect(screen.queryByTestId("export-result")).toBeNull();
    expect(screen.queryByTestId("export-error")).toBeNull();
    expect(screen.getByTestId("export-submit")).toBeEnabled();
  });

  it("shows the core's message when the export is refused", async () => {
    mockedIpc.exportTypes.mockRejectedValue({
      message: "the export holds the stored secret of connection Acme prod (api_key); nothing was written",
      problems: [],
      dependents: [],
    });
    const user = userEvent.setup();
    render(ExportPanel, { types: TYPES });
    await user.click(box("acme"));
    await user.click(screen.getByTestId("export-submit"));
    expect(await screen.findByTestId("export-error")).toHaveTextContent("nothing was written");
    expect(screen.queryByTestId("export-result")).toBeNull();
  });
});

describe("a big catalog", () => {
  const MANY = Array.from({ length: 2500 }, (_, i) =>
    typeSummary({ slug: `svc-${String(i).padStart(4, "0")}`, display_name: `Service ${i}` }),
  );

  it("renders a capped list, filters it, and select all takes every match", async () => {
    const user = userEvent.setup();
    render(ExportPanel, { types: MANY });
    expect(screen.getAllByTestId("export-type")).toHaveLength(300);
    expect(screen.getByTestId("export-note")).toHaveTextContent("Showing the first 300 of 2500 types");

    await user.type(screen.getByTestId("export-filter"), "svc-02");
    expect(screen.getAllByTestId("export-type")).toHaveLength(100);
    expect(screen.getByTestId("export-note")).toHaveTextContent("100 of 2500 types match");
    await user.click(screen.getByTestId("export-all"));
    await user.clear(screen.getByTestId("export-filter"));
    expect(screen.getByTestId("export-count")).toHaveTextContent("100 selected");

    await user.click(screen.getByTestId("export-submit"));
    const sent = mockedIpc.exportTypes.mock.calls[0][0];
    expect(sent).toHaveLength(100);
    expect(sent[0]).toBe("svc-0200");
  });

  it("says when nothing matches the filter", async () => {
    const user = userEvent.setup();
    render(ExportPanel, { types: MANY });
    await user.type(screen.getByTestId("export-filter"), "nothing-like-this");
    expect(screen.queryAllByTestId("export-type")).toHaveLength(0);
    expect(screen.getByTestId("export-note")).toHaveTextContent("No types match “nothing-like-this”");
  });
});
