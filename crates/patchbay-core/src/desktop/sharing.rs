//! Import and export from files the person picked in a dialog or dropped on the window.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::files::{read_import_file, write_atomically};
use crate::import::ImportFormat;
use crate::{ConflictPolicy, ImportReport, Patchbay, Result};

/// What an export writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Patchbay's own bundle (re-importable anywhere, no secrets).
    #[default]
    Bundle,
    /// Scalekit's connector payloads.
    Scalekit,
}

/// What an import of `path` would do (nothing is written): one line per type with its
/// field-level changes, the connections it would pause, the secrets it needs, and the notes.
pub fn preview_import(
    pb: &Patchbay,
    path: &Path,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let text = read_import_file(path)?;
    pb.import(&path.display().to_string(), &text, format, policy, true)
}

/// Imports `path`, all or nothing.
pub fn apply_import(
    pb: &Patchbay,
    path: &Path,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let text = read_import_file(path)?;
    pb.import(&path.display().to_string(), &text, format, policy, false)
}

/// Writes the types `slugs` to `path` (atomically); returns the bytes written.
pub fn export_to_file(
    pb: &Patchbay,
    slugs: &[String],
    format: ExportFormat,
    path: &Path,
) -> Result<u64> {
    let text = match format {
        ExportFormat::Bundle => pb.export_bundle(slugs)?,
        ExportFormat::Scalekit => pb.export_scalekit(slugs)?,
    };
    write_atomically(path, text.as_bytes())?;
    Ok(text.len() as u64)
}
