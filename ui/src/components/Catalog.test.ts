// Component tests of the catalog: its buttons reach the right callbacks and IPC commands, a delete
// asks first and shows a refusal with the connections that depend on the type, and the virtual
// list keeps a 10,000-type catalog to a few dozen rows in the DOM while search still finds any.
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IntegrationType, IpcError } from "../bindings";
import * as ipc from "../lib/ipc";
import { CONNECTIONS, TYPES, typeSummary } from "../test/fixtures";
import Catalog from "./Catalog.svelte";

vi.mock("../lib/ipc", async (original) => ({
  ...(await original<typeof import("../lib/ipc")>()),
  duplicateType: vi.fn(),
  deleteType: vi.fn(),
}));

const mocked = vi.mocked(ipc);

beforeEach(() => {
  vi.clearAllMocks();
});

function setup(types = TYPES) {
  const props = {
    types,
    connections: CONNECTIONS,
    onopen: vi.fn(),
    onnew: vi.fn(),
    onconnect: vi.fn(),
    onchanged: vi.fn(),
  };
  render(Catalog, props);
  return { props, user: userEvent.setup() };
}

const row = (slug: string) =>
  screen.getAllByTestId("type-row").find((r) => r.dataset.slug === slug)!;

describe("catalog actions", () => {
  it("opens, creates and connects through the callbacks", async () => {
    const { props, user } = setup();
    await user.click(screen.getByTestId("new-type"));
    expect(props.onnew).toHaveBeenCalledOnce();

    await user.click(within(row("acme")).getByTestId("type-open"));
    expect(props.onopen).toHaveBeenLastCalledWith("acme");
    await user.click(within(row("globex-crm")).getByRole("button", { name: "Globex CRM" }));
    expect(props.onopen).toHaveBeenLastCalledWith("globex-crm");

    await user.click(within(row("initech-agent")).getByTestId("type-connect"));
    expect(props.onconnect).toHaveBeenCalledWith("initech-agent");
  });

  it("labels read-only types View and editable ones Edit, with their origin", () => {
    setup();
    expect(within(row("acme")).getByTestId("type-open")).toHaveTextContent("Edit");
    expect(within(row("acme")).getByTestId("badge-custom")).toHaveTextContent("Custom");
    expect(within(row("globex-crm")).getByTestId("type-open")).toHaveTextContent("View");
  });

  it("shows the statuses of each type's connections", async () => {
    setup();
    await waitFor(() =>
      expect(within(row("initech-agent")).getByTestId("type-connection-status")).toHaveTextContent(
        "1 Paused",
      ),
    );
    expect(within(row("acme")).getByTestId("type-connection-status")).toHaveTextContent("1 OK");
    expect(within(row("globex-crm")).queryByTestId("type-connection-status")).toBeNull();
  });

  it("duplicates a type and reports the change", async () => {
    mocked.duplicateType.mockResolvedValue({ slug: "globex-crm-copy" } as IntegrationType);
    const { props, user } = setup();
    await user.click(within(row("globex-crm")).getByTestId("type-duplicate"));
    expect(mocked.duplicateType).toHaveBeenCalledWith("globex-crm");
    expect(props.onchanged).toHaveBeenCalledOnce();
    expect(screen.getByTestId("catalog-notice")).toHaveTextContent("globex-crm-copy");
  });

  it("deletes only after confirming, and Escape or Cancel keeps the type", async () => {
    mocked.deleteType.mockResolvedValue(null);
    const { props, user } = setup();

    await user.click(within(row("acme")).getByTestId("type-delete"));
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Delete “Acme billing”?");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("confirm-delete")).toBeNull();
    expect(within(row("acme")).getByTestId("type-delete")).toHaveFocus();

    await user.click(within(row("acme")).getByTestId("type-delete"));
    await user.click(screen.getByTestId("cancel-delete"));
    expect(mocked.deleteType).not.toHaveBeenCalled();

    await user.click(within(row("acme")).getByTestId("type-delete"));
    await user.click(screen.getByTestId("confirm-delete"));
    expect(mocked.deleteType).toHaveBeenCalledWith("acme");
    expect(props.onchanged).toHaveBeenCalledOnce();
  });

  it("shows a refused delete with the connections that depend on the type", async () => {
    const refusal: IpcError = {
      message: "integration type 'acme' is used by 1 connection",
      problems: [],
      dependents: ["Acme prod"],
    };
    mocked.deleteType.mockRejectedValue(refusal);
    const { props, user } = setup();
    await user.click(within(row("acme")).getByTestId("type-delete"));
    await user.click(screen.getByTestId("confirm-delete"));

    const refused = await screen.findByTestId("delete-refused");
    expect(refused).toHaveTextContent("is used by 1 connection");
    expect(within(refused).getAllByTestId("delete-dependent").map((d) => d.textContent)).toEqual([
      "Acme prod",
    ]);
    expect(props.onchanged).not.toHaveBeenCalled();
  });
});

describe("a large catalog", () => {
  const many = Array.from({ length: 10_000 }, (_, i) => {
    const n = String(i).padStart(5, "0");
    return typeSummary({ slug: `type-${n}`, display_name: `Service ${n}` });
  });

  it("renders only the rows in view and still finds a type near the end", async () => {
    const { user } = setup(many);
    const list = screen.getByTestId("type-list");
    expect(within(list).getAllByTestId("type-row").length).toBeLessThan(100);
    expect(screen.queryByText("Service 09990")).toBeNull();

    await user.type(screen.getByTestId("search"), "type-09990");
    expect(screen.getAllByTestId("type-slug").map((s) => s.textContent)).toEqual(["type-09990"]);
  });

  it("adds the rows just out of view only after its first frame", async () => {
    setup(many);
    const rows = () => within(screen.getByTestId("type-list")).getAllByTestId("type-row").length;
    // jsdom has no layout: the list's height is the window's (768px), 132px per row.
    const visible = Math.ceil(window.innerHeight / 132);
    expect(rows()).toBe(visible);
    await vi.waitFor(() => expect(rows()).toBe(visible + 3));
  });

  it("moves between rows with the arrow keys and opens one with Enter", async () => {
    const { props, user } = setup(many);
    await user.click(screen.getByTestId("search"));
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toHaveTextContent("Service 00000");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(document.activeElement).toHaveTextContent("Service 00002");
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement).toHaveTextContent("Service 00001");

    await user.keyboard("{End}");
    expect(document.activeElement).toHaveTextContent("Service 09999");
    expect(screen.getAllByTestId("type-row").length).toBeLessThan(100);

    await user.keyboard("{Enter}");
    expect(props.onopen).toHaveBeenCalledExactlyOnceWith("type-09999");
  });
});
