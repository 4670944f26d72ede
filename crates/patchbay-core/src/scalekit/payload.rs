//! The Scalekit custom-connector payload (`POST /api/v1/custom-providers`), field for field as the
//! `002_` seed documents it.
//!
//! Every struct denies unknown fields so a typo (`auth_pattern`, `fieldz`) is reported with its
//! JSON path instead of being dropped. Optional keys are skipped on output exactly where the seed
//! payloads leave them out, so the serialized form of a mapped definition equals the original
//! payload (see [`super`] for the rules).

use serde::{Deserialize, Serialize};

use crate::model::{FieldMutation, InputType, OAuthScope};

/// One connector (a Scalekit "custom provider").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalekitProvider {
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    pub auth_patterns: Vec<ScalekitAuthPattern>,
    /// Mandatory in Scalekit; becomes the type's `base_url` (`{{domain}}` templates kept).
    pub proxy_url: String,
    /// Mandatory in Scalekit and documented as "should be true". Patchbay has no disabled-proxy
    /// state, so `false` is refused on import rather than silently dropped; a missing value is
    /// read as `true` and written back explicitly.
    #[serde(default = "yes")]
    pub proxy_enabled: bool,
}

/// The four auth types Scalekit supports (`"OAUTH"`, `"BASIC"`, `"BEARER"`, `"API_KEY"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScalekitAuthType {
    Oauth,
    Basic,
    Bearer,
    ApiKey,
}

/// One entry of `auth_patterns[]`.
///
/// `auth_field_mutations` is not specified by the seed beyond "prefix, suffix, or default
/// companion value"; Patchbay accepts (and writes) its own [`FieldMutation`] shape
/// `{"field_name", "prefix"?, "suffix"?, "default_value"?}`, which covers exactly those three
/// transformations. Any other key is rejected with its path, so a differently shaped Scalekit
/// mutation fails loudly instead of being half understood.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalekitAuthPattern {
    #[serde(rename = "type")]
    pub auth_type: ScalekitAuthType,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    /// Written even when empty: every seed payload carries `"fields"`, OAuth ones as `[]`.
    #[serde(default)]
    pub fields: Vec<ScalekitField>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_fields: Vec<ScalekitField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_config: Option<ScalekitOAuthConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header_key_override: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_field_mutations: Vec<FieldMutation>,
    /// Written only when true, as the seed's REST payloads leave it out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_mcp: bool,
}

/// One input of `fields[]` / `account_fields[]`. All five keys are always written, as in the
/// seed. `input_type` accepts Patchbay's input types (`text`, `password`, `email`, `url`,
/// `number`, `textarea`); anything else is an error naming the accepted values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalekitField {
    pub field_name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub input_type: InputType,
    #[serde(default)]
    pub hint: String,
    #[serde(default)]
    pub required: bool,
}

/// `oauth_config`. Scopes use Patchbay's [`OAuthScope`], whose shape (`scope`, `display_name`,
/// `description`, `required`) is Scalekit's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalekitOAuthConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_info_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub available_scopes: Vec<OAuthScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkce_enabled: Option<bool>,
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}
