// Sample values of the generated IPC types, shaped exactly like what the core returns.
import type { Connection, TypeSummary, VaultView } from "../bindings";

export function typeSummary(over: Partial<TypeSummary> = {}): TypeSummary {
  const slug = over.slug ?? "acme";
  return {
    id: `it_${slug}`,
    slug,
    display_name: "Acme billing",
    description: "Invoices and customers",
    base_url: "https://{{domain}}/api/v1",
    auth_types: ["api_key"],
    is_mcp: false,
    has_oauth: false,
    origin: "created",
    editable: true,
    connection_count: 0,
    action_count: 0,
    updated_at: "2026-01-02T03:04:05Z",
    ...over,
  };
}

export const TYPES: TypeSummary[] = [
  typeSummary({ slug: "acme", display_name: "Acme billing", connection_count: 1 }),
  typeSummary({
    slug: "globex-crm",
    display_name: "Globex CRM",
    description: "Partner CRM with OAuth",
    base_url: "https://api.globex.example",
    auth_types: ["oauth2_authorization_code", "bearer"],
    has_oauth: true,
    origin: "imported",
    editable: false,
  }),
  typeSummary({
    slug: "initech-agent",
    display_name: "Initech agent tools",
    description: "Internal MCP server",
    base_url: "https://mcp.initech.example",
    auth_types: ["bearer"],
    is_mcp: true,
    connection_count: 2,
  }),
];

export const CONNECTIONS: Connection[] = [
  {
    id: "cn_1",
    name: "Acme prod",
    env_name: "CUSTOM_API_ACME_PROD",
    type_id: "it_acme",
    type_slug: "acme",
    auth_type: "api_key",
    fields: { domain: "acme.example" },
    secret_keys: ["api_key"],
    status: "ok",
    agent_writes: false,
    last_used_at: "2026-01-02T03:04:05Z",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-02T03:04:05Z",
  },
  {
    id: "cn_2",
    name: "Initech staging",
    env_name: "CUSTOM_API_INITECH_STAGING",
    type_id: "it_initech-agent",
    type_slug: "initech-agent",
    auth_type: "bearer",
    fields: {},
    secret_keys: ["token"],
    status: "paused",
    agent_writes: false,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  },
];

export const KEYRING_VAULT: VaultView = {
  status: {
    initialized: true,
    mode: "keyring",
    description: "OS keyring (Secret Service)",
    keyring_available: true,
  },
  unlocked: true,
  needs_passphrase: false,
};

export const PASSPHRASE_VAULT: VaultView = {
  status: {
    initialized: true,
    mode: "passphrase",
    description: "passphrase",
    keyring_available: false,
    warning:
      "No OS keyring is available: only your passphrase protects the secrets on this machine.",
  },
  unlocked: true,
  needs_passphrase: false,
};
