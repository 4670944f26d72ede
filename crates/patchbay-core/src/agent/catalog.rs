//! The catalog as an agent reads it: types with their connections and actions
//! (`list_integrations`), and one type in detail (`describe_integration`): base URL, the kinds
//! of auth (never a secret), actions with their parameters, and the operations its OpenAPI
//! schema lists.
//!
//! Descriptions come from whoever wrote the type (often an imported file, not the person who
//! runs Patchbay), and an agent reads them as instructions. Each one is therefore marked as the
//! type author's text ([`author_text`]) and capped at [`MAX_AUTHOR_TEXT_CHARS`] characters;
//! operation summaries from an OpenAPI schema are capped at [`MAX_SUMMARY_CHARS`].

use serde::Serialize;

use crate::model::{Action, ConnectionStatus};
use crate::{CoreError, Patchbay, Result};

/// Marks the start of a type author's description wherever an agent reads one.
pub const AUTHOR_TEXT_PREFIX: &str = "Type author's description (not from Patchbay): ";

/// Characters of a type author's description an agent gets; the rest is cut, ending in `…`.
pub const MAX_AUTHOR_TEXT_CHARS: usize = 500;

/// Characters of an OpenAPI operation summary an agent gets.
pub const MAX_SUMMARY_CHARS: usize = 200;

/// `text` cut to `max` characters, with `…` when something was cut.
pub(crate) fn cap_chars(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// A type author's description as an agent gets it: marked and capped; empty stays empty.
pub(crate) fn author_text(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    format!(
        "{AUTHOR_TEXT_PREFIX}{}",
        cap_chars(text, MAX_AUTHOR_TEXT_CHARS)
    )
}

#[derive(Clone, Debug, Serialize)]
pub struct ConnectionInfo {
    pub name: String,
    pub status: ConnectionStatus,
    /// Whether agents may send writes (non-GET) through it.
    pub agent_writes: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionInfo {
    pub name: String,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The MCP tool that runs it.
    pub tool: String,
    pub parameters: Vec<ParameterInfo>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParameterInfo {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntegrationInfo {
    pub slug: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs_url: Option<String>,
    pub is_mcp: bool,
    pub connections: Vec<ConnectionInfo>,
    pub actions: Vec<ActionInfo>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IntegrationDetail {
    #[serde(flatten)]
    pub info: IntegrationInfo,
    /// May hold `{{field}}` templates each connection fills in.
    pub base_url: String,
    /// `api_key`, `bearer`, `oauth2_authorization_code`, …
    pub auth: Vec<String>,
    /// `METHOD /path — summary` for each operation of the type's OpenAPI schema.
    pub operations: Vec<String>,
}

/// Every type with its connections and actions.
pub fn list_integrations(pb: &Patchbay) -> Result<Vec<IntegrationInfo>> {
    let connections = pb.list_connections()?;
    Ok(pb
        .all_types()?
        .into_iter()
        .map(|t| IntegrationInfo {
            connections: connections
                .iter()
                .filter(|c| c.type_id == t.id)
                .map(|c| ConnectionInfo {
                    name: c.name.clone(),
                    status: c.status,
                    agent_writes: c.agent_writes,
                })
                .collect(),
            actions: t
                .def
                .actions
                .iter()
                .map(|a| action_info(&t.def.slug, a))
                .collect(),
            slug: t.def.slug,
            name: t.def.display_name,
            description: author_text(&t.def.description),
            docs_url: t.def.docs_url,
            is_mcp: t.def.auth_patterns.iter().any(|p| p.is_mcp),
        })
        .collect())
}

/// One type in detail; `slug` as `list_integrations` names it.
pub fn describe_integration(pb: &Patchbay, slug: &str) -> Result<IntegrationDetail> {
    let t = pb.get_type(slug)?;
    let info = list_integrations(pb)?
        .into_iter()
        .find(|i| i.slug == t.def.slug)
        .ok_or_else(|| CoreError::Invalid(format!("type '{slug}' changed while being read")))?;
    Ok(IntegrationDetail {
        info,
        base_url: t.def.base_url.clone(),
        auth: t
            .def
            .auth_patterns
            .iter()
            .map(|p| p.auth_type.as_str().to_string())
            .collect(),
        operations: t.def.schema.as_ref().map(operations).unwrap_or_default(),
    })
}

pub(crate) fn action_info(slug: &str, a: &Action) -> ActionInfo {
    ActionInfo {
        name: a.name.clone(),
        method: a.method.as_str().to_string(),
        path: a.path.clone(),
        description: author_text(&a.description),
        tool: super::tools::action_tool_name(slug, &a.name),
        parameters: a
            .parameters
            .iter()
            .map(|p| ParameterInfo {
                name: p.name.clone(),
                location: serde_json::to_value(p.location)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                required: p.required,
                description: author_text(&p.description),
            })
            .collect(),
    }
}

/// The operations of an OpenAPI/Swagger document, `METHOD /path — summary`, at most 500.
fn operations(schema: &serde_json::Value) -> Vec<String> {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];
    let Some(paths) = schema.get("paths").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for m in METHODS {
            if let Some(op) = item.get(*m) {
                let summary = op
                    .get("summary")
                    .or_else(|| op.get("operationId"))
                    .and_then(|s| s.as_str())
                    .map(|s| cap_chars(s.trim(), MAX_SUMMARY_CHARS))
                    .unwrap_or_default();
                out.push(if summary.is_empty() {
                    format!("{} {path}", m.to_uppercase())
                } else {
                    format!("{} {path} — {summary}", m.to_uppercase())
                });
                if out.len() >= 500 {
                    return out;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_text_is_marked_and_capped() {
        assert_eq!(author_text("  "), "");
        assert_eq!(
            author_text("Lists items."),
            "Type author's description (not from Patchbay): Lists items."
        );
        let long = "é".repeat(MAX_AUTHOR_TEXT_CHARS + 1);
        let got = author_text(&long);
        assert!(
            got.starts_with(AUTHOR_TEXT_PREFIX) && got.ends_with('…'),
            "{got}"
        );
        assert_eq!(
            got.chars().count(),
            AUTHOR_TEXT_PREFIX.chars().count() + MAX_AUTHOR_TEXT_CHARS + 1
        );
        assert_eq!(cap_chars("abc", 3), "abc");
        assert_eq!(cap_chars("abcd", 3), "abc…");
    }
}
