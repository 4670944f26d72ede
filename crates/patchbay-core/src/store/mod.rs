//! The SQLite store: one database file in the data folder, WAL journal, foreign keys on, every
//! write in a transaction. Types and connections live in plain tables; secret values live in the
//! `secrets` table only as vault envelopes.

pub mod connections;
pub mod history;
pub mod migrations;
pub mod oauth_tokens;
pub mod types;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::{private_fs, CoreError, Result};

pub const DB_FILE: &str = "patchbay.db";

/// An RFC 3339 UTC timestamp, second precision: how every time is stored and shown.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    ///
    /// The folder is made `0700` and the database `0600` before SQLite opens it, so the `-wal`
    /// and `-shm` files SQLite creates next to it get the same mode (SQLite gives its journal
    /// files the database file's permissions); all three are checked once open.
    pub fn open(data_dir: &Path) -> Result<Store> {
        private_fs::create_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        private_fs::create_file_if_missing(&path)?;
        let mut conn = Connection::open(&path).map_err(|source| CoreError::Store {
            context: format!("opening {}", path.display()),
            source,
        })?;
        // WAL keeps readers (the app) and a writer (the CLI) from blocking each other;
        // synchronous=FULL makes a committed import survive power loss, not only a crash;
        // secure_delete overwrites freed pages so removed envelopes do not linger.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;
             PRAGMA busy_timeout = 5000;",
        )
        .map_err(CoreError::store("configuring the database"))?;
        migrations::migrate(&mut conn, &path)?;
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if suffix.is_empty() || file.exists() {
                private_fs::restrict_file(&file)?;
            }
        }
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in an IMMEDIATE transaction: all of it is committed, or none of it (an error
    /// or a panic in `f` rolls back; a kill -9 leaves the last committed state).
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        // IMMEDIATE takes the write lock at BEGIN, so a concurrent writer waits (busy_timeout)
        // instead of failing halfway through a read-modify-write. Patchbay never nests writes.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(CoreError::store("starting a transaction"))?;
        let value = f(&tx)?;
        tx.commit()
            .map_err(CoreError::store("committing a transaction"))?;
        Ok(value)
    }
}
