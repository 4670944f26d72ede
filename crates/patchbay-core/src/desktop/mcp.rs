//! The test request tool's MCP panel for `is_mcp` connections: initialize, list the tools and
//! optionally call one, on a worker, and hand back the whole masked JSON-RPC exchange — also
//! when a step fails, so the person sees how far it got.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::worker::{run_detached, Opener};
use crate::agent::{McpExchange, McpUpstream};
use crate::Result;

/// A tool to call after listing.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct McpCall {
    pub tool: String,
    /// The tool's arguments (a JSON object).
    #[ts(type = "Record<string, unknown>")]
    pub arguments: serde_json::Map<String, serde_json::Value>,
}

/// One of the server's tools.
#[derive(Clone, Debug, Serialize, TS)]
pub struct McpToolInfo {
    pub name: String,
    pub description: String,
}

/// How the conversation went.
#[derive(Clone, Debug, Serialize, TS)]
pub struct McpProbe {
    pub exchanges: Vec<McpExchange>,
    pub tools: Vec<McpToolInfo>,
    /// The step that failed and why (masked); `None` when every step worked.
    #[ts(optional)]
    pub error: Option<String>,
}

/// Talks to the MCP server behind connection `name`.
pub async fn mcp_probe(opener: Opener, name: String, call: Option<McpCall>) -> Result<McpProbe> {
    run_detached(opener, move |pb| {
        Box::pin(async move {
            let mut upstream = McpUpstream::new(name);
            let mut tools = Vec::new();
            let outcome = async {
                upstream.initialize(pb).await?;
                let listed = upstream.list_tools(pb).await?;
                tools = listed
                    .get("tools")
                    .and_then(|t| t.as_array())
                    .map(|all| {
                        all.iter()
                            .map(|t| McpToolInfo {
                                name: t["name"].as_str().unwrap_or_default().to_string(),
                                description: t["description"]
                                    .as_str()
                                    .unwrap_or_default()
                                    .to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(call) = call {
                    upstream
                        .call_tool(pb, &call.tool, serde_json::Value::Object(call.arguments))
                        .await?;
                }
                Ok::<_, crate::CoreError>(())
            }
            .await;
            Ok(McpProbe {
                exchanges: upstream.exchanges,
                tools,
                error: outcome.err().map(|e| e.to_string()),
            })
        })
    })
    .await
}
