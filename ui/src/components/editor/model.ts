// The type editor's data: an IntegrationDef edited in place, built from a stored type or empty
// for a new one, with new auth patterns pre-filled so that they validate as soon as they are
// added (the defaults mirror crates/patchbay-core/src/model/auth.rs and oauth.rs). Inputs bind
// to plain strings, so `cleanDef` turns empty optional strings back into absent keys before the
// def is checked or saved.
import type {
  Action,
  AuthPattern,
  AuthType,
  FieldSpec,
  HmacConfig,
  IntegrationDef,
  IntegrationType,
  OAuthConfig,
} from "../../bindings";

export const AUTH_TYPES: AuthType[] = [
  "none",
  "api_key",
  "bearer",
  "basic",
  "custom_headers",
  "hmac",
  "oauth2_authorization_code",
  "oauth2_client_credentials",
];

export const isOAuth = (t: AuthType) =>
  t === "oauth2_authorization_code" || t === "oauth2_client_credentials";

export function fieldSpec(field_name: string, label: string, secret: boolean, required = true): FieldSpec {
  return {
    field_name,
    label,
    input_type: secret ? "password" : "text",
    hint: "",
    required,
    secret,
  };
}

export function defaultHmac(): HmacConfig {
  return {
    secret_field: "secret",
    signature_header: "X-Signature",
    timestamp_header: "X-Timestamp",
    encoding: "hex",
  };
}

export function defaultOAuth(): OAuthConfig {
  return {
    available_scopes: [],
    authorize_params: {},
    token_params: {},
    client_auth: "basic_header",
    pkce_enabled: true,
    redirect_style: "deep_link",
  };
}

/** A pattern of the given type with what it needs to validate (its key field, headers, ...). */
export function newPattern(type: AuthType): AuthPattern {
  const pattern: AuthPattern = {
    type,
    display_name: "",
    description: "",
    fields: [],
    account_fields: [],
    headers: [],
    auth_field_mutations: [],
    is_mcp: false,
  };
  switch (type) {
    case "api_key":
      pattern.api_key = { in: "header", name: "X-API-Key", field: "api_key" };
      pattern.fields = [fieldSpec("api_key", "API key", true)];
      break;
    case "bearer":
      pattern.fields = [fieldSpec("token", "Token", true)];
      break;
    case "basic":
      pattern.fields = [fieldSpec("username", "User name", false), fieldSpec("password", "Password", true, false)];
      break;
    case "custom_headers":
      pattern.headers = [{ name: "X-Api-Token", value: "{{token}}" }];
      pattern.fields = [fieldSpec("token", "Token", true)];
      break;
    case "hmac":
      pattern.hmac = defaultHmac();
      pattern.fields = [fieldSpec("secret", "Signing secret", true)];
      break;
    case "oauth2_authorization_code":
    case "oauth2_client_credentials":
      pattern.oauth_config = defaultOAuth();
      break;
    case "none":
      break;
  }
  return pattern;
}

/**
 * The pattern under another type: the blocks of the old type go, the new type's defaults come,
 * and the names, description and non-secret fields (account values like `domain`) stay.
 */
export function retypePattern(old: AuthPattern, type: AuthType): AuthPattern {
  const next = newPattern(type);
  const kept = old.fields.filter((f) => !(f.secret ?? f.input_type === "password"));
  const names = new Set(next.fields.map((f) => f.field_name));
  next.fields = [...next.fields, ...kept.filter((f) => !names.has(f.field_name))];
  next.display_name = old.display_name;
  next.description = old.description;
  next.is_mcp = old.is_mcp;
  if (isOAuth(type) && isOAuth(old.type)) {
    next.oauth_config = old.oauth_config;
    next.account_fields = old.account_fields;
  }
  return next;
}

/** A new type: one API key pattern, nothing else. */
export function emptyDef(): IntegrationDef {
  return {
    slug: "",
    display_name: "",
    description: "",
    base_url: "",
    docs_url: "",
    logo_url: "",
    auth_patterns: [newPattern("api_key")],
    actions: [],
  };
}

export function newAction(existing: Action[]): Action {
  let n = existing.length + 1;
  while (existing.some((a) => a.name === `action_${n}`)) n++;
  return {
    name: `action_${n}`,
    display_name: "",
    description: "",
    method: "GET",
    path: "/",
    query: [],
    headers: [],
    parameters: [],
    requires_auth: true,
  };
}

/** The editable definition inside a stored type (its bookkeeping left out), as a deep copy. */
export function defFromType(t: IntegrationType): IntegrationDef {
  const def: IntegrationDef = {
    slug: t.slug,
    display_name: t.display_name,
    description: t.description,
    base_url: t.base_url,
    docs_url: t.docs_url ?? "",
    logo_url: t.logo_url ?? "",
    auth_patterns: copy(t.auth_patterns),
    actions: copy(t.actions),
  };
  if (t.schema !== undefined && t.schema !== null) def.schema = copy(t.schema);
  return def;
}

/** A deep, plain copy (works on Svelte state proxies, which structuredClone refuses). */
export const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

type Loose = Record<string, unknown>;

/** Drops `key` when it holds an empty string (or a NaN / null number), so the core sees it absent. */
function dropEmpty(obj: Loose | undefined, ...keys: string[]) {
  if (!obj) return;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    if (v === null || v === "" || (typeof v === "number" && Number.isNaN(v))) delete obj[key];
  }
}

/** A plain copy of the def as the core should read it: empty optional values left out. */
export function cleanDef(def: IntegrationDef): IntegrationDef {
  const out = copy(def);
  dropEmpty(out as unknown as Loose, "docs_url", "logo_url");
  for (const p of out.auth_patterns) {
    dropEmpty(p as unknown as Loose, "auth_header_key_override");
    dropEmpty(p.api_key as unknown as Loose, "prefix");
    dropEmpty(p.hmac as unknown as Loose, "key_id_header", "key_id_field", "signature_prefix");
    dropEmpty(
      p.oauth_config as unknown as Loose,
      "authorize_uri",
      "token_uri",
      "user_info_uri",
      "revocation_uri",
      "loopback_port",
    );
  }
  return out;
}
