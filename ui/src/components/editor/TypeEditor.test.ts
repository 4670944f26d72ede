// Component tests of the type editor with the IPC module mocked: what a save sends, where the
// core's problems are shown, how the auth pattern form follows the pattern's type, the OAuth
// redirect URI, read-only types and the OpenAPI import.
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IntegrationDef, IntegrationType, IpcError, TypeCheck } from "../../bindings";
import * as ipc from "../../lib/ipc";
import TypeEditor from "./TypeEditor.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  getType: vi.fn(),
  checkType: vi.fn(),
  createType: vi.fn(),
  updateType: vi.fn(),
  duplicateType: vi.fn(),
  readOpenapi: vi.fn(),
}));

const mocked = vi.mocked(ipc);

/** What the core's live check answers, computed like TypeCheck::of for the parts tested here. */
function fakeCheck(def: IntegrationDef): TypeCheck {
  return {
    problems: [],
    base_url_fields: [...def.base_url.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]),
    redirect_uris: def.auth_patterns.map((p) => {
      const c = p.oauth_config;
      if (p.type !== "oauth2_authorization_code" || !c) return null;
      if (c.redirect_style === "deep_link") return "patchbay://oauth/callback";
      return c.loopback_port ? `http://127.0.0.1:${c.loopback_port}/oauth/callback` : null;
    }),
  };
}

const ACME: IntegrationType = {
  id: "it_acme",
  origin: "created",
  editable: true,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  slug: "acme",
  display_name: "Acme billing",
  description: "Invoices",
  base_url: "https://{{domain}}/api",
  auth_patterns: [
    {
      type: "bearer",
      display_name: "",
      description: "",
      fields: [
        { field_name: "domain", label: "Domain", input_type: "text", hint: "", required: true },
        { field_name: "token", label: "Token", input_type: "password", hint: "", required: true },
      ],
      account_fields: [],
      headers: [],
      auth_field_mutations: [],
      is_mcp: false,
    },
  ],
  actions: [
    {
      name: "me",
      display_name: "Who am I",
      description: "",
      method: "GET",
      path: "/me",
      query: [],
      headers: [],
      parameters: [],
      requires_auth: true,
    },
  ],
};

beforeEach(() => {
  vi.clearAllMocks();
  mocked.checkType.mockImplementation(async (def) => fakeCheck(def));
  mocked.getType.mockResolvedValue(structuredClone(ACME));
});

function setup(slug: string | null) {
  const props = { slug, onsaved: vi.fn(), onclose: vi.fn(), onduplicated: vi.fn() };
  render(TypeEditor, props);
  return { props, user: userEvent.setup() };
}

/** The last def sent to createType / updateType. */
const lastSent = (fn: typeof mocked.createType | typeof mocked.updateType) =>
  fn.mock.calls.at(-1)!.at(-1) as IntegrationDef;

describe("saving", () => {
  it("creates a new type from an empty def with one API key pattern", async () => {
    mocked.createType.mockImplementation(async (def) => ({ ...ACME, ...def }));
    const { props, user } = setup(null);

    await user.type(screen.getByTestId("editor-slug"), "globex");
    await user.type(screen.getByTestId("editor-name"), "Globex");
    await user.type(screen.getByTestId("editor-base-url"), "https://{{{{tenant}}.globex.example");
    await waitFor(() =>
      expect(screen.getAllByTestId("base-url-field").map((c) => c.textContent)).toEqual(["tenant"]),
    );
    expect(mocked.checkType).toHaveBeenCalled();
    await user.click(screen.getByTestId("add-base-url-field"));
    await user.click(screen.getByTestId("editor-save"));

    expect(mocked.createType).toHaveBeenCalledOnce();
    expect(lastSent(mocked.createType)).toEqual({
      slug: "globex",
      display_name: "Globex",
      description: "",
      base_url: "https://{{tenant}}.globex.example",
      auth_patterns: [
        {
          type: "api_key",
          display_name: "",
          description: "",
          fields: [
            { field_name: "api_key", label: "API key", input_type: "password", hint: "", required: true, secret: true },
            { field_name: "tenant", label: "tenant", input_type: "text", hint: "", required: true, secret: false },
          ],
          account_fields: [],
          api_key: { in: "header", name: "X-API-Key", field: "api_key" },
          headers: [],
          auth_field_mutations: [],
          is_mcp: false,
        },
      ],
      actions: [],
    });
    expect(props.onsaved).toHaveBeenCalledWith(expect.objectContaining({ slug: "globex" }));
  });

  it("updates a stored type under its original slug, with edited fields and actions", async () => {
    mocked.updateType.mockImplementation(async (_slug, def) => ({ ...ACME, ...def }));
    const { props, user } = setup("acme");
    const name = await screen.findByTestId("editor-name");
    expect(name).toHaveValue("Acme billing");

    await user.clear(screen.getByTestId("editor-slug"));
    await user.type(screen.getByTestId("editor-slug"), "acme-v2");
    await user.clear(name);
    await user.type(name, "Acme v2");
    await user.type(screen.getByTestId("editor-docs-url"), "https://docs.acme.example");
    await user.click(screen.getByTestId("add-action"));
    const path = screen.getAllByTestId("action-path").at(-1)!;
    await user.clear(path);
    await user.type(path, "/invoices");
    await user.selectOptions(screen.getAllByTestId("action-method").at(-1)!, "POST");
    await user.click(screen.getByTestId("editor-save"));

    expect(mocked.updateType).toHaveBeenCalledOnce();
    expect(mocked.updateType.mock.calls[0][0]).toBe("acme");
    const sent = lastSent(mocked.updateType);
    expect(sent).toMatchObject({ slug: "acme-v2", display_name: "Acme v2", docs_url: "https://docs.acme.example" });
    expect(sent).not.toHaveProperty("logo_url");
    expect(sent).not.toHaveProperty("id");
    expect(sent.auth_patterns).toEqual(ACME.auth_patterns);
    expect(sent.actions.map((a) => [a.name, a.method, a.path])).toEqual([
      ["me", "GET", "/me"],
      ["action_2", "POST", "/invoices"],
    ]);
    expect(props.onsaved).toHaveBeenCalledOnce();
  });

  it("shows each problem of a refused save next to its field and all of them in a summary", async () => {
    const refusal: IpcError = {
      message: "integration type 'acme' is invalid (3 problems)",
      problems: [
        { path: "display_name", message: "must not be empty" },
        { path: "auth_patterns[0].fields[1].field_name", message: "'1token' must be letters, digits and '_'" },
        { path: "auth_patterns[0].auth_field_mutations[0]", message: "does nothing: set at least one of prefix" },
      ],
      dependents: [],
    };
    mocked.updateType.mockRejectedValue(refusal);
    const { props, user } = setup("acme");
    await user.clear(await screen.findByTestId("editor-name"));
    await user.click(screen.getByTestId("editor-save"));

    const summary = await screen.findByTestId("editor-errors");
    expect(within(summary).getAllByRole("listitem")).toHaveLength(3);
    expect(summary).toHaveTextContent("auth_patterns[0].auth_field_mutations[0]");

    const errors = screen.getAllByTestId("field-error");
    expect(errors.map((e) => e.dataset.path)).toEqual(["display_name", "auth_patterns[0].fields[1].field_name"]);
    const nameField = screen.getByTestId("editor-name").closest(".text-field")!;
    expect(within(nameField as HTMLElement).getByTestId("field-error")).toHaveTextContent("must not be empty");
    expect(screen.getByTestId("editor-name")).toHaveAttribute("aria-invalid", "true");
    const spec = screen.getAllByTestId("field-spec")[1];
    expect(within(spec).getByTestId("field-error")).toHaveTextContent("'1token' must be letters");
    expect(props.onsaved).not.toHaveBeenCalled();

    // A summary line about a shown field leads to it; one about no field is text only.
    await waitFor(() => expect(within(summary).getAllByRole("button")).toHaveLength(2));
    await user.click(within(summary).getByRole("button", { name: "display_name" }));
    expect(screen.getByTestId("editor-name")).toHaveFocus();
  });

  it("shows the live check's problems next to their fields while editing", async () => {
    mocked.checkType.mockImplementation(async (def) => ({
      ...fakeCheck(def),
      problems: def.base_url.startsWith("https://") ? [] : [{ path: "base_url", message: "must be an https URL" }],
    }));
    const { user } = setup("acme");
    const url = await screen.findByTestId("editor-base-url");
    await user.clear(url);
    await user.type(url, "ftp://x");
    const error = await screen.findByTestId("field-error");
    expect(error).toHaveAttribute("data-path", "base_url");
    expect(error).toHaveTextContent("must be an https URL");
    expect(screen.queryByTestId("editor-errors")).toBeNull();
  });
});

describe("auth patterns", () => {
  it("switches the form with the pattern's type", async () => {
    const { user } = setup(null);
    expect(screen.getByTestId("apikey-header-name")).toHaveValue("X-API-Key");
    await user.type(screen.getByTestId("apikey-prefix"), "Api-Key ");

    await user.selectOptions(screen.getByTestId("apikey-location"), "query");
    expect(screen.getByTestId("apikey-query-name")).toBeInTheDocument();
    expect(screen.queryByTestId("apikey-header-name")).toBeNull();
    expect(screen.queryByTestId("apikey-prefix")).toBeNull();

    await user.selectOptions(screen.getByTestId("pattern-type"), "oauth2_client_credentials");
    expect(screen.queryByTestId("apikey-location")).toBeNull();
    expect(screen.getByTestId("oauth-token-uri")).toBeInTheDocument();
    expect(screen.queryByTestId("oauth-authorize-uri")).toBeNull();
    expect(screen.queryByTestId("redirect-uri")).toBeNull();

    await user.selectOptions(screen.getByTestId("pattern-type"), "oauth2_authorization_code");
    expect(screen.getByTestId("oauth-authorize-uri")).toBeInTheDocument();
    expect(screen.getByTestId("oauth-pkce")).toBeChecked();
    expect(screen.getByTestId("pattern-type")).toHaveFocus();

    await user.selectOptions(screen.getByTestId("new-pattern-type"), "hmac");
    await user.click(screen.getByTestId("add-pattern"));
    await user.selectOptions(screen.getByTestId("new-pattern-type"), "custom_headers");
    await user.click(screen.getByTestId("add-pattern"));
    expect(screen.getAllByTestId("pattern").map((p) => p.dataset.type)).toEqual([
      "oauth2_authorization_code",
      "hmac",
      "custom_headers",
    ]);
    expect(screen.getByTestId("hmac-signature-header")).toHaveValue("X-Signature");
    expect(screen.getByTestId("header-value")).toHaveValue("{{token}}");

    await user.click(screen.getAllByTestId("pattern-remove")[1]);
    expect(screen.queryByTestId("hmac-signature-header")).toBeNull();
    expect(screen.getAllByTestId("pattern")).toHaveLength(2);
  });

  it("shows the exact redirect URI to register, with a Copy button", async () => {
    const { user } = setup(null);
    await user.selectOptions(screen.getByTestId("pattern-type"), "oauth2_authorization_code");
    expect(await screen.findByTestId("redirect-uri")).toHaveTextContent("patchbay://oauth/callback");
    await user.click(screen.getByTestId("copy-redirect-uri"));
    expect(await navigator.clipboard.readText()).toBe("patchbay://oauth/callback");
    expect(screen.getByText("Copied")).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("oauth-redirect-style"), "loopback");
    expect(await screen.findByTestId("redirect-uri-per-login")).toHaveTextContent("port is chosen per login");
    await user.type(screen.getByTestId("oauth-loopback-port"), "8765");
    await waitFor(() =>
      expect(screen.getByTestId("redirect-uri")).toHaveTextContent("http://127.0.0.1:8765/oauth/callback"),
    );
  });

  it("edits OAuth endpoints, scopes and field specs into the saved def", async () => {
    mocked.createType.mockImplementation(async (def) => ({ ...ACME, ...def }));
    const { user } = setup(null);
    await user.type(screen.getByTestId("editor-slug"), "okta");
    await user.type(screen.getByTestId("editor-name"), "Okta");
    await user.selectOptions(screen.getByTestId("pattern-type"), "oauth2_authorization_code");
    await user.type(screen.getByTestId("oauth-authorize-uri"), "https://id.example/authorize");
    await user.type(screen.getByTestId("oauth-token-uri"), "https://id.example/token");
    await user.click(screen.getByTestId("add-oauth-scope"));
    await user.type(screen.getByTestId("oauth-scope-name"), "openid");
    await user.click(screen.getByTestId("oauth-scope-required"));
    await user.selectOptions(screen.getByTestId("oauth-client-auth"), "body");
    await user.click(screen.getAllByTestId("add-field")[1]);
    const spec = screen.getAllByTestId("field-spec").at(-1)!;
    await user.clear(within(spec).getByTestId("field-name"));
    await user.type(within(spec).getByTestId("field-name"), "tenant_id");
    await user.click(within(spec).getByTestId("field-required"));
    await user.click(screen.getByTestId("editor-save"));

    const pattern = lastSent(mocked.createType).auth_patterns[0];
    expect(pattern.type).toBe("oauth2_authorization_code");
    expect(pattern).not.toHaveProperty("api_key");
    expect(pattern.oauth_config).toEqual({
      authorize_uri: "https://id.example/authorize",
      token_uri: "https://id.example/token",
      available_scopes: [{ scope: "openid", display_name: "", description: "", required: true }],
      authorize_params: {},
      token_params: {},
      client_auth: "body",
      pkce_enabled: true,
      redirect_style: "deep_link",
    });
    expect(pattern.account_fields).toEqual([
      { field_name: "tenant_id", label: "", input_type: "text", hint: "", required: true, secret: false },
    ]);
  });
});

describe("read-only types", () => {
  it("disables every input, says why, and duplicates the type to edit it", async () => {
    mocked.getType.mockResolvedValue({
      ...structuredClone(ACME),
      origin: "imported",
      origin_source: "team/acme.bundle.json",
      editable: false,
    });
    mocked.duplicateType.mockResolvedValue({ ...ACME, slug: "acme-copy" });
    const { props, user } = setup("acme");

    const banner = await screen.findByTestId("readonly-banner");
    expect(banner).toHaveTextContent("imported from team/acme.bundle.json");
    const form = screen.getByTestId("editor-save").closest("form")!;
    const inputs = form.querySelectorAll("input, select, textarea");
    expect(inputs.length).toBeGreaterThan(5);
    for (const input of inputs) expect(input).toBeDisabled();
    expect(screen.getByTestId("editor-save")).toBeDisabled();
    expect(screen.getByTestId("import-schema")).toBeDisabled();

    await user.click(screen.getByTestId("duplicate-to-edit"));
    expect(mocked.duplicateType).toHaveBeenCalledWith("acme");
    expect(props.onduplicated).toHaveBeenCalledWith("acme-copy");

    await user.click(screen.getByTestId("editor-close"));
    expect(props.onclose).toHaveBeenCalledOnce();
  });
});

describe("schema import", () => {
  it("keeps the OpenAPI document and adds the actions the type does not have yet", async () => {
    const schema = { openapi: "3.0.3", info: { title: "Acme API", version: "2.1" } };
    mocked.readOpenapi.mockResolvedValue({
      file: "acme-openapi.yaml",
      schema,
      actions: [
        { ...ACME.actions[0], display_name: "Imported me" },
        { ...ACME.actions[0], name: "list_invoices", display_name: "List invoices", path: "/invoices" },
      ],
      notes: [
        { kind: "mapped", path: "paths./invoices.get", message: "became action list_invoices" },
        { kind: "dropped", path: "components.securitySchemes.mtls", message: "mutual TLS is not supported" },
      ],
    });
    mocked.updateType.mockImplementation(async (_slug, def) => ({ ...ACME, ...def }));
    const { user } = setup("acme");
    await user.click(await screen.findByTestId("import-schema"));

    // The core opens the dialog and reads the file; the page sends no path.
    expect(mocked.readOpenapi).toHaveBeenCalledWith();
    const summary = await screen.findByTestId("schema-summary");
    expect(summary).toHaveTextContent("acme-openapi.yaml: 1 action added, 1 kept as they were (me)");
    expect(summary).toHaveTextContent("1 mapped, 1 dropped");
    expect(screen.getByTestId("schema-attached")).toHaveTextContent("Acme API 2.1");
    expect(screen.getAllByTestId("action-row").map((r) => r.dataset.name)).toEqual(["me", "list_invoices"]);

    await user.click(screen.getByTestId("editor-save"));
    const sent = lastSent(mocked.updateType);
    expect(sent.schema).toEqual(schema);
    expect(sent.actions.map((a) => a.display_name)).toEqual(["Who am I", "List invoices"]);
  });

  it("changes nothing when the file picker is cancelled", async () => {
    mocked.readOpenapi.mockResolvedValue(null);
    const { user } = setup("acme");
    await user.click(await screen.findByTestId("import-schema"));
    expect(mocked.readOpenapi).toHaveBeenCalledOnce();
    expect(screen.queryByTestId("schema-summary")).toBeNull();
    expect(screen.queryByTestId("schema-attached")).toBeNull();
  });
});
