//! What came of sending a request: the response (status, headers, capped body), each hop of the
//! redirect chain, timing, or a classified failure. Everything here is already masked by the
//! connection's redactor, so it may be printed, serialized, logged and stored as is.

use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

use super::preview::{HeaderLine, RequestPreview};
use super::timing::{HopTiming, Timing};

/// The result of [`super::execute`].
#[derive(Clone, Debug, Serialize, TS)]
pub struct Outcome {
    /// The request as sent on the first hop.
    pub request: RequestPreview,
    /// The final response; present even when reading its body failed half-way.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseCapture>,
    /// Why the exchange failed; `None` when a response was received in full (any status).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RequestFailure>,
    /// Every request sent, in order (one unless redirects were followed).
    pub hops: Vec<Hop>,
    pub timing: Timing,
    /// RFC 3339 UTC.
    pub started_at: String,
}

impl Outcome {
    /// Whether a final response arrived with a 2xx status and nothing failed.
    pub fn is_success(&self) -> bool {
        self.error.is_none()
            && self
                .response
                .as_ref()
                .is_some_and(|r| (200..300).contains(&r.status))
    }

    /// One line on what happened: `200 OK`, `HTTP 401 Unauthorized: Invalid API key`, or the
    /// failure message. Masked like everything else here.
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return e.message.clone();
        }
        match &self.response {
            Some(r) if (200..300).contains(&r.status) => format!("{} {}", r.status, r.reason),
            Some(r) => match r.server_message() {
                Some(m) => format!("HTTP {} {}: {m}", r.status, r.reason),
                None => format!("HTTP {} {}", r.status, r.reason),
            },
            None => "no response".to_string(),
        }
    }
}

/// One request of a redirect chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Hop {
    /// 1 for the request as prepared, 2 for the first redirect, …
    pub number: u32,
    pub method: String,
    /// Masked.
    pub url: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Where a redirect pointed (masked).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Whether this hop carried the connection's auth material.
    pub credentials_sent: bool,
    /// Whether auth material was removed at this hop because it left the connection's origin
    /// ("credentials dropped at hop 2").
    pub credentials_dropped: bool,
    /// What was removed: `header authorization`, `query api_key`, …
    pub dropped: Vec<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    pub timing: HopTiming,
}

/// The final response.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ResponseCapture {
    pub status: u16,
    /// The canonical reason phrase (`Not Found`); empty for unknown codes.
    pub reason: String,
    /// `HTTP/1.1`, `HTTP/2`.
    pub http_version: String,
    /// Masked.
    pub url: String,
    /// Masked values, in the order received.
    pub headers: Vec<HeaderLine>,
    pub body: CapturedBody,
}

impl ResponseCapture {
    /// The error text a server put in its body (`message`, `error`, `error_description`,
    /// `detail` or `title` of a JSON object, else the first line of text), at most 200
    /// characters.
    pub fn server_message(&self) -> Option<String> {
        let text = std::str::from_utf8(&self.body.data).ok()?;
        let from_json = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| {
                let obj = v.as_object()?;
                [
                    "message",
                    "error_description",
                    "error",
                    "detail",
                    "title",
                    "msg",
                ]
                .iter()
                .find_map(|k| match obj.get(*k)? {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Object(o) => o
                        .get("message")
                        .and_then(|m| m.as_str())
                        .map(str::to_string),
                    _ => None,
                })
            });
        let message = from_json.or_else(|| {
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_string)
        })?;
        let mut short: String = message.chars().take(200).collect();
        if short.len() < message.len() {
            short.push('…');
        }
        Some(short)
    }
}

/// How a body is carried in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    Utf8,
    Base64,
}

/// A response body, kept up to the configured cap, masked.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct CapturedBody {
    /// The kept bytes: text as is when `encoding` is `utf8`, else base64.
    #[serde(serialize_with = "serialize_data")]
    #[ts(type = "string")]
    pub data: Vec<u8>,
    pub encoding: BodyEncoding,
    /// Bytes received in all (after gzip/br/deflate decoding), kept or not.
    #[ts(type = "number")]
    pub size: u64,
    /// `false` when counting stopped before the end (a failure, or a body far beyond the cap).
    pub size_exact: bool,
    /// Whether `data` holds less than `size`.
    pub truncated: bool,
}

impl CapturedBody {
    pub(crate) fn new(data: Vec<u8>, size: u64, size_exact: bool) -> Self {
        let encoding = if std::str::from_utf8(&data).is_ok() {
            BodyEncoding::Utf8
        } else {
            BodyEncoding::Base64
        };
        let truncated = (data.len() as u64) < size || !size_exact;
        CapturedBody {
            data,
            encoding,
            size,
            size_exact,
            truncated,
        }
    }
}

fn serialize_data<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
    match std::str::from_utf8(data) {
        Ok(text) => s.serialize_str(text),
        Err(_) => {
            use base64::Engine as _;
            s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(data))
        }
    }
}

/// Why an exchange failed, classified so a person knows what to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Dns,
    ConnectionRefused,
    Connect,
    Tls,
    Timeout,
    ConnectionClosed,
    BodyTooLarge,
    Decode,
    TooManyRedirects,
    InvalidRedirect,
    Cancelled,
    Other,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Dns => "dns",
            FailureKind::ConnectionRefused => "connection_refused",
            FailureKind::Connect => "connect",
            FailureKind::Tls => "tls",
            FailureKind::Timeout => "timeout",
            FailureKind::ConnectionClosed => "connection_closed",
            FailureKind::BodyTooLarge => "body_too_large",
            FailureKind::Decode => "decode",
            FailureKind::TooManyRedirects => "too_many_redirects",
            FailureKind::InvalidRedirect => "invalid_redirect",
            FailureKind::Cancelled => "cancelled",
            FailureKind::Other => "other",
        }
    }
}

/// A classified, masked failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RequestFailure {
    pub kind: FailureKind,
    /// What happened, e.g. "TLS handshake with localhost:8443 failed: invalid peer certificate".
    pub message: String,
    /// What to check.
    pub hint: String,
}

impl std::fmt::Display for RequestFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}
