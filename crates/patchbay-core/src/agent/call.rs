//! `call_api`: an agent's request through a connection, run by the same core as the tester —
//! the auth applied by the engine, the result masked, the call in history marked as an agent's.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::KeyValue;
use crate::request::{
    Caller, CancellationToken, ExecuteOptions, MadeBy, Outcome, RequestBody, RequestSpec,
};
use crate::{Patchbay, Result};

use super::policy::check_agent_may;

/// Characters of a response body an agent gets (the rest is cut, and it is told so).
pub const MAX_AGENT_BODY_CHARS: usize = 100_000;

/// The arguments of `call_api`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiCall {
    /// The connection to call through (as `list_integrations` names it).
    pub connection: String,
    /// HTTP method; agents may only read (GET, HEAD, OPTIONS) unless the connection allows
    /// writes.
    #[serde(default = "default_method")]
    pub method: String,
    /// Path relative to the integration's base URL, e.g. `/v1/invoices`.
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Extra request headers (the connection's auth is added by Patchbay; do not send it, and do
    /// not reference its secrets: `{{api_key}}` and the like are refused everywhere).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body (object or array), or text.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

fn default_method() -> String {
    "GET".to_string()
}

/// What an agent gets back: masked like everything the core returns.
#[derive(Clone, Debug, Serialize)]
pub struct AgentResponse {
    /// The URL as sent (masked).
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body was longer than [`MAX_AGENT_BODY_CHARS`] (or the engine's cap) and was cut.
    pub truncated: bool,
    /// Why the exchange failed (time-out, DNS, TLS, …), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl AgentResponse {
    /// The engine masked the outcome's body before its own cap, over the whole body received;
    /// the agent's cut comes after that, so it can only shorten masked text.
    pub fn from_outcome(outcome: &Outcome) -> AgentResponse {
        let (status, headers, body, cut) = match &outcome.response {
            Some(r) => {
                let text = String::from_utf8_lossy(&r.body.data);
                let cut = text.chars().count() > MAX_AGENT_BODY_CHARS;
                let body: String = text.chars().take(MAX_AGENT_BODY_CHARS).collect();
                (
                    Some(r.status),
                    r.headers
                        .iter()
                        .map(|h| (h.name.clone(), h.value.clone()))
                        .collect(),
                    body,
                    cut || r.body.truncated,
                )
            }
            None => (None, Vec::new(), String::new(), false),
        };
        AgentResponse {
            url: outcome.request.url.clone(),
            status,
            headers,
            body,
            truncated: cut,
            error: outcome.error.as_ref().map(|e| e.message.clone()),
        }
    }

    /// Whether the agent should see this as a failed call.
    pub fn is_error(&self) -> bool {
        self.error.is_some() || self.status.is_none_or(|s| s >= 400)
    }
}

/// Sends `call` through its connection as an agent.
pub async fn call_api(pb: &Patchbay, call: ApiCall) -> Result<AgentResponse> {
    let c = pb.get_connection(&call.connection)?;
    check_agent_may(&c, &call.method)?;
    let body = match call.body {
        None | Some(serde_json::Value::Null) => RequestBody::None,
        Some(serde_json::Value::String(text)) => RequestBody::Text {
            content_type: None,
            text,
        },
        Some(v) => RequestBody::Json(v.to_string()),
    };
    let spec = RequestSpec {
        method: call.method.trim().to_ascii_uppercase(),
        path: call.path,
        query: pairs(call.query),
        headers: pairs(call.headers),
        body,
        // The agent's own text: no placeholder in it may name a secret, and a read-only
        // connection refuses what would turn the read into a write.
        caller: Caller::agent(true, c.agent_writes),
        ..RequestSpec::default()
    };
    send_as_agent(pb, &c.name, spec).await
}

/// Sends `spec` through connection `name`, recorded in history as an agent's call.
pub(crate) async fn send_as_agent(
    pb: &Patchbay,
    name: &str,
    spec: RequestSpec,
) -> Result<AgentResponse> {
    let sent = pb
        .send(
            name,
            spec,
            &ExecuteOptions::default(),
            &CancellationToken::new(),
            MadeBy::Agent,
        )
        .await?;
    Ok(AgentResponse::from_outcome(&sent.outcome))
}

fn pairs(map: BTreeMap<String, String>) -> Vec<KeyValue> {
    map.into_iter()
        .map(|(name, value)| KeyValue { name, value })
        .collect()
}
