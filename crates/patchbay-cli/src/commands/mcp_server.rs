//! `patchbay mcp`: the MCP server over stdio, an adapter from rmcp (the official Rust SDK) onto
//! the core's tools (`patchbay_core::agent`): listing and calling them is all it does.
//!
//! `Patchbay` is not `Sync` and rmcp serves requests concurrently, so each request opens the data
//! folder on a worker of its own (`desktop::run_detached`, as the desktop app does). The vault
//! is opened with the environment's settings only (`PATCHBAY_VAULT_PASSPHRASE` for a passphrase
//! vault): stdin is the protocol channel, nobody can be prompted. Logs go to the log file (and
//! to stderr with -v), never to stdout.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use patchbay_core::agent::{call_tool, tool_list};
use patchbay_core::desktop::{run_detached, Opener};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};

struct PatchbayMcp {
    opener: Opener,
}

impl ServerHandler for PatchbayMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("patchbay", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Patchbay calls custom APIs for you through connections whose secrets you never see. \
                 Start with list_integrations, then describe_integration, then call_api or an action tool.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = run_detached(self.opener.clone(), |pb| {
            Box::pin(async move { tool_list(pb) })
        })
        .await
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        Ok(ListToolsResult::with_all_items(
            tools
                .into_iter()
                .map(|t| Tool::new(t.name, t.description, Arc::new(t.input_schema)))
                .collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let args = request.arguments.unwrap_or_default();
        tracing::info!(tool = %name, "agent tool call");
        let out = run_detached(self.opener.clone(), move |pb| {
            Box::pin(async move { call_tool(pb, &name, args).await })
        })
        .await
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let content = vec![ContentBlock::text(out.text)];
        Ok(if out.is_error {
            CallToolResult::error(content)
        } else {
            CallToolResult::success(content)
        }
        .into())
    }
}

pub fn serve(data_dir: PathBuf) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the MCP server's runtime")?;
    runtime.block_on(async {
        let server = PatchbayMcp {
            opener: Opener::new(data_dir),
        }
        .serve(rmcp::transport::stdio())
        .await
        .context("starting the MCP session on stdio")?;
        server.waiting().await.context("the MCP session")?;
        Ok(())
    })
}
