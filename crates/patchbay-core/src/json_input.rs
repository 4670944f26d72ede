//! Helpers for reading JSON a person wrote: errors that name the file, the JSON path and what
//! was found, shared by every importer.

use serde_json::Value;

use crate::{CoreError, Result};

/// Parses `text`, or an error naming `file`, the line and column, and what went wrong.
pub(crate) fn parse_json(file: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| CoreError::Parse {
        file: file.to_string(),
        path: "$".to_string(),
        message: format!(
            "not valid JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            json_error_text(&e)
        ),
    })
}

pub(crate) fn parse_error(file: &str, path: &str, message: impl Into<String>) -> CoreError {
    CoreError::Parse {
        file: file.to_string(),
        path: path.to_string(),
        message: message.into(),
    }
}

/// `prefix` followed by a serde_path_to_error path (`.` meaning the value itself).
pub(crate) fn join_path(prefix: &str, inner: &str) -> String {
    if inner == "." || inner.is_empty() {
        prefix.to_string()
    } else if prefix.is_empty() || inner.starts_with('[') {
        format!("{prefix}{inner}")
    } else {
        format!("{prefix}.{inner}")
    }
}

/// What a JSON value is, in words for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its trailing " at line L column C" (printed separately).
fn json_error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
