//! Creating, editing, duplicating and deleting integration types.

use serde::Serialize;
use ts_rs::TS;

use crate::ids::{new_id, TYPE_PREFIX};
use crate::model::{IntegrationDef, IntegrationType, Origin, TypeSummary};
use crate::store::{self, connections, types};
use crate::validate::validate_def;
use crate::{CoreError, Result};

use super::{repoint, Patchbay};

/// What an edit of a type did.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct TypeUpdate {
    /// The type as stored now.
    pub updated: IntegrationType,
    /// Connections the edit paused because it re-points them, as `name: reason`; each stays
    /// paused until approved (`patchbay connections approve NAME`).
    pub paused_connections: Vec<String>,
}

impl Patchbay {
    pub fn list_types(&self) -> Result<Vec<TypeSummary>> {
        types::summaries(self.store().conn())
    }

    /// Every stored type with its full definition, ordered by slug.
    pub fn all_types(&self) -> Result<Vec<IntegrationType>> {
        types::all(self.store().conn())
    }

    pub fn get_type(&self, slug: &str) -> Result<IntegrationType> {
        types::by_slug(self.store().conn(), slug)?.ok_or_else(|| type_not_found(slug))
    }

    /// Saves a new type written here (editable).
    pub fn create_type(&self, def: IntegrationDef) -> Result<IntegrationType> {
        validate_def(&def).map_err(CoreError::Validation)?;
        let now = store::now();
        let t = IntegrationType {
            id: new_id(TYPE_PREFIX),
            def,
            origin: Origin::Created,
            origin_source: None,
            editable: true,
            created_at: now.clone(),
            updated_at: now,
        };
        self.store().write(|tx| {
            ensure_slug_free(tx, &t.def.slug)?;
            types::insert(tx, &t)
        })?;
        tracing::info!(slug = %t.def.slug, id = %t.id, "created integration type");
        Ok(t)
    }

    /// Replaces the definition of an editable type. The slug may change (a rename). Connections
    /// the new definition re-points are paused (see [`Patchbay::update_type_with_report`]).
    pub fn update_type(&self, slug: &str, def: IntegrationDef) -> Result<IntegrationType> {
        Ok(self.update_type_with_report(slug, def)?.updated)
    }

    /// [`Patchbay::update_type`], also saying which connections it paused: every connection
    /// whose credentials the new definition would send elsewhere (its base URL's origin as
    /// rendered with its own field values and the field mutations, an OAuth endpoint or OAuth
    /// setting) is paused in the same transaction, until its owner approves it.
    pub fn update_type_with_report(&self, slug: &str, def: IntegrationDef) -> Result<TypeUpdate> {
        validate_def(&def).map_err(CoreError::Validation)?;
        let (updated, paused) = self.store().write(|tx| {
            let mut t = types::by_slug(tx, slug)?.ok_or_else(|| type_not_found(slug))?;
            ensure_editable(&t)?;
            if def.slug != t.def.slug {
                ensure_slug_free(tx, &def.slug)?;
            }
            check_auth_still_serves_connections(tx, &t, &def)?;
            let now = store::now();
            let cause = format!("by an edit of the type '{}'", t.def.slug);
            let paused = repoint::pause_repointed(tx, &t.id, &t.def, &def, &cause, &now)?;
            t.def = def;
            t.updated_at = now;
            types::update(tx, &t)?;
            Ok((t, paused))
        })?;
        tracing::info!(slug = %updated.def.slug, paused = paused.len(), "updated integration type");
        Ok(TypeUpdate {
            updated,
            paused_connections: paused
                .into_iter()
                .map(|r| format!("{}: {}", r.name, r.reason))
                .collect(),
        })
    }

    /// Copies a type under a new slug (default `<slug>-copy`), editable: how a user takes
    /// editor rights on an imported type.
    pub fn duplicate_type(&self, slug: &str, new_slug: Option<&str>) -> Result<IntegrationType> {
        let source = self.get_type(slug)?;
        let mut def = source.def.clone();
        def.slug = match new_slug {
            Some(s) => s.to_string(),
            None => free_slug(self, &format!("{slug}-copy"))?,
        };
        if new_slug.is_none() {
            def.display_name = format!("{} (copy)", def.display_name);
        }
        self.create_type(def)
    }

    /// Deletes a type no connection depends on. Imported (read-only) types need `force`.
    pub fn delete_type(&self, slug: &str, force: bool) -> Result<()> {
        self.store().write(|tx| {
            let t = types::by_slug(tx, slug)?.ok_or_else(|| type_not_found(slug))?;
            let dependents = connections::names_for_type(tx, &t.id)?;
            if !dependents.is_empty() {
                return Err(CoreError::TypeInUse {
                    slug: slug.to_string(),
                    connections: dependents,
                });
            }
            if !t.editable && !force {
                return Err(CoreError::Invalid(format!(
                    "integration type '{slug}' is read-only (imported{}). Pass --force to remove it from this machine's catalog.",
                    t.origin_source.as_deref().map(|s| format!(" from {s}")).unwrap_or_default()
                )));
            }
            types::delete(tx, &t.id)
        })?;
        tracing::info!(slug, "deleted integration type");
        Ok(())
    }
}

pub(crate) fn type_not_found(slug: &str) -> CoreError {
    CoreError::NotFound {
        kind: "integration type",
        name: slug.to_string(),
        hint: "; `patchbay types list` shows the slugs".to_string(),
    }
}

fn ensure_editable(t: &IntegrationType) -> Result<()> {
    if t.editable {
        Ok(())
    } else {
        Err(CoreError::ReadOnly {
            slug: t.def.slug.clone(),
            imported_from: t.origin_source.clone(),
        })
    }
}

fn ensure_slug_free(conn: &rusqlite::Connection, slug: &str) -> Result<()> {
    if types::slug_exists(conn, slug)? {
        Err(CoreError::Conflict(format!(
            "an integration type with slug '{slug}' already exists; choose another slug, or edit it with `patchbay types edit {slug} --file FILE`"
        )))
    } else {
        Ok(())
    }
}

/// An edit must not remove the auth pattern an existing connection uses.
fn check_auth_still_serves_connections(
    conn: &rusqlite::Connection,
    t: &IntegrationType,
    new: &IntegrationDef,
) -> Result<()> {
    let orphaned: Vec<String> = connections::all(conn)?
        .into_iter()
        .filter(|c| c.type_id == t.id && new.pattern(c.auth_type).is_none())
        .map(|c| format!("{} ({})", c.name, c.auth_type))
        .collect();
    if orphaned.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Invalid(format!(
            "the new definition of '{}' drops auth patterns that connections use: {}. Keep those patterns or delete the connections first.",
            t.def.slug,
            orphaned.join(", ")
        )))
    }
}

/// `base`, or `base-2`, `base-3`, … whichever is free.
pub(crate) fn free_slug(pb: &Patchbay, base: &str) -> Result<String> {
    let conn = pb.store().conn();
    if !types::slug_exists(conn, base)? {
        return Ok(base.to_string());
    }
    for n in 2.. {
        let candidate = format!("{base}-{n}");
        if !types::slug_exists(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("an unbounded range always yields a free slug")
}
