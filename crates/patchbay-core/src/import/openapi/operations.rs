//! Operations → actions, with parameters and example bodies (see the table in `mod.rs`).

use serde_json::{json, Value};

use super::{template_name, Doc, MAX_DOC_PARAMETERS, METHODS};
use crate::import::{ActionNames, NoteKind};
use crate::json_input::parse_error;
use crate::Result;

impl Doc<'_> {
    pub(super) fn actions(&mut self) -> Result<Vec<Value>> {
        let mut actions: Vec<Value> = Vec::new();
        let mut names = ActionNames::default();
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
                let mut action = action;
                let name = names.unique(action["name"].as_str().unwrap_or("action").to_string());
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
        // A path item or parameter list shared by `$ref` is copied into every operation using it.
        self.parameters += params.len();
        if self.parameters > MAX_DOC_PARAMETERS {
            return Err(parse_error(
                self.file,
                at,
                format!("the document's operations have more than {MAX_DOC_PARAMETERS} parameters in all (a parameter list shared by $ref many times?); refused"),
            ));
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
                let example = media.get("example").or_else(|| {
                    media
                        .get("examples")
                        .and_then(Value::as_object)
                        .and_then(|e| e.values().next())
                        .and_then(|e| e.get("value"))
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
}
