// The connect dialog with the IPC module mocked: what it sends for each kind of pattern, that a
// typed secret is never shown again, and how a browser login is followed to its end.
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type {
  AuthPattern,
  Connection,
  FieldSpec,
  IntegrationType,
  LoginReport,
  PatternInputs,
} from "../../bindings";
import * as ipc from "../../lib/ipc";
import { CONNECTIONS } from "../../test/fixtures";
import ConnectDialog from "./ConnectDialog.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  getType: vi.fn(),
  connectInputs: vi.fn(),
  envNameFor: vi.fn(),
  connect: vi.fn(),
  connectClientCredentials: vi.fn(),
  startOauthLogin: vi.fn(),
  oauthLogins: vi.fn(),
  listConnections: vi.fn(),
}));

const mocked = vi.mocked(ipc);

function pattern(over: Partial<AuthPattern> & Pick<AuthPattern, "type">): AuthPattern {
  return {
    display_name: "",
    description: "",
    fields: [],
    account_fields: [],
    headers: [],
    auth_field_mutations: [],
    is_mcp: false,
    ...over,
  };
}

function integrationType(patterns: AuthPattern[], slug = "acme"): IntegrationType {
  return {
    id: `it_${slug}`,
    origin: "created",
    editable: true,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    slug,
    display_name: "Acme billing",
    description: "Invoices and customers",
    base_url: "https://{{domain}}/api",
    auth_patterns: patterns,
    actions: [],
  };
}

const API_KEY = pattern({
  type: "api_key",
  display_name: "API key",
  fields: [
    { field_name: "domain", label: "Domain", input_type: "text", hint: "acme.example", required: true },
    { field_name: "api_key", label: "API key", input_type: "password", hint: "", required: true },
    // A secret typed into a text input is still a secret.
    { field_name: "account_token", label: "Account token", input_type: "text", hint: "", required: false, secret: true },
    { field_name: "region", label: "Region", input_type: "text", hint: "", required: false },
  ],
});
const NONE = pattern({ type: "none", display_name: "Public" });
const CLIENT_CREDENTIALS = pattern({ type: "oauth2_client_credentials", display_name: "Service account" });
const AUTH_CODE = pattern({
  type: "oauth2_authorization_code",
  display_name: "Sign in",
  account_fields: [{ field_name: "tenant", label: "Tenant", input_type: "text", hint: "", required: false }],
});

const created: Connection = { ...CONNECTIONS[0], name: "Acme prod" };

/** What the core's `connect_inputs` answers for these patterns (its rule, written out for the
 *  fixtures: declared fields, account fields, then the OAuth client credentials). */
function listedInputs(patterns: AuthPattern[]): PatternInputs[] {
  const implicit = (name: string, label: string, secret: boolean, required: boolean): FieldSpec => ({
    field_name: name,
    label,
    input_type: secret ? "password" : "text",
    hint: "",
    required,
    secret,
  });
  return patterns.map((p) => {
    const inputs: FieldSpec[] = [...p.fields, ...p.account_fields].map((f) => ({
      ...f,
      secret: f.secret ?? f.input_type === "password",
    }));
    if (p.type.startsWith("oauth2_") && !p.is_mcp) {
      inputs.push(implicit("client_id", "Client ID", false, true));
      inputs.push(
        implicit("client_secret", "Client secret", true, p.type === "oauth2_client_credentials"),
      );
    }
    return { auth_type: p.type, inputs };
  });
}

function open(patterns: AuthPattern[]) {
  mocked.getType.mockResolvedValue(integrationType(patterns));
  mocked.connectInputs.mockResolvedValue(listedInputs(patterns));
  mocked.envNameFor.mockImplementation(async (name) => {
    const suffix = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    return suffix === "" ? null : `CUSTOM_API_${suffix}`;
  });
  const onclose = vi.fn();
  const onconnected = vi.fn();
  render(ConnectDialog, { slug: "acme", onclose, onconnected });
  return { onclose, onconnected };
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe("static patterns", () => {
  it("sends exactly the fields and secrets the pattern asks for", async () => {
    const user = userEvent.setup();
    mocked.connect.mockResolvedValue(created);
    const { onconnected } = open([API_KEY]);

    await user.type(await screen.findByTestId("connect-name"), "  Acme prod ");
    expect(screen.getByTestId("connect-env-preview")).toHaveTextContent("CUSTOM_API_ACME_PROD");
    await user.type(screen.getByTestId("connect-field-domain"), "acme.example");
    const key = screen.getByTestId("connect-field-api_key");
    const token = screen.getByTestId("connect-field-account_token");
    expect(key).toHaveAttribute("type", "password");
    expect(key).toHaveAttribute("autocomplete", "off");
    expect(token).toHaveAttribute("type", "password");
    expect(screen.getByTestId("connect-field-region")).toHaveAttribute("type", "text");
    expect(screen.queryByTestId("connect-pattern")).toBeNull();
    await user.type(key, "sk_live_abcdef1234");
    await user.type(token, "tok-9");
    await user.click(screen.getByTestId("connect-submit"));

    expect(mocked.connect).toHaveBeenCalledTimes(1);
    expect(mocked.connect).toHaveBeenCalledWith({
      type_slug: "acme",
      name: "Acme prod",
      auth_type: "api_key",
      fields: { domain: "acme.example" },
      secrets: { api_key: "sk_live_abcdef1234", account_token: "tok-9" },
    });
    expect(onconnected).toHaveBeenCalledWith(created);
  });

  it("never shows a typed secret again, even when the core refuses", async () => {
    const user = userEvent.setup();
    mocked.connect.mockRejectedValue({
      message: "a connection named 'Acme prod' already exists",
      problems: [],
      dependents: [],
    });
    const { onconnected } = open([API_KEY]);

    await user.type(await screen.findByTestId("connect-name"), "Acme prod");
    await user.type(screen.getByTestId("connect-field-domain"), "acme.example");
    await user.type(screen.getByTestId("connect-field-api_key"), "sk_live_abcdef1234");
    await user.click(screen.getByTestId("connect-submit"));

    expect(await screen.findByTestId("connect-error")).toHaveTextContent("already exists");
    expect(screen.getByTestId("connect-field-api_key")).toHaveValue("");
    expect(screen.getByTestId("connect-field-domain")).toHaveValue("acme.example");
    expect(document.body.innerHTML).not.toContain("sk_live_abcdef1234");
    expect(onconnected).not.toHaveBeenCalled();
  });

  it("names a missing required field and sends nothing", async () => {
    const user = userEvent.setup();
    open([API_KEY]);
    await user.type(await screen.findByTestId("connect-name"), "Acme prod");
    await user.type(screen.getByTestId("connect-field-domain"), "acme.example");
    await user.click(screen.getByTestId("connect-submit"));

    expect(screen.getByTestId("connect-error")).toHaveTextContent("API key");
    expect(screen.getByTestId("connect-field-api_key")).toHaveAttribute("aria-invalid", "true");
    expect(mocked.connect).not.toHaveBeenCalled();
  });

  it("shows a field problem from the core next to its field", async () => {
    const user = userEvent.setup();
    mocked.connect.mockRejectedValue({
      message: "invalid connection",
      problems: [{ path: "fields.domain", message: "must be a host name" }],
      dependents: [],
    });
    open([API_KEY]);
    await user.type(await screen.findByTestId("connect-name"), "Acme prod");
    await user.type(screen.getByTestId("connect-field-domain"), "not a host");
    await user.type(screen.getByTestId("connect-field-api_key"), "k");
    await user.click(screen.getByTestId("connect-submit"));
    expect(await screen.findByTestId("connect-field-problem")).toHaveTextContent("must be a host name");
  });

  it("connects a pattern without credentials with just a name", async () => {
    const user = userEvent.setup();
    mocked.connect.mockResolvedValue(created);
    open([API_KEY, NONE]);
    await user.selectOptions(await screen.findByTestId("connect-pattern"), "none");
    expect(screen.queryByTestId("connect-field-api_key")).toBeNull();
    await user.type(screen.getByTestId("connect-name"), "Public");
    await user.click(screen.getByTestId("connect-submit"));
    expect(mocked.connect).toHaveBeenCalledWith({
      type_slug: "acme",
      name: "Public",
      auth_type: "none",
      fields: {},
      secrets: {},
    });
  });

  it("closes on Escape", async () => {
    const user = userEvent.setup();
    const { onclose } = open([API_KEY]);
    const dialog = await screen.findByTestId("connect-dialog");
    expect(dialog).toHaveAttribute("role", "dialog");
    expect(dialog).toHaveAttribute("aria-modal", "true");
    await screen.findByTestId("connect-name");
    await user.keyboard("{Escape}");
    expect(onclose).toHaveBeenCalled();
  });
});

describe("OAuth patterns", () => {
  it("client credentials send the client id as a field and the secret as a secret", async () => {
    const user = userEvent.setup();
    mocked.connectClientCredentials.mockResolvedValue(created);
    const { onconnected } = open([CLIENT_CREDENTIALS]);
    await user.type(await screen.findByTestId("connect-name"), "Service");
    await user.type(screen.getByTestId("connect-field-client_id"), "cid-1");
    await user.type(screen.getByTestId("connect-field-client_secret"), "shh-secret");
    await user.click(screen.getByTestId("connect-submit"));
    expect(mocked.connectClientCredentials).toHaveBeenCalledWith({
      type_slug: "acme",
      name: "Service",
      auth_type: "oauth2_client_credentials",
      fields: { client_id: "cid-1" },
      secrets: { client_secret: "shh-secret" },
    });
    expect(mocked.connect).not.toHaveBeenCalled();
    expect(onconnected).toHaveBeenCalledWith(created);
  });

  describe("browser login", () => {
    const START = new Date("2026-03-01T10:00:00.400Z");
    const OLD: LoginReport = { ok: false, message: "an older login failed", at: "2026-03-01T09:00:00Z" };

    beforeEach(() => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      vi.setSystemTime(START);
      mocked.startOauthLogin.mockResolvedValue({
        authorize_url: "https://login.acme.example/authorize?client_id=cid-1&state=xyz",
        redirect_uri: "patchbay://oauth/callback",
      });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    async function startLogin(user: ReturnType<typeof userEvent.setup>, secret = "") {
      await user.type(await screen.findByTestId("connect-name"), "Acme SSO");
      await user.type(screen.getByTestId("connect-field-client_id"), "cid-1");
      if (secret) await user.type(screen.getByTestId("connect-field-client_secret"), secret);
      await user.click(screen.getByTestId("connect-browser"));
      return screen.findByTestId("oauth-progress");
    }

    it("shows progress and hands over the new connection when the login succeeds", async () => {
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      const sso: Connection = { ...created, id: "cn_9", name: "Acme SSO", auth_type: "oauth2_authorization_code" };
      mocked.oauthLogins.mockResolvedValue([OLD]);
      mocked.listConnections.mockResolvedValue([...CONNECTIONS, sso]);
      const { onconnected } = open([AUTH_CODE]);

      const progress = await startLogin(user, "client-secret-1");
      expect(mocked.startOauthLogin).toHaveBeenCalledWith({
        slug: "acme",
        name: "Acme SSO",
        auth_type: "oauth2_authorization_code",
        fields: { client_id: "cid-1" },
        client_secret: "client-secret-1",
      });
      expect(progress).toHaveTextContent("Waiting for the browser…");
      expect(within(progress).getByTestId("oauth-redirect-uri")).toHaveTextContent("patchbay://oauth/callback");
      expect(within(progress).getByTestId("oauth-authorize-url")).toHaveValue(
        "https://login.acme.example/authorize?client_id=cid-1&state=xyz",
      );
      expect(document.body.innerHTML).not.toContain("client-secret-1");

      // Nothing new yet: the old failure is not taken for this login.
      await vi.advanceTimersByTimeAsync(1000);
      expect(onconnected).not.toHaveBeenCalled();
      expect(screen.getByTestId("oauth-progress")).toBeInTheDocument();

      mocked.oauthLogins.mockResolvedValue([
        OLD,
        { ok: true, connection: "Acme SSO", message: "connected 'Acme SSO'", at: "2026-03-01T10:00:02Z" },
      ]);
      await vi.advanceTimersByTimeAsync(1000);
      await vi.waitFor(() => expect(onconnected).toHaveBeenCalledWith(sso));
    });

    it("shows the failure with a way to try again", async () => {
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      mocked.oauthLogins.mockResolvedValue([]);
      const { onconnected } = open([AUTH_CODE]);
      await startLogin(user);
      expect(mocked.startOauthLogin.mock.calls[0][0]).not.toHaveProperty("client_secret");

      mocked.oauthLogins.mockResolvedValue([
        { ok: false, message: "the provider refused the redirect URI patchbay://oauth/callback", at: "2026-03-01T10:00:01Z" },
      ]);
      await vi.advanceTimersByTimeAsync(1000);

      const error = await screen.findByTestId("connect-error");
      expect(error).toHaveTextContent("the provider refused the redirect URI");
      expect(screen.queryByTestId("oauth-progress")).toBeNull();
      expect(screen.getByTestId("connect-field-client_id")).toHaveValue("cid-1");
      expect(onconnected).not.toHaveBeenCalled();

      await user.click(within(error).getByTestId("connect-retry"));
      expect(mocked.startOauthLogin).toHaveBeenCalledTimes(2);
      expect(await screen.findByTestId("oauth-progress")).toBeInTheDocument();
    });

    it("stops polling when cancelled", async () => {
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      mocked.oauthLogins.mockResolvedValue([]);
      open([AUTH_CODE]);
      await startLogin(user);
      await vi.advanceTimersByTimeAsync(1000);
      await user.click(screen.getByTestId("oauth-cancel"));
      const calls = mocked.oauthLogins.mock.calls.length;
      await vi.advanceTimersByTimeAsync(3000);
      expect(mocked.oauthLogins.mock.calls.length).toBe(calls);
      expect(screen.getByTestId("connect-browser")).toBeInTheDocument();
    });
  });
});
