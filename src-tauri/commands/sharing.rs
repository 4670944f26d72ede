//! Import (with its preview) and export, from files picked in a dialog or dropped on the window.

use std::path::PathBuf;

use patchbay_core::desktop::{self, ExportFormat};
use patchbay_core::import::ImportFormat;
use patchbay_core::{ConflictPolicy, ImportReport};
use tauri::State;

use crate::state::{AppState, Reply};

/// What importing `path` would do; nothing is written.
#[tauri::command]
pub async fn preview_import(
    state: State<'_, AppState>,
    path: PathBuf,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::preview_import(pb, &path, format, policy))
}

/// Imports `path`, all or nothing.
#[tauri::command]
pub async fn apply_import(
    state: State<'_, AppState>,
    path: PathBuf,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::apply_import(pb, &path, format, policy))
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

/// What importing a file dropped on the window would do (its text, read by the page).
#[tauri::command]
pub async fn preview_dropped_import(
    state: State<'_, AppState>,
    name: String,
    text: String,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::preview_dropped(pb, &name, &text, format, policy))
}

/// Imports a file dropped on the window, all or nothing.
#[tauri::command]
pub async fn apply_dropped_import(
    state: State<'_, AppState>,
    name: String,
    text: String,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Reply<ImportReport> {
    state.with(|pb| desktop::apply_dropped(pb, &name, &text, format, policy))
}
