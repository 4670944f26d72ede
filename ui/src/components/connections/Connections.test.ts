// The connections view with the IPC module mocked: what each card shows (masks only) and which
// core call each action makes.
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "../../bindings";
import * as ipc from "../../lib/ipc";
import { CONNECTIONS, TYPES } from "../../test/fixtures";
import Connections from "../Connections.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  connectionSecrets: vi.fn(),
  envNameFor: vi.fn(async (name: string) =>
    name.trim() === "" ? null : `CUSTOM_API_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`,
  ),
  renameConnection: vi.fn(),
  setSecret: vi.fn(),
  approveConnection: vi.fn(),
  setAgentWrites: vi.fn(),
  disconnect: vi.fn(),
  reauthorizeLogin: vi.fn(),
  reauthorizeClientCredentials: vi.fn(),
  oauthLogins: vi.fn(),
}));

const mocked = vi.mocked(ipc);

const OAUTH_CODE: Connection = {
  ...CONNECTIONS[0],
  id: "cn_3",
  name: "Globex sales",
  env_name: "CUSTOM_API_GLOBEX_SALES",
  type_slug: "globex-crm",
  auth_type: "oauth2_authorization_code",
  fields: { client_id: "cid-1" },
  secret_keys: ["access_token", "refresh_token"],
  status: "needs_reauthorization",
  last_error: "the provider refused the refresh token (invalid_grant)",
  oauth: {
    token_type: "Bearer",
    expires_at: Math.floor(Date.parse("2026-01-01T00:00:00Z") / 1000),
    scope: "contacts.read deals.write",
    account: "ana@globex.example",
  },
};
const OAUTH_CLIENT: Connection = {
  ...CONNECTIONS[0],
  id: "cn_4",
  name: "Globex batch",
  env_name: "CUSTOM_API_GLOBEX_BATCH",
  auth_type: "oauth2_client_credentials",
  secret_keys: ["access_token", "client_secret"],
};

function show(connections: Connection[] = CONNECTIONS) {
  const props = { connections, types: TYPES, onchanged: vi.fn(), ontest: vi.fn(), onconnect: vi.fn() };
  render(Connections, props);
  return props;
}

const row = (name: string) =>
  within(
    screen.getAllByTestId("connection-row").find((r) => within(r).getByTestId("connection-name").textContent === name)!,
  );

beforeEach(() => {
  vi.clearAllMocks();
  mocked.connectionSecrets.mockImplementation(async (name) =>
    name === "Acme prod" ? [{ key: "api_key", masked: "••••1234" }] : [{ key: "token", masked: "••••" }],
  );
});

describe("what a card shows", () => {
  it("shows status, env variable and only the core's masks", async () => {
    show();
    const acme = row("Acme prod");
    expect(acme.getByTestId("connection-status")).toHaveTextContent("OK");
    expect(acme.getByTestId("connection-auth")).toHaveTextContent("API key");
    expect(acme.getByTestId("connection-env")).toHaveTextContent("CUSTOM_API_ACME_PROD");
    expect(await acme.findByTestId("connection-secret")).toHaveTextContent("••••1234");
    expect(mocked.connectionSecrets).toHaveBeenCalledWith("Acme prod");
    expect(row("Initech staging").getByTestId("connection-status")).toHaveTextContent("Paused");
  });

  it("shows OAuth token facts and the last error", () => {
    show([OAUTH_CODE]);
    const card = row("Globex sales");
    expect(card.getByTestId("connection-status")).toHaveTextContent("Needs re-authorization");
    expect(card.getByTestId("connection-last-error")).toHaveTextContent("invalid_grant");
    expect(card.getByTestId("connection-token-account")).toHaveTextContent("ana@globex.example");
    expect(card.getByTestId("connection-token-scopes")).toHaveTextContent("contacts.read");
    expect(card.getByTestId("connection-token-expiry")).toHaveTextContent("Expired");
  });
});

describe("actions", () => {
  it("Test opens the tester on the connection", async () => {
    const user = userEvent.setup();
    const props = show();
    await user.click(row("Acme prod").getByTestId("connection-test"));
    expect(props.ontest).toHaveBeenCalledWith("Acme prod");
  });

  it("renames in place", async () => {
    const user = userEvent.setup();
    mocked.renameConnection.mockResolvedValue({ ...CONNECTIONS[0], name: "Acme live", env_name: "CUSTOM_API_ACME_LIVE" });
    const props = show();
    await user.click(row("Acme prod").getByTestId("connection-rename"));
    const input = row("Acme prod").getByTestId("rename-input");
    await user.clear(input);
    await user.type(input, "Acme live{Enter}");
    expect(mocked.renameConnection).toHaveBeenCalledWith("Acme prod", "Acme live");
    expect(props.onchanged).toHaveBeenCalled();
    expect(screen.queryByTestId("rename-input")).toBeNull();
  });

  it("replaces a secret and empties the input", async () => {
    const user = userEvent.setup();
    mocked.setSecret.mockResolvedValue(null);
    const props = show();
    const acme = row("Acme prod");
    await user.click(acme.getByTestId("connection-replace-secret"));
    await user.type(acme.getByTestId("replace-secret-value"), "sk_new_secret_value");
    await user.click(acme.getByTestId("replace-secret-save"));
    expect(mocked.setSecret).toHaveBeenCalledWith("Acme prod", "api_key", "sk_new_secret_value");
    expect(acme.getByTestId("replace-secret-value")).toHaveValue("");
    expect(props.onchanged).toHaveBeenCalled();
    expect(document.body.innerHTML).not.toContain("sk_new_secret_value");
  });

  it("offers Approve only for a paused connection", async () => {
    const user = userEvent.setup();
    mocked.approveConnection.mockResolvedValue({ ...CONNECTIONS[1], status: "untested" });
    const props = show();
    expect(row("Acme prod").queryByTestId("connection-approve")).toBeNull();
    await user.click(row("Initech staging").getByTestId("connection-approve"));
    expect(mocked.approveConnection).toHaveBeenCalledWith("Initech staging");
    expect(props.onchanged).toHaveBeenCalled();
  });

  it("says the connection stays paused when the owner declines in the core's dialog", async () => {
    const user = userEvent.setup();
    mocked.approveConnection.mockResolvedValue(CONNECTIONS[1]);
    show();
    await user.click(row("Initech staging").getByTestId("connection-approve"));
    expect(await row("Initech staging").findByTestId("connection-notice")).toHaveTextContent("Still paused");
  });

  it("turns agent writes on for one connection", async () => {
    const user = userEvent.setup();
    mocked.setAgentWrites.mockResolvedValue({ ...CONNECTIONS[0], agent_writes: true });
    const props = show();
    const box = row("Acme prod").getByTestId("connection-agent-writes");
    expect(box).not.toBeChecked();
    await user.click(box);
    expect(mocked.setAgentWrites).toHaveBeenCalledWith("Acme prod", true);
    expect(props.onchanged).toHaveBeenCalled();
  });

  it("shows the core's error on the row", async () => {
    const user = userEvent.setup();
    mocked.approveConnection.mockRejectedValue({ message: "the vault is locked", problems: [], dependents: [] });
    const props = show();
    await user.click(row("Initech staging").getByTestId("connection-approve"));
    expect(await row("Initech staging").findByTestId("connection-error")).toHaveTextContent("the vault is locked");
    expect(row("Acme prod").queryByTestId("connection-error")).toBeNull();
    expect(props.onchanged).not.toHaveBeenCalled();
  });

  it("disconnects after a confirmation and shows the provider's warning", async () => {
    const user = userEvent.setup();
    mocked.disconnect.mockResolvedValue("the provider did not revoke the grant: 503");
    const props = show();
    await user.click(row("Acme prod").getByTestId("connection-disconnect"));
    expect(mocked.disconnect).not.toHaveBeenCalled();
    await user.click(row("Acme prod").getByTestId("confirm-disconnect"));
    expect(mocked.disconnect).toHaveBeenCalledWith("Acme prod");
    expect(props.onchanged).toHaveBeenCalled();
    expect(screen.getByTestId("disconnect-warning")).toHaveTextContent("did not revoke the grant");
  });

  it("re-authorizes only OAuth connections; client credentials fetch a new token", async () => {
    const user = userEvent.setup();
    mocked.reauthorizeClientCredentials.mockResolvedValue(OAUTH_CLIENT);
    const props = show([...CONNECTIONS, OAUTH_CLIENT]);
    expect(row("Acme prod").queryByTestId("connection-reauthorize")).toBeNull();
    await user.click(row("Globex batch").getByTestId("connection-reauthorize"));
    expect(mocked.reauthorizeClientCredentials).toHaveBeenCalledWith("Globex batch");
    expect(mocked.reauthorizeLogin).not.toHaveBeenCalled();
    expect(props.onchanged).toHaveBeenCalled();
  });

  describe("browser re-authorization", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("waits for the login report of this connection", async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      vi.setSystemTime(new Date("2026-03-01T10:00:00Z"));
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      mocked.oauthLogins.mockResolvedValue([]);
      mocked.reauthorizeLogin.mockResolvedValue({
        authorize_url: "https://login.globex.example/authorize?state=s",
        redirect_uri: "http://127.0.0.1:53123/oauth/callback",
      });
      const props = show([OAUTH_CODE]);
      await user.click(row("Globex sales").getByTestId("connection-reauthorize"));
      expect(mocked.reauthorizeLogin).toHaveBeenCalledWith("Globex sales");
      const progress = await row("Globex sales").findByTestId("reauthorize-progress");
      expect(progress).toHaveTextContent("Finish the login in your browser");
      expect(within(progress).getByTestId("oauth-redirect-uri")).toHaveTextContent("http://127.0.0.1:53123/oauth/callback");

      mocked.oauthLogins.mockResolvedValue([
        { ok: true, connection: "Someone else", message: "connected 'Someone else'", at: "2026-03-01T10:00:01Z" },
      ]);
      await vi.advanceTimersByTimeAsync(1000);
      expect(row("Globex sales").getByTestId("reauthorize-progress")).toBeInTheDocument();

      mocked.oauthLogins.mockResolvedValue([
        { ok: true, connection: "Globex sales", message: "connected 'Globex sales'", at: "2026-03-01T10:00:02Z" },
      ]);
      await vi.advanceTimersByTimeAsync(1000);
      await vi.waitFor(() => expect(props.onchanged).toHaveBeenCalled());
      expect(row("Globex sales").queryByTestId("reauthorize-progress")).toBeNull();
      expect(row("Globex sales").getByTestId("connection-notice")).toHaveTextContent("Re-authorized");
    });
  });
});

describe("connecting", () => {
  it("opens the connect dialog for the picked type", async () => {
    const user = userEvent.setup();
    const props = show();
    await user.selectOptions(screen.getByTestId("connect-type"), "globex-crm");
    await user.click(screen.getByTestId("connect-open"));
    expect(props.onconnect).toHaveBeenCalledWith("globex-crm");
  });

  it("offers the type picker in the empty state, or points to the catalog without types", async () => {
    const user = userEvent.setup();
    const props = { connections: [], types: TYPES, onconnect: vi.fn() };
    const { unmount } = render(Connections, props);
    const empty = screen.getByTestId("connections-empty");
    await user.click(within(empty).getByTestId("connect-open"));
    expect(props.onconnect).toHaveBeenCalledWith("acme");
    unmount();

    render(Connections, { connections: [], types: [] });
    expect(screen.getByTestId("connect-needs-type")).toHaveTextContent("Catalog");
    expect(screen.queryByTestId("connect-open")).toBeNull();
  });
});
