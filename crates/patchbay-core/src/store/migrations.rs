//! Embedded schema migrations. Each entry runs once, in order, inside one transaction together
//! with its row in `schema_migrations`; `PRAGMA user_version` mirrors the newest applied version
//! so the newer-database guard can refuse a file this build does not understand.

use std::path::Path;

use rusqlite::Connection;

use crate::{CoreError, Result};

/// (version, name, SQL). Append only: never edit a migration that has shipped.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", V1),
    (2, "request_history", V2),
    (3, "oauth_tokens", V3),
    (4, "agent_writes", V4),
];

pub const LATEST_VERSION: i64 = 4;

const V1: &str = r#"
CREATE TABLE integration_types (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    description    TEXT NOT NULL,
    base_url       TEXT NOT NULL,
    auth_types     TEXT NOT NULL,           -- comma separated, for listings
    is_mcp         INTEGER NOT NULL,
    has_oauth      INTEGER NOT NULL,
    action_count   INTEGER NOT NULL,
    origin         TEXT NOT NULL CHECK (origin IN ('created', 'imported')),
    origin_source  TEXT,
    editable       INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Full definitions live apart from the catalog rows, so that listing 10,000 types reads a few
-- small pages instead of every definition (and its schema) byte by byte.
CREATE TABLE type_definitions (
    type_id    TEXT PRIMARY KEY REFERENCES integration_types(id) ON DELETE CASCADE,
    definition TEXT NOT NULL                -- IntegrationDef as JSON: no secret by construction
);

CREATE TABLE connections (
    id            TEXT PRIMARY KEY,
    type_id       TEXT NOT NULL REFERENCES integration_types(id) ON DELETE RESTRICT,
    name          TEXT NOT NULL UNIQUE,
    env_name      TEXT NOT NULL UNIQUE,
    auth_type     TEXT NOT NULL,
    fields        TEXT NOT NULL,            -- non-secret field values as a JSON object
    status        TEXT NOT NULL,
    last_error    TEXT,
    last_used_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX connections_by_type ON connections(type_id);

-- Secret values, each sealed by the vault (XChaCha20-Poly1305, versioned envelope) with its
-- connection id and key as associated data, so a row cannot be moved to another slot.
CREATE TABLE secrets (
    connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    envelope      BLOB NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (connection_id, key)
);

-- One row: how the vault's master key is obtained, and a sealed check value that tells a wrong
-- passphrase or a foreign keyring entry apart from a right one.
CREATE TABLE vault_meta (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id       TEXT NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('keyring', 'passphrase')),
    kdf_params     TEXT,
    salt           BLOB,
    check_envelope BLOB NOT NULL,
    created_at     TEXT NOT NULL
);
"#;

/// Request history (issue 3): one row per request sent through a connection, every text in it
/// masked before it is written. Rows go with their connection; retention is enforced by the
/// insert (newest N per connection).
const V2: &str = r#"
CREATE TABLE request_history (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id    TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    made_by          TEXT NOT NULL CHECK (made_by IN ('user', 'agent')),
    purpose          TEXT NOT NULL CHECK (purpose IN ('request', 'test')),
    action           TEXT,
    method           TEXT NOT NULL,
    url              TEXT NOT NULL,         -- masked
    request_headers  TEXT NOT NULL,         -- masked, JSON [{name, value}]
    status           INTEGER,
    error            TEXT,                  -- masked, JSON {kind, message, hint}
    timing           TEXT NOT NULL,         -- JSON, milliseconds
    hops             TEXT NOT NULL,         -- masked, JSON: the redirect chain
    response_size    INTEGER,
    response_body    TEXT,                  -- masked, at most the first 64 KiB of a text body
    body_truncated   INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL
);
CREATE INDEX request_history_by_connection ON request_history(connection_id, id);
"#;

/// OAuth bookkeeping (issue 4): what Patchbay knows about a connection's tokens besides their
/// values (which are vault envelopes in `secrets`). `expires_at` NULL means the provider gave no
/// lifetime: the token is refreshed on a 401 only.
const V3: &str = r#"
CREATE TABLE oauth_tokens (
    connection_id  TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    token_type     TEXT NOT NULL,          -- as the provider returned it
    expires_at     INTEGER,                -- Unix seconds
    scope          TEXT,                   -- granted scopes, space-separated
    account        TEXT,                   -- from userinfo: e-mail, user name or subject
    refreshed_at   TEXT,
    updated_at     TEXT NOT NULL
);
"#;

/// Agents (the MCP server, issue 7) may only read through a connection unless its owner turns
/// writes on: the switch is per connection and off for every existing one.
const V4: &str = r#"
ALTER TABLE connections ADD COLUMN agent_writes INTEGER NOT NULL DEFAULT 0;
"#;

/// Brings `conn` to [`LATEST_VERSION`], refusing a database from a newer Patchbay.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(CoreError::store("reading the schema version"))?;
    if found > LATEST_VERSION {
        return Err(CoreError::NewerDatabase {
            path: path.to_path_buf(),
            found,
            supported: LATEST_VERSION,
        });
    }
    if found == LATEST_VERSION {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(CoreError::store("starting the schema migration"))?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );",
    )
    .map_err(CoreError::store("creating schema_migrations"))?;
    // Another process may have migrated between our read and the write lock.
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(CoreError::store("reading the schema version"))?;
    for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > current) {
        tx.execute_batch(sql).map_err(CoreError::store(format!(
            "applying migration {version} ({name})"
        )))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, crate::store::now()],
        )
        .map_err(CoreError::store("recording a migration"))?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))
            .map_err(CoreError::store("setting the schema version"))?;
    }
    tx.commit()
        .map_err(CoreError::store("committing the schema migration"))
}
