//! Import and export from files the person picked in a dialog or dropped on the window.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::files::{check_import_size, read_import_file, write_atomically};
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

/// Where an import's text comes from: a file picked in the dialog (read here), or a file dropped
/// on the window, whose text the page read (HTML drag and drop gives no path; Tauri's own drop
/// events would need the event permission, which the window does not have).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportSource {
    File {
        #[ts(type = "string")]
        path: PathBuf,
    },
    Dropped {
        name: String,
        text: String,
    },
}

impl ImportSource {
    /// The name errors and the imported types' origin give, and the text; both sources have
    /// the same size limit.
    fn read(&self) -> Result<(String, std::borrow::Cow<'_, str>)> {
        match self {
            ImportSource::File { path } => {
                Ok((path.display().to_string(), read_import_file(path)?.into()))
            }
            ImportSource::Dropped { name, text } => {
                check_import_size(name, text.len() as u64)?;
                Ok((name.clone(), text.as_str().into()))
            }
        }
    }
}

/// What an import would do (nothing is written): one line per type with its field-level
/// changes, the connections it would pause, the secrets it needs, and the notes. Conflicts are
/// listed (action `conflict`) under the `fail` policy rather than refused, so the person can
/// pick another policy; applying under `fail` still refuses them.
pub fn preview_import(
    pb: &Patchbay,
    source: &ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let (name, text) = source.read()?;
    pb.plan_import(&name, &text, format, policy)
}

/// Imports, all or nothing.
pub fn apply_import(
    pb: &Patchbay,
    source: &ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let (name, text) = source.read()?;
    pb.import(&name, &text, format, policy, false)
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
