//! What agents and scripts get (issue 7): the MCP server's tools (the catalog, descriptions,
//! `call_api` and one tool per saved action), the environment `patchbay run` gives a child
//! process, and a client for upstream MCP servers (`is_mcp` types).
//!
//! Everything goes through the same core as the test request tool: the request engine applies
//! the auth and masks every result, history records each call (marked as made by an agent), and
//! secrets leave the core only into the one place that needs them — the upstream request, or
//! the child's environment.

mod call;
mod catalog;
mod env;
mod mcp_upstream;
mod policy;
mod tools;

pub use call::{call_api, AgentResponse, ApiCall, MAX_AGENT_BODY_CHARS};
pub use catalog::{
    describe_integration, list_integrations, ActionInfo, IntegrationDetail, IntegrationInfo,
    AUTHOR_TEXT_PREFIX, MAX_AUTHOR_TEXT_CHARS,
};
pub use env::{plan as plan_env, ChildEnv, EnvVar, VarSource};
pub use mcp_upstream::{McpExchange, McpUpstream};
pub use policy::check_agent_may;
pub use tools::{call_tool, tool_list, ToolOutput, ToolSpec};
