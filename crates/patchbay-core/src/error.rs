//! The core's error type. Every variant carries what a person needs to act on it: which file,
//! which field, which connection — and never a secret value.

use std::path::PathBuf;

use crate::validate::ValidationErrors;
use crate::vault::VaultError;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A definition broke one or more rules; every problem is listed with its field path.
    #[error("{0}")]
    Validation(ValidationErrors),

    #[error("no {kind} named '{name}'{hint}")]
    NotFound {
        kind: &'static str,
        name: String,
        /// Extra guidance such as "run `patchbay types list`"; starts with "; " when present.
        hint: String,
    },

    #[error("{0}")]
    Conflict(String),

    #[error("integration type '{slug}' cannot be deleted: connections depend on it: {}. Delete those connections first (`patchbay connections delete NAME`).", connections.join(", "))]
    TypeInUse {
        slug: String,
        connections: Vec<String>,
    },

    #[error("integration type '{slug}' is read-only: it was imported{}. Run `patchbay types duplicate {slug}` to get an editable copy.", source_note(.imported_from))]
    ReadOnly {
        slug: String,
        imported_from: Option<String>,
    },

    /// A file could not be parsed; `path` is the JSON path of the offending value.
    #[error("{file}: {path}: {message}")]
    Parse {
        file: String,
        path: String,
        message: String,
    },

    #[error("{0}")]
    Invalid(String),

    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("database error while {context}: {source}")]
    Store {
        context: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error("the database {} was written by a newer Patchbay (schema version {found}; this build knows up to {supported}). Upgrade Patchbay, or point --data-dir at another folder.", path.display())]
    NewerDatabase {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(transparent)]
    Vault(#[from] VaultError),

    /// A request refused before anything was sent (template, host, connection state); masked.
    #[error(transparent)]
    Request(#[from] crate::request::RequestError),

    /// An OAuth login, token exchange, refresh or revocation failed; masked.
    #[error(transparent)]
    OAuth(#[from] crate::oauth::OAuthError),
}

fn source_note(source: &Option<String>) -> String {
    match source {
        Some(s) => format!(" from {s}"),
        None => String::new(),
    }
}

impl CoreError {
    pub fn not_found(kind: &'static str, name: impl Into<String>) -> Self {
        CoreError::NotFound {
            kind,
            name: name.into(),
            hint: String::new(),
        }
    }

    pub(crate) fn store(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> CoreError {
        let context = context.into();
        move |source| CoreError::Store { context, source }
    }
}
