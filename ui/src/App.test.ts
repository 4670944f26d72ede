// Component tests of the whole window with the IPC module mocked: what a person sees for a
// given catalog, connections and vault.
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { IntegrationType, TypeSummary } from "./bindings";
import type { Loaded } from "./lib/loaded";
import * as ipc from "./lib/ipc";
import { preloadViews } from "./lib/views";
import { CONNECTIONS, KEYRING_VAULT, PASSPHRASE_VAULT, TYPES } from "./test/fixtures";

vi.mock("./lib/ipc", async (original) => ({
  ...(await original<typeof import("./lib/ipc")>()),
  listTypes: vi.fn(),
  listConnections: vi.fn(),
  vaultStatus: vi.fn(),
  duplicateType: vi.fn(),
  checkType: vi.fn(),
}));

const mocked = vi.mocked(ipc);

beforeEach(() => {
  mocked.listTypes.mockResolvedValue(TYPES);
  mocked.listConnections.mockResolvedValue(CONNECTIONS);
  mocked.vaultStatus.mockResolvedValue(KEYRING_VAULT);
});

// The window preloads its other views in the background; let those loads finish before the test
// environment is torn down, or they fail against a closed module loader.
afterAll(() => preloadViews());

const slugs = () => screen.getAllByTestId("type-slug").map((e) => e.textContent);

describe("catalog", () => {
  it("lists every type with its name, slug and badges", async () => {
    render(App);
    const rows = await screen.findAllByTestId("type-row");
    expect(rows).toHaveLength(3);
    expect(slugs()).toEqual(["acme", "globex-crm", "initech-agent"]);

    const globex = within(rows[1]);
    expect(globex.getByTestId("type-name")).toHaveTextContent("Globex CRM");
    expect(globex.getAllByTestId("auth-badge").map((b) => b.textContent?.trim())).toEqual([
      "OAuth 2 code",
      "Bearer token",
    ]);
    expect(globex.getByTestId("badge-oauth")).toBeInTheDocument();
    expect(globex.getByTestId("badge-imported")).toHaveTextContent("Imported · read-only");
    expect(globex.getByTestId("connection-count")).toHaveTextContent("No connections");

    const acme = within(rows[0]);
    expect(acme.queryByTestId("badge-imported")).toBeNull();
    expect(acme.queryByTestId("badge-oauth")).toBeNull();
    expect(acme.getByTestId("connection-count")).toHaveTextContent("1 connection");
    expect(within(rows[2]).getByTestId("badge-mcp")).toBeInTheDocument();
    expect(within(rows[2]).getByTestId("connection-count")).toHaveTextContent("2 connections");
  });

  it("shows the catalog the entry point loaded in its first render, and reloads from the core", async () => {
    const user = userEvent.setup();
    mocked.listTypes.mockClear();
    mocked.duplicateType.mockResolvedValue({ slug: "acme-copy" } as IntegrationType);
    render(App, { props: { firstTypes: { state: "ok", value: TYPES.slice(0, 1) } } });
    // No await: the rows are there at once, without a loading screen or a second IPC call.
    expect(slugs()).toEqual(["acme"]);
    expect(screen.queryByTestId("loading")).toBeNull();
    expect(mocked.listTypes).not.toHaveBeenCalled();

    await user.click(within(screen.getAllByTestId("type-row")[0]).getByTestId("type-duplicate"));
    await vi.waitFor(() => expect(slugs()).toEqual(["acme", "globex-crm", "initech-agent"]));
    expect(mocked.listTypes).toHaveBeenCalled();
  });

  it("asks the core again after showing the snapshot the shell injected", async () => {
    mocked.listTypes.mockClear();
    render(App, { props: { firstTypes: { state: "ok", value: TYPES.slice(0, 1) }, refreshTypes: true } });
    expect(slugs()).toEqual(["acme"]);
    await vi.waitFor(() => expect(slugs()).toEqual(["acme", "globex-crm", "initech-agent"]));
    expect(mocked.listTypes).toHaveBeenCalledOnce();
  });

  it("waits for a catalog the entry point is still loading, with the loading screen", async () => {
    mocked.listTypes.mockClear();
    let arrive: (types: Loaded<TypeSummary[]>) => void = () => {};
    const firstTypes = new Promise<Loaded<TypeSummary[]>>((resolve) => (arrive = resolve));
    render(App, { props: { firstTypes } });
    expect(screen.getByTestId("loading")).toHaveTextContent("Loading integration types");

    arrive({ state: "error", message: "database is locked" });
    expect(await screen.findByText("database is locked")).toBeInTheDocument();
    expect(mocked.listTypes).not.toHaveBeenCalled();
  });

  it("filters as you type and says when nothing matches", async () => {
    const user = userEvent.setup();
    render(App);
    const search = await screen.findByTestId("search");

    await user.type(search, "GLOBEX");
    expect(slugs()).toEqual(["globex-crm"]);

    await user.clear(search);
    await user.type(search, "bearer");
    expect(slugs()).toEqual(["globex-crm", "initech-agent"]);

    await user.type(search, " mcp");
    expect(slugs()).toEqual(["initech-agent"]);

    await user.clear(search);
    await user.type(search, "nothing-like-this");
    expect(screen.queryAllByTestId("type-row")).toHaveLength(0);
    expect(screen.getByTestId("search-empty")).toHaveTextContent("No types match “nothing-like-this”");

    await user.clear(search);
    expect(screen.getAllByTestId("type-row")).toHaveLength(3);
  });

  it("explains how to add types when the catalog is empty", async () => {
    mocked.listTypes.mockResolvedValue([]);
    render(App);
    const empty = await screen.findByTestId("catalog-empty");
    expect(empty).toHaveTextContent("patchbay types create --file");
    expect(empty).toHaveTextContent("patchbay import FILE");
    expect(screen.queryByTestId("search")).toBeNull();
  });

  it("shows the core's error when the catalog cannot be loaded", async () => {
    mocked.listTypes.mockRejectedValue("Patchbay could not open its data folder: permission denied");
    render(App);
    expect(await screen.findByRole("alert")).toHaveTextContent("permission denied");
  });
});

describe("vault", () => {
  it("names the keyring and shows no warning when the keyring protects secrets", async () => {
    render(App);
    expect(await screen.findByText("OS keyring (Secret Service)")).toBeInTheDocument();
    expect(screen.getByTestId("vault-mode")).toHaveTextContent("OS keyring (Secret Service)");
    expect(screen.queryByTestId("vault-warning")).toBeNull();
  });

  it("shows the vault's warning as a banner", async () => {
    mocked.vaultStatus.mockResolvedValue(PASSPHRASE_VAULT);
    render(App);
    const banner = await screen.findByTestId("vault-warning");
    expect(banner).toHaveAttribute("role", "alert");
    expect(banner).toHaveTextContent("only your passphrase protects the secrets");
    expect(screen.getByTestId("vault-mode")).toHaveTextContent("passphrase");
  });

  it("keeps the catalog usable when the vault cannot be probed", async () => {
    mocked.vaultStatus.mockRejectedValue("the OS keyring did not answer");
    render(App);
    expect(await screen.findAllByTestId("type-row")).toHaveLength(3);
    expect(screen.getByTestId("vault-mode")).toHaveTextContent("unavailable");
  });
});

describe("connections", () => {
  it("lists connections with type, status, env var and last use", async () => {
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId("nav-connections"));
    // The connections view is a chunk loaded on demand (lib/views.ts): wait for it.
    const rows = await screen.findAllByTestId("connection-row");
    expect(rows).toHaveLength(2);
    const acme = within(rows[0]);
    expect(acme.getByTestId("connection-name")).toHaveTextContent("Acme prod");
    expect(acme.getByTestId("connection-type")).toHaveTextContent("acme");
    expect(acme.getByTestId("connection-status")).toHaveTextContent("OK");
    expect(acme.getByTestId("connection-env")).toHaveTextContent("CUSTOM_API_ACME_PROD");
    expect(acme.getByTestId("connection-last-used")).not.toHaveTextContent("Never");
    const initech = within(rows[1]);
    expect(initech.getByTestId("connection-status")).toHaveTextContent("Paused");
    expect(initech.getByTestId("connection-last-used")).toHaveTextContent("Never");
    expect(screen.getByTestId("nav-connections")).toHaveAttribute("aria-current", "page");
  });

  it("explains how to connect an account when there are none", async () => {
    mocked.listConnections.mockResolvedValue([]);
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId("nav-connections"));
    expect(await screen.findByTestId("connections-empty")).toHaveTextContent("patchbay connect SLUG");
  });
});

describe("leaving the type editor", () => {
  beforeEach(() => {
    mocked.checkType.mockResolvedValue({ problems: [], base_url_fields: [], redirect_uris: [] });
  });

  async function openNewType() {
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId("new-type"));
    // The editor is a chunk loaded on demand; its first import in a test run compiles it.
    const name = await screen.findByTestId("editor-name", {}, { timeout: 10_000 });
    return { user, name };
  }

  it("asks before unsaved changes would be lost, and keeps them unless discarded", async () => {
    const { user, name } = await openNewType();
    await user.type(name, "Initech");

    await user.click(screen.getByTestId("nav-connections"));
    expect(screen.getByTestId("discard-changes")).toHaveTextContent("Discard unsaved changes?");
    expect(screen.getByTestId("type-editor")).toBeInTheDocument();
    expect(screen.getByTestId("discard-keep")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("discard-changes")).toBeNull();
    expect(name).toHaveValue("Initech");

    await user.keyboard("{Alt>}3{/Alt}");
    expect(screen.getByTestId("discard-changes")).toBeInTheDocument();
    await user.click(screen.getByTestId("discard-keep"));
    expect(name).toHaveValue("Initech");

    await user.click(screen.getByTestId("editor-close"));
    await user.click(screen.getByTestId("discard-confirm"));
    expect(await screen.findByTestId("type-list")).toBeInTheDocument();
    expect(screen.queryByTestId("type-editor")).toBeNull();
    expect(screen.queryByTestId("discard-changes")).toBeNull();
  });

  it("leaves an editor without changes at once", async () => {
    const { user } = await openNewType();
    await user.click(screen.getByTestId("nav-catalog"));
    expect(await screen.findByTestId("type-list")).toBeInTheDocument();
    expect(screen.queryByTestId("discard-changes")).toBeNull();
  });
});
