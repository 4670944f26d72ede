//! The auth patterns every importer builds (OpenAPI, Postman, curl), in one place, so a
//! pattern imported from any source collects the same fields.

use serde_json::{json, Value};

/// A required secret field.
pub(crate) fn secret_field(name: &str, label: &str) -> Value {
    json!({"field_name": name, "label": label, "input_type": "password", "required": true})
}

/// `basic` with a required username and a secret password.
pub(crate) fn basic() -> Value {
    json!({"type": "basic", "fields": [
        {"field_name": "username", "label": "Username", "required": true},
        secret_field("password", "Password")
    ]})
}

/// `bearer` with a secret token.
pub(crate) fn bearer() -> Value {
    json!({"type": "bearer", "fields": [secret_field("token", "Token")]})
}

/// `api_key` in a header or the query (`location`), under `name`; the field is `api_key`.
pub(crate) fn api_key(location: &str, name: &str) -> Value {
    json!({
        "type": "api_key",
        "fields": [secret_field("api_key", name)],
        "api_key": {"in": location, "name": name}
    })
}
