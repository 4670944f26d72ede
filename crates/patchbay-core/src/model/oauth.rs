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
    /// The authorization server's issuer identifier (RFC 8414 `issuer`), e.g.
    /// `https://accounts.example.com`. When set, an authorization response that carries `iss`
    /// (RFC 9207) must carry exactly this value. When not set, an `iss` is accepted only if its
    /// origin is the `authorize_uri`'s origin (see `oauth::IssuerCheck`). It is the `issuer` of
    /// the provider's RFC 8414 / OpenID discovery document, so discovered metadata maps onto it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issuer: Option<String>,
    /// RFC 8414 metadata `authorization_response_iss_parameter_supported`: the provider always
    /// sends `iss` on authorization responses, so a response without it is refused. Needs
    /// `issuer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub authorization_response_iss_parameter_supported: Option<bool>,
    #[serde(default)]
    pub available_scopes: Vec<OAuthScope>,
    /// Extra parameters added to the authorize URL (e.g. `access_type=offline`). Names of
    /// parameters Patchbay sets itself (`state`, `redirect_uri`, `code_challenge`, …) are refused.
    #[serde(default)]
    pub authorize_params: BTreeMap<String, String>,
    /// Extra parameters sent to the token endpoint (e.g. `audience`). Names of parameters
    /// Patchbay sets itself (`grant_type`, `code_verifier`, `client_id`, …) are refused.
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
            issuer: None,
            authorization_response_iss_parameter_supported: None,
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

/// Parameters Patchbay itself sends in the authorize URL or to the token endpoint (or that
/// replace them: a JAR `request`/`request_uri` carries its own set). An `authorize_params` or
/// `token_params` entry with one of these names (compared ignoring ASCII case and surrounding
/// spaces) would duplicate or override the protocol's own value — a fixed `state`, a
/// `code_challenge_method=plain`, another `redirect_uri` or `client_id` — so it is refused when a
/// type is validated and again when a request is built.
pub const PROTOCOL_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "request",
    "request_uri",
    "grant_type",
    "code",
    "code_verifier",
    "refresh_token",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
];

/// Whether an extra parameter named `name` would duplicate one of [`PROTOCOL_PARAMS`].
pub fn is_protocol_param(name: &str) -> bool {
    let name = name.trim();
    PROTOCOL_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name))
}

impl OAuthConfig {
    /// The first extra parameter that duplicates a protocol parameter, as
    /// (`authorize_params` or `token_params`, its name).
    pub fn protocol_param_clash(&self) -> Option<(&'static str, &str)> {
        [
            ("authorize_params", &self.authorize_params),
            ("token_params", &self.token_params),
        ]
        .into_iter()
        .find_map(|(list, params)| {
            params
                .keys()
                .find(|k| is_protocol_param(k))
                .map(|k| (list, k.as_str()))
        })
    }

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
