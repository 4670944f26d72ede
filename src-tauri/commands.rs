//! The IPC commands the web view may call. Each one is a one-line adapter into
//! `patchbay_core` (DESIGN.md, "Layout"): if a command needs logic, that logic belongs in the
//! core, where the CLI and the tests reach it too.
//!
//! Commands are `async` so Tauri runs them off the main thread: a slow keyring probe in
//! `vault_status` must not freeze the window. Errors cross IPC as their `Display` text, which the
//! core guarantees never contains a secret (invariant 1). Every command here must also be listed
//! in `build.rs` and allowed in `capabilities/default.json`.

use patchbay_core::model::{Connection, TypeSummary};
use patchbay_core::oauth::{LoginReport, LoginStarted, OAuthLoginRequest};
use patchbay_core::vault::VaultStatus;
use patchbay_core::Patchbay;
use tauri::State;

use crate::state::AppState;

/// The catalog: one summary per integration type, ordered by slug.
#[tauri::command]
pub async fn list_types(state: State<'_, AppState>) -> Result<Vec<TypeSummary>, String> {
    state.with(Patchbay::list_types)
}

/// Every connection, with masked secret keys only (never values).
#[tauri::command]
pub async fn list_connections(state: State<'_, AppState>) -> Result<Vec<Connection>, String> {
    state.with(Patchbay::list_connections)
}

/// How the vault protects secrets, with a warning to show when the protection is weak.
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> Result<VaultStatus, String> {
    state.with(Patchbay::vault_status)
}

/// Starts an OAuth browser login for a new connection: opens the system browser and returns the
/// authorize URL and the redirect URI to register. The client secret goes into the core only.
#[tauri::command]
pub async fn start_oauth_login(
    state: State<'_, AppState>,
    request: OAuthLoginRequest,
) -> Result<LoginStarted, String> {
    state.with_broker(|pb, broker| broker.start(pb, request))
}

/// How the most recent OAuth logins ended (masked messages), oldest first.
#[tauri::command]
pub async fn oauth_logins(state: State<'_, AppState>) -> Result<Vec<LoginReport>, String> {
    state.broker().map(|b| b.reports())
}
