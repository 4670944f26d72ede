//! Integration types: the catalog and the type editor.

use patchbay_core::desktop::{IpcError, SchemaImport, TypeCheck};
use patchbay_core::model::{IntegrationDef, IntegrationType, TypeSummary};
use patchbay_core::Patchbay;
use tauri::{AppHandle, State};

use crate::dialogs::Filter;
use crate::state::{AppState, Reply};

const OPENAPI_FILTERS: &[Filter] = &[
    ("OpenAPI or Swagger", &["json", "yaml", "yml"]),
    ("All files", &["*"]),
];

/// The catalog: one summary per integration type, ordered by slug.
#[tauri::command]
pub async fn list_types(state: State<'_, AppState>) -> Reply<Vec<TypeSummary>> {
    state.with(Patchbay::list_types)
}

/// One type, whole (auth patterns, fields, schema, actions).
#[tauri::command]
pub async fn get_type(state: State<'_, AppState>, slug: String) -> Reply<IntegrationType> {
    state.with(|pb| pb.get_type(&slug))
}

/// The editor's live check; nothing is saved.
#[tauri::command]
pub async fn check_type(def: IntegrationDef) -> Reply<TypeCheck> {
    Ok(TypeCheck::of(&def))
}

#[tauri::command]
pub async fn create_type(
    state: State<'_, AppState>,
    def: IntegrationDef,
) -> Reply<IntegrationType> {
    state.with(|pb| pb.create_type(def))
}

/// Saves an edited type; `slug` is the slug it was loaded under (a rename is a new slug in `def`).
/// The core's update pauses the type's connections whose credentials it would send elsewhere,
/// the same rule as an import: the page cannot re-point a connection without its owner's approval.
#[tauri::command]
pub async fn update_type(
    state: State<'_, AppState>,
    slug: String,
    def: IntegrationDef,
) -> Reply<IntegrationType> {
    state.with(|pb| pb.update_type(&slug, def))
}

/// An editable copy (of a read-only imported type, say) under `new_slug` or a free `slug-copy`.
#[tauri::command]
pub async fn duplicate_type(
    state: State<'_, AppState>,
    slug: String,
    new_slug: Option<String>,
) -> Reply<IntegrationType> {
    state.with(|pb| pb.duplicate_type(&slug, new_slug.as_deref()))
}

/// Deletes a type; refused, with the names of the dependent connections, while any exist.
#[tauri::command]
pub async fn delete_type(state: State<'_, AppState>, slug: String) -> Reply<()> {
    state.with(|pb| pb.delete_type(&slug, false))
}

/// Reads an OpenAPI/Swagger document, for the editor's "Import schema", from a file the person
/// picks in the open dialog; `None` when they cancel.
#[tauri::command]
pub async fn read_openapi(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Reply<Option<SchemaImport>> {
    let picked = state
        .dialogs
        .open_file(&app, "Import an OpenAPI document", OPENAPI_FILTERS);
    match picked.await {
        Some(path) => SchemaImport::read(&path).map(Some).map_err(IpcError::from),
        None => Ok(None),
    }
}
