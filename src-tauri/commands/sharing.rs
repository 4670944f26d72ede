//! Import (with its preview) and export, from files picked in a native dialog Rust opens (the
//! page holds a token, never a path) or dropped on the window (the page sends their text).

use patchbay_core::desktop::{self, ExportFormat, ImportSource, PickedFile, SavedFile};
use patchbay_core::import::ImportFormat;
use patchbay_core::{ConflictPolicy, ImportReport};
use tauri::{AppHandle, State};

use crate::dialogs::Filter;
use crate::state::{AppState, Reply};

/// What the import dialog offers.
pub const IMPORT_FILTERS: &[Filter] = &[
    ("Bundles, OpenAPI, Postman", &["json", "yaml", "yml"]),
    ("All files", &["*"]),
];

/// Asks the person for a file to import; the page gets a token for it (`None`: cancelled).
#[tauri::command]
pub async fn pick_import_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Reply<Option<PickedFile>> {
    let picked = state
        .dialogs
        .open_file(&app, "Import from a file", IMPORT_FILTERS);
    Ok(picked.await.map(|path| state.picks.keep(path)))
}

/// What importing `source` would do; nothing is written.
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    source: ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::preview_import(pb, &state.picks, &source, format, policy))
}

/// Imports `source`, all or nothing.
#[tauri::command]
pub async fn apply_import(
    state: State<'_, AppState>,
    source: ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::apply_import(pb, &state.picks, &source, format, policy))
}

/// Exports the types `slugs` to a file the person chooses in the save dialog; `None` when they
/// cancel. The export is made first, so an unknown type is refused before the dialog opens.
#[tauri::command]
pub async fn export_types(
    app: AppHandle,
    state: State<'_, AppState>,
    slugs: Vec<String>,
    format: ExportFormat,
) -> Reply<Option<SavedFile>> {
    let text = state.with(|pb| desktop::export_text(pb, &slugs, format))?;
    let name = desktop::default_export_name(&slugs, format);
    let Some(path) = state.dialogs.save_file(&app, "Export types", &name).await else {
        return Ok(None);
    };
    Ok(Some(desktop::save_text(&path, &text)?))
}
