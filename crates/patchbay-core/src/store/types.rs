//! Rows of `integration_types`. The definition is stored whole as JSON; the columns beside it
//! exist so that listings (10,000 types) never parse a definition.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::model::{AuthType, IntegrationDef, IntegrationType, Origin, TypeSummary};
use crate::{CoreError, Result};

/// Stores a new type.
pub fn insert(conn: &Connection, t: &IntegrationType) -> Result<()> {
    save(conn, t, "saving")
}

/// Replaces the definition (and the catalog columns) of the stored type with `t.id`.
pub fn update(conn: &Connection, t: &IntegrationType) -> Result<()> {
    save(conn, t, "updating")
}

/// One statement for both: the catalog row is inserted or, for an existing id, overwritten
/// (`created_at` is kept); a slug taken by another type still fails on its UNIQUE constraint.
fn save(conn: &Connection, t: &IntegrationType, verb: &str) -> Result<()> {
    let context = || format!("{verb} integration type '{}'", t.def.slug);
    let def_json = definition_json(&t.def)?;
    conn.execute(
        "INSERT INTO integration_types (id, slug, display_name, description, base_url, auth_types,
             is_mcp, has_oauth, action_count, origin, origin_source, editable,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, display_name = excluded.display_name,
             description = excluded.description, base_url = excluded.base_url,
             auth_types = excluded.auth_types, is_mcp = excluded.is_mcp,
             has_oauth = excluded.has_oauth, action_count = excluded.action_count,
             origin = excluded.origin, origin_source = excluded.origin_source,
             editable = excluded.editable, updated_at = excluded.updated_at",
        params![
            t.id,
            t.def.slug,
            t.def.display_name,
            t.def.description,
            t.def.base_url,
            auth_types_column(&t.def),
            t.def.is_mcp(),
            t.def.has_oauth(),
            t.def.actions.len() as i64,
            t.origin.as_str(),
            t.origin_source,
            t.editable,
            t.created_at,
            t.updated_at,
        ],
    )
    .map_err(CoreError::store(context()))?;
    conn.execute(
        "INSERT INTO type_definitions (type_id, definition) VALUES (?1, ?2)
         ON CONFLICT (type_id) DO UPDATE SET definition = excluded.definition",
        params![t.id, def_json],
    )
    .map_err(CoreError::store(context()))?;
    Ok(())
}

/// Deletes a type; its definition row goes with it (ON DELETE CASCADE).
pub fn delete(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM integration_types WHERE id = ?1", [id])
        .map_err(CoreError::store("deleting an integration type"))?;
    Ok(())
}

pub fn by_slug(conn: &Connection, slug: &str) -> Result<Option<IntegrationType>> {
    conn.query_row(
        "SELECT t.id, d.definition, t.origin, t.origin_source, t.editable, t.created_at, t.updated_at
         FROM integration_types t JOIN type_definitions d ON d.type_id = t.id WHERE t.slug = ?1",
        [slug],
        full_row,
    )
    .optional()
    .map_err(CoreError::store(format!(
        "reading integration type '{slug}'"
    )))?
    .transpose()
}

pub fn by_id(conn: &Connection, id: &str) -> Result<Option<IntegrationType>> {
    conn.query_row(
        "SELECT t.id, d.definition, t.origin, t.origin_source, t.editable, t.created_at, t.updated_at
         FROM integration_types t JOIN type_definitions d ON d.type_id = t.id WHERE t.id = ?1",
        [id],
        full_row,
    )
    .optional()
    .map_err(CoreError::store("reading an integration type"))?
    .transpose()
}

/// Every type, ordered by slug.
pub fn all(conn: &Connection) -> Result<Vec<IntegrationType>> {
    let mut stmt = conn
        .prepare(
            "SELECT t.id, d.definition, t.origin, t.origin_source, t.editable, t.created_at, t.updated_at
             FROM integration_types t JOIN type_definitions d ON d.type_id = t.id ORDER BY t.slug",
        )
        .map_err(CoreError::store("listing integration types"))?;
    let rows = stmt
        .query_map([], full_row)
        .map_err(CoreError::store("listing integration types"))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row.map_err(CoreError::store("listing integration types"))??);
    }
    Ok(out)
}

pub fn slug_exists(conn: &Connection, slug: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM integration_types WHERE slug = ?1)",
        [slug],
        |r| r.get(0),
    )
    .map_err(CoreError::store("checking a slug"))
}

/// The catalog: summaries with connection counts, ordered by display name.
pub fn summaries(conn: &Connection) -> Result<Vec<TypeSummary>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT t.id, t.slug, t.display_name, t.description, t.base_url, t.auth_types,
                    t.is_mcp, t.has_oauth, t.origin, t.editable, t.action_count, t.updated_at,
                    COALESCE(c.n, 0)
             FROM integration_types t
             LEFT JOIN (SELECT type_id, COUNT(*) AS n FROM connections GROUP BY type_id) c
                 ON c.type_id = t.id",
        )
        .map_err(CoreError::store("listing integration types"))?;
    let rows = stmt
        .query_map([], |r| {
            let auth: String = r.get(5)?;
            let origin: String = r.get(8)?;
            Ok(TypeSummary {
                id: r.get(0)?,
                slug: r.get(1)?,
                display_name: r.get(2)?,
                description: r.get(3)?,
                base_url: r.get(4)?,
                auth_types: auth.split(',').filter_map(AuthType::parse).collect(),
                is_mcp: r.get(6)?,
                has_oauth: r.get(7)?,
                origin: parse_origin(&origin),
                editable: r.get(9)?,
                action_count: r.get(10)?,
                updated_at: r.get(11)?,
                connection_count: r.get(12)?,
            })
        })
        .map_err(CoreError::store("listing integration types"))?;
    let mut list = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CoreError::store("listing integration types"))?;
    // Sorted here rather than by SQL: a sequential table scan plus an in-memory sort is several
    // times faster than walking a name index with one table lookup per row. The keys follow
    // SQLite's NOCASE collation (ASCII letters fold) and are computed once per row.
    list.sort_by_cached_key(|t| (t.display_name.to_ascii_lowercase(), t.slug.clone()));
    Ok(list)
}

fn full_row(r: &Row<'_>) -> rusqlite::Result<Result<IntegrationType>> {
    let id: String = r.get(0)?;
    let definition: String = r.get(1)?;
    let origin: String = r.get(2)?;
    let def = match serde_json::from_str::<IntegrationDef>(&definition) {
        Ok(def) => def,
        Err(e) => {
            return Ok(Err(CoreError::Invalid(format!(
                "the stored definition of type {id} cannot be read ({e}); the database may have been edited by hand"
            ))))
        }
    };
    Ok(Ok(IntegrationType {
        id,
        def,
        origin: parse_origin(&origin),
        origin_source: r.get(3)?,
        editable: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    }))
}

fn parse_origin(s: &str) -> Origin {
    if s == "imported" {
        Origin::Imported
    } else {
        Origin::Created
    }
}

fn auth_types_column(def: &IntegrationDef) -> String {
    def.auth_patterns
        .iter()
        .map(|p| p.auth_type.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn definition_json(def: &IntegrationDef) -> Result<String> {
    serde_json::to_string(def)
        .map_err(|e| CoreError::Invalid(format!("cannot encode type '{}': {e}", def.slug)))
}
