//! Everything `patchbay import` reads, turned into integration definitions: Patchbay bundles,
//! Scalekit custom-provider payloads, OpenAPI 3.x / Swagger 2.0 documents (JSON or YAML) and
//! Postman v2.1 collections.
//!
//! Each converter reports what it mapped and what it dropped, with the JSON path and the reason
//! ([`ImportNote`]); every definition is validated before anything is stored, and the caller
//! applies all of them in one transaction or none.

mod curl;
mod openapi;
mod patterns;
mod postman;
mod yaml;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::bundle::bundle_from_value;
use crate::json_input::{parse_error, parse_json};
use crate::model::IntegrationDef;
use crate::validate::def_problems;
use crate::{CoreError, Result};

/// The largest input read: a 10,000-type bundle is about 10 MB, the largest public OpenAPI
/// documents about 20 MB.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// The formats `patchbay import --format` names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// Decided from the content.
    #[default]
    Auto,
    Bundle,
    Scalekit,
    Openapi,
    Postman,
    /// A curl command (`patchbay import --curl`), never detected from a file.
    Curl,
}

impl ImportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Auto => "auto",
            ImportFormat::Bundle => "bundle",
            ImportFormat::Scalekit => "scalekit",
            ImportFormat::Openapi => "openapi",
            ImportFormat::Postman => "postman",
            ImportFormat::Curl => "curl",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Mapped, with something worth knowing (a default filled in, a rename).
    Mapped,
    /// Not imported, and why.
    Dropped,
}

/// One line of an import's report: where in the source, and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportNote {
    pub kind: NoteKind,
    /// Path in the source document (`components.securitySchemes.oidc`).
    pub path: String,
    pub message: String,
}

/// The definitions read from one source, with the notes of the conversion.
#[derive(Debug)]
pub struct Converted {
    pub format: ImportFormat,
    pub defs: Vec<IntegrationDef>,
    pub notes: Vec<ImportNote>,
}

/// Reads `text` (named `source` in errors) as `format`, detecting it when `Auto`.
pub fn convert(source: &str, text: &str, format: ImportFormat) -> Result<Converted> {
    check_size(source, text)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value = parse_document(source, text)?;
    let format = match format {
        ImportFormat::Auto => detect(&value),
        f => f,
    };
    match format {
        // One type per file (what `types create --file` reads) is a bundle of one.
        ImportFormat::Bundle if is_single_type(&value) => Ok(Converted {
            format,
            defs: vec![checked(source, value)?],
            notes: Vec::new(),
        }),
        ImportFormat::Bundle => Ok(Converted {
            format,
            defs: bundle_from_value(source, value)?.integrations,
            notes: Vec::new(),
        }),
        ImportFormat::Scalekit => Ok(Converted {
            format,
            defs: crate::scalekit::from_scalekit(source, &value)?,
            notes: Vec::new(),
        }),
        ImportFormat::Postman => {
            let (def, notes) = postman::convert(source, &value)?;
            Ok(Converted {
                format,
                defs: vec![checked(source, def)?],
                notes,
            })
        }
        ImportFormat::Curl => Ok(convert_curl(source, text)?.0),
        ImportFormat::Openapi | ImportFormat::Auto => {
            let (def, notes) = openapi::convert(source, &value)?;
            Ok(Converted {
                format: ImportFormat::Openapi,
                defs: vec![checked(source, def)?],
                notes,
            })
        }
    }
}

pub use curl::CurlSecrets;

/// A `curl …` command as a type with one action, and the credentials it carried (taken out of
/// the type, for the caller to offer to keep in a connection).
pub fn convert_curl(source: &str, command: &str) -> Result<(Converted, CurlSecrets)> {
    check_size(source, command)?;
    let (def, notes, secrets) = curl::convert(source, command)?;
    Ok((
        Converted {
            format: ImportFormat::Curl,
            defs: vec![checked(source, def)?],
            notes,
        },
        secrets,
    ))
}

/// Action names already taken in one conversion; a repeated name gets `_2`, `_3`, ….
#[derive(Default)]
pub(crate) struct ActionNames(std::collections::HashSet<String>);

impl ActionNames {
    pub(crate) fn unique(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

fn check_size(source: &str, text: &str) -> Result<()> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(parse_error(
            source,
            "$",
            format!(
                "the file is {:.1} MB; Patchbay imports at most {} MiB at once (split it)",
                text.len() as f64 / 1e6,
                MAX_IMPORT_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// What a parsed document is: a bundle (or something that tries to be one: it has a `format` or
/// `integrations`), an OpenAPI/Swagger document, else Scalekit payloads.
fn detect(v: &Value) -> ImportFormat {
    if v.get("format").is_some() || v.get("integrations").is_some() || is_single_type(v) {
        ImportFormat::Bundle
    } else if v.get("openapi").is_some() || v.get("swagger").is_some() {
        ImportFormat::Openapi
    } else if postman::looks_like_postman(v) {
        ImportFormat::Postman
    } else {
        ImportFormat::Scalekit
    }
}

/// A lone integration type: an object with a `slug` and a `base_url` (Scalekit payloads have
/// neither), not wrapped in a bundle.
fn is_single_type(v: &Value) -> bool {
    v.get("slug").is_some() && v.get("base_url").is_some() && v.get("format").is_none()
}

/// A converted definition, deserialized and validated; problems name the source.
fn checked(source: &str, def: Value) -> Result<IntegrationDef> {
    let def: IntegrationDef = serde_path_to_error::deserialize(def).map_err(|e| {
        parse_error(
            source,
            &e.path().to_string(),
            format!("the converted type is not valid: {}", e.inner()),
        )
    })?;
    let problems = def_problems(&def, "");
    if problems.is_empty() {
        return Ok(def);
    }
    Err(CoreError::Parse {
        file: source.to_string(),
        path: "$".into(),
        message: format!(
            "the type converted from it is not valid:\n  {}",
            problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("\n  ")
        ),
    })
}

/// JSON when the text starts like JSON, else YAML (a superset that OpenAPI documents use). Every
/// importer, the window's preview and its OpenAPI schema import read documents through here.
fn parse_document(source: &str, text: &str) -> Result<Value> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return parse_json(source, text);
    }
    yaml::parse_yaml(source, text)
}
