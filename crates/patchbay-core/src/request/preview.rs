//! What a person (or the web view, or a script) may see of a request: everything as it will be
//! sent, with every secret masked. These types are serializable; nothing in them is secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::model::AuthType;
use crate::secret::mask;

use super::redact::Redactor;

/// One header line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

/// A request body as previewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BodyPreview {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Bytes sent.
    #[ts(type = "number")]
    pub size: u64,
    /// The body as text (masked, at most 64 KiB) when it is UTF-8.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether `text` stops before the end of the body.
    pub truncated: bool,
    /// The file the body was read from, if any.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The request exactly as it will be sent, secrets masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestPreview {
    pub connection: String,
    pub method: String,
    /// The full URL; an API key sent as a query parameter shows as its mask.
    pub url: String,
    /// Headers in the order sent (Content-Length included when there is a body).
    pub headers: Vec<HeaderLine>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyPreview>,
    pub auth_type: AuthType,
    /// Names of the headers the auth pattern adds (removed on a redirect to another origin).
    pub auth_headers: Vec<String>,
    /// Names of the query parameters the auth pattern adds.
    pub auth_query: Vec<String>,
}

/// How much of a text body a preview or history row keeps.
pub const PREVIEW_TEXT_CAP: usize = 64 * 1024;

/// The first `cap` bytes of `bytes` as text, cut on a character boundary, and whether it was cut.
/// `None` when the bytes are not UTF-8 text.
pub(crate) fn text_prefix(bytes: &[u8], cap: usize) -> Option<(String, bool)> {
    let slice = &bytes[..bytes.len().min(cap)];
    let text = match std::str::from_utf8(slice) {
        Ok(t) => t,
        // A cut through a multi-byte character: keep the valid part.
        Err(e) if e.error_len().is_none() && bytes.len() > cap => {
            std::str::from_utf8(&slice[..e.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    Some((text.to_string(), text.len() < bytes.len()))
}

/// `url` for display: values of the auth query parameters `auth_names` replaced by their masks,
/// then every known secret masked.
pub(crate) fn display_url(url: &Url, auth_names: &[String], redactor: &Redactor) -> String {
    let s = url.as_str();
    let out = match (url.query(), auth_names.is_empty()) {
        (Some(query), false) => {
            let (head, tail) =
                s.split_at(s.len() - query.len() - url.fragment().map_or(0, |f| f.len() + 1));
            let mut rebuilt = String::with_capacity(s.len());
            rebuilt.push_str(head);
            for (i, piece) in query.split('&').enumerate() {
                if i > 0 {
                    rebuilt.push('&');
                }
                let pair = url::form_urlencoded::parse(piece.as_bytes()).next();
                match pair {
                    Some((k, v)) if auth_names.iter().any(|n| *n == k) => {
                        let raw_key = piece.split('=').next().unwrap_or("");
                        rebuilt.push_str(raw_key);
                        rebuilt.push('=');
                        rebuilt.push_str(&mask(&v));
                    }
                    _ => rebuilt.push_str(piece),
                }
            }
            rebuilt.push_str(&tail[query.len()..]);
            rebuilt
        }
        _ => s.to_string(),
    };
    redactor.mask_str(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_query_values_show_as_masks() {
        let url = Url::parse("https://api.example/v1?page=2&api_key=sk_live_0123456789abcdef&x=y")
            .unwrap();
        let shown = display_url(&url, &["api_key".to_string()], &Redactor::default());
        assert_eq!(shown, "https://api.example/v1?page=2&api_key=••••cdef&x=y");
        let short = Url::parse("https://api.example/?k=abc").unwrap();
        assert_eq!(
            display_url(&short, &["k".to_string()], &Redactor::default()),
            "https://api.example/?k=••••"
        );
    }

    #[test]
    fn text_prefix_cuts_on_char_boundaries() {
        let (t, cut) = text_prefix("héllo".as_bytes(), 2).unwrap();
        assert_eq!((t.as_str(), cut), ("h", true));
        assert_eq!(text_prefix(b"abc", 10).unwrap(), ("abc".to_string(), false));
        assert!(text_prefix(&[0xff, 0xfe, 0x00], 10).is_none());
    }
}
