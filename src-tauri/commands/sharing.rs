//! Import (with its preview) and export, from files picked in a dialog or dropped on the window.

use std::path::PathBuf;

use patchbay_core::desktop::{self, ExportFormat, ImportSource};
use patchbay_core::import::ImportFormat;
use patchbay_core::{ConflictPolicy, ImportReport};
use tauri::State;

use crate::state::{AppState, Reply};

/// What importing `source` would do; nothing is written.
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    source: ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::preview_import(pb, &source, format, policy))
}

/// Imports `source`, all or nothing.
#[tauri::command]
pub async fn apply_import(
    state: State<'_, AppState>,
    source: ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::apply_import(pb, &source, format, policy))
}

/// Exports the types `slugs` to `path`; returns the bytes written.
#[tauri::command]
pub async fn export_types(
    state: State<'_, AppState>,
    slugs: Vec<String>,
    format: ExportFormat,
    path: PathBuf,
) -> Reply<u64> {
    state.with(|pb| desktop::export_to_file(pb, &slugs, format, &path))
}
