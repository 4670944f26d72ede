//! Import and export of bundles: all-or-nothing, with a preview and a conflict policy, and
//! connections paused where a re-import would re-point their credentials (invariant 3).

use serde::Serialize;
use ts_rs::TS;

use crate::bundle::write_bundle;
use crate::ids::{new_id, TYPE_PREFIX};
use crate::import::{convert, ImportFormat, ImportNote};
use crate::model::{IntegrationDef, IntegrationType, Origin};
use crate::store::{self, connections, types};
use crate::{vault, CoreError, Result};

use super::{repoint, secret_aad, Patchbay};

/// What to do with a type whose slug exists with a different definition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    /// Import nothing and list the conflicts.
    #[default]
    Fail,
    /// Keep the existing type.
    Skip,
    /// Overwrite the existing type (connections stay; re-pointed ones pause).
    Replace,
    /// Import under a free slug (`slug-2`).
    Rename,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Create,
    Unchanged,
    Replace,
    Skip,
    Rename,
    Conflict,
}

/// One line of the import preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ImportItem {
    pub slug: String,
    pub display_name: String,
    pub action: ImportAction,
    /// The slug it is stored under (differs for `rename`).
    pub stored_as: String,
    /// Top-level fields that differ from the stored type.
    pub changed_fields: Vec<String>,
    /// Every changed value, with its path and its value before and after.
    pub field_diffs: Vec<super::FieldDiff>,
    /// Connections that will be paused until approved, with the reason.
    pub paused_connections: Vec<String>,
    /// The secrets a connection of this type asks for, as `pattern: field` (`api_key: api_key`):
    /// what the person importing the bundle will need to have at hand. Bundles never hold them.
    pub required_secrets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ImportReport {
    pub source: String,
    /// The format read (`bundle`, `scalekit`, `openapi`).
    pub format: ImportFormat,
    pub dry_run: bool,
    pub items: Vec<ImportItem>,
    /// What the conversion mapped with a remark, and what it dropped and why.
    pub notes: Vec<ImportNote>,
}

impl ImportReport {
    pub fn count(&self, action: ImportAction) -> usize {
        self.items.iter().filter(|i| i.action == action).count()
    }
}

impl Patchbay {
    /// Imports a bundle. `source` names the file in errors and in the imported types' origin.
    /// Nothing is written when `dry_run` is set, when the file has any problem, or when a
    /// conflict meets the `fail` policy.
    pub fn import_bundle(
        &self,
        source: &str,
        text: &str,
        policy: ConflictPolicy,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.import(source, text, ImportFormat::Bundle, policy, dry_run)
    }

    /// Imports a bundle, Scalekit payloads or an OpenAPI/Swagger document (`format`, or detected
    /// with [`ImportFormat::Auto`]), with the same rules as [`Patchbay::import_bundle`].
    pub fn import(
        &self,
        source: &str,
        text: &str,
        format: ImportFormat,
        policy: ConflictPolicy,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let converted = convert(source, text, format)?;
        self.import_converted(source, converted, policy, dry_run)
    }

    /// What an import would do, conflicts included, whatever the policy: the preview a person
    /// reads before choosing a conflict policy (the `fail` policy's refusal is for applying).
    /// Nothing is written.
    pub fn plan_import(
        &self,
        source: &str,
        text: &str,
        format: ImportFormat,
        policy: ConflictPolicy,
    ) -> Result<ImportReport> {
        let converted = convert(source, text, format)?;
        let defs = converted.defs;
        self.store().write(|tx| {
            let mut report = plan(tx, source, &defs, policy, true)?;
            report.format = converted.format;
            report.notes = converted.notes;
            Ok(report)
        })
    }

    fn import_converted(
        &self,
        source: &str,
        converted: crate::import::Converted,
        policy: ConflictPolicy,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let defs = converted.defs;
        self.store().write(|tx| {
            let mut report = plan(tx, source, &defs, policy, dry_run)?;
            report.format = converted.format;
            report.notes = converted.notes;
            if policy == ConflictPolicy::Fail {
                let conflicts: Vec<&str> = report
                    .items
                    .iter()
                    .filter(|i| i.action == ImportAction::Conflict)
                    .map(|i| i.slug.as_str())
                    .collect();
                if !conflicts.is_empty() {
                    return Err(CoreError::Conflict(format!(
                        "{source}: {} type(s) already exist with a different definition: {}. Nothing was imported; choose --on-conflict skip, replace or rename.",
                        conflicts.len(),
                        conflicts.join(", ")
                    )));
                }
            }
            if !dry_run {
                apply(tx, source, &defs, &report)?;
            }
            Ok(report)
        })
    }

    /// Imports a curl command as a type with one action (rules as [`Patchbay::import`]); returns
    /// the credentials it carried, which the type does not hold.
    pub fn import_curl(
        &self,
        source: &str,
        command: &str,
        policy: ConflictPolicy,
        dry_run: bool,
    ) -> Result<(ImportReport, crate::import::CurlSecrets)> {
        let (converted, secrets) = crate::import::convert_curl(source, command)?;
        let report = self.import_converted(source, converted, policy, dry_run)?;
        Ok((report, secrets))
    }

    /// The bundle text of the named types (every type when `slugs` is empty). Before returning,
    /// the text is scanned for every secret value in the vault; a hit is an error naming it.
    pub fn export_bundle(&self, slugs: &[String]) -> Result<String> {
        let chosen = self.chosen_types(slugs)?;
        let defs: Vec<&IntegrationDef> = chosen.iter().map(|t| &t.def).collect();
        let text = write_bundle(&defs)?;
        self.scan_for_secrets(&text)?;
        Ok(text)
    }

    /// The named types (every type when `slugs` is empty) as Scalekit custom-provider payloads:
    /// one object for one type, else a list. Scanned for stored secrets like a bundle.
    pub fn export_scalekit(&self, slugs: &[String]) -> Result<String> {
        let chosen = self.chosen_types(slugs)?;
        let defs: Vec<&IntegrationDef> = chosen.iter().map(|t| &t.def).collect();
        let mut value = crate::scalekit::to_scalekit(&defs)?;
        if let (1, serde_json::Value::Array(items)) = (defs.len(), &mut value) {
            value = items.remove(0);
        }
        let mut text = serde_json::to_string_pretty(&value)
            .map_err(|e| CoreError::Invalid(format!("writing Scalekit payloads: {e}")))?;
        text.push('\n');
        self.scan_for_secrets(&text)?;
        Ok(text)
    }

    fn chosen_types(&self, slugs: &[String]) -> Result<Vec<IntegrationType>> {
        Ok(if slugs.is_empty() {
            self.all_types()?
        } else {
            slugs
                .iter()
                .map(|s| self.get_type(s))
                .collect::<Result<_>>()?
        })
    }

    /// Fails if `text` contains the value of any stored secret. Values shorter than 6
    /// characters are skipped: they would match ordinary text by chance.
    pub fn scan_for_secrets(&self, text: &str) -> Result<()> {
        let envelopes = connections::all_secret_envelopes(self.store().conn())?;
        if envelopes.is_empty() {
            return Ok(());
        }
        let key = self.master_key()?;
        for s in envelopes {
            let value = vault::open(key, &secret_aad(&s.connection_id, &s.key), &s.envelope)?;
            if value.expose().chars().count() >= 6 && text.contains(value.expose()) {
                return Err(CoreError::Invalid(format!(
                    "refusing to write: the output contains the secret '{}' of connection '{}'",
                    s.key, s.connection_name
                )));
            }
        }
        Ok(())
    }
}

fn plan(
    db: &rusqlite::Connection,
    source: &str,
    defs: &[IntegrationDef],
    policy: ConflictPolicy,
    dry_run: bool,
) -> Result<ImportReport> {
    let mut items = Vec::with_capacity(defs.len());
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for def in defs {
        let existing = types::by_slug(db, &def.slug)?;
        let item = match existing {
            None => ImportItem::new(def, ImportAction::Create, &def.slug),
            Some(old) if old.def == *def => {
                ImportItem::new(def, ImportAction::Unchanged, &def.slug)
            }
            Some(old) => {
                let (changed, diffs) = super::field_diff::compare(&old.def, def);
                let mut item = match policy {
                    ConflictPolicy::Fail => ImportItem::new(def, ImportAction::Conflict, &def.slug),
                    ConflictPolicy::Skip => ImportItem::new(def, ImportAction::Skip, &def.slug),
                    ConflictPolicy::Replace => {
                        let mut item = ImportItem::new(def, ImportAction::Replace, &def.slug);
                        item.paused_connections =
                            repoint::repointed_connections(db, &old.id, &old.def, def)?
                                .into_iter()
                                .map(|r| format!("{}: {}", r.name, r.reason))
                                .collect();
                        item
                    }
                    ConflictPolicy::Rename => {
                        let slug = free_slug_in(db, &def.slug, &taken)?;
                        ImportItem::new(def, ImportAction::Rename, &slug)
                    }
                };
                item.changed_fields = changed;
                item.field_diffs = diffs;
                item
            }
        };
        taken.insert(item.stored_as.clone());
        items.push(item);
    }
    Ok(ImportReport {
        source: source.to_string(),
        format: ImportFormat::Bundle,
        dry_run,
        notes: Vec::new(),
        items,
    })
}

fn apply(
    db: &rusqlite::Connection,
    source: &str,
    defs: &[IntegrationDef],
    report: &ImportReport,
) -> Result<()> {
    let now = store::now();
    let source_name = std::path::Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    for (def, item) in defs.iter().zip(&report.items) {
        match item.action {
            ImportAction::Create | ImportAction::Rename => {
                let mut def = def.clone();
                def.slug = item.stored_as.clone();
                types::insert(
                    db,
                    &IntegrationType {
                        id: new_id(TYPE_PREFIX),
                        def,
                        origin: Origin::Imported,
                        origin_source: Some(source_name.clone()),
                        editable: false,
                        created_at: now.clone(),
                        updated_at: now.clone(),
                    },
                )?;
            }
            ImportAction::Replace => {
                let mut t = types::by_slug(db, &def.slug)?.ok_or_else(|| {
                    CoreError::Invalid(format!("type '{}' vanished during the import", def.slug))
                })?;
                let old = std::mem::replace(&mut t.def, def.clone());
                t.origin = Origin::Imported;
                t.origin_source = Some(source_name.clone());
                t.editable = false;
                t.updated_at = now.clone();
                types::update(db, &t)?;
                repoint::pause_repointed(
                    db,
                    &t.id,
                    &old,
                    def,
                    &format!("by importing {source_name}"),
                    &now,
                )?;
            }
            ImportAction::Unchanged | ImportAction::Skip | ImportAction::Conflict => {}
        }
    }
    Ok(())
}

impl ImportItem {
    fn new(def: &IntegrationDef, action: ImportAction, stored_as: &str) -> Self {
        ImportItem {
            slug: def.slug.clone(),
            display_name: def.display_name.clone(),
            action,
            stored_as: stored_as.to_string(),
            changed_fields: Vec::new(),
            field_diffs: Vec::new(),
            paused_connections: Vec::new(),
            required_secrets: def
                .auth_patterns
                .iter()
                .flat_map(|p| {
                    p.fields
                        .iter()
                        .filter(|f| f.is_secret())
                        .map(move |f| format!("{}: {}", p.auth_type, f.field_name))
                })
                .collect(),
        }
    }
}

fn free_slug_in(
    db: &rusqlite::Connection,
    base: &str,
    taken: &std::collections::HashSet<String>,
) -> Result<String> {
    for n in 2.. {
        let candidate = format!("{base}-{n}");
        if !taken.contains(&candidate) && !types::slug_exists(db, &candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("an unbounded range always yields a free slug")
}
