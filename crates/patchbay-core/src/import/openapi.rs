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

use serde_json::{json, Map, Value};

use super::{ImportNote, NoteKind};
use crate::json_input::parse_error;
use crate::Result;

/// `$ref` hops followed for one value before giving up (a cycle, or an absurd chain).
const MAX_REF_HOPS: usize = 32;
/// How deep an example body is generated from a schema.
const MAX_EXAMPLE_DEPTH: usize = 6;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

struct Doc<'a> {
    file: &'a str,
    root: &'a Value,
    v2: bool,
    notes: Vec<ImportNote>,
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
        let root = self.root;
        for _ in 0..MAX_REF_HOPS {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return Ok(v);
            };
            let Some(pointer) = r.strip_prefix('#') else {
                return Err(parse_error(
                    self.file,
                    path,
                    format!("external $ref '{r}' is not supported: inline it or make it local"),
                ));
            };
            v = root.pointer(pointer).ok_or_else(|| {
                parse_error(self.file, path, format!("$ref '{r}' points to nothing"))
            })?;
        }
        Err(parse_error(
            self.file,
            path,
            format!("$ref chain longer than {MAX_REF_HOPS} hops (a cycle?)"),
        ))
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

    fn patterns(&mut self) -> Result<Vec<Value>> {
        let (schemes, at) = if self.v2 {
            (self.root.get("securityDefinitions"), "securityDefinitions")
        } else {
            (
                self.root.pointer("/components/securitySchemes"),
                "components.securitySchemes",
            )
        };
        let schemes = schemes
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut out: Vec<Value> = Vec::new();
        for (name, scheme) in &schemes {
            let path = format!("{at}.{name}");
            let scheme = self.deref(scheme, &path)?.clone();
            for pattern in self.pattern(&path, &scheme) {
                if out.iter().any(|p| p["type"] == pattern["type"]) {
                    self.note(NoteKind::Dropped, &path, format!("a type has one pattern of each kind; '{}' already comes from an earlier scheme", pattern["type"].as_str().unwrap_or("")));
                } else {
                    self.note(
                        NoteKind::Mapped,
                        &path,
                        format!("auth pattern {}", pattern["type"].as_str().unwrap_or("")),
                    );
                    out.push(pattern);
                }
            }
        }
        if out.is_empty() {
            out.push(json!({"type": "none", "fields": []}));
            self.note(
                NoteKind::Mapped,
                at,
                "no usable security scheme: the type uses no auth",
            );
        }
        Ok(out)
    }

    fn pattern(&mut self, path: &str, s: &Value) -> Vec<Value> {
        let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let kind = text("type");
        let name = text("name");
        match (
            kind.as_str(),
            text("in").as_str(),
            text("scheme").to_ascii_lowercase().as_str(),
        ) {
            ("apiKey", location @ ("header" | "query"), _) => vec![json!({
                "type": "api_key",
                "fields": [secret("api_key", &name)],
                "api_key": {"in": location, "name": name}
            })],
            ("apiKey", "cookie", _) => {
                self.note(
                    NoteKind::Mapped,
                    path,
                    format!("cookie '{name}' is sent as a Cookie header"),
                );
                vec![json!({"type": "custom_headers",
                    "fields": [secret("api_key", &name)],
                    "headers": [{"name": "Cookie", "value": format!("{name}={{{{api_key}}}}")}]})]
            }
            ("http", _, "basic") | ("basic", _, _) => vec![json!({"type": "basic", "fields": [
                {"field_name": "username", "label": "Username", "required": true},
                secret("password", "Password")
            ]})],
            ("http", _, "bearer") => {
                vec![json!({"type": "bearer", "fields": [secret("token", "Token")]})]
            }
            ("oauth2", _, _) => self.oauth_patterns(path, s),
            ("openIdConnect", _, _) => {
                self.note(NoteKind::Dropped, path, format!("openIdConnect: its discovery document ({}) is not fetched on import; add an oauth2_authorization_code pattern with the endpoints it lists", text("openIdConnectUrl")));
                vec![]
            }
            _ => {
                self.note(
                    NoteKind::Dropped,
                    path,
                    format!(
                        "security scheme type '{kind}' {} has no Patchbay auth pattern",
                        text("scheme")
                    ),
                );
                vec![]
            }
        }
    }

    fn oauth_patterns(&mut self, path: &str, s: &Value) -> Vec<Value> {
        // Swagger 2.0: one flow per scheme; OpenAPI 3: a map of flows.
        let flows: Vec<(String, Value)> = if self.v2 {
            let flow = match s.get("flow").and_then(Value::as_str) {
                Some("accessCode") => "authorizationCode",
                Some("application") => "clientCredentials",
                Some(other) => other,
                None => "",
            };
            vec![(flow.to_string(), s.clone())]
        } else {
            s.get("flows")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for (flow, f) in flows {
            let url = |k: &str| f.get(k).and_then(Value::as_str).map(str::to_string);
            let scopes: Vec<Value> = f
                .get("scopes")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, d)| json!({"scope": k, "description": d.as_str().unwrap_or("")}))
                        .collect()
                })
                .unwrap_or_default();
            let (kind, authorize) = match flow.as_str() {
                "authorizationCode" => ("oauth2_authorization_code", url("authorizationUrl")),
                "clientCredentials" => ("oauth2_client_credentials", None),
                other => {
                    self.note(NoteKind::Dropped, format!("{path}.flows.{other}"), format!("the OAuth '{other}' flow is not supported (only authorization code and client credentials)"));
                    continue;
                }
            };
            let mut config = Map::new();
            if let Some(a) = authorize {
                config.insert("authorize_uri".into(), a.into());
            }
            if let Some(t) = url("tokenUrl") {
                config.insert("token_uri".into(), t.into());
            }
            config.insert("available_scopes".into(), scopes.into());
            out.push(json!({"type": kind, "fields": [], "oauth_config": config}));
        }
        out
    }

    fn actions(&mut self) -> Result<Vec<Value>> {
        let mut actions: Vec<Value> = Vec::new();
        let paths = self
            .root
            .get("paths")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let global_security_empty = self
            .root
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty);
        for (route, item) in &paths {
            let item_path = format!("paths.{route}");
            let item = self.deref(item, &item_path)?.clone();
            let shared: Vec<Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if item.get("trace").is_some() {
                self.note(
                    NoteKind::Dropped,
                    format!("{item_path}.trace"),
                    "TRACE operations are not imported",
                );
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_path = format!("{item_path}.{method}");
                let action =
                    self.action(&op_path, route, method, op, &shared, global_security_empty)?;
                let mut name = action["name"].as_str().unwrap_or("action").to_string();
                let base = name.clone();
                let mut n = 2;
                while actions.iter().any(|a| a["name"] == name.as_str()) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                let mut action = action;
                action["name"] = name.into();
                actions.push(action);
            }
        }
        Ok(actions)
    }

    fn action(
        &mut self,
        at: &str,
        route: &str,
        method: &str,
        op: &Value,
        shared: &[Value],
        no_auth_default: bool,
    ) -> Result<Value> {
        let text = |k: &str| {
            op.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let name = match op
            .get("operationId")
            .and_then(Value::as_str)
            .map(template_name)
        {
            Some(n) if !n.is_empty() => n,
            _ => template_name(&format!("{method}_{route}")),
        };
        // Operation parameters override path-level ones with the same name and location.
        let mut params: Vec<Value> = Vec::new();
        for (i, p) in shared
            .iter()
            .chain(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .enumerate()
        {
            let p = self.deref(p, &format!("{at}.parameters[{i}]"))?.clone();
            params.retain(|q: &Value| !(q["name"] == p["name"] && q["in"] == p["in"]));
            params.push(p);
        }
        let mut path = route.to_string();
        let mut query = Vec::new();
        let mut headers = Vec::new();
        let mut parameters = Vec::new();
        let mut body: Option<Value> = None;
        for p in &params {
            let pname = p.get("name").and_then(Value::as_str).unwrap_or("");
            let var = template_name(pname);
            let location = p.get("in").and_then(Value::as_str).unwrap_or("");
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let description = p
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .chars()
                .take(500)
                .collect::<String>();
            match location {
                "path" => {
                    path = path.replace(&format!("{{{pname}}}"), &format!("{{{{{var}}}}}"));
                    parameters.push(json!({"name": var, "in": "path", "required": true, "description": description}));
                }
                "query" | "header" => {
                    if required {
                        let entry = json!({"name": pname, "value": format!("{{{{{var}}}}}")});
                        if location == "query" {
                            query.push(entry)
                        } else {
                            headers.push(entry)
                        }
                    }
                    parameters.push(json!({"name": var, "in": location, "required": required, "description": description}));
                }
                "body" => {
                    body = self.example_body(
                        &format!("{at}.parameters.{pname}"),
                        p.get("schema"),
                        None,
                        "application/json",
                    )?
                }
                other => self.note(
                    NoteKind::Dropped,
                    format!("{at}.parameters.{pname}"),
                    format!("'{other}' parameters are not imported"),
                ),
            }
        }
        if let Some(rb) = op.get("requestBody") {
            let rb = self.deref(rb, &format!("{at}.requestBody"))?.clone();
            let content = rb
                .get("content")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let chosen = content
                .iter()
                .find(|(ct, _)| ct.contains("json"))
                .or_else(|| content.iter().next());
            if let Some((ct, media)) = chosen {
                let example = media.get("example").cloned().or_else(|| {
                    media
                        .get("examples")
                        .and_then(Value::as_object)
                        .and_then(|e| e.values().next())
                        .and_then(|e| e.get("value"))
                        .cloned()
                });
                body = self.example_body(
                    &format!("{at}.requestBody"),
                    media.get("schema"),
                    example,
                    ct,
                )?;
            }
        }
        let requires_auth = match op.get("security").and_then(Value::as_array) {
            Some(list) => !list.is_empty(),
            None => !no_auth_default,
        };
        let mut action = json!({
            "name": name,
            "display_name": text("summary").chars().take(200).collect::<String>(),
            "description": text("description").chars().take(1000).collect::<String>(),
            "method": method.to_ascii_uppercase(),
            "path": path,
            "query": query,
            "headers": headers,
            "parameters": parameters,
            "requires_auth": requires_auth,
        });
        if let Some(b) = body {
            action["body"] = b;
        }
        Ok(action)
    }

    /// An example body: the document's own example, else one generated from the schema.
    fn example_body(
        &self,
        at: &str,
        schema: Option<&Value>,
        example: Option<Value>,
        content_type: &str,
    ) -> Result<Option<Value>> {
        let value = match (example, schema) {
            (Some(e), _) => e,
            (None, Some(s)) => self.example_of(s, at, 0)?,
            (None, None) => return Ok(None),
        };
        let template = match &value {
            Value::String(s) if !content_type.contains("json") => s.clone(),
            v => serde_json::to_string_pretty(v).unwrap_or_default(),
        };
        // A literal "{{" in an example would read as a template.
        Ok(Some(
            json!({"content_type": content_type, "template": template.replace("{{", "{ {")}),
        ))
    }

    fn example_of(&self, schema: &Value, at: &str, depth: usize) -> Result<Value> {
        let s = self.deref(schema, at)?;
        if let Some(e) = s.get("example").or_else(|| s.get("default")) {
            return Ok(e.clone());
        }
        if depth >= MAX_EXAMPLE_DEPTH {
            return Ok(Value::Null);
        }
        if let Some(first) = ["allOf", "oneOf", "anyOf"]
            .iter()
            .find_map(|k| s.get(*k).and_then(Value::as_array).and_then(|a| a.first()))
        {
            return self.example_of(first, at, depth + 1);
        }
        let kind = match s.get("type") {
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("object")
                .to_string(),
            Some(Value::String(t)) => t.clone(),
            _ if s.get("properties").is_some() => "object".into(),
            _ => String::new(),
        };
        Ok(match kind.as_str() {
            "object" => {
                let mut out = Map::new();
                for (k, v) in s
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    out.insert(k.clone(), self.example_of(v, at, depth + 1)?);
                }
                Value::Object(out)
            }
            "array" => match s.get("items") {
                Some(items) => Value::Array(vec![self.example_of(items, at, depth + 1)?]),
                None => json!([]),
            },
            "integer" | "number" => json!(0),
            "boolean" => json!(false),
            "string" => s
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .cloned()
                .unwrap_or_else(|| json!("")),
            _ => Value::Null,
        })
    }
}

fn secret(name: &str, label: &str) -> Value {
    json!({"field_name": name, "label": label, "input_type": "password", "required": true})
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
