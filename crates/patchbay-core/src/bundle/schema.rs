//! The published JSON Schema of bundle format v1 (`docs/schema/bundle-v1.schema.json`),
//! generated from the same Rust types that read and write bundles, so it cannot drift.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use crate::model::IntegrationDef;

/// A Patchbay bundle: integration types to share, never a secret.
#[derive(JsonSchema)]
#[schemars(title = "Patchbay bundle, format version 1")]
#[allow(dead_code)] // a description for the schema generator, never built
struct Bundle {
    /// Always `patchbay.bundle`.
    #[schemars(regex(pattern = r"^patchbay\.bundle$"))]
    format: String,
    /// Always 1 for this schema; readers migrate older versions.
    #[schemars(range(min = 1, max = 1))]
    version: u64,
    /// Sorted by slug.
    integrations: Vec<Entry>,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Entry {
    #[serde(flatten)]
    def: IntegrationDef,
    /// Per auth pattern type, the names (never values) of the secret fields a connection asks for.
    requires: BTreeMap<String, Vec<String>>,
}

/// The schema as pretty JSON with a trailing newline.
pub fn bundle_schema() -> String {
    let schema = schemars::schema_for!(Bundle);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
