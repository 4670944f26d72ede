//! Security schemes → auth patterns (see the table in `mod.rs`).

use serde_json::{json, Map, Value};

use super::Doc;
use crate::import::patterns;
use crate::import::NoteKind;
use crate::Result;

impl Doc<'_> {
    pub(super) fn patterns(&mut self) -> Result<Vec<Value>> {
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
            ("apiKey", location @ ("header" | "query"), _) => {
                vec![patterns::api_key(location, &name)]
            }
            ("apiKey", "cookie", _) => {
                self.note(
                    NoteKind::Mapped,
                    path,
                    format!("cookie '{name}' is sent as a Cookie header"),
                );
                vec![json!({"type": "custom_headers",
                    "fields": [patterns::secret_field("api_key", &name)],
                    "headers": [{"name": "Cookie", "value": format!("{name}={{{{api_key}}}}")}]})]
            }
            ("http", _, "basic") | ("basic", _, _) => vec![patterns::basic()],
            ("http", _, "bearer") => vec![patterns::bearer()],
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
}
