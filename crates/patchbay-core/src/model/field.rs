//! Field specs: the inputs a connection collects for an auth pattern (`domain`, `api_key`, ...).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a field is entered. `password` fields are secret unless the spec says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputType {
    #[default]
    Text,
    Password,
    Email,
    Url,
    Number,
    Textarea,
}

/// One input of a connection, in the shape of Scalekit's `fields[]` entries plus an explicit
/// `secret` flag: a Freshdesk-style API key typed into a `text` input is still a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub field_name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub input_type: InputType,
    #[serde(default)]
    pub hint: String,
    #[serde(default)]
    pub required: bool,
    /// `None` means "secret if the input is a password input".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub secret: Option<bool>,
}

impl FieldSpec {
    /// Whether values of this field live in the vault rather than in SQLite.
    pub fn is_secret(&self) -> bool {
        self.secret
            .unwrap_or(self.input_type == InputType::Password)
    }

    /// A field spec Patchbay adds implicitly (for example `client_id` for OAuth patterns).
    pub fn implicit(name: &str, label: &str, secret: bool, required: bool) -> Self {
        FieldSpec {
            field_name: name.to_string(),
            label: label.to_string(),
            input_type: if secret {
                InputType::Password
            } else {
                InputType::Text
            },
            hint: String::new(),
            required,
            secret: Some(secret),
        }
    }
}
