//! Example request bodies generated from schemas, bounded however the schemas refer to each other.
//!
//! A schema may refer to itself (`Node.child: $ref Node`), to another that refers back, or fan out
//! through many properties that each refer on: followed blindly, 30 self-referencing properties
//! six levels deep are 30⁶ values. So generation stops at a `$ref` already being expanded on the
//! way down (that value becomes `null`), at [`MAX_EXAMPLE_DEPTH`] levels, and after
//! [`MAX_EXAMPLE_NODES`] values or [`MAX_EXAMPLE_BYTES`] of text (the rest is left out, with a
//! note). Examples the document gives are measured before they are copied: a larger one is
//! dropped with a note, and all bodies of one document together, kept or dropped, may not pass
//! [`MAX_DOC_EXAMPLE_BYTES`], since one large `example` may be referenced by every operation.

use serde_json::{json, Map, Value};

use super::{Doc, MAX_EXAMPLE_DEPTH};
use crate::import::NoteKind;
use crate::json_input::parse_error;
use crate::Result;

/// Values generated for one example body.
pub(super) const MAX_EXAMPLE_NODES: usize = 1_000;
/// The longest example body kept (the document's own example or a generated one).
pub(super) const MAX_EXAMPLE_BYTES: usize = 256 * 1024;
/// Example bodies of one document together (a large public API's are a few MB); past this the
/// document is refused.
pub(super) const MAX_DOC_EXAMPLE_BYTES: usize = 64 * 1024 * 1024;

/// What one generated value is counted as, in bytes of the body's text.
const NODE_BYTES: usize = 16;

/// One body's generation: the `$ref`s being expanded on the way down and what is left to spend.
struct Gen<'d> {
    doc: &'d Doc<'d>,
    at: &'d str,
    refs: Vec<&'d str>,
    nodes_left: usize,
    bytes_left: usize,
    cut: bool,
}

impl Doc<'_> {
    /// An example body: the document's own example, else one generated from the schema.
    pub(super) fn example_body(
        &mut self,
        at: &str,
        schema: Option<&Value>,
        example: Option<&Value>,
        content_type: &str,
    ) -> Result<Option<Value>> {
        let (value, cut) = match (example, schema) {
            (Some(e), _) if weight(e, MAX_EXAMPLE_BYTES) > MAX_EXAMPLE_BYTES => {
                self.charge_examples(at, MAX_EXAMPLE_BYTES)?;
                self.note(
                    NoteKind::Dropped,
                    at,
                    format!(
                        "the example body is larger than {} KB: not kept",
                        MAX_EXAMPLE_BYTES / 1024
                    ),
                );
                return Ok(None);
            }
            (Some(e), _) => (e.clone(), false),
            (None, Some(s)) => {
                let mut g = Gen {
                    doc: self,
                    at,
                    refs: Vec::new(),
                    nodes_left: MAX_EXAMPLE_NODES,
                    bytes_left: MAX_EXAMPLE_BYTES,
                    cut: false,
                };
                let value = g.example_of(s, 0)?;
                (value, g.cut)
            }
            (None, None) => return Ok(None),
        };
        if cut {
            self.note(
                NoteKind::Mapped,
                at,
                format!("the example body was cut short (at most {MAX_EXAMPLE_NODES} values, {} KB): the schema is larger than an example needs", MAX_EXAMPLE_BYTES / 1024),
            );
        }
        let template = match &value {
            Value::String(s) if !content_type.contains("json") => s.clone(),
            v => serde_json::to_string_pretty(v).unwrap_or_default(),
        };
        self.charge_examples(at, template.len().min(MAX_EXAMPLE_BYTES))?;
        if template.len() > MAX_EXAMPLE_BYTES {
            self.note(
                NoteKind::Dropped,
                at,
                format!(
                    "the example body is {} KB; bodies of at most {} KB are kept",
                    template.len() / 1024,
                    MAX_EXAMPLE_BYTES / 1024
                ),
            );
            return Ok(None);
        }
        // A literal "{{" in an example would read as a template.
        Ok(Some(
            json!({"content_type": content_type, "template": template.replace("{{", "{ {")}),
        ))
    }

    /// Counts `bytes` of example text against the document's total.
    fn charge_examples(&mut self, at: &str, bytes: usize) -> Result<()> {
        self.example_bytes += bytes;
        if self.example_bytes > MAX_DOC_EXAMPLE_BYTES {
            return Err(parse_error(
                self.file,
                at,
                format!(
                    "the document's example bodies add up to more than {} MiB (one large example referenced by every operation?); refused",
                    MAX_DOC_EXAMPLE_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }
}

/// About how many bytes `v` takes as compact JSON, counted no further than just past `limit`.
fn weight(v: &Value, limit: usize) -> usize {
    let mut total = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::Null | Value::Bool(_) | Value::Number(_) => 8,
            Value::String(s) => s.len() + 3,
            Value::Array(items) => {
                stack.extend(items);
                2
            }
            Value::Object(map) => {
                total += map.keys().map(|k| k.len() + 4).sum::<usize>();
                stack.extend(map.values());
                2
            }
        };
        if total > limit {
            break;
        }
    }
    total
}

impl<'d> Gen<'d> {
    fn example_of(&mut self, schema: &'d Value, depth: usize) -> Result<Value> {
        // Every generated value is charged as a short one; names and examples by their length.
        if self.nodes_left == 0 || self.bytes_left < NODE_BYTES {
            self.cut = true;
            return Ok(Value::Null);
        }
        self.nodes_left -= 1;
        self.bytes_left -= NODE_BYTES;
        // Follow the `$ref` chain, stopping at one already being expanded above.
        let mut s = schema;
        let mut entered = 0;
        let mut hops = 0;
        while let Some(r) = s.get("$ref").and_then(Value::as_str) {
            if self.refs.contains(&r) {
                self.refs.truncate(self.refs.len() - entered);
                return Ok(Value::Null);
            }
            self.refs.push(r);
            entered += 1;
            hops += 1;
            // One hop at a time, with the same errors and hop limit as everywhere else.
            s = self.doc.deref_once(s, self.at, hops)?;
        }
        let value = self.example_here(s, depth);
        self.refs.truncate(self.refs.len() - entered);
        value
    }

    fn example_here(&mut self, s: &'d Value, depth: usize) -> Result<Value> {
        if let Some(e) = s.get("example").or_else(|| s.get("default")) {
            let w = weight(e, self.bytes_left);
            if w > self.bytes_left {
                self.cut = true;
                return Ok(Value::Null);
            }
            self.bytes_left -= w;
            return Ok(e.clone());
        }
        if depth >= MAX_EXAMPLE_DEPTH {
            return Ok(Value::Null);
        }
        if let Some(first) = ["allOf", "oneOf", "anyOf"]
            .iter()
            .find_map(|k| s.get(*k).and_then(Value::as_array).and_then(|a| a.first()))
        {
            return self.example_of(first, depth + 1);
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
                    if self.nodes_left == 0 || self.bytes_left < k.len() + NODE_BYTES {
                        self.cut = true;
                        break;
                    }
                    self.bytes_left -= k.len();
                    out.insert(k.clone(), self.example_of(v, depth + 1)?);
                }
                Value::Object(out)
            }
            "array" => match s.get("items") {
                Some(items) => Value::Array(vec![self.example_of(items, depth + 1)?]),
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
