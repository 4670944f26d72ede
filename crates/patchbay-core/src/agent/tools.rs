//! The MCP server's tools, independent of the MCP library: their names, descriptions and input
//! schemas (`tool_list`) and what calling one does (`call_tool`). `patchbay mcp` only carries
//! these over stdio.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::model::{Action, IntegrationType};
use crate::request::{Caller, RequestSpec};
use crate::{CoreError, Patchbay, Result};

use super::call::{call_api, send_as_agent, ApiCall};
use super::catalog::{author_text, cap_chars, describe_integration, list_integrations};
use super::policy::check_agent_may;

/// One tool as MCP lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// A JSON Schema object.
    pub input_schema: Map<String, Value>,
}

/// A tool's answer: text for the agent (JSON, masked), and whether it is an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolOutput {
    pub text: String,
    pub is_error: bool,
}

impl ToolOutput {
    fn ok(value: &impl serde::Serialize) -> ToolOutput {
        ToolOutput {
            text: serde_json::to_string_pretty(value).unwrap_or_default(),
            is_error: false,
        }
    }

    fn error(e: &CoreError) -> ToolOutput {
        ToolOutput {
            text: e.to_string(),
            is_error: true,
        }
    }
}

/// Characters of a type's or an action's name (and an action's path) in a tool description: the
/// type author's text too, so it cannot carry a long message past the marked description.
const MAX_NAME_CHARS: usize = 100;

const LIST: &str = "list_integrations";
const DESCRIBE: &str = "describe_integration";
const CALL: &str = "call_api";

/// The MCP tool name of a saved action: `<slug>__<action>`, limited to the characters and the
/// length (64) MCP clients accept.
pub fn action_tool_name(slug: &str, action: &str) -> String {
    let raw = format!("{slug}__{action}");
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    name.truncate(64);
    name
}

fn schema(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Every tool: the three fixed ones, then one per saved action of every type.
pub fn tool_list(pb: &Patchbay) -> Result<Vec<ToolSpec>> {
    let mut tools = vec![
        ToolSpec {
            name: LIST.into(),
            description: "List the custom API integrations on this machine: each type with its connections (name, status, whether agent writes are allowed), docs URL and saved actions.".into(),
            input_schema: schema(json!({"type": "object", "properties": {}})),
        },
        ToolSpec {
            name: DESCRIBE.into(),
            description: "Describe one integration: base URL, kind of auth (never a secret), actions with their parameters, and the operations of its OpenAPI schema.".into(),
            input_schema: schema(json!({
                "type": "object",
                "properties": {"slug": {"type": "string", "description": "The integration's slug, from list_integrations."}},
                "required": ["slug"]
            })),
        },
        ToolSpec {
            name: CALL.into(),
            description: "Call an integration's API through one of its connections. Patchbay adds the credentials; you never see them and cannot place them ({{api_key}} and the like are refused). Read-only (GET/HEAD/OPTIONS, no method-override headers, no _method, no body) unless the connection allows agent writes.".into(),
            input_schema: schema(
                serde_json::to_value(schemars::schema_for!(ApiCall)).unwrap_or(Value::Null),
            ),
        },
    ];
    for t in pb.all_types()? {
        for a in &t.def.actions {
            tools.push(action_tool(&t, a));
        }
    }
    Ok(tools)
}

fn action_tool(t: &IntegrationType, a: &Action) -> ToolSpec {
    let mut properties = Map::new();
    properties.insert(
        "connection".into(),
        json!({"type": "string", "description": format!("A connection of {} (see list_integrations); optional when it has only one.", cap_chars(&t.def.display_name, MAX_NAME_CHARS))}),
    );
    let mut required = Vec::new();
    for p in &a.parameters {
        properties.insert(
            p.name.clone(),
            json!({"type": "string", "description": author_text(&p.description)}),
        );
        if p.required {
            required.push(Value::String(p.name.clone()));
        }
    }
    let title = if a.display_name.is_empty() {
        &a.name
    } else {
        &a.display_name
    };
    ToolSpec {
        name: action_tool_name(&t.def.slug, &a.name),
        description: format!(
            "{}: {} ({} {}){}",
            cap_chars(&t.def.display_name, MAX_NAME_CHARS),
            cap_chars(title, MAX_NAME_CHARS),
            a.method.as_str(),
            cap_chars(&a.path, MAX_NAME_CHARS),
            if a.description.trim().is_empty() {
                String::new()
            } else {
                format!(". {}", author_text(&a.description))
            }
        ),
        input_schema: schema(
            json!({"type": "object", "properties": properties, "required": required}),
        ),
    }
}

/// Runs tool `name` with `args`. Failures the agent should read (a refused write, an unknown
/// connection, an HTTP error) are outputs with `is_error`; only a broken store is `Err`.
pub async fn call_tool(pb: &Patchbay, name: &str, args: Map<String, Value>) -> Result<ToolOutput> {
    let result = match name {
        LIST => list_integrations(pb).map(|v| ToolOutput::ok(&v)),
        DESCRIBE => match args.get("slug").and_then(Value::as_str) {
            Some(slug) => describe_integration(pb, slug).map(|v| ToolOutput::ok(&v)),
            None => Err(CoreError::Invalid(
                "describe_integration needs 'slug'".into(),
            )),
        },
        CALL => match serde_json::from_value::<ApiCall>(Value::Object(args)) {
            Ok(call) => call_api(pb, call).await.map(|r| {
                let is_error = r.is_error();
                ToolOutput {
                    is_error,
                    ..ToolOutput::ok(&r)
                }
            }),
            Err(e) => Err(CoreError::Invalid(format!("call_api arguments: {e}"))),
        },
        other => run_action(pb, other, args).await,
    };
    Ok(result.unwrap_or_else(|e| ToolOutput::error(&e)))
}

async fn run_action(pb: &Patchbay, tool: &str, mut args: Map<String, Value>) -> Result<ToolOutput> {
    let (t, action) = pb
        .all_types()?
        .into_iter()
        .find_map(|t| {
            let a = t
                .def
                .actions
                .iter()
                .find(|a| action_tool_name(&t.def.slug, &a.name) == tool)
                .cloned();
            a.map(|a| (t, a))
        })
        .ok_or_else(|| CoreError::NotFound {
            kind: "tool",
            name: tool.to_string(),
            hint: "; list the tools again, the catalog may have changed".into(),
        })?;
    let connection = match args
        .remove("connection")
        .and_then(|v| v.as_str().map(str::to_string))
    {
        Some(name) => name,
        None => {
            let mine: Vec<String> = pb
                .list_connections()?
                .into_iter()
                .filter(|c| c.type_id == t.id)
                .map(|c| c.name)
                .collect();
            match mine.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(CoreError::Invalid(format!(
                        "{} has no connection yet",
                        t.def.display_name
                    )))
                }
                many => {
                    return Err(CoreError::Invalid(format!(
                        "give 'connection': one of {}",
                        many.join(", ")
                    )))
                }
            }
        }
    };
    let c = pb.get_connection(&connection)?;
    if c.type_id != t.id {
        return Err(CoreError::Invalid(format!(
            "connection '{}' belongs to '{}', not '{}'",
            c.name, c.type_slug, t.def.slug
        )));
    }
    check_agent_may(&c, action.method.as_str())?;
    let vars: BTreeMap<String, String> = args
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string()),
            )
        })
        .collect();
    let spec = RequestSpec {
        // The type's text, whose parameters the agent fills with plain values.
        caller: Caller::agent(false, c.agent_writes),
        ..RequestSpec::from_action(&action, vars)
    };
    let response = send_as_agent(pb, &c.name, spec).await?;
    let is_error = response.is_error();
    Ok(ToolOutput {
        is_error,
        ..ToolOutput::ok(&response)
    })
}
