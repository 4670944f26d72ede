//! Postman Collection v2.1 → one integration type.
//!
//! | collection | becomes |
//! |---|---|
//! | `info.name`, `info.description` | display name (and slug), description |
//! | the variable every request URL starts with (`{{baseUrl}}/…`) | the base URL (its value, or a field when it has none) |
//! | other variables used in URLs | non-secret fields (their value as a hint) |
//! | secret-looking variables (`token`, `apiKey`, `password`, …) | required secret fields — **never their values** |
//! | a credential written into a request (`X-API-Key: live_…`, `?access_token=…`, a urlencoded `client_secret=…`) | a secret field named after the header or parameter, in its place — **never the value**; an `Authorization` header is the auth pattern's (from it, like `patchbay import --curl`, when the request has none) |
//! | collection-, folder- and request-level `auth` (with `inherit` resolved) | auth patterns: bearer, basic, apikey (header or query), oauth2 |
//! | each request | an action: name, method, path (`:id` → `{{id}}`), enabled query parameters, headers, raw/urlencoded body |
//!
//! What cannot be mapped (other auth types, form-data and file bodies, URLs on another host than
//! the base URL, `Cookie` headers) is listed in the report, and so is every credential taken out.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::openapi::{slugify, template_name};
use super::{patterns, ActionNames, ImportNote, NoteKind};
use crate::json_input::parse_error;
use crate::Result;

/// Variable names whose values are credentials: never imported as values.
const SECRET_HINTS: [&str; 9] = [
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "key",
    "auth",
    "credential",
];

struct Collection {
    /// Collection variables: name → value.
    vars: BTreeMap<String, String>,
    notes: Vec<ImportNote>,
    patterns: Vec<Value>,
    /// Every `{{var}}` used in URLs, headers and bodies, for the fields.
    used: Vec<String>,
    actions: Vec<Value>,
    names: ActionNames,
}

/// Whether a parsed document is any Postman collection (v1 ones are then refused by name).
pub(crate) fn looks_like_postman(v: &Value) -> bool {
    v.pointer("/info/schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("getpostman.com"))
        || v.pointer("/info/_postman_id").is_some()
}

/// Whether a parsed document is a Postman v2.x collection.
pub(crate) fn is_collection(v: &Value) -> bool {
    v.pointer("/info/schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("getpostman.com/json/collection/v2"))
}

pub(crate) fn convert(file: &str, root: &Value) -> Result<(Value, Vec<ImportNote>)> {
    if !is_collection(root) {
        return Err(parse_error(
            file,
            "info.schema",
            "not a Postman Collection v2.0/v2.1 (export the collection as v2.1)",
        ));
    }
    let name = root
        .pointer("/info/name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| parse_error(file, "info.name", "missing: the type's name comes from it"))?;
    let vars = root
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            Some((
                v.get("key")?.as_str()?.to_string(),
                value_text(v.get("value")),
            ))
        })
        .collect();
    let mut c = Collection {
        vars,
        notes: Vec::new(),
        patterns: Vec::new(),
        used: Vec::new(),
        actions: Vec::new(),
        names: ActionNames::default(),
    };
    let items = root
        .get("item")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let base_var = c.base_variable(&items);
    c.walk(&items, root.get("auth"), "item", base_var.as_deref())?;
    let mut fields: Vec<Value> = Vec::new();
    let base_url = match base_var.as_deref() {
        Some(var) => match c.vars.get(var).filter(|v| v.starts_with("http")) {
            Some(value) if !looks_secret(var) => value.trim_end_matches('/').to_string(),
            _ => {
                c.note(NoteKind::Mapped, format!("variable.{var}"), "has no http(s) value: the base URL takes the host from the connection's 'host' field");
                fields.push(json!({"field_name": "host", "label": "Host", "required": true}));
                "https://{{host}}".to_string()
            }
        },
        None => {
            c.note(NoteKind::Mapped, "item", "the requests share no {{baseUrl}}-style variable: the base URL takes the host from the connection's 'host' field");
            fields.push(json!({"field_name": "host", "label": "Host", "required": true}));
            "https://{{host}}".to_string()
        }
    };
    let credentials: Vec<String> = c
        .vars
        .iter()
        .filter(|(k, v)| looks_secret(k) && !v.is_empty())
        .map(|(k, _)| k.clone())
        .collect();
    for var in credentials {
        c.note(
            NoteKind::Mapped,
            format!("variable.{var}"),
            "looks like a credential: its value was not imported (a connection asks for it)",
        );
    }
    let mut used = std::mem::take(&mut c.used);
    used.sort();
    used.dedup();
    for var in used
        .iter()
        .filter(|v| Some(v.as_str()) != base_var.as_deref())
    {
        let name = template_name(var);
        if looks_secret(var) {
            fields.push(patterns::secret_field(&name, var));
        } else {
            let hint = c
                .vars
                .get(var)
                .map(|v| format!("e.g. {v}"))
                .unwrap_or_default();
            fields.push(json!({"field_name": name, "label": var, "hint": hint, "required": true}));
        }
    }
    if c.patterns.is_empty() {
        c.patterns.push(json!({"type": "none", "fields": []}));
    }
    for p in &mut c.patterns {
        let list = p["fields"]
            .as_array_mut()
            .expect("patterns are built with a field list");
        for f in &fields {
            if !list.iter().any(|g| g["field_name"] == f["field_name"]) {
                list.push(f.clone());
            }
        }
    }
    let def = json!({
        "slug": slugify(name),
        "display_name": name.chars().take(120).collect::<String>(),
        "description": description(root.pointer("/info/description")).chars().take(2000).collect::<String>(),
        "base_url": base_url,
        "auth_patterns": c.patterns,
        "actions": c.actions,
    });
    Ok((def, c.notes))
}

impl Collection {
    fn note(&mut self, kind: NoteKind, path: impl Into<String>, message: impl Into<String>) {
        self.notes.push(ImportNote {
            kind,
            path: path.into(),
            message: message.into(),
        });
    }

    /// The variable most request URLs start with (`{{baseUrl}}`).
    fn base_variable(&self, items: &[Value]) -> Option<String> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut stack: Vec<&Value> = items.iter().collect();
        while let Some(item) = stack.pop() {
            if let Some(children) = item.get("item").and_then(Value::as_array) {
                stack.extend(children);
            }
            let raw = item
                .pointer("/request/url")
                .map(url_raw)
                .unwrap_or_default();
            if let Some(rest) = raw.trim().strip_prefix("{{") {
                if let Some(end) = rest.find("}}") {
                    *counts.entry(rest[..end].to_string()).or_default() += 1;
                }
            }
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(v, _)| v)
    }

    /// Requests in document order; folders pass their auth down (`inherit`).
    fn walk(
        &mut self,
        items: &[Value],
        inherited: Option<&Value>,
        at: &str,
        base: Option<&str>,
    ) -> Result<()> {
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            let own = item
                .get("auth")
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("inherit"));
            if let Some(children) = item.get("item").and_then(Value::as_array) {
                self.walk(children, own.or(inherited), &format!("{path}.item"), base)?;
                continue;
            }
            let Some(request) = item.get("request") else {
                continue;
            };
            let auth = request
                .get("auth")
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("inherit"))
                .or(own)
                .or(inherited);
            let requires_auth = match auth {
                Some(a) => self.auth(a, &format!("{path}.request.auth")),
                None => false,
            };
            self.request(item, request, &path, base, requires_auth)?;
        }
        Ok(())
    }

    /// Adds the auth's pattern (once per kind); returns whether the request needs auth.
    fn auth(&mut self, auth: &Value, at: &str) -> bool {
        let kind = auth.get("type").and_then(Value::as_str).unwrap_or("");
        let param = |name: &str| -> String {
            auth.get(kind)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|p| p.get("key").and_then(Value::as_str) == Some(name))
                .map(|p| value_text(p.get("value")))
                .unwrap_or_default()
        };
        let pattern = match kind {
            "noauth" => return false,
            "bearer" => patterns::bearer(),
            "basic" => patterns::basic(),
            "apikey" => {
                let location = if param("in") == "query" {
                    "query"
                } else {
                    "header"
                };
                let name = Some(param("key"))
                    .filter(|k| !k.is_empty())
                    .unwrap_or_else(|| "X-API-Key".into());
                patterns::api_key(location, &name)
            }
            "oauth2" => {
                let grant = param("grant_type");
                let mut config = serde_json::Map::new();
                for (from, to) in [
                    ("authUrl", "authorize_uri"),
                    ("accessTokenUrl", "token_uri"),
                ] {
                    let v = param(from);
                    if v.starts_with("http") {
                        config.insert(to.into(), v.into());
                    }
                }
                let scopes: Vec<Value> = param("scope")
                    .split_whitespace()
                    .map(|s| json!({"scope": s}))
                    .collect();
                config.insert("available_scopes".into(), scopes.into());
                let kind = if grant == "client_credentials" {
                    "oauth2_client_credentials"
                } else {
                    "oauth2_authorization_code"
                };
                if grant == "implicit" || grant == "password_credentials" {
                    self.note(
                        NoteKind::Dropped,
                        at,
                        format!("the OAuth '{grant}' grant is not supported"),
                    );
                    return true;
                }
                json!({"type": kind, "fields": [], "oauth_config": config})
            }
            other => {
                self.note(
                    NoteKind::Dropped,
                    at,
                    format!("auth type '{other}' has no Patchbay auth pattern"),
                );
                return true;
            }
        };
        if !self.patterns.iter().any(|p| p["type"] == pattern["type"]) {
            self.note(
                NoteKind::Mapped,
                at,
                format!("auth pattern {}", pattern["type"].as_str().unwrap_or("")),
            );
            self.patterns.push(pattern);
        }
        true
    }

    fn request(
        &mut self,
        item: &Value,
        request: &Value,
        at: &str,
        base: Option<&str>,
        mut requires_auth: bool,
    ) -> Result<()> {
        let title = item
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("request");
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase();
        if !["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(&method.as_str())
        {
            self.note(
                NoteKind::Dropped,
                at,
                format!("method {method} is not supported"),
            );
            return Ok(());
        }
        let url = request.get("url").cloned().unwrap_or(Value::Null);
        let raw = url_raw(&url);
        let path_and_query =
            match base.and_then(|b| raw.trim().strip_prefix(&format!("{{{{{b}}}}}"))) {
                Some(rest) => rest.to_string(),
                None => {
                    self.note(
                        NoteKind::Dropped,
                        format!("{at}.request.url"),
                        format!("'{raw}' does not start with the base URL variable"),
                    );
                    return Ok(());
                }
            };
        let path_only = path_and_query.split(['?', '#']).next().unwrap_or("");
        // `:id` segments are the action's path parameters; `{{var}}`s are connection fields.
        let mut parameters = Vec::new();
        let mut segments = Vec::new();
        for seg in path_only.split('/') {
            match seg.strip_prefix(':').map(template_name) {
                Some(p) if !p.is_empty() => {
                    segments.push(format!("{{{{{p}}}}}"));
                    parameters.push(json!({"name": p, "in": "path", "required": true}));
                }
                _ => segments.push(self.fill(seg, &format!("{at}.request.url"))),
            }
        }
        let path = segments.join("/");
        let mut query = Vec::new();
        for q in url
            .get("query")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if q.get("disabled").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let (k, v) = (value_text(q.get("key")), value_text(q.get("value")));
            let v = self.credential_out(&k, v, title, &format!("{at}.request.url.query.{k}"));
            let v = self.fill(&v, &format!("{at}.request.url.query"));
            query.push(json!({"name": k, "value": v}));
        }
        let mut headers = Vec::new();
        for h in request
            .get("header")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (k, v) = (value_text(h.get("key")), value_text(h.get("value")));
            if h.get("disabled").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let here = format!("{at}.request.header.{k}");
            if k.eq_ignore_ascii_case("authorization") {
                // The auth pattern sends Authorization; a written-out one says which pattern.
                if is_literal(&v, true) {
                    requires_auth |= self.authorization_out(&k, &v, title, &here, requires_auth);
                }
                continue;
            }
            if k.eq_ignore_ascii_case("cookie") {
                self.note(
                    NoteKind::Dropped,
                    here,
                    format!("request '{title}': cookies are not kept: they are usually a session"),
                );
                continue;
            }
            let v = self.credential_out(&k, v, title, &here);
            let filled = self.fill(&v, &format!("{at}.request.header"));
            // A header that held only a dynamic variable is dropped with it.
            if filled.is_empty() && !v.is_empty() {
                continue;
            }
            headers.push(json!({"name": k, "value": filled}));
        }
        let body = self.body(request.get("body"), at, title);
        let name = match template_name(title) {
            n if n.is_empty() => "request".to_string(),
            n => n,
        };
        let name = self.names.unique(name);
        let mut action = json!({
            "name": name,
            "display_name": title.chars().take(200).collect::<String>(),
            "description": description(request.get("description")).chars().take(1000).collect::<String>(),
            "method": method,
            "path": if path.is_empty() { "/".to_string() } else { path },
            "query": query,
            "headers": headers,
            "parameters": parameters,
            "requires_auth": requires_auth,
        });
        if let Some(b) = body {
            action["body"] = b;
        }
        self.actions.push(action);
        Ok(())
    }

    fn body(&mut self, body: Option<&Value>, at: &str, title: &str) -> Option<Value> {
        let body = body?;
        match body.get("mode").and_then(Value::as_str)? {
            "raw" => {
                let text = value_text(body.get("raw"));
                let language = body
                    .pointer("/options/raw/language")
                    .and_then(Value::as_str)
                    .unwrap_or("text");
                let content_type = if language == "json" {
                    "application/json"
                } else {
                    "text/plain"
                };
                let text = self.fill(&text, &format!("{at}.request.body"));
                Some(json!({"content_type": content_type, "template": text}))
            }
            "urlencoded" => {
                let pairs: Vec<String> = body
                    .get("urlencoded")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|p| p.get("disabled").and_then(Value::as_bool) != Some(true))
                    .map(|p| (value_text(p.get("key")), value_text(p.get("value"))))
                    .map(|(k, v)| {
                        let here = format!("{at}.request.body.urlencoded.{k}");
                        let v = self.credential_out(&k, v, title, &here);
                        format!("{k}={v}")
                    })
                    .collect();
                let text = self.fill(&pairs.join("&"), &format!("{at}.request.body"));
                Some(json!({"content_type": "application/x-www-form-urlencoded", "template": text}))
            }
            other => {
                self.note(
                    NoteKind::Dropped,
                    format!("{at}.request.body"),
                    format!("'{other}' bodies are not imported"),
                );
                None
            }
        }
    }

    /// `value` of the header, query or form parameter `name`, with a credential written into
    /// it taken out: when the name marks a credential and the value is more than
    /// `{{variables}}`, the value becomes `{{name}}`, a secret field a connection fills.
    fn credential_out(&mut self, name: &str, value: String, title: &str, at: &str) -> String {
        if !names_credential(name) || !is_literal(&value, false) || template_name(name).is_empty() {
            return value;
        }
        // Braces in the name would break the template: the field takes its template name.
        let var = if name.contains(['{', '}']) {
            template_name(name)
        } else {
            name.to_string()
        };
        self.note(
            NoteKind::Mapped,
            at,
            format!(
                "request '{title}': '{name}' held a credential: its value was not imported; the type sends the secret field '{}' a connection fills",
                template_name(name)
            ),
        );
        // `fill` renames it to the field's template name and records it as used.
        format!("{{{{{var}}}}}")
    }

    /// An `Authorization` header written into a request: never kept; when no auth applies to
    /// the request, the auth pattern it implies (as `import --curl` reads it) is added.
    /// Returns whether the request now needs auth.
    fn authorization_out(
        &mut self,
        name: &str,
        value: &str,
        title: &str,
        at: &str,
        has_auth: bool,
    ) -> bool {
        if has_auth {
            self.note(
                NoteKind::Mapped,
                at,
                format!("request '{title}': the Authorization header held a credential: not imported (the request's auth pattern sends Authorization from a connection)"),
            );
            return false;
        }
        let mut taken = super::curl::CurlSecrets::default();
        // The secret it finds is dropped here: Postman imports never connect.
        let pattern = super::curl::authorization(name, value, &mut taken);
        let kind = pattern["type"].as_str().unwrap_or("").to_string();
        self.note(
            NoteKind::Mapped,
            at,
            format!("request '{title}': the Authorization header held a credential: not imported; the request uses the auth pattern {kind}, whose secret a connection holds"),
        );
        if !self.patterns.iter().any(|p| p["type"] == pattern["type"]) {
            self.patterns.push(pattern);
        }
        true
    }

    /// `text` with each `{{variable}}` renamed to its field's template name (Postman allows
    /// `user-id`; templates take letters, digits and '_'), recording the variables used.
    /// Postman's dynamic variables (`{{$guid}}`) have no Patchbay equivalent: dropped.
    fn fill(&mut self, text: &str, at: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(end) = rest[start + 2..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            let var = &rest[start + 2..start + 2 + end];
            if var.starts_with('$') {
                self.note(
                    NoteKind::Dropped,
                    at,
                    format!("dynamic variable {{{{{var}}}}} has no Patchbay equivalent; removed"),
                );
            } else {
                if !self.used.iter().any(|u| u == var) {
                    self.used.push(var.to_string());
                }
                out.push_str(&format!("{{{{{}}}}}", template_name(var)));
            }
            rest = &rest[start + 2 + end + 2..];
        }
        out.push_str(rest);
        out
    }
}

/// Whether `value` holds more than `{{variables}}` (for an `Authorization` value, after its
/// scheme word): a credential written out.
fn is_literal(value: &str, authorization: bool) -> bool {
    let value = value.trim();
    let value = match value.split_once(' ') {
        Some((_, rest)) if authorization => rest,
        _ => value,
    };
    let mut rest = value;
    let mut outside = String::new();
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start + 2..].find("}}") else {
            break;
        };
        outside.push_str(&rest[..start]);
        rest = &rest[start + 2 + end + 2..];
    }
    outside.push_str(rest);
    !outside.trim().is_empty()
}

/// Whether a header, query or form parameter name says it carries a credential: one of its
/// words (`X-API-Key` → x, api, key) is `key`, `auth`, `apikey` …, or ends in `token`, `secret`
/// or `password` (`accesstoken`). Stricter than [`looks_secret`], so `author` or `monkey` keep
/// their values; every name it accepts also looks secret, so the field is a secret one.
fn names_credential(name: &str) -> bool {
    const WORDS: [&str; 7] = [
        "key",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "passwd",
    ];
    template_name(name).split('_').any(|w| {
        WORDS.contains(&w)
            || ["token", "secret", "password"]
                .iter()
                .any(|t| w.ends_with(t))
    })
}

fn looks_secret(var: &str) -> bool {
    let lower = var.to_ascii_lowercase().replace(['-', '_'], "");
    SECRET_HINTS
        .iter()
        .any(|h| lower.contains(&h.replace('_', "")))
}

/// A URL as Postman stores it: a string, or an object with `raw`.
fn url_raw(url: &Value) -> String {
    match url {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("raw")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

fn value_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A description: a string, or `{content: …}`.
fn description(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Object(o)) => o
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_literal, names_credential};

    #[test]
    fn credential_names_and_written_out_values() {
        for name in [
            "X-API-Key",
            "api_key",
            "apiKey",
            "APIKEY",
            "key",
            "access_token",
            "accesstoken",
            "X-Auth-Token",
            "PRIVATE-TOKEN",
            "client_secret",
            "password",
            "X-Auth",
            "credentials",
        ] {
            assert!(names_credential(name), "{name}");
        }
        for name in [
            "author",
            "monkey",
            "limit",
            "Accept",
            "X-Request-Id",
            "tokens_used_by",
        ] {
            assert!(!names_credential(name), "{name}");
        }
        assert!(is_literal("live_abc", false));
        assert!(is_literal("Bearer abc", true));
        assert!(is_literal("pre-{{key}}", false));
        assert!(!is_literal("{{apiKey}}", false));
        assert!(!is_literal("Bearer {{token}}", true));
        assert!(!is_literal("  ", false));
    }
}
