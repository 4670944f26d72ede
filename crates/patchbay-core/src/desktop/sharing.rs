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
/// Conflicts are listed (action `conflict`) under the `fail` policy rather than refused, so the
/// person can pick another policy; applying under `fail` still refuses them.
pub fn preview_import(
    pb: &Patchbay,
    path: &Path,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let text = read_import_file(path)?;
    pb.plan_import(&path.display().to_string(), &text, format, policy)
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

/// The size limit of a dropped file's text (the same as a file read from disk).
fn check_dropped(name: &str, text: &str) -> Result<()> {
    if text.len() > crate::import::MAX_IMPORT_BYTES {
        return Err(crate::CoreError::Invalid(format!(
            "{name}: the file is {} MiB; imports are limited to {} MiB",
            text.len() / (1024 * 1024),
            crate::import::MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// [`preview_import`] of a file dropped on the window: the web view reads a dropped file's
/// text (HTML drag and drop gives it no path), `name` is its file name for errors and origin.
pub fn preview_dropped(
    pb: &Patchbay,
    name: &str,
    text: &str,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    check_dropped(name, text)?;
    pb.plan_import(name, text, format, policy)
}

/// [`apply_import`] of a dropped file.
pub fn apply_dropped(
    pb: &Patchbay,
    name: &str,
    text: &str,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    check_dropped(name, text)?;
    pb.import(name, text, format, policy, false)
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
