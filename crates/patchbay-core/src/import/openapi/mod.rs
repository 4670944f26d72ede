//! OpenAPI 3.0 / 3.1 and Swagger 2.0 documents → one integration type.
//!
//! | document | becomes |
//! |---|---|
//! | `info.title`, `info.description`, `externalDocs.url` | display name (and slug), description, docs URL |
//! | the first server (`servers[0]`; Swagger: `schemes`, `host`, `basePath`) | the base URL; server variables → `{{fields}}` of every pattern |
//! | each security scheme | an auth pattern: apiKey (header, query; cookie as a `Cookie` header), http basic/bearer, oauth2 authorization code and client credentials with their URLs and scopes |
//! | each operation | an action: method, path (`{p}` → `{{p}}`), parameters, required query/header parameters as templates, an example JSON body; `security: []` → needs no auth |
//!
//! What cannot be mapped (implicit and password flows, openIdConnect — its discovery document is
//! not fetched, so importing stays offline and repeatable —, mutual TLS, cookie parameters,
//! external `$ref`s, other servers) is listed in the report with the reason. Local `$ref`s are
//! followed with a hop limit, so a cycle is an error naming the reference, not a hang.

use serde_json::{json, Value};

mod examples;
mod operations;
mod security;

use super::{ImportNote, NoteKind};
use crate::json_input::parse_error;
use crate::Result;

/// `$ref` hops followed for one value before giving up (a cycle, or an absurd chain).
const MAX_REF_HOPS: usize = 32;
/// How deep an example body is generated from a schema.
const MAX_EXAMPLE_DEPTH: usize = 6;

/// Parameters of all operations together: a large public API has a few tens of thousands.
const MAX_DOC_PARAMETERS: usize = 200_000;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

struct Doc<'a> {
    file: &'a str,
    root: &'a Value,
    v2: bool,
    notes: Vec<ImportNote>,
    /// Bytes of example bodies made so far (see `examples`).
    example_bytes: usize,
    /// Parameters of the operations converted so far.
    parameters: usize,
}

/// Converts a parsed OpenAPI or Swagger document; the definition is validated by the caller.
pub(crate) fn convert(file: &str, root: &Value) -> Result<(Value, Vec<ImportNote>)> {
    let v2 = match (root.get("openapi"), root.get("swagger")) {
        (Some(Value::String(v)), _) if v.starts_with("3.") => false,
        (_, Some(Value::String(v))) if v == "2.0" => true,
        (Some(v), _) => {
            return Err(parse_error(
                file,
                "openapi",
                format!("unsupported OpenAPI version {v}; Patchbay reads 3.0, 3.1 and Swagger 2.0"),
            ))
        }
        (None, Some(v)) => {
            return Err(parse_error(
                file,
                "swagger",
                format!(
                "unsupported Swagger version {v}; Patchbay reads Swagger 2.0 and OpenAPI 3.0, 3.1"
            ),
            ))
        }
        _ => {
            return Err(parse_error(
                file,
                "$",
                "not an OpenAPI document: no 'openapi' or 'swagger' version",
            ))
        }
    };
    let mut doc = Doc {
        file,
        root,
        v2,
        notes: Vec::new(),
        example_bytes: 0,
        parameters: 0,
    };
    let title = root
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| parse_error(file, "info.title", "missing: the type's name comes from it"))?;
    let (base_url, variables) = doc.base_url()?;
    let mut patterns = doc.patterns()?;
    for p in &mut patterns {
        let fields = p["fields"]
            .as_array_mut()
            .expect("patterns are built with a field list");
        fields.extend(variables.iter().cloned());
    }
    let actions = doc.actions()?;
    let mut def = json!({
        "slug": slugify(title),
        "display_name": title.chars().take(120).collect::<String>(),
        "description": root.pointer("/info/description").and_then(Value::as_str).unwrap_or("").trim().chars().take(2000).collect::<String>(),
        "base_url": base_url,
        "auth_patterns": patterns,
        "actions": actions,
    });
    if let Some(url) = root.pointer("/externalDocs/url").and_then(Value::as_str) {
        def["docs_url"] = url.into();
    }
    Ok((def, doc.notes))
}

impl Doc<'_> {
    fn note(&mut self, kind: NoteKind, path: impl Into<String>, message: impl Into<String>) {
        self.notes.push(ImportNote {
            kind,
            path: path.into(),
            message: message.into(),
        });
    }

    /// Follows local `$ref`s from `v`.
    fn deref<'v>(&'v self, mut v: &'v Value, path: &str) -> Result<&'v Value> {
        for hop in 1.. {
            if v.get("$ref").and_then(Value::as_str).is_none() {
                break;
            }
            v = self.deref_once(v, path, hop)?;
        }
        Ok(v)
    }

    /// The value `v`'s `$ref` points to, as the `hop`th of a chain (`v` has a `$ref`, or is
    /// returned as it is).
    fn deref_once<'v>(&'v self, v: &'v Value, path: &str, hop: usize) -> Result<&'v Value> {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return Ok(v);
        };
        if hop > MAX_REF_HOPS {
            return Err(parse_error(
                self.file,
                path,
                format!("$ref chain longer than {MAX_REF_HOPS} hops (a cycle?)"),
            ));
        }
        let Some(pointer) = r.strip_prefix('#') else {
            return Err(parse_error(
                self.file,
                path,
                format!("external $ref '{r}' is not supported: inline it or make it local"),
            ));
        };
        self.root
            .pointer(pointer)
            .ok_or_else(|| parse_error(self.file, path, format!("$ref '{r}' points to nothing")))
    }

    fn base_url(&mut self) -> Result<(String, Vec<Value>)> {
        let mut fields = Vec::new();
        let raw = if self.v2 {
            let schemes: Vec<&str> = self
                .root
                .get("schemes")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let scheme = if schemes.is_empty() || schemes.contains(&"https") {
                "https"
            } else {
                schemes[0]
            };
            let host = match self.root.get("host").and_then(Value::as_str) {
                Some(h) => h.to_string(),
                None => {
                    self.note(
                        NoteKind::Mapped,
                        "host",
                        "no host: the base URL takes it from the connection's 'host' field",
                    );
                    fields.push(field(
                        "host",
                        "Host",
                        "The API's host name, e.g. api.example.com",
                    ));
                    "{{host}}".to_string()
                }
            };
            let base = self
                .root
                .get("basePath")
                .and_then(Value::as_str)
                .unwrap_or("");
            format!("{scheme}://{host}{}", base.trim_end_matches('/'))
        } else {
            let servers = self
                .root
                .get("servers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let Some(server) = servers.first() else {
                self.note(
                    NoteKind::Mapped,
                    "servers",
                    "no servers: the base URL takes the host from the connection's 'host' field",
                );
                fields.push(field(
                    "host",
                    "Host",
                    "The API's host name, e.g. api.example.com",
                ));
                return Ok(("https://{{host}}".into(), fields));
            };
            if servers.len() > 1 {
                let others: Vec<&str> = servers[1..]
                    .iter()
                    .filter_map(|s| s.get("url").and_then(Value::as_str))
                    .collect();
                self.note(
                    NoteKind::Dropped,
                    "servers[1..]",
                    format!(
                        "only the first server is the base URL; also listed: {}",
                        others.join(", ")
                    ),
                );
            }
            let mut url = server
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            let vars = server
                .get("variables")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for (name, var) in &vars {
                let default = var.get("default").and_then(Value::as_str).unwrap_or("");
                let placeholder = format!("{{{name}}}");
                // A field may fill the host or the path, never the scheme or the port.
                let at = url.find(&placeholder);
                let in_scheme = at.is_some_and(|at| !url[..at].contains("://"));
                let in_port =
                    at.is_some_and(|at| url[..at].ends_with(':') && !url[..at].ends_with("://"));
                let var_name = template_name(name);
                if in_scheme || in_port || var_name.is_empty() {
                    url = url.replace(&placeholder, default);
                    self.note(
                        NoteKind::Mapped,
                        format!("servers[0].variables.{name}"),
                        format!(
                            "fixed to its default '{default}': the scheme and the port cannot come from a field"
                        ),
                    );
                } else {
                    url = url.replace(&placeholder, &format!("{{{{{var_name}}}}}"));
                    let hint = var.get("description").and_then(Value::as_str).unwrap_or("");
                    let hint = if default.is_empty() {
                        hint.to_string()
                    } else {
                        format!("{hint} (default: {default})").trim().to_string()
                    };
                    fields.push(field(&var_name, name, &hint));
                }
            }
            if url.starts_with('/') || url.is_empty() {
                self.note(NoteKind::Mapped, "servers[0].url", format!("'{url}' is relative: the base URL takes the host from the connection's 'host' field"));
                fields.push(field(
                    "host",
                    "Host",
                    "The API's host name, e.g. api.example.com",
                ));
                url = format!("https://{{{{host}}}}{url}");
            }
            url.trim_end_matches('/').to_string()
        };
        Ok((raw, fields))
    }
}

fn field(name: &str, label: &str, hint: &str) -> Value {
    json!({"field_name": name, "label": label, "hint": hint, "required": true})
}

/// A slug from a title: lower-case letters and digits, runs of anything else as one '-'.
pub(crate) fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(64).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "imported-api".into()
    } else {
        out
    }
}

/// A `{{name}}` for an arbitrary parameter name: snake_case letters, digits and '_'.
pub(crate) fn template_name(raw: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in raw.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_matches('_').chars().take(64).collect()
}
