//! The test request tool: masked preview, send and cancel, the response body paged from Rust,
//! history, copy as curl.

use patchbay_core::desktop::{
    self, BodyMode, BodyPage, BodySearch, McpCall, McpProbe, SavedFile, TesterRequest, TesterResult,
};
use patchbay_core::request::{HistoryEntry, RequestPreview};
use tauri::{AppHandle, State};

use crate::state::{AppState, Reply};

/// The request exactly as it would be sent, every secret masked.
#[tauri::command]
pub async fn preview_request(
    state: State<'_, AppState>,
    request: TesterRequest,
) -> Reply<RequestPreview> {
    state.with(|pb| desktop::preview(pb, &request))
}

/// The request as a curl command line, masked.
#[tauri::command]
pub async fn curl_request(state: State<'_, AppState>, request: TesterRequest) -> Reply<String> {
    state.with(|pb| desktop::curl_masked(pb, &request))
}

/// Sends the request; `request_id` (chosen by the window) is what `cancel_request` names.
#[tauri::command]
pub async fn send_request(
    state: State<'_, AppState>,
    request_id: String,
    request: TesterRequest,
) -> Reply<TesterResult> {
    let opener = state.opener()?;
    Ok(state.tester.send(opener, request_id, request).await?)
}

/// Cancels a request in flight; `false` when it had already ended.
#[tauri::command]
pub async fn cancel_request(state: State<'_, AppState>, request_id: String) -> Reply<bool> {
    Ok(state.tester.cancel(&request_id))
}

/// Lines of a response body, for the viewer's visible window.
#[tauri::command]
pub async fn body_page(
    state: State<'_, AppState>,
    request_id: String,
    mode: BodyMode,
    start: u32,
    count: u32,
) -> Reply<BodyPage> {
    Ok(state.tester.page(&request_id, mode, start, count)?)
}

/// Search in a response body: the matching display lines.
#[tauri::command]
pub async fn body_search(
    state: State<'_, AppState>,
    request_id: String,
    mode: BodyMode,
    query: String,
) -> Reply<BodySearch> {
    Ok(state.tester.search(&request_id, mode, &query)?)
}

/// Saves a response body (masked, as shown) to a file the person chooses in the save dialog;
/// `None` when they cancel.
#[tauri::command]
pub async fn save_body(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: String,
) -> Reply<Option<SavedFile>> {
    let name = state.tester.save_name(&request_id)?;
    let Some(path) = state
        .dialogs
        .save_file(&app, "Save the response body", name)
        .await
    else {
        return Ok(None);
    };
    let bytes = state.tester.save(&request_id, &path)?;
    Ok(Some(SavedFile {
        path: path.display().to_string(),
        bytes,
    }))
}

/// The newest history entries of one connection, newest first.
#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    connection: String,
    limit: u32,
) -> Reply<Vec<HistoryEntry>> {
    state.with(|pb| pb.history(Some(&connection), limit))
}

/// An `is_mcp` connection's server: initialize, list its tools, optionally call one; the whole
/// JSON-RPC exchange comes back masked.
#[tauri::command]
pub async fn mcp_probe(
    state: State<'_, AppState>,
    connection: String,
    call: Option<McpCall>,
) -> Reply<McpProbe> {
    Ok(desktop::mcp_probe(state.opener()?, connection, call).await?)
}
