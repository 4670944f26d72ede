//! What the desktop window asks of the core, in shapes that cross IPC.
//!
//! The Tauri commands in `src-tauri/` are one-line adapters onto this module (DESIGN.md,
//! "Layout"): forms arrive as the serializable types here and are turned into the core's own
//! requests; results go back as masked, serializable types (invariant 1: no secret value is ever
//! serialized). Logic the window needs — paging a 20 MB response body, cancelling a request in
//! flight, running an async operation on its own `Patchbay` — lives here so it is tested without
//! a window.

mod approval;
mod body_view;
mod error;
mod first_screen;
mod forms;
mod mcp;
mod ops;
mod picked;
mod sharing;
mod tester;
mod worker;

pub use approval::ApprovalPrompt;
pub use body_view::{BodyDocument, BodyMode, BodyPage, BodySearch, MAX_DISPLAY_LINE_CHARS};
pub use error::IpcError;
pub use first_screen::{
    first_screen_script, FirstScreen, FIRST_SCREEN_GLOBAL, FIRST_SCREEN_MAX_TYPES,
};
pub use forms::{ConnectForm, PatternInputs, SchemaImport, TesterBody, TesterRequest, TypeCheck};
pub use mcp::{mcp_probe, McpCall, McpProbe, McpToolInfo};
pub use ops::{
    connect_client_credentials, curl_masked, disconnect, preview, reauthorize_client_credentials,
    unlock_with, VaultView,
};
pub use picked::{file_name, PickedFile, PickedFiles, SavedFile, KEPT_PICKS};
pub use sharing::{
    apply_import, default_export_name, export_text, export_to_file, preview_import, save_text,
    ExportFormat, ImportSource,
};
pub use tester::{BodyInfo, Tester, TesterResult, DISPLAY_LIMIT_BYTES, TESTER_MAX_BODY_BYTES};
pub use worker::{run_detached, Borrowed, Opener};
