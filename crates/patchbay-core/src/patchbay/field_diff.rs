//! Field-level differences between a stored type and the one an import brings, for the import
//! preview: `auth_patterns[0].api_key.name: "X-Key" → "X-Api-Key"`. Definitions never hold
//! secrets (invariant 1), so showing their values is safe.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::model::IntegrationDef;

/// Differences listed per type; the rest are counted in [`FieldDiff`]'s last entry.
const MAX_DIFFS: usize = 40;
/// Characters of a value shown.
const MAX_VALUE_CHARS: usize = 120;

/// One changed value: where, before and after (compact JSON; absent when the field is new or
/// removed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct FieldDiff {
    pub path: String,
    #[ts(optional)]
    pub before: Option<String>,
    #[ts(optional)]
    pub after: Option<String>,
}

/// How `new` differs from `old`, from one serialization of each: the top-level fields that
/// differ (all of them), and every changed leaf in field order (see [`field_diffs`]).
pub fn compare(old: &IntegrationDef, new: &IntegrationDef) -> (Vec<String>, Vec<FieldDiff>) {
    let (Ok(a), Ok(b)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return (Vec::new(), Vec::new());
    };
    let changed = match (&a, &b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<String> = x.keys().chain(y.keys()).cloned().collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().filter(|k| x.get(k) != y.get(k)).collect()
        }
        _ => Vec::new(),
    };
    (changed, field_diffs(&a, &b))
}

/// Every changed leaf between two serialized definitions, in field order; an OpenAPI `schema`
/// counts as one value (it is a document of its own, often megabytes).
fn field_diffs(a: &Value, b: &Value) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut more = 0usize;
    walk(a, b, "", &mut out, &mut more);
    if more > 0 {
        out.push(FieldDiff {
            path: format!("… and {more} more"),
            before: None,
            after: None,
        });
    }
    out
}

fn walk(a: &Value, b: &Value, path: &str, out: &mut Vec<FieldDiff>, more: &mut usize) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if path != "schema" => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => walk(p, q, &at, out, more),
                    (p, q) => push(out, more, at, p, q),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(p, q, &format!("{path}[{i}]"), out, more);
            }
        }
        _ => push(out, more, path.to_string(), Some(a), Some(b)),
    }
}

fn push(
    out: &mut Vec<FieldDiff>,
    more: &mut usize,
    path: String,
    a: Option<&Value>,
    b: Option<&Value>,
) {
    if out.len() >= MAX_DIFFS {
        *more += 1;
        return;
    }
    out.push(FieldDiff {
        path,
        before: a.map(short),
        after: b.map(short),
    });
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(v: serde_json::Value) -> IntegrationDef {
        serde_json::from_value(v).expect("def")
    }

    #[test]
    fn lists_changed_leaves_with_their_paths() {
        let old = def(serde_json::json!({
            "slug": "a", "display_name": "A", "base_url": "https://a.example",
            "auth_patterns": [{"type": "api_key", "api_key": {"in": "header", "name": "X-Key"}}]
        }));
        let mut new = old.clone();
        new.base_url = "https://b.example".into();
        new.auth_patterns[0].api_key.as_mut().expect("key").name = "X-Api-Key".into();
        new.docs_url = Some("https://docs.example".into());
        let (changed, diffs) = compare(&old, &new);
        assert_eq!(changed, ["auth_patterns", "base_url", "docs_url"]);
        let paths: Vec<&str> = diffs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            ["auth_patterns[0].api_key.name", "base_url", "docs_url"]
        );
        assert_eq!(diffs[1].before.as_deref(), Some("\"https://a.example\""));
        assert_eq!(diffs[1].after.as_deref(), Some("\"https://b.example\""));
        assert_eq!(diffs[2].before, None);
    }
}
