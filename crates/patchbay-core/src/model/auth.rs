//! Auth patterns: the ways a connection can authenticate against an integration type.
//!
//! The layout follows Scalekit's `auth_patterns[]` (a `type` plus optional per-kind blocks such as
//! `oauth_config`) so that payloads map one to one and validation paths read naturally
//! (`auth_patterns[1].oauth_config.token_uri`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::field::FieldSpec;
use super::oauth::OAuthConfig;

/// The kinds of authentication Patchbay can apply to a request.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    None,
    ApiKey,
    Bearer,
    Basic,
    CustomHeaders,
    Hmac,
    Oauth2AuthorizationCode,
    Oauth2ClientCredentials,
}

impl AuthType {
    pub const ALL: [AuthType; 8] = [
        AuthType::None,
        AuthType::ApiKey,
        AuthType::Bearer,
        AuthType::Basic,
        AuthType::CustomHeaders,
        AuthType::Hmac,
        AuthType::Oauth2AuthorizationCode,
        AuthType::Oauth2ClientCredentials,
    ];

    /// The snake_case name used in files, the CLI (`--auth`) and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::None => "none",
            AuthType::ApiKey => "api_key",
            AuthType::Bearer => "bearer",
            AuthType::Basic => "basic",
            AuthType::CustomHeaders => "custom_headers",
            AuthType::Hmac => "hmac",
            AuthType::Oauth2AuthorizationCode => "oauth2_authorization_code",
            AuthType::Oauth2ClientCredentials => "oauth2_client_credentials",
        }
    }

    pub fn parse(name: &str) -> Option<AuthType> {
        AuthType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn is_oauth(self) -> bool {
        matches!(
            self,
            AuthType::Oauth2AuthorizationCode | AuthType::Oauth2ClientCredentials
        )
    }
}

impl std::fmt::Display for AuthType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an API key travels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    #[default]
    Header,
    Query,
}

/// API key placement: a header with any name and an optional prefix (`Authorization: Api-Key …`),
/// or a query parameter (`?api_key=…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    #[serde(rename = "in", default)]
    pub location: ApiKeyLocation,
    /// Header or query parameter name.
    pub name: String,
    /// Text put before the key, e.g. `Api-Key ` (header only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prefix: Option<String>,
    /// The connection field holding the key; `api_key` unless named.
    #[serde(default = "default_api_key_field")]
    pub field: String,
}

fn default_api_key_field() -> String {
    "api_key".to_string()
}

/// One header of a `custom_headers` pattern; `value` may reference fields as `{{field}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderTemplate {
    pub name: String,
    pub value: String,
}

/// Encoding of an HMAC signature in its header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HmacEncoding {
    #[default]
    Hex,
    Base64,
}

/// HMAC-SHA256 request signing. The canonical string is defined by the request engine
/// (method, path with query, timestamp and body hash, newline separated).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HmacConfig {
    /// The secret field holding the signing key.
    #[serde(default = "default_hmac_secret_field")]
    pub secret_field: String,
    #[serde(default = "default_signature_header")]
    pub signature_header: String,
    #[serde(default = "default_timestamp_header")]
    pub timestamp_header: String,
    /// Optional header carrying a key id taken from `key_id_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key_id_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key_id_field: Option<String>,
    #[serde(default)]
    pub encoding: HmacEncoding,
    /// Text put before the signature, e.g. `sha256=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub signature_prefix: Option<String>,
}

fn default_hmac_secret_field() -> String {
    "secret".to_string()
}
fn default_signature_header() -> String {
    "X-Signature".to_string()
}
fn default_timestamp_header() -> String {
    "X-Timestamp".to_string()
}

impl Default for HmacConfig {
    fn default() -> Self {
        HmacConfig {
            secret_field: default_hmac_secret_field(),
            signature_header: default_signature_header(),
            timestamp_header: default_timestamp_header(),
            key_id_header: None,
            key_id_field: None,
            encoding: HmacEncoding::Hex,
            signature_prefix: None,
        }
    }
}

/// A transformation applied to a field's value before it is sent (Scalekit's
/// `auth_field_mutations`): a prefix or suffix, or a default used when the value is empty —
/// Freshdesk-style Basic auth sends the API key as user name and a fixed password `X`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldMutation {
    pub field_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub default_value: Option<String>,
}

/// One way to authenticate against a type, with the fields a connection collects for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthPattern {
    #[serde(rename = "type")]
    pub auth_type: AuthType,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    /// Inputs collected when connecting (static credentials and account values like `domain`).
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// Account-scoped inputs for OAuth connections (e.g. a tenant id used in paths).
    #[serde(default)]
    pub account_fields: Vec<FieldSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub api_key: Option<ApiKeyConfig>,
    /// Headers of a `custom_headers` pattern.
    #[serde(default)]
    pub headers: Vec<HeaderTemplate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub hmac: Option<HmacConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub oauth_config: Option<OAuthConfig>,
    /// Header name used instead of `Authorization` (Scalekit's `auth_header_key_override`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub auth_header_key_override: Option<String>,
    #[serde(default)]
    pub auth_field_mutations: Vec<FieldMutation>,
    /// The upstream is an MCP server rather than a REST API.
    #[serde(default)]
    pub is_mcp: bool,
}

impl AuthPattern {
    /// A pattern of the given type with nothing else set.
    pub fn new(auth_type: AuthType) -> Self {
        AuthPattern {
            auth_type,
            display_name: String::new(),
            description: String::new(),
            fields: Vec::new(),
            account_fields: Vec::new(),
            api_key: None,
            headers: Vec::new(),
            hmac: None,
            oauth_config: None,
            auth_header_key_override: None,
            auth_field_mutations: Vec::new(),
            is_mcp: false,
        }
    }

    /// Every input a connection of this pattern collects: the declared `fields` and
    /// `account_fields`, plus the OAuth client credentials Patchbay always asks for.
    pub fn connection_fields(&self) -> Vec<FieldSpec> {
        let mut all: Vec<FieldSpec> = self
            .fields
            .iter()
            .chain(self.account_fields.iter())
            .cloned()
            .collect();
        if self.auth_type.is_oauth() && !self.is_mcp {
            let has = |n: &str, all: &[FieldSpec]| all.iter().any(|f| f.field_name == n);
            if !has("client_id", &all) {
                all.push(FieldSpec::implicit("client_id", "Client ID", false, true));
            }
            if !has("client_secret", &all) {
                let required = self.auth_type == AuthType::Oauth2ClientCredentials;
                all.push(FieldSpec::implicit(
                    "client_secret",
                    "Client secret",
                    true,
                    required,
                ));
            }
        }
        all
    }
}
