// The only place the UI talks to the Rust core. Every command is typed with the bindings
// generated from the Rust types (ui/src/bindings, `make bindings`), and component tests mock
// this module instead of Tauri. Commands reject with an `IpcError` (the core's masked message,
// plus field problems for validation errors and dependents for a type still in use).
// The page never sends a file path: commands that read or write files open the native dialog
// themselves (in Rust) and resolve to `null` when the person cancels it.
import { invoke } from "@tauri-apps/api/core";
import type {
  BodyMode,
  BodyPage,
  BodySearch,
  ConflictPolicy,
  ConnectForm,
  Connection,
  ExportFormat,
  HistoryEntry,
  ImportFormat,
  ImportReport,
  ImportSource,
  IntegrationDef,
  IntegrationType,
  IpcError,
  LoginReport,
  LoginStarted,
  McpCall,
  McpProbe,
  OAuthLoginRequest,
  PatternInputs,
  PickedFile,
  RequestPreview,
  SavedFile,
  SchemaImport,
  SecretSummary,
  TesterRequest,
  TesterResult,
  TypeCheck,
  TypeSummary,
  VaultView,
} from "../bindings";

// ---- types and the editor ----

/** The catalog: one summary per integration type, ordered by slug. */
export const listTypes = () => invoke<TypeSummary[]>("list_types");
export const getType = (slug: string) => invoke<IntegrationType>("get_type", { slug });
/** The editor's live check (field problems, base URL fields, redirect URIs); nothing is saved. */
export const checkType = (def: IntegrationDef) => invoke<TypeCheck>("check_type", { def });
export const createType = (def: IntegrationDef) => invoke<IntegrationType>("create_type", { def });
export const updateType = (slug: string, def: IntegrationDef) =>
  invoke<IntegrationType>("update_type", { slug, def });
export const duplicateType = (slug: string, newSlug?: string) =>
  invoke<IntegrationType>("duplicate_type", { slug, newSlug: newSlug ?? null });
/** Refused (IpcError.dependents) while connections use the type. */
export const deleteType = (slug: string) => invoke<null>("delete_type", { slug });
/** Asks for an OpenAPI/Swagger document in the native dialog and reads it; `null`: cancelled. */
export const readOpenapi = () => invoke<SchemaImport | null>("read_openapi");

// ---- connections ----

/** Every connection; secret values never cross IPC, only their keys. */
export const listConnections = () => invoke<Connection[]>("list_connections");
export const connectionSecrets = (name: string) =>
  invoke<SecretSummary[]>("connection_secrets", { name });
/** The inputs the connect dialog shows, per auth pattern (the core decides which are secret). */
export const connectInputs = (slug: string) => invoke<PatternInputs[]>("connect_inputs", { slug });
/** The `CUSTOM_API_…` variable a connection name would get (`null`: no letter or digit). */
export const envNameFor = (name: string) => invoke<string | null>("env_name_for", { name });
export const connect = (form: ConnectForm) => invoke<Connection>("connect", { form });
export const connectClientCredentials = (form: ConnectForm) =>
  invoke<Connection>("connect_client_credentials", { form });
export const startOauthLogin = (request: OAuthLoginRequest) =>
  invoke<LoginStarted>("start_oauth_login", { request });
export const oauthLogins = () => invoke<LoginReport[]>("oauth_logins");
export const reauthorizeLogin = (name: string) =>
  invoke<LoginStarted>("reauthorize_login", { name });
export const reauthorizeClientCredentials = (name: string) =>
  invoke<Connection>("reauthorize_client_credentials", { name });
export const renameConnection = (name: string, newName: string) =>
  invoke<Connection>("rename_connection", { name, newName });
export const setSecret = (name: string, key: string, value: string) =>
  invoke<null>("set_secret", { name, key, value });
/** Asks the owner in a native dialog; resolves to the connection, still paused if they declined. */
export const approveConnection = (name: string) =>
  invoke<Connection>("approve_connection", { name });
/** Lets agents (the MCP server) send writes through the connection, or stops them. */
export const setAgentWrites = (name: string, allowed: boolean) =>
  invoke<Connection>("set_agent_writes", { name, allowed });
/** Revokes an OAuth grant, deletes the connection; resolves to the provider's warning, if any. */
export const disconnect = (name: string) => invoke<string | null>("disconnect", { name });

// ---- the test request tool ----

export const previewRequest = (request: TesterRequest) =>
  invoke<RequestPreview>("preview_request", { request });
export const curlRequest = (request: TesterRequest) => invoke<string>("curl_request", { request });
export const sendRequest = (requestId: string, request: TesterRequest) =>
  invoke<TesterResult>("send_request", { requestId, request });
export const cancelRequest = (requestId: string) =>
  invoke<boolean>("cancel_request", { requestId });
export const bodyPage = (requestId: string, mode: BodyMode, start: number, count: number) =>
  invoke<BodyPage>("body_page", { requestId, mode, start, count });
export const bodySearch = (requestId: string, mode: BodyMode, query: string) =>
  invoke<BodySearch>("body_search", { requestId, mode, query });
/** Asks where to save in the native dialog and writes the body there; `null`: cancelled. */
export const saveBody = (requestId: string) => invoke<SavedFile | null>("save_body", { requestId });
export const history = (connection: string, limit = 50) =>
  invoke<HistoryEntry[]>("history", { connection, limit });

/** An MCP connection's server: initialize, list tools, optionally call one (masked exchange). */
export const mcpProbe = (connection: string, call?: McpCall) =>
  invoke<McpProbe>("mcp_probe", { connection, call: call ?? null });

// ---- sharing ----

/** Asks for a file to import in the native dialog; the page gets a token for it. `null`: cancelled. */
export const pickImportFile = () => invoke<PickedFile | null>("pick_import_file");
/** What importing a picked or dropped file would do; nothing is written. */
export const previewImport = (source: ImportSource, format: ImportFormat, policy: ConflictPolicy) =>
  invoke<ImportReport>("preview_import", { source, format, policy });
/** Imports a picked or dropped file, all or nothing. */
export const applyImport = (source: ImportSource, format: ImportFormat, policy: ConflictPolicy) =>
  invoke<ImportReport>("apply_import", { source, format, policy });
/** Asks where to save in the native dialog and writes the export there; `null`: cancelled. */
export const exportTypes = (slugs: string[], format: ExportFormat) =>
  invoke<SavedFile | null>("export_types", { slugs, format });

// ---- vault ----

/** How the vault protects secrets, whether it is unlocked, with a warning when weak. */
export const vaultStatus = () => invoke<VaultView>("vault_status");
export const unlockVault = (passphrase: string) => invoke<null>("unlock_vault", { passphrase });

// ---- errors ----

function isIpcError(error: unknown): error is IpcError {
  return typeof error === "object" && error !== null && "message" in error && "problems" in error;
}

/** The text to show for a rejected command. */
export function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  if (isIpcError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The field problems of a rejected command (validation errors), by JSON path. */
export function errorProblems(error: unknown): IpcError["problems"] {
  return isIpcError(error) ? error.problems : [];
}

/** The connections that keep a type from being deleted. */
export function errorDependents(error: unknown): string[] {
  return isIpcError(error) ? error.dependents : [];
}
