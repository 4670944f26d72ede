//! Rows of `request_history`. Entries arrive masked (see `request::history`); this module only
//! stores, lists and prunes them.

use rusqlite::{params, Connection as Db, Row};

use crate::request::{HistoryEntry, MadeBy, Purpose};
use crate::{CoreError, Result};

/// Inserts `e` and prunes the connection's history to its newest `keep` rows, in the caller's
/// transaction. Returns the new row's id.
pub fn insert(db: &Db, e: &HistoryEntry, keep: u32) -> Result<i64> {
    db.execute(
        "INSERT INTO request_history (connection_id, made_by, purpose, action, method, url,
             request_headers, status, error, timing, hops, response_size, response_body,
             body_truncated, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            e.connection_id,
            e.made_by.as_str(),
            e.purpose.as_str(),
            e.action,
            e.method,
            e.url,
            json(&e.request_headers),
            e.status,
            e.error.as_ref().map(json),
            json(&e.timing),
            json(&e.hops),
            e.response_size
                .map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
            e.response_body,
            e.response_body_truncated,
            e.created_at,
        ],
    )
    .map_err(CoreError::store("saving request history"))?;
    let id = db.last_insert_rowid();
    db.execute(
        "DELETE FROM request_history WHERE connection_id = ?1 AND id NOT IN
             (SELECT id FROM request_history WHERE connection_id = ?1 ORDER BY id DESC LIMIT ?2)",
        params![e.connection_id, keep],
    )
    .map_err(CoreError::store("pruning request history"))?;
    Ok(id)
}

/// The newest `limit` entries, of one connection or of all, newest first.
pub fn list(db: &Db, connection_id: Option<&str>, limit: u32) -> Result<Vec<HistoryEntry>> {
    let mut stmt = db
        .prepare_cached(
            "SELECT h.id, h.connection_id, c.name, h.made_by, h.purpose, h.action, h.method, h.url,
                    h.request_headers, h.status, h.error, h.timing, h.hops, h.response_size,
                    h.response_body, h.body_truncated, h.created_at
             FROM request_history h JOIN connections c ON c.id = h.connection_id
             WHERE ?1 IS NULL OR h.connection_id = ?1
             ORDER BY h.id DESC LIMIT ?2",
        )
        .map_err(CoreError::store("reading request history"))?;
    let rows = stmt
        .query_map(params![connection_id, limit], row)
        .map_err(CoreError::store("reading request history"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(CoreError::store("reading request history"))?;
    Ok(rows)
}

fn row(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let error: Option<String> = r.get(10)?;
    let size: Option<i64> = r.get(13)?;
    Ok(HistoryEntry {
        id: r.get(0)?,
        connection_id: r.get(1)?,
        connection: r.get(2)?,
        made_by: MadeBy::parse(&text(3)?).unwrap_or(MadeBy::User),
        purpose: if text(4)? == "test" {
            Purpose::Test
        } else {
            Purpose::Request
        },
        action: r.get(5)?,
        method: r.get(6)?,
        url: r.get(7)?,
        request_headers: serde_json::from_str(&text(8)?).unwrap_or_default(),
        status: r.get(9)?,
        error: error.and_then(|e| serde_json::from_str(&e).ok()),
        timing: serde_json::from_str(&text(11)?).unwrap_or_default(),
        hops: serde_json::from_str(&text(12)?).unwrap_or_default(),
        response_size: size.and_then(|s| u64::try_from(s).ok()),
        response_body: r.get(14)?,
        response_body_truncated: r.get(15)?,
        created_at: r.get(16)?,
    })
}

/// JSON text of a history column (plain data of strings and numbers always encodes).
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}
