//! Writing bundles: deterministic bytes for the same types, whatever order they were stored in.

use super::{requires, BundleEntry, BundleFile, FORMAT, VERSION};
use crate::model::IntegrationDef;
use crate::{CoreError, Result};

/// The bundle text for `defs`: sorted by slug, pretty-printed with two spaces, ending in a
/// newline.
pub fn write_bundle(defs: &[&IntegrationDef]) -> Result<String> {
    let mut sorted: Vec<&IntegrationDef> = defs.to_vec();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    let file = BundleFile {
        format: FORMAT,
        version: VERSION,
        integrations: sorted
            .into_iter()
            .map(|def| BundleEntry {
                def,
                requires: requires(def),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file)
        .map_err(|e| CoreError::Invalid(format!("cannot encode the bundle: {e}")))?;
    text.push('\n');
    Ok(text)
}
