//! OAuth 2.0 configuration of an auth pattern (Scalekit's `oauth_config`, extended).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The redirect URI of the desktop app's deep link.
pub const DEEP_LINK_REDIRECT_URI: &str = "patchbay://oauth/callback";

/// One scope a provider offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthScope {
    pub scope: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub required: bool,
}

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthStyle {
    /// `Authorization: Basic base64(client_id:client_secret)` (RFC 6749 §2.3.1, preferred).
    #[default]
    BasicHeader,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

/// Where the authorization server sends the browser back to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RedirectStyle {
    /// `patchbay://oauth/callback`, received by the desktop app.
    #[default]
    DeepLink,
    /// `http://127.0.0.1:<port>/oauth/callback` (RFC 8252), a one-shot local listener.
    Loopback,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub authorize_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_info_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub revocation_uri: Option<String>,
    #[serde(default)]
    pub available_scopes: Vec<OAuthScope>,
    /// Extra parameters added to the authorize URL (e.g. `access_type=offline`).
    #[serde(default)]
    pub authorize_params: BTreeMap<String, String>,
    /// Extra parameters sent to the token endpoint (e.g. `audience`).
    #[serde(default)]
    pub token_params: BTreeMap<String, String>,
    #[serde(default)]
    pub client_auth: ClientAuthStyle,
    #[serde(default = "default_true")]
    pub pkce_enabled: bool,
    #[serde(default)]
    pub redirect_style: RedirectStyle,
    /// Fixed loopback port; `None` picks a free port per login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub loopback_port: Option<u16>,
}

fn default_true() -> bool {
    true
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            authorize_uri: None,
            token_uri: None,
            user_info_uri: None,
            revocation_uri: None,
            available_scopes: Vec::new(),
            authorize_params: BTreeMap::new(),
            token_params: BTreeMap::new(),
            client_auth: ClientAuthStyle::BasicHeader,
            pkce_enabled: true,
            redirect_style: RedirectStyle::DeepLink,
            loopback_port: None,
        }
    }
}

impl OAuthConfig {
    /// The redirect URI to register with the provider; `None` for a loopback redirect on a random
    /// port, which is only known when a login starts.
    pub fn redirect_uri(&self) -> Option<String> {
        match (self.redirect_style, self.loopback_port) {
            (RedirectStyle::DeepLink, _) => Some(DEEP_LINK_REDIRECT_URI.to_string()),
            (RedirectStyle::Loopback, Some(port)) => {
                Some(format!("http://127.0.0.1:{port}/oauth/callback"))
            }
            (RedirectStyle::Loopback, None) => None,
        }
    }
}
