//! A client for upstream MCP servers (types with `is_mcp: true`) over streamable HTTP, with the
//! connection's auth applied by the request engine: `initialize`, `tools/list`, `tools/call`.
//! Every exchange is kept — the JSON-RPC request (which holds no secret) and the server's
//! answer as the engine returned it (masked) — so the tester can show the conversation.
//!
//! Streamable HTTP (MCP 2025-03-26 and later): each message is a POST to the endpoint; the
//! answer is JSON or an SSE stream whose `data:` events carry JSON-RPC messages; the server may
//! hand out an `Mcp-Session-Id` that later requests must send.

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::model::KeyValue;
use crate::request::{CancellationToken, ExecuteOptions, MadeBy, RequestBody, RequestSpec};
use crate::{CoreError, Patchbay, Result};

/// The protocol version offered in `initialize`.
const PROTOCOL_VERSION: &str = "2025-06-18";

/// One request and its answer.
#[derive(Clone, Debug, Serialize, TS)]
pub struct McpExchange {
    pub method: String,
    /// The JSON-RPC message sent (pretty JSON).
    pub request: String,
    #[ts(optional)]
    pub status: Option<u16>,
    /// The answer as received, masked: a JSON-RPC message, or the SSE stream carrying it.
    pub response: String,
}

pub struct McpUpstream {
    connection: String,
    session: Option<String>,
    protocol: String,
    next_id: u64,
    pub exchanges: Vec<McpExchange>,
}

impl McpUpstream {
    pub fn new(connection: impl Into<String>) -> McpUpstream {
        McpUpstream {
            connection: connection.into(),
            session: None,
            protocol: PROTOCOL_VERSION.to_string(),
            next_id: 1,
            exchanges: Vec::new(),
        }
    }

    /// `initialize`, then the `notifications/initialized` the protocol asks for. Returns the
    /// server's `result` (its name, version and capabilities).
    pub async fn initialize(&mut self, pb: &Patchbay) -> Result<Value> {
        let result = self
            .request(
                pb,
                "initialize",
                json!({
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "patchbay", "version": env!("CARGO_PKG_VERSION")}
                }),
            )
            .await?;
        if let Some(v) = result.get("protocolVersion").and_then(Value::as_str) {
            self.protocol = v.to_string();
        }
        self.post(
            pb,
            "notifications/initialized",
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        )
        .await?;
        Ok(result)
    }

    /// `tools/list`: the server's tools.
    pub async fn list_tools(&mut self, pb: &Patchbay) -> Result<Value> {
        self.request(pb, "tools/list", json!({})).await
    }

    /// `tools/call` of `name` with `arguments`.
    pub async fn call_tool(
        &mut self,
        pb: &Patchbay,
        name: &str,
        arguments: Value,
    ) -> Result<Value> {
        self.request(
            pb,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        )
        .await
    }

    async fn request(&mut self, pb: &Patchbay, method: &str, params: Value) -> Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let text = self.post(pb, method, message).await?;
        let answer = find_answer(&text, id).ok_or_else(|| {
            CoreError::Invalid(format!(
                "the MCP server's answer to {method} holds no JSON-RPC response with id {id}"
            ))
        })?;
        if let Some(error) = answer.get("error") {
            return Err(CoreError::Invalid(format!(
                "the MCP server refused {method}: {}",
                error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("no message")
            )));
        }
        Ok(answer.get("result").cloned().unwrap_or(Value::Null))
    }

    /// POSTs one message and returns the answer's body (masked).
    async fn post(&mut self, pb: &Patchbay, method: &str, message: Value) -> Result<String> {
        let mut headers = vec![
            kv("Accept", "application/json, text/event-stream"),
            kv("MCP-Protocol-Version", &self.protocol),
        ];
        if let Some(s) = &self.session {
            headers.push(kv("Mcp-Session-Id", s));
        }
        let spec = RequestSpec {
            method: "POST".into(),
            path: String::new(),
            headers,
            body: RequestBody::Json(message.to_string()),
            ..RequestSpec::default()
        };
        let sent = pb
            .send(
                &self.connection,
                spec,
                &ExecuteOptions::default(),
                &CancellationToken::new(),
                MadeBy::User,
            )
            .await?;
        let response = sent.outcome.response.as_ref();
        let body = response
            .map(|r| String::from_utf8_lossy(&r.body.data).into_owned())
            .unwrap_or_default();
        self.exchanges.push(McpExchange {
            method: method.to_string(),
            request: serde_json::to_string_pretty(&message).unwrap_or_default(),
            status: response.map(|r| r.status),
            response: body.clone(),
        });
        if let Some(e) = &sent.outcome.error {
            return Err(CoreError::Invalid(format!("{method}: {}", e.message)));
        }
        let r = response.ok_or_else(|| CoreError::Invalid(format!("{method}: no response")))?;
        if !(200..300).contains(&r.status) {
            return Err(CoreError::Invalid(format!(
                "{method}: the MCP server answered {}",
                sent.outcome.summary()
            )));
        }
        if let Some(h) = r
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("mcp-session-id"))
        {
            self.session = Some(h.value.clone());
        }
        Ok(body)
    }
}

fn kv(name: &str, value: &str) -> KeyValue {
    KeyValue {
        name: name.to_string(),
        value: value.to_string(),
    }
}

/// The JSON-RPC response with `id` in a JSON body or in an SSE stream's `data:` events.
fn find_answer(body: &str, id: u64) -> Option<Value> {
    let matches = |v: &Value| v.get("id").and_then(Value::as_u64) == Some(id);
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return match v {
            Value::Array(batch) => batch.into_iter().find(matches),
            v if matches(&v) => Some(v),
            _ => None,
        };
    }
    // SSE: events separated by blank lines; an event's data lines join with newlines.
    body.replace("\r\n", "\n")
        .split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| {
                    l.strip_prefix("data:")
                        .map(|d| d.strip_prefix(' ').unwrap_or(d))
                })
                .collect();
            (!data.is_empty()).then(|| data.join("\n"))
        })
        .filter_map(|d| serde_json::from_str::<Value>(&d).ok())
        .find(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_found_in_json_and_in_sse_streams() {
        assert_eq!(
            find_answer(r#"{"jsonrpc":"2.0","id":3,"result":{"ok":true}}"#, 3).unwrap()["result"]
                ["ok"],
            true
        );
        let sse = "event: message\nid: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\n\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[]}}\n\n";
        assert!(find_answer(sse, 2).unwrap()["result"]["tools"].is_array());
        assert!(find_answer(sse, 9).is_none());
    }
}
