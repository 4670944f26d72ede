//! Connections: connect, list (masked), rename, replace a secret, approve, re-authorize,
//! disconnect.

use patchbay_core::desktop::{self, ApprovalPrompt, ConnectForm, IpcError, PatternInputs};
use patchbay_core::model::{Connection, SecretSummary};
use patchbay_core::oauth::{LoginReport, LoginStarted, OAuthLoginRequest};
use patchbay_core::{Patchbay, Secret};
use tauri::{AppHandle, State};

use crate::state::{AppState, Reply};

/// Every connection, with masked secret keys only (never values).
#[tauri::command]
pub async fn list_connections(state: State<'_, AppState>) -> Reply<Vec<Connection>> {
    state.with(Patchbay::list_connections)
}

/// A connection's secrets as masks (`••••1234` at most).
#[tauri::command]
pub async fn connection_secrets(
    state: State<'_, AppState>,
    name: String,
) -> Reply<Vec<SecretSummary>> {
    state.with(|pb| pb.masked_secrets(&name))
}

/// The inputs the connect dialog shows, per auth pattern of type `slug`.
#[tauri::command]
pub async fn connect_inputs(state: State<'_, AppState>, slug: String) -> Reply<Vec<PatternInputs>> {
    state.with(|pb| pb.get_type(&slug).map(|t| PatternInputs::of_type(&t)))
}

/// The `CUSTOM_API_…` variable a connection name gets; `None` when it has no letter or digit.
#[tauri::command]
pub async fn env_name_for(name: String) -> Reply<Option<String>> {
    Ok(patchbay_core::envname::env_name(&name))
}

/// Connects a static-credential pattern (API key, bearer, basic, custom headers, HMAC, none).
#[tauri::command]
pub async fn connect(state: State<'_, AppState>, form: ConnectForm) -> Reply<Connection> {
    state.with(|pb| pb.connect(form.into()))
}

/// Connects an OAuth2 client-credentials pattern (fetches the first token).
#[tauri::command]
pub async fn connect_client_credentials(
    state: State<'_, AppState>,
    form: ConnectForm,
) -> Reply<Connection> {
    Ok(desktop::connect_client_credentials(state.opener()?, form).await?)
}

/// Starts an OAuth browser login for a new connection: opens the system browser and returns the
/// authorize URL and the redirect URI to register. The client secret goes into the core only.
#[tauri::command]
pub async fn start_oauth_login(
    state: State<'_, AppState>,
    request: OAuthLoginRequest,
) -> Reply<LoginStarted> {
    state.with_broker(|pb, broker| broker.start(pb, request))
}

/// How the most recent OAuth logins ended (masked messages), oldest first.
#[tauri::command]
pub async fn oauth_logins(state: State<'_, AppState>) -> Reply<Vec<LoginReport>> {
    state.broker().map(|b| b.reports())
}

/// A new browser login for an existing authorization-code connection.
#[tauri::command]
pub async fn reauthorize_login(state: State<'_, AppState>, name: String) -> Reply<LoginStarted> {
    state.with_broker(|pb, broker| broker.start_reauthorize(pb, &name))
}

/// A new token for an existing client-credentials connection.
#[tauri::command]
pub async fn reauthorize_client_credentials(
    state: State<'_, AppState>,
    name: String,
) -> Reply<Connection> {
    Ok(desktop::reauthorize_client_credentials(state.opener()?, name).await?)
}

#[tauri::command]
pub async fn rename_connection(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> Reply<Connection> {
    state.with(|pb| pb.rename_connection(&name, &new_name))
}

/// Replaces one secret in place; the value goes into the vault and is never sent back.
#[tauri::command]
pub async fn set_secret(
    state: State<'_, AppState>,
    name: String,
    key: String,
    value: Secret,
) -> Reply<()> {
    state.with(|pb| pb.set_secret(&name, &key, value))
}

/// Resumes a connection paused after its type was re-pointed — only when the person confirms in
/// a native dialog naming the connection and where its credentials would now go. Asked from the
/// page alone, it stays paused; the connection comes back either way (check its status).
#[tauri::command]
pub async fn approve_connection(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> Reply<Connection> {
    let prompt = state.with(|pb| ApprovalPrompt::of(pb, &name))?;
    let (title, message) = (&prompt.title, &prompt.message);
    if state
        .dialogs
        .confirm(&app, title, message, prompt.approve, prompt.keep)
        .await
    {
        state.with(|pb| prompt.approve(pb))
    } else {
        state.with(|pb| pb.get_connection(&name))
    }
}

/// Lets agents (the MCP server) send writes through the connection, or stops them.
#[tauri::command]
pub async fn set_agent_writes(
    state: State<'_, AppState>,
    name: String,
    allowed: bool,
) -> Reply<Connection> {
    state.with(|pb| pb.set_agent_writes(&name, allowed))
}

/// Revokes an OAuth grant (a refusal comes back as a warning) and deletes the connection.
#[tauri::command]
pub async fn disconnect(state: State<'_, AppState>, name: String) -> Reply<Option<String>> {
    desktop::disconnect(state.opener()?, name)
        .await
        .map_err(IpcError::from)
}
