//! Rows of `connections` and `secrets`. Secret values arrive here already sealed by the vault.

use std::collections::BTreeMap;

use rusqlite::{params, Connection as Db, OptionalExtension, Row};

use crate::model::{AuthType, Connection, ConnectionStatus, OAuthTokenInfo};
use crate::{CoreError, Result};

const SELECT: &str = "SELECT c.id, c.name, c.env_name, c.type_id, t.slug, c.auth_type, c.fields,
        c.status, c.last_error, c.last_used_at, c.created_at, c.updated_at,
        o.token_type, o.expires_at, o.scope, o.account, o.refreshed_at, c.agent_writes
    FROM connections c JOIN integration_types t ON t.id = c.type_id
    LEFT JOIN oauth_tokens o ON o.connection_id = c.id";

pub fn insert(db: &Db, c: &Connection) -> Result<()> {
    db.execute(
        "INSERT INTO connections (id, type_id, name, env_name, auth_type, fields, status,
             last_error, last_used_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            c.id,
            c.type_id,
            c.name,
            c.env_name,
            c.auth_type.as_str(),
            fields_json(&c.fields),
            c.status.as_str(),
            c.last_error,
            c.last_used_at,
            c.created_at,
            c.updated_at,
        ],
    )
    .map_err(CoreError::store(format!("saving connection '{}'", c.name)))?;
    Ok(())
}

pub fn by_name(db: &Db, name: &str) -> Result<Option<Connection>> {
    let found = db
        .query_row(&format!("{SELECT} WHERE c.name = ?1"), [name], row)
        .optional()
        .map_err(CoreError::store(format!("reading connection '{name}'")))?;
    found.map(|c| with_secret_keys(db, c)).transpose()
}

/// The connection whose environment name is `env_name` (names that differ only in punctuation
/// or case share one).
pub fn by_env_name(db: &Db, env_name: &str) -> Result<Option<String>> {
    db.query_row(
        "SELECT name FROM connections WHERE env_name = ?1",
        [env_name],
        |r| r.get(0),
    )
    .optional()
    .map_err(CoreError::store("checking a connection name"))
}

pub fn all(db: &Db) -> Result<Vec<Connection>> {
    let mut stmt = db
        .prepare(&format!("{SELECT} ORDER BY c.name COLLATE NOCASE"))
        .map_err(CoreError::store("listing connections"))?;
    let conns = stmt
        .query_map([], row)
        .map_err(CoreError::store("listing connections"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CoreError::store("listing connections"))?;
    let mut keys = all_secret_keys(db)?;
    Ok(conns
        .into_iter()
        .map(|mut c| {
            c.secret_keys = keys.remove(&c.id).unwrap_or_default();
            c
        })
        .collect())
}

/// Names of the connections of one type, sorted.
pub fn names_for_type(db: &Db, type_id: &str) -> Result<Vec<String>> {
    let mut stmt = db
        .prepare("SELECT name FROM connections WHERE type_id = ?1 ORDER BY name COLLATE NOCASE")
        .map_err(CoreError::store("listing connections of a type"))?;
    let names = stmt
        .query_map([type_id], |r| r.get(0))
        .map_err(CoreError::store("listing connections of a type"))?
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(CoreError::store("listing connections of a type"))?;
    Ok(names)
}

pub fn ids_for_type(db: &Db, type_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = db
        .prepare("SELECT id, name FROM connections WHERE type_id = ?1 ORDER BY name")
        .map_err(CoreError::store("listing connections of a type"))?;
    let rows = stmt
        .query_map([type_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(CoreError::store("listing connections of a type"))?
        .collect::<rusqlite::Result<Vec<(String, String)>>>()
        .map_err(CoreError::store("listing connections of a type"))?;
    Ok(rows)
}

pub fn rename(db: &Db, id: &str, name: &str, env_name: &str, now: &str) -> Result<()> {
    db.execute(
        "UPDATE connections SET name = ?2, env_name = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, name, env_name, now],
    )
    .map_err(CoreError::store("renaming a connection"))?;
    Ok(())
}

pub fn set_status(
    db: &Db,
    id: &str,
    status: ConnectionStatus,
    last_error: Option<&str>,
    now: &str,
) -> Result<()> {
    db.execute(
        "UPDATE connections SET status = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, status.as_str(), last_error, now],
    )
    .map_err(CoreError::store("updating a connection's status"))?;
    Ok(())
}

/// Records that a request went through the connection.
pub fn set_last_used(db: &Db, id: &str, now: &str) -> Result<()> {
    db.execute(
        "UPDATE connections SET last_used_at = ?2 WHERE id = ?1",
        params![id, now],
    )
    .map_err(CoreError::store("updating a connection's last use"))?;
    Ok(())
}

pub fn touch(db: &Db, id: &str, now: &str) -> Result<()> {
    db.execute(
        "UPDATE connections SET updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )
    .map_err(CoreError::store("updating a connection"))?;
    Ok(())
}

/// Removes a connection; its secrets go with it (ON DELETE CASCADE, secure_delete on).
pub fn delete(db: &Db, id: &str) -> Result<()> {
    db.execute("DELETE FROM connections WHERE id = ?1", [id])
        .map_err(CoreError::store("deleting a connection"))?;
    Ok(())
}

/// Inserts or replaces one sealed secret in place.
pub fn put_secret(
    db: &Db,
    connection_id: &str,
    key: &str,
    envelope: &[u8],
    now: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO secrets (connection_id, key, envelope, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (connection_id, key) DO UPDATE SET envelope = excluded.envelope,
             updated_at = excluded.updated_at",
        params![connection_id, key, envelope, now],
    )
    .map_err(CoreError::store("saving a secret"))?;
    Ok(())
}

pub fn secret_envelope(db: &Db, connection_id: &str, key: &str) -> Result<Option<Vec<u8>>> {
    db.query_row(
        "SELECT envelope FROM secrets WHERE connection_id = ?1 AND key = ?2",
        [connection_id, key],
        |r| r.get(0),
    )
    .optional()
    .map_err(CoreError::store("reading a secret"))
}

/// One sealed secret with the names needed to report it.
pub struct SealedSecret {
    pub connection_id: String,
    pub connection_name: String,
    pub key: String,
    pub envelope: Vec<u8>,
}

/// Every sealed secret, ordered by connection name and key.
pub fn all_secret_envelopes(db: &Db) -> Result<Vec<SealedSecret>> {
    let mut stmt = db
        .prepare(
            "SELECT s.connection_id, c.name, s.key, s.envelope FROM secrets s
             JOIN connections c ON c.id = s.connection_id ORDER BY c.name, s.key",
        )
        .map_err(CoreError::store("reading secrets"))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(SealedSecret {
                connection_id: r.get(0)?,
                connection_name: r.get(1)?,
                key: r.get(2)?,
                envelope: r.get(3)?,
            })
        })
        .map_err(CoreError::store("reading secrets"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CoreError::store("reading secrets"))?;
    Ok(rows)
}

fn with_secret_keys(db: &Db, mut c: Connection) -> Result<Connection> {
    let mut stmt = db
        .prepare_cached("SELECT key FROM secrets WHERE connection_id = ?1 ORDER BY key")
        .map_err(CoreError::store("reading secret keys"))?;
    c.secret_keys = stmt
        .query_map([&c.id], |r| r.get(0))
        .map_err(CoreError::store("reading secret keys"))?
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(CoreError::store("reading secret keys"))?;
    Ok(c)
}

fn all_secret_keys(db: &Db) -> Result<BTreeMap<String, Vec<String>>> {
    let mut stmt = db
        .prepare("SELECT connection_id, key FROM secrets ORDER BY connection_id, key")
        .map_err(CoreError::store("reading secret keys"))?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(CoreError::store("reading secret keys"))?;
    for row in rows {
        let (id, key) = row.map_err(CoreError::store("reading secret keys"))?;
        out.entry(id).or_default().push(key);
    }
    Ok(out)
}

fn row(r: &Row<'_>) -> rusqlite::Result<Connection> {
    let auth: String = r.get(5)?;
    let fields: String = r.get(6)?;
    let status: String = r.get(7)?;
    Ok(Connection {
        id: r.get(0)?,
        name: r.get(1)?,
        env_name: r.get(2)?,
        type_id: r.get(3)?,
        type_slug: r.get(4)?,
        auth_type: AuthType::parse(&auth).unwrap_or(AuthType::None),
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        secret_keys: Vec::new(),
        status: ConnectionStatus::parse(&status).unwrap_or(ConnectionStatus::Untested),
        last_error: r.get(8)?,
        last_used_at: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        oauth: match r.get::<_, Option<String>>(12)? {
            Some(token_type) => Some(OAuthTokenInfo {
                token_type,
                expires_at: r.get(13)?,
                scope: r.get(14)?,
                account: r.get(15)?,
                refreshed_at: r.get(16)?,
            }),
            None => None,
        },
        agent_writes: r.get(17)?,
    })
}

/// Turns agent writes (non-GET requests from the MCP server) on or off for a connection.
pub fn set_agent_writes(db: &Db, id: &str, allowed: bool, now: &str) -> Result<()> {
    db.execute(
        "UPDATE connections SET agent_writes = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, allowed, now],
    )
    .map_err(CoreError::store("updating a connection's agent writes"))?;
    Ok(())
}

fn fields_json(fields: &BTreeMap<String, String>) -> String {
    // A map of strings always encodes.
    serde_json::to_string(fields).unwrap_or_else(|_| "{}".to_string())
}
