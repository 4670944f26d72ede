//! Build script of the desktop app: runs `tauri-build`, which reads `tauri.conf.json` and
//! `capabilities/` and turns them into the compiled-in security configuration.
//!
//! Patchbay's own commands are declared here as an *app manifest*, so `tauri-build` generates an
//! `allow-<command>` permission for each of them. `capabilities/default.json` then lists exactly
//! those permissions: the web view can call these commands and nothing else (DESIGN.md invariant 6).
//! A command missing here cannot be allowed; a typo in the capability file fails the build.

/// Every `#[tauri::command]` in `src-tauri/commands/`, by name.
const COMMANDS: &[&str] = &[
    "list_types",
    "get_type",
    "check_type",
    "create_type",
    "update_type",
    "duplicate_type",
    "delete_type",
    "read_openapi",
    "list_connections",
    "connection_secrets",
    "connect_inputs",
    "env_name_for",
    "connect",
    "connect_client_credentials",
    "start_oauth_login",
    "oauth_logins",
    "reauthorize_login",
    "reauthorize_client_credentials",
    "rename_connection",
    "set_secret",
    "approve_connection",
    "set_agent_writes",
    "disconnect",
    "preview_request",
    "curl_request",
    "send_request",
    "cancel_request",
    "body_page",
    "body_search",
    "save_body",
    "history",
    "mcp_probe",
    "pick_import_file",
    "preview_import",
    "apply_import",
    "export_types",
    "vault_status",
    "unlock_vault",
];

fn main() {
    println!("cargo:rerun-if-changed=ui/dist");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // `{:#}` keeps anyhow's cause chain, which names the offending file or permission.
        panic!("tauri-build failed: {error:#}");
    }
}
