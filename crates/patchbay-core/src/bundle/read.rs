//! Reading bundles. Every entry is checked before anything is stored, and every problem in the
//! file is reported at once with its JSON path (`integrations[3].auth_patterns[0].type`).

use std::collections::HashMap;

use serde_json::Value;

use super::{FORMAT, VERSION};
use crate::json_input::{join_path, kind, parse_error, parse_json};
use crate::model::IntegrationDef;
use crate::validate::{def_problems, Problem, ValidationErrors};
use crate::{CoreError, Result};

/// A bundle that passed every check.
#[derive(Debug)]
pub struct ParsedBundle {
    pub integrations: Vec<IntegrationDef>,
}

/// Parses and validates bundle text. `file` names the source in errors.
pub fn parse_bundle(file: &str, text: &str) -> Result<ParsedBundle> {
    bundle_from_value(file, parse_json(file, text)?)
}

/// Like [`parse_bundle`], for a document already parsed (by an importer that looked at it to
/// decide its format), so a large bundle is parsed once.
pub fn bundle_from_value(file: &str, value: Value) -> Result<ParsedBundle> {
    let mut value = migrate_to_current(file, value)?;
    let mut problems = Vec::new();
    let mut integrations = Vec::new();
    // Taken out of the document rather than cloned: a 10,000-type bundle is large.
    let entries = match value.as_object_mut().and_then(|o| o.remove("integrations")) {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(parse_error(
                file,
                "integrations",
                format!(
                    "expected a list of integration types, found {}",
                    kind(&other)
                ),
            ));
        }
        None => {
            return Err(parse_error(
                file,
                "integrations",
                "missing: a bundle lists its types under \"integrations\"",
            ))
        }
    };
    if let Some(obj) = value.as_object() {
        for key in obj.keys() {
            if !matches!(key.as_str(), "format" | "version") {
                problems.push(Problem {
                    path: key.clone(),
                    message: "unknown field (expected format, version, integrations)".into(),
                });
            }
        }
    }
    let mut first_slug: HashMap<String, usize> = HashMap::new();
    for (i, mut entry) in entries.into_iter().enumerate() {
        let at = format!("integrations[{i}]");
        let Some(obj) = entry.as_object_mut() else {
            problems.push(Problem {
                path: at,
                message: format!(
                    "expected an integration type object, found {}",
                    kind(&entry)
                ),
            });
            continue;
        };
        // `requires` is derived from the definition on export; on import it is informative only.
        if let Some(req) = obj.remove("requires") {
            if !is_requires_shape(&req) {
                problems.push(Problem {
                    path: format!("{at}.requires"),
                    message:
                        "expected an object mapping auth pattern types to lists of field names"
                            .into(),
                });
            }
        }
        match serde_path_to_error::deserialize::<_, IntegrationDef>(entry) {
            Err(e) => problems.push(Problem {
                path: join_path(&at, &e.path().to_string()),
                message: e.inner().to_string(),
            }),
            Ok(def) => {
                if let Some(first) = first_slug.get(&def.slug) {
                    problems.push(Problem {
                        path: format!("{at}.slug"),
                        message: format!(
                            "duplicate slug '{}' (also at integrations[{first}])",
                            def.slug
                        ),
                    });
                } else {
                    first_slug.insert(def.slug.clone(), i);
                }
                problems.extend(def_problems(&def, &format!("{at}.")));
                integrations.push(def);
            }
        }
    }
    if !problems.is_empty() {
        return Err(CoreError::Validation(ValidationErrors {
            subject: file.to_string(),
            problems,
        }));
    }
    Ok(ParsedBundle { integrations })
}

/// Checks the header and brings older versions up to [`VERSION`]. Version 1 is the first, so
/// there is nothing to migrate yet; a later version adds a step here (`1 → 2`, …).
fn migrate_to_current(file: &str, value: Value) -> Result<Value> {
    let Some(obj) = value.as_object() else {
        return Err(parse_error(
            file,
            "$",
            format!("expected a bundle object, found {}", kind(&value)),
        ));
    };
    match obj.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => {
            return Err(parse_error(file, "format", format!("is '{f}', expected '{FORMAT}' (is this a Scalekit or OpenAPI file? those come with the importers)")))
        }
        Some(other) => return Err(parse_error(file, "format", format!("expected the string \"{FORMAT}\", found {}", kind(other)))),
        None => return Err(parse_error(file, "format", format!("missing: a bundle starts with \"format\": \"{FORMAT}\""))),
    }
    match obj.get("version") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(VERSION) => Ok(value),
            Some(v) if v > VERSION => Err(parse_error(
                file,
                "version",
                format!("bundle version {v} is newer than this Patchbay understands (up to {VERSION}); upgrade Patchbay"),
            )),
            _ => Err(parse_error(file, "version", format!("unknown bundle version {n} (this Patchbay reads version {VERSION})"))),
        },
        Some(other) => Err(parse_error(file, "version", format!("expected a whole number, found {}", kind(other)))),
        None => Err(parse_error(file, "version", "missing: a bundle names its format version")),
    }
}

fn is_requires_shape(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.values().all(|list| {
            list.as_array()
                .is_some_and(|items| items.iter().all(Value::is_string))
        })
    })
}

/// Reads one definition for `types create/edit --file`: a bare definition object, or a bundle
/// holding exactly one type.
pub fn parse_definition(file: &str, text: &str) -> Result<IntegrationDef> {
    let value = parse_json(file, text)?;
    if value.get("format").is_some() {
        let mut bundle = parse_bundle(file, text)?;
        return match bundle.integrations.len() {
            1 => Ok(bundle.integrations.remove(0)),
            n => Err(parse_error(file, "integrations", format!("holds {n} types; `types create/edit` takes exactly one (use `patchbay import` for several)"))),
        };
    }
    let def: IntegrationDef = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        CoreError::Parse {
            file: file.to_string(),
            path: if path == "." { "$".to_string() } else { path },
            message: e.inner().to_string(),
        }
    })?;
    let problems = def_problems(&def, "");
    if problems.is_empty() {
        Ok(def)
    } else {
        Err(CoreError::Validation(ValidationErrors {
            subject: file.to_string(),
            problems,
        }))
    }
}
