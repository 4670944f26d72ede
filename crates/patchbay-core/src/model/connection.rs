//! Connections: one account's credentials for one type and one auth pattern.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::auth::AuthType;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Never checked with a test request.
    Untested,
    Ok,
    /// The last request failed; `last_error` says why.
    Failing,
    /// OAuth grant rejected; the user must log in again.
    NeedsReauthorization,
    /// The type's host or auth changed on re-import; nothing is sent until the user approves.
    Paused,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Untested => "untested",
            ConnectionStatus::Ok => "ok",
            ConnectionStatus::Failing => "failing",
            ConnectionStatus::NeedsReauthorization => "needs_reauthorization",
            ConnectionStatus::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<ConnectionStatus> {
        [
            ConnectionStatus::Untested,
            ConnectionStatus::Ok,
            ConnectionStatus::Failing,
            ConnectionStatus::NeedsReauthorization,
            ConnectionStatus::Paused,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A stored secret as the outside world may see it: its key and a mask (`••••` plus at most the
/// last four characters of values of 16 characters or more).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecretSummary {
    pub key: String,
    pub masked: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Connection {
    /// `cn_…`
    pub id: String,
    pub name: String,
    /// `CUSTOM_API_<NAME>`
    pub env_name: String,
    pub type_id: String,
    pub type_slug: String,
    pub auth_type: AuthType,
    /// Non-secret field values (`domain`, `tenant_id`, ...).
    pub fields: BTreeMap<String, String>,
    /// Keys of the secrets held in the vault, sorted; values never leave the core.
    pub secret_keys: Vec<String>,
    pub status: ConnectionStatus,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// OAuth connections: what is known about the current token (never its value).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthTokenInfo>,
    /// Whether agents (the MCP server) may send requests that change things (anything but
    /// GET, HEAD and OPTIONS) through this connection. Off unless its owner turns it on.
    #[serde(default)]
    pub agent_writes: bool,
}

/// An OAuth connection's token, described without its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OAuthTokenInfo {
    /// As the provider returned it (`Bearer`, `bearer`, …); sent as `<token_type> <token>`.
    pub token_type: String,
    /// Unix seconds; absent when the provider gave no lifetime (refreshed on a 401 only).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Granted scopes, space-separated.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The account the login was for (from the userinfo endpoint), when the type has one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// RFC 3339 UTC time of the last refresh.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refreshed_at: Option<String>,
}
