//! The error every desktop command rejects with: the core's message, plus the field problems of
//! a validation error so the type editor can show each next to its field.

use serde::Serialize;
use ts_rs::TS;

use crate::validate::Problem;
use crate::CoreError;

/// A failed command. `message` is the core's `Display` text, which never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub message: String,
    /// For validation errors: every problem with its JSON-style path
    /// (`auth_patterns[0].api_key.header_name`); empty otherwise.
    pub problems: Vec<Problem>,
    /// For a type that cannot be deleted: the connections that depend on it.
    pub dependents: Vec<String>,
}

impl IpcError {
    pub fn message(message: impl Into<String>) -> IpcError {
        IpcError {
            message: message.into(),
            problems: Vec::new(),
            dependents: Vec::new(),
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(error: CoreError) -> IpcError {
        let mut out = IpcError::message(error.to_string());
        match error {
            CoreError::Validation(v) => out.problems = v.problems,
            CoreError::TypeInUse { connections, .. } => out.dependents = connections,
            _ => {}
        }
        out
    }
}

impl From<String> for IpcError {
    fn from(message: String) -> IpcError {
        IpcError::message(message)
    }
}
