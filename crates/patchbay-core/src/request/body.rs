//! Request bodies: JSON, form, raw text, raw bytes, a file, or an action's body template — turned
//! into the exact bytes sent and a content type.
//!
//! Bodies are held in memory (up to [`MAX_REQUEST_BODY`]) so they can be hashed for an HMAC
//! signature and sent again on a 307/308 redirect.
//!
//! Action body templates take parameters and non-secret fields only: a secret in a body would
//! follow a 307 redirect to another origin, where auth material must never go.
//!
//! Other bodies are sent as given, placeholders and all. A delegate's body (an agent's
//! `call_api`) is still searched for placeholders that name a secret or a credential, and
//! refused when one does: whatever the server would make of `{{api_key}}`, a caller that asks
//! for it gets a clear refusal rather than the impression that it worked.

use std::path::Path;

use bytes::Bytes;

use crate::template;

use super::error::RequestError;
use super::spec::RequestBody;
use super::values::Values;

/// The largest request body Patchbay sends: 64 MiB.
pub const MAX_REQUEST_BODY: u64 = 64 * 1024 * 1024;

/// A body ready to send.
#[derive(Clone)]
pub(crate) struct PreparedBody {
    pub bytes: Bytes,
    pub content_type: Option<String>,
    /// The file it came from, for previews and copy-as-curl.
    pub file: Option<String>,
}

pub(crate) fn prepare(
    body: RequestBody,
    values: &Values,
) -> Result<Option<PreparedBody>, RequestError> {
    let template = matches!(body, RequestBody::Template { .. });
    let prepared = build(body, values)?;
    if let (Some(b), false, Some(_)) = (&prepared, template, values.delegate()) {
        check_references(&String::from_utf8_lossy(&b.bytes), "body", values)?;
    }
    Ok(prepared)
}

/// Refuses a placeholder-shaped `{{name}}` in text a delegate wrote that is sent as is (a body, a
/// query parameter's name) when it names a secret. Text that is not a valid placeholder is left
/// alone: a body may hold anything.
pub(crate) fn check_references(
    text: &str,
    place: &str,
    values: &Values,
) -> Result<(), RequestError> {
    // Every `{{` is a candidate start (so `{{{api_key}}}` and `{{x{{api_key}}` are caught),
    // each closed by the next `}}`, found once per stretch of text.
    let mut from = 0;
    let mut close: Option<usize> = None;
    while let Some(open) = text[from..].find("{{") {
        let start = from + open + 2;
        let end = match close {
            Some(c) if c >= start => c,
            _ => match text[start..].find("}}") {
                Some(c) => start + c,
                None => break,
            },
        };
        close = Some(end);
        let name = text[start..end].trim();
        if template::is_valid_name(name) {
            values.check_reference(name, place)?;
        }
        from = from + open + 1;
    }
    Ok(())
}

fn build(body: RequestBody, values: &Values) -> Result<Option<PreparedBody>, RequestError> {
    let ready = |bytes: Vec<u8>, content_type: &str| PreparedBody {
        bytes: Bytes::from(bytes),
        content_type: Some(content_type.to_string()),
        file: None,
    };
    Ok(Some(match body {
        RequestBody::None => return Ok(None),
        RequestBody::Json(text) => {
            serde_json::from_str::<serde::de::IgnoredAny>(&text)
                .map_err(|e| RequestError::Body(format!("the JSON body is not valid JSON: {e}")))?;
            ready(text.into_bytes(), "application/json")
        }
        RequestBody::Form(pairs) => {
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter().map(|kv| (kv.name.as_str(), kv.value.as_str())))
                .finish();
            ready(encoded.into_bytes(), "application/x-www-form-urlencoded")
        }
        RequestBody::Text { content_type, text } => ready(
            text.into_bytes(),
            content_type
                .as_deref()
                .unwrap_or("text/plain; charset=utf-8"),
        ),
        RequestBody::Bytes {
            content_type,
            bytes,
        } => {
            check_size(bytes.len() as u64, "the request body")?;
            ready(
                bytes,
                content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"),
            )
        }
        RequestBody::File(path) => read_file(&path)?,
        RequestBody::Template {
            content_type,
            template: text,
        } => {
            let filled = fill_template(&text, &content_type, values)?;
            ready(filled.into_bytes(), &content_type)
        }
    }))
}

fn check_size(size: u64, what: &str) -> Result<(), RequestError> {
    if size > MAX_REQUEST_BODY {
        return Err(RequestError::Body(format!(
            "{what} is {size} bytes; Patchbay sends bodies of at most {MAX_REQUEST_BODY} bytes (64 MiB)"
        )));
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<PreparedBody, RequestError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| RequestError::Body(format!("cannot read the body file {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(RequestError::Body(format!(
            "the body file {shown} is not a regular file"
        )));
    }
    check_size(meta.len(), &format!("the body file {shown}"))?;
    let bytes = std::fs::read(path)
        .map_err(|e| RequestError::Body(format!("cannot read the body file {shown}: {e}")))?;
    check_size(bytes.len() as u64, &format!("the body file {shown}"))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let content_type = match ext.as_deref() {
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        Some("csv") => "text/csv",
        Some("html" | "htm") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };
    Ok(PreparedBody {
        bytes: Bytes::from(bytes),
        content_type: Some(content_type.to_string()),
        file: Some(shown),
    })
}

/// Fills an action's body template, escaping each value for the content type so a value cannot
/// break out of its JSON string or form field.
fn fill_template(text: &str, content_type: &str, values: &Values) -> Result<String, RequestError> {
    let found = template::placeholders(text)
        .map_err(|e| RequestError::Invalid(format!("body template: {e}")))?;
    let ct = content_type.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for p in &found {
        out.push_str(&text[last..p.start]);
        let value = values.get(&p.name, "body")?;
        if value.is_secret() {
            return Err(RequestError::UnsafeValue {
                place: "body".into(),
                field: p.name.clone(),
                problem: "is secret and cannot be placed in a body template (a body is sent on to wherever a 307 redirect points); use an auth pattern".into(),
            });
        }
        let v = value.expose();
        if ct.contains("json") {
            let quoted = serde_json::to_string(v).unwrap_or_default();
            let inner = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"'));
            out.push_str(inner.unwrap_or_default());
        } else if ct.contains("x-www-form-urlencoded") {
            out.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
        } else {
            out.push_str(v);
        }
        last = p.end;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthPattern, AuthType, KeyValue};
    use crate::request::auth::test_support::Inputs;

    fn inputs() -> Inputs {
        let mut i = Inputs::new(
            AuthPattern::new(AuthType::Bearer),
            &[("name", "a\"b\\c")],
            &[("token", "tok_0123456789abcdef")],
        );
        i.vars.insert("q".into(), "x&y=z".into());
        i
    }

    #[test]
    fn json_form_and_text_bodies() {
        let i = inputs();
        let b = prepare(RequestBody::Json("{\"a\":1}".into()), &i.values())
            .unwrap()
            .unwrap();
        assert_eq!(b.content_type.as_deref(), Some("application/json"));
        assert!(prepare(RequestBody::Json("{nope".into()), &i.values()).is_err());
        let form = RequestBody::Form(vec![KeyValue {
            name: "a b".into(),
            value: "c&d".into(),
        }]);
        let b = prepare(form, &i.values()).unwrap().unwrap();
        assert_eq!(&b.bytes[..], b"a+b=c%26d");
        assert!(prepare(RequestBody::None, &i.values()).unwrap().is_none());
    }

    #[test]
    fn templates_escape_values_and_refuse_secrets() {
        let i = inputs();
        let json = RequestBody::Template {
            content_type: "application/json".into(),
            template: "{\"name\": \"{{name}}\", \"q\": \"{{q}}\"}".into(),
        };
        let b = prepare(json, &i.values()).unwrap().unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&b.bytes).unwrap();
        assert_eq!(parsed["name"], "a\"b\\c");
        let form = RequestBody::Template {
            content_type: "application/x-www-form-urlencoded".into(),
            template: "q={{q}}".into(),
        };
        assert_eq!(
            &prepare(form, &i.values()).unwrap().unwrap().bytes[..],
            b"q=x%26y%3Dz"
        );
        let secret = RequestBody::Template {
            content_type: "application/json".into(),
            template: "{\"t\": \"{{token}}\"}".into(),
        };
        let err = prepare(secret, &i.values()).err().unwrap().to_string();
        assert!(
            err.contains("'token'") && !err.contains("0123456789"),
            "{err}"
        );
    }

    #[test]
    fn files_are_read_with_a_content_type_and_missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("body.json");
        std::fs::write(&path, b"{\"x\":1}").unwrap();
        let i = inputs();
        let b = prepare(RequestBody::File(path.clone()), &i.values())
            .unwrap()
            .unwrap();
        assert_eq!(b.content_type.as_deref(), Some("application/json"));
        assert_eq!(b.file.as_deref(), Some(path.display().to_string().as_str()));
        let err = prepare(
            RequestBody::File(dir.path().join("missing.bin")),
            &i.values(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("missing.bin"), "{err}");
    }

    #[test]
    fn a_delegates_body_cannot_name_a_secret() {
        use crate::request::caller::DelegateKind;
        let i = inputs();
        let owner = i.values();
        let agent = owner.for_delegate(DelegateKind::Agent);
        for text in [
            "{\"a\": \"{{token}}\"}",
            "{\"a\": [\"{{ token }}\"]}",
            "{\"a\": \"{{{token}}}\"}",
            "{\"a\": \"{{x{{token}}\"}",
        ] {
            let err = prepare(RequestBody::Json(text.into()), &agent)
                .err()
                .unwrap_or_else(|| panic!("{text} was accepted"))
                .to_string();
            assert!(err.starts_with("body:") && err.contains("'token'"), "{err}");
        }
        let text = RequestBody::Text {
            content_type: None,
            text: "token={{token}}".into(),
        };
        assert!(prepare(text, &agent).is_err());
        // Other placeholders and stray braces are sent as they are; the owner's body too.
        for ok in [
            "{\"a\": \"{{name}} {{unknown}} {{\"}",
            "{\"t\": \"{{token}}\"}",
        ] {
            let b = prepare(RequestBody::Json(ok.into()), &owner)
                .unwrap()
                .unwrap();
            assert_eq!(&b.bytes[..], ok.as_bytes());
        }
        let ok = "{\"a\": \"{{name}} {{unknown}} {{\"}";
        assert!(prepare(RequestBody::Json(ok.into()), &agent).is_ok());
    }
}
