//! Import and export from files the person picked in a native dialog (opened by Rust, the page
//! only holds a token, see [`super::picked`]) or dropped on the window.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::picked::{PickedFiles, SavedFile};
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

/// Where an import's text comes from: a file picked in the native dialog, named by the token
/// [`PickedFiles`] handed out (read here), or a file dropped on the window, whose text the page
/// read (HTML drag and drop gives no path; Tauri's own drop events would need the event
/// permission, which the window does not have). There is no variant with a path: the page never
/// chooses which file is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ImportSource {
    Picked { token: String },
    Dropped { name: String, text: String },
}

impl ImportSource {
    /// The name errors and the imported types' origin give, and the text; both sources have
    /// the same size limit.
    fn read(&self, picks: &PickedFiles) -> Result<(String, std::borrow::Cow<'_, str>)> {
        match self {
            ImportSource::Picked { token } => {
                let path = picks.path(token)?;
                Ok((path.display().to_string(), read_import_file(&path)?.into()))
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
    picks: &PickedFiles,
    source: &ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let (name, text) = source.read(picks)?;
    pb.plan_import(&name, &text, format, policy)
}

/// Imports, all or nothing.
pub fn apply_import(
    pb: &Patchbay,
    picks: &PickedFiles,
    source: &ImportSource,
    format: ImportFormat,
    policy: ConflictPolicy,
) -> Result<ImportReport> {
    let (name, text) = source.read(picks)?;
    pb.import(&name, &text, format, policy, false)
}

/// Writes the types `slugs` to `path` (atomically); returns the bytes written.
pub fn export_to_file(
    pb: &Patchbay,
    slugs: &[String],
    format: ExportFormat,
    path: &Path,
) -> Result<u64> {
    let text = export_text(pb, slugs, format)?;
    Ok(save_text(path, &text)?.bytes)
}

/// The export of `slugs` as text, made before the save dialog opens so an unknown slug or a
/// stored secret is refused without asking where to save.
pub fn export_text(pb: &Patchbay, slugs: &[String], format: ExportFormat) -> Result<String> {
    match format {
        ExportFormat::Bundle => pb.export_bundle(slugs),
        ExportFormat::Scalekit => pb.export_scalekit(slugs),
    }
}

/// Writes `text` to `path` (a path a native save dialog returned), atomically.
pub fn save_text(path: &Path, text: &str) -> Result<SavedFile> {
    write_atomically(path, text.as_bytes())?;
    Ok(SavedFile {
        path: path.display().to_string(),
        bytes: text.len() as u64,
    })
}

/// The name the save dialog starts with: `acme.patchbay.json`, `patchbay-bundle.json`, …
/// (slugs are validated: lower-case letters, digits and dashes, so never a path).
pub fn default_export_name(slugs: &[String], format: ExportFormat) -> String {
    let kind = match format {
        ExportFormat::Bundle => "patchbay",
        ExportFormat::Scalekit => "scalekit",
    };
    match slugs {
        [one] if one.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            format!("{one}.{kind}.json")
        }
        _ => format!(
            "patchbay-{}.json",
            if kind == "patchbay" { "bundle" } else { kind }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_export_name_is_never_a_path() {
        let one = |s: &str| vec![s.to_string()];
        assert_eq!(
            default_export_name(&one("acme"), ExportFormat::Bundle),
            "acme.patchbay.json"
        );
        assert_eq!(
            default_export_name(&one("acme"), ExportFormat::Scalekit),
            "acme.scalekit.json"
        );
        let two = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            default_export_name(&two, ExportFormat::Bundle),
            "patchbay-bundle.json"
        );
        assert_eq!(
            default_export_name(&two, ExportFormat::Scalekit),
            "patchbay-scalekit.json"
        );
        assert_eq!(
            default_export_name(&one("../../.bashrc"), ExportFormat::Bundle),
            "patchbay-bundle.json"
        );
    }

    #[test]
    fn a_source_with_a_path_is_not_an_import_source() {
        for attack in [
            r#"{"kind": "file", "path": "/etc/passwd"}"#,
            r#"{"kind": "picked", "token": "x", "path": "/etc/passwd"}"#,
            r#"{"kind": "dropped", "name": "a.json", "text": "{}", "path": "/etc/passwd"}"#,
        ] {
            assert!(
                serde_json::from_str::<ImportSource>(attack).is_err(),
                "{attack} must be refused"
            );
        }
    }
}
