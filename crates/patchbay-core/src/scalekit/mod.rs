//! Scalekit custom-connector payloads (the `002_` seed): import into and export from
//! [`IntegrationDef`].
//!
//! A payload maps one to one onto the model, which was laid out after it:
//!
//! | Scalekit | Patchbay |
//! |---|---|
//! | `display_name` | `display_name`, and the slug made from it (`"My Asana"` → `my-asana`) |
//! | `proxy_url` | `base_url` (`{{domain}}` templates kept) |
//! | `proxy_enabled` | nothing: must be `true` (Scalekit's own rule), always written as `true` |
//! | `OAUTH` / `BASIC` / `BEARER` / `API_KEY` | `oauth2_authorization_code` / `basic` / `bearer` / `api_key` |
//! | `fields`, `account_fields` | [`FieldSpec`](crate::model::FieldSpec)s; `password` inputs are secret |
//! | `oauth_config` | [`OAuthConfig`](crate::model::OAuthConfig): endpoints, scopes, PKCE |
//! | `auth_header_key_override` | for `API_KEY`, the `api_key` header name; otherwise kept as is |
//! | `auth_field_mutations` | [`FieldMutation`](crate::model::FieldMutation) (same shape) |
//! | `is_mcp` | `is_mcp`; an MCP OAuth pattern keeps its bare `{"pkce_enabled": true}` |
//!
//! Round trip: `to_scalekit(from_scalekit(p)) == p` for every payload written in the canonical
//! form the seed uses, and that form needs no extra memory in the model: `fields` always
//! written, `account_fields`/`auth_field_mutations`/`available_scopes` only when non-empty,
//! `is_mcp` only when true, `proxy_enabled: true` always, `pkce_enabled` when false or when it
//! is the whole `oauth_config`. The one Scalekit-only fact that must be remembered — a
//! Freshdesk-style Basic pattern whose `username` holds the API key in a `text` input — is
//! re-derived: a Basic pattern with no `password` field has a secret `username`.
//!
//! Not expressible in Scalekit, so left out of an export: the slug, docs and logo URLs, the
//! OpenAPI schema and actions (a connector describes auth and a proxy only). Refused on export,
//! because leaving them out would change how requests authenticate: `none`, `custom_headers`,
//! `hmac` and `oauth2_client_credentials` patterns, API keys in the query string, with a prefix
//! or in a field other than `api_key`, and extra OAuth authorize/token parameters.

mod export;
mod import;
mod payload;

use std::collections::HashMap;

use serde_json::Value;

use crate::json_input::{join_path, kind, parse_error};
use crate::model::IntegrationDef;
use crate::validate::{Problem, ValidationErrors};
use crate::{CoreError, Result};

pub use import::slugify;
pub use payload::{
    ScalekitAuthPattern, ScalekitAuthType, ScalekitField, ScalekitOAuthConfig, ScalekitProvider,
};

/// Reads one payload object or a list of them into definitions that pass
/// [`validate_def`](crate::validate::validate_def).
///
/// `file` names the source in errors. A value that is neither an object nor a non-empty list,
/// or a single payload that does not parse, is a [`CoreError::Parse`] with the JSON path
/// (`$` for the whole value). Otherwise every problem of every entry is collected into one
/// [`CoreError::Validation`], list entries prefixed with their index (`[2].auth_patterns[0].type`).
pub fn from_scalekit(file: &str, value: &Value) -> Result<Vec<IntegrationDef>> {
    let (entries, listed): (Vec<&Value>, bool) = match value {
        Value::Object(_) => (vec![value], false),
        Value::Array(items) if !items.is_empty() => (items.iter().collect(), true),
        Value::Array(_) => {
            return Err(parse_error(
                file,
                "$",
                "an empty list: expected at least one Scalekit connector payload",
            ))
        }
        other => {
            return Err(parse_error(
                file,
                "$",
                format!(
                    "expected a Scalekit connector payload (an object) or a list of them, found {}",
                    kind(other)
                ),
            ))
        }
    };
    let mut problems = Vec::new();
    let mut defs = Vec::new();
    let mut first_slug: HashMap<String, usize> = HashMap::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let at = if listed {
            format!("[{i}]")
        } else {
            String::new()
        };
        if !entry.is_object() {
            problems.push(Problem {
                path: at,
                message: format!(
                    "expected a Scalekit connector payload object, found {}",
                    kind(entry)
                ),
            });
            continue;
        }
        let provider: ScalekitProvider = match serde_path_to_error::deserialize(entry) {
            Ok(p) => p,
            Err(e) => {
                let inner = e.path().to_string();
                if !listed {
                    let path = if inner == "." { "$" } else { inner.as_str() };
                    return Err(parse_error(file, path, e.inner().to_string()));
                }
                problems.push(Problem {
                    path: join_path(&at, &inner),
                    message: e.inner().to_string(),
                });
                continue;
            }
        };
        let (def, found) = import::provider_to_def(&provider);
        if !def.slug.is_empty() {
            if let Some(first) = first_slug.get(&def.slug) {
                problems.push(Problem {
                    path: join_path(&at, "display_name"),
                    message: format!("gives slug '{}', already used by entry [{first}]", def.slug),
                });
            } else {
                first_slug.insert(def.slug.clone(), i);
            }
        }
        problems.extend(found.into_iter().map(|p| Problem {
            path: join_path(&at, &p.path),
            message: p.message,
        }));
        defs.push(def);
    }
    if problems.is_empty() {
        Ok(defs)
    } else {
        Err(CoreError::Validation(ValidationErrors {
            subject: file.to_string(),
            problems,
        }))
    }
}

/// Writes definitions as Scalekit payloads: a single object for one definition, a list
/// otherwise (in the given order). Everything Scalekit cannot express is reported at once, as a
/// [`CoreError::Validation`] whose messages name the type and the pattern.
pub fn to_scalekit(defs: &[&IntegrationDef]) -> Result<Value> {
    let mut providers = Vec::with_capacity(defs.len());
    let mut problems = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        match export::def_to_provider(def) {
            Ok(p) => providers.push(p),
            Err(found) => problems.extend(found.into_iter().map(|p| Problem {
                path: if defs.len() == 1 {
                    p.path
                } else {
                    join_path(&format!("[{i}]"), &p.path)
                },
                message: p.message,
            })),
        }
    }
    if !problems.is_empty() {
        let subject = match defs {
            [one] => format!("integration type '{}' as a Scalekit payload", one.slug),
            _ => "Scalekit payload".to_string(),
        };
        return Err(CoreError::Validation(ValidationErrors {
            subject,
            problems,
        }));
    }
    let value = match providers.as_slice() {
        [one] => serde_json::to_value(one),
        all => serde_json::to_value(all),
    };
    value.map_err(|e| CoreError::Invalid(format!("could not write the Scalekit payload: {e}")))
}

#[cfg(test)]
mod tests;
