//! Bundle format v1: the shareable, secret-free file of integration types.
//!
//! ```json
//! {"format": "patchbay.bundle", "version": 1, "integrations": [{ …definition…, "requires": {…} }]}
//! ```
//! Entries are sorted by slug and keys come in a fixed order, so a bundle diffs cleanly in git.
//! `requires` names, per auth pattern, the secret fields a connection will ask for — names only.

mod read;
mod schema;
mod write;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::IntegrationDef;

pub use read::{bundle_from_value, parse_bundle, parse_definition, ParsedBundle};
pub use schema::bundle_schema;
pub use write::write_bundle;

pub const FORMAT: &str = "patchbay.bundle";
pub const VERSION: u64 = 1;

/// One entry as written: the definition followed by what connecting requires.
#[derive(Serialize)]
pub(crate) struct BundleEntry<'a> {
    #[serde(flatten)]
    pub def: &'a IntegrationDef,
    pub requires: BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
pub(crate) struct BundleFile<'a> {
    pub format: &'static str,
    pub version: u64,
    pub integrations: Vec<BundleEntry<'a>>,
}

/// For each auth pattern, the names of the secret fields a connection will ask for.
pub fn requires(def: &IntegrationDef) -> BTreeMap<String, Vec<String>> {
    def.auth_patterns
        .iter()
        .map(|p| {
            let mut names: Vec<String> = p
                .connection_fields()
                .into_iter()
                .filter(|f| f.is_secret())
                .map(|f| f.field_name)
                .collect();
            names.sort();
            (p.auth_type.as_str().to_string(), names)
        })
        .collect()
}
