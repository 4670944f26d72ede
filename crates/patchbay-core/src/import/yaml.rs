//! YAML documents read straight into JSON values, with a bound on what aliases expand to.
//!
//! A YAML alias (`*name`) repeats the node its anchor (`&name`) marks, and an anchored node may
//! itself hold aliases: a few kilobytes can describe gigabytes ("billion laughs"). serde_yaml_ng
//! limits how many aliases are followed, but not how large each one is, so a wide anchor
//! referenced many times still expands without bound. Here the document is deserialized through
//! a counting visitor that sees every expanded node as it is built: past a budget tied to the
//! file's size the import stops with an error naming the file, before the memory is used.
//!
//! Keys become strings (`200:` is a number in YAML, a key in OpenAPI), tags are dropped (their
//! value is kept), and a key given twice is refused, as serde_yaml_ng's own `Value` does.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};
use serde_json::{Map, Value};

use crate::json_input::parse_error;
use crate::Result;

/// Nesting deeper than this is refused (JSON stops at serde_json's 128).
const MAX_DEPTH: usize = 128;

/// Values (every scalar, list, mapping and key) a document may expand to beyond twice its size
/// in bytes. Without aliases a document cannot reach twice its size (every value takes at least
/// one byte of the text), so this is what aliases may add: enough for anchors shared by many
/// operations, about 25 MB of memory at most.
const ALIAS_ALLOWANCE_NODES: usize = 250_000;
/// Bytes of text (strings and keys) a document may expand to beyond twice its size.
const ALIAS_ALLOWANCE_BYTES: usize = 8 * 1024 * 1024;

/// What the document may still expand to, and why it stopped if it did.
struct Budget {
    nodes: Cell<usize>,
    bytes: Cell<usize>,
    /// The first refusal, with the path it happened at (the deserializer's own error text is
    /// replaced by it).
    failure: RefCell<Option<(String, String)>>,
}

impl Budget {
    fn for_text(text: &str) -> Budget {
        Budget {
            nodes: Cell::new(text.len().saturating_mul(2) + ALIAS_ALLOWANCE_NODES),
            bytes: Cell::new(text.len().saturating_mul(2) + ALIAS_ALLOWANCE_BYTES),
            failure: RefCell::new(None),
        }
    }

    fn fail<E: de::Error>(&self, at: &Seg<'_>, message: String) -> E {
        let mut failure = self.failure.borrow_mut();
        if failure.is_none() {
            *failure = Some((at.to_string(), message.clone()));
        }
        E::custom(message)
    }

    /// Takes one value and `text` bytes from the budget.
    fn charge<E: de::Error>(&self, at: &Seg<'_>, text: usize) -> std::result::Result<(), E> {
        let nodes = self.nodes.get().checked_sub(1);
        let bytes = self.bytes.get().checked_sub(text);
        match (nodes, bytes) {
            (Some(n), Some(b)) => {
                self.nodes.set(n);
                self.bytes.set(b);
                Ok(())
            }
            _ => Err(self.fail(at, too_many_aliases())),
        }
    }
}

fn too_many_aliases() -> String {
    "too many alias expansions: the document's aliases (*name) repeat its anchors (&name) into \
     far more than the file holds (a \"billion laughs\" document?); refused before it filled memory"
        .to_string()
}

/// Where a value is, kept as a chain of borrowed segments and only formatted for an error.
enum Seg<'a> {
    Root,
    Key(&'a Seg<'a>, &'a str),
    Index(&'a Seg<'a>, usize),
}

impl fmt::Display for Seg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seg::Root => f.write_str("$"),
            Seg::Key(parent, key) => write!(f, "{parent}.{key}"),
            Seg::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Parses `text` (named `source` in errors) as one YAML document.
pub(crate) fn parse_yaml(source: &str, text: &str) -> Result<Value> {
    let budget = Budget::for_text(text);
    let seed = Node {
        budget: &budget,
        at: &Seg::Root,
        depth: 0,
    };
    let parsed = seed.deserialize(serde_yaml_ng::Deserializer::from_str(text));
    match parsed {
        Ok(v) => Ok(v),
        Err(e) => {
            if let Some((path, message)) = budget.failure.into_inner() {
                return Err(parse_error(source, &path, message));
            }
            // serde_yaml_ng's own bound on how many aliases are followed.
            if e.to_string().contains("repetition limit exceeded") {
                return Err(parse_error(source, "$", too_many_aliases()));
            }
            let at = e
                .location()
                .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
                .unwrap_or_default();
            Err(parse_error(
                source,
                "$",
                format!("not valid JSON or YAML{at}: {e}"),
            ))
        }
    }
}

/// One value at `at`, charged to the budget as it is built.
struct Node<'a> {
    budget: &'a Budget,
    at: &'a Seg<'a>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(self
                .budget
                .fail(self.at, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        d.deserialize_any(self)
    }
}

impl<'a> Node<'a> {
    fn child<'c>(&self, at: &'c Seg<'c>) -> Node<'c>
    where
        'a: 'c,
    {
        Node {
            budget: self.budget,
            at,
            depth: self.depth + 1,
        }
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, 0)?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, 0)?;
        Ok(Value::from(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, 0)?;
        Ok(Value::from(u))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, 0)?;
        // JSON has no NaN or infinity.
        Ok(serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, s.len())?;
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, s.len())?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
        self.budget.charge(self.at, 0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        self.budget.charge(self.at, 0)?;
        let mut items = Vec::new();
        loop {
            let at = Seg::Index(self.at, items.len());
            match seq.next_element_seed(self.child(&at))? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        self.budget.charge(self.at, 0)?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key {
            budget: self.budget,
            at: self.at,
        })? {
            let at = Seg::Key(self.at, &key);
            let value = map.next_value_seed(self.child(&at))?;
            if out.contains_key(&key) {
                return Err(self
                    .budget
                    .fail(self.at, format!("the key '{key}' is given twice")));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    /// A tagged value (`!Tag value`): the tag is dropped, its value kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> std::result::Result<Value, A::Error> {
        let (_tag, content) = data.variant_seed(Tag)?;
        content.newtype_variant_seed(self)
    }
}

/// A mapping key, as text.
struct Key<'a> {
    budget: &'a Budget,
    at: &'a Seg<'a>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl Key<'_> {
    fn text<E: de::Error>(self, key: String) -> std::result::Result<String, E> {
        self.budget.charge(self.at, key.len())?;
        Ok(key)
    }

    fn not_text<E: de::Error>(self, found: &str) -> E {
        self.budget.fail(
            self.at,
            format!("a mapping key must be text, found {found}"),
        )
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<String, E> {
        self.text(s.to_string())
    }

    fn visit_string<E: de::Error>(self, s: String) -> std::result::Result<String, E> {
        self.text(s)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<String, E> {
        self.text(b.to_string())
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> std::result::Result<String, E> {
        self.text(i.to_string())
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> std::result::Result<String, E> {
        self.text(u.to_string())
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> std::result::Result<String, E> {
        self.text(serde_yaml_ng::Number::from(f).to_string())
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<String, E> {
        Err(self.not_text("null"))
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<String, E> {
        Err(self.not_text("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> std::result::Result<String, A::Error> {
        Err(self.not_text("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> std::result::Result<String, A::Error> {
        Err(self.not_text("a mapping"))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> std::result::Result<String, A::Error> {
        Err(self.not_text("a tagged value"))
    }
}

/// A tag's name, read and dropped.
struct Tag;

impl<'de> DeserializeSeed<'de> for Tag {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_identifier(de::IgnoredAny).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value> {
        parse_yaml("t.yaml", text)
    }

    #[test]
    fn reads_keys_as_text_drops_tags_and_refuses_repeated_keys() {
        let v =
            parse("200: {a: 1}\ntrue: x\n1.5: y\nt: !Thing {k: v}\nl: [1, -2, 2.5, ~]\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"200": {"a": 1}, "true": "x", "1.5": "y", "t": {"k": "v"}, "l": [1, -2, 2.5, null]})
        );
        let e = parse("a: 1\nb: {c: 1, c: 2}\n").unwrap_err().to_string();
        assert!(
            e.contains("t.yaml") && e.contains("$.b") && e.contains("'c'"),
            "{e}"
        );
        let e = parse("? [1]\n: x\n").unwrap_err().to_string();
        assert!(e.contains("must be text, found a list"), "{e}");
        let e = parse("a: [1").unwrap_err().to_string();
        assert!(e.contains("not valid JSON or YAML (line"), "{e}");
    }

    #[test]
    fn aliases_expand_within_the_budget_and_are_refused_past_it() {
        let v = parse("base: &b {type: string}\nx: *b\ny: [*b, *b]\n").unwrap();
        assert_eq!(v["y"][1]["type"], "string");
        // A wide anchor referenced many times: ~16 KB that would expand to 8 million values.
        let items = vec!["x"; 2000].join(",");
        let refs = vec!["*a"; 2000].join(",");
        let bomb = format!(
            "a: &a [{items}]\nb: &b [{refs}]\nc: [{}]\n",
            ["*b"; 2].join(",")
        );
        let e = parse(&bomb).unwrap_err().to_string();
        assert!(
            e.contains("t.yaml") && e.contains("too many alias expansions"),
            "{e}"
        );
        // One long string repeated: bounded by bytes, not by the number of values.
        let long = "z".repeat(64 * 1024);
        let bomb = format!("s: &s {long}\nl: [{}]\n", vec!["*s"; 400].join(","));
        let e = parse(&bomb).unwrap_err().to_string();
        assert!(e.contains("too many alias expansions"), "{e}");
        // The classic nested one stops at serde_yaml_ng's own bound, with the same words.
        let mut classic = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            classic.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let e = parse(&classic).unwrap_err().to_string();
        assert!(e.contains("too many alias expansions"), "{e}");
    }

    #[test]
    fn a_document_without_aliases_never_reaches_the_budget() {
        // The densest shapes YAML has: one value per byte or two.
        let n = 2_000_000;
        for text in [
            format!("[{}]", vec!["a"; n].join(",")),
            format!(
                "{{{}}}",
                (0..n / 4)
                    .map(|i| format!("k{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            "- \n".repeat(n / 2),
            format!("\"{}\"", "\\L".repeat(n)),
        ] {
            parse(&text).unwrap_or_else(|e| panic!("{}: {e}", &text[..20]));
        }
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&deep).unwrap_err().to_string();
        assert!(
            e.contains("nested deeper than 128") || e.contains("recursion limit"),
            "{e}"
        );
    }
}
