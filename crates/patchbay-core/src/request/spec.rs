//! What a caller asks for: a [`RequestSpec`] (method, path, query, headers, body) to prepare
//! against a connection, and [`ExecuteOptions`] for sending it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{Action, KeyValue};

use super::caller::Caller;
use super::engine::Engine;

/// A request to send through a connection. Paths are relative to the type's base URL; path,
/// query values and header values may hold `{{field}}` templates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSpec {
    /// `GET`, `POST`, … (any RFC 9110 token; upper-cased).
    pub method: String,
    pub path: String,
    pub query: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub body: RequestBody,
    /// Values for `{{name}}` templates that are not connection fields (an action's parameters).
    pub vars: BTreeMap<String, String>,
    /// Whether this is the type-level test (it sets the connection's status).
    pub purpose: Purpose,
    /// The saved action this request runs, for history.
    pub action: Option<String>,
    /// Who wrote it: decides whether its templates may reference secrets and whether it may
    /// write (see [`Caller`]).
    pub caller: Caller,
}

impl RequestSpec {
    /// A request with no query, headers or body.
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        RequestSpec {
            method: method.into(),
            path: path.into(),
            ..RequestSpec::default()
        }
    }

    /// The request a saved action describes; `vars` fill its parameters.
    pub fn from_action(action: &Action, vars: BTreeMap<String, String>) -> Self {
        RequestSpec {
            method: action.method.as_str().to_string(),
            path: action.path.clone(),
            query: action.query.clone(),
            headers: action
                .headers
                .iter()
                .map(|h| KeyValue {
                    name: h.name.clone(),
                    value: h.value.clone(),
                })
                .collect(),
            body: match &action.body {
                Some(b) => RequestBody::Template {
                    content_type: b.content_type.clone(),
                    template: b.template.clone(),
                },
                None => RequestBody::None,
            },
            vars,
            purpose: Purpose::Request,
            action: Some(action.name.clone()),
            caller: Caller::Owner,
        }
    }
}

/// A request body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RequestBody {
    #[default]
    None,
    /// JSON text (checked to be valid JSON), sent as `application/json`.
    Json(String),
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<KeyValue>),
    /// Raw text; `content_type` defaults to `text/plain; charset=utf-8`.
    Text {
        content_type: Option<String>,
        text: String,
    },
    /// Raw bytes (e.g. read from stdin); `content_type` defaults to `application/octet-stream`.
    Bytes {
        content_type: Option<String>,
        bytes: Vec<u8>,
    },
    /// A file, read when the request is prepared; the content type follows its extension
    /// (`.json`, `.txt`, `.xml`, `.csv`, `.html`) or is `application/octet-stream`.
    File(PathBuf),
    /// An action's body template: `{{name}}` filled from parameters and non-secret fields,
    /// escaped for the content type (JSON string escaping, form encoding).
    Template {
        content_type: String,
        template: String,
    },
}

/// Why a request is made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// An ordinary request (`patchbay request`, the tester's send button, an agent's call).
    #[default]
    Request,
    /// The type-level test: its result becomes the connection's status.
    Test,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Request => "request",
            Purpose::Test => "test",
        }
    }
}

/// Who made a request, for history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MadeBy {
    User,
    Agent,
}

impl MadeBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MadeBy::User => "user",
            MadeBy::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<MadeBy> {
        match s {
            "user" => Some(MadeBy::User),
            "agent" => Some(MadeBy::Agent),
            _ => None,
        }
    }
}

/// Which HTTP versions to speak.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HttpVersionPref {
    /// HTTP/2 when the server offers it over TLS (ALPN), else HTTP/1.1.
    #[default]
    Auto,
    Http1Only,
    /// HTTP/2 only; on plain http with prior knowledge (h2c).
    Http2Only,
}

/// How to send a prepared request.
#[derive(Clone, Debug)]
pub struct ExecuteOptions {
    /// The HTTP client (connection pool, TLS configuration) to send with.
    pub engine: Engine,
    /// For the whole exchange, redirects and body included.
    pub timeout: Duration,
    /// Response bytes kept; the rest is counted, not stored.
    pub max_body_bytes: usize,
    /// Redirects followed before giving up (Patchbay's own loop; at most 10 by default).
    pub max_redirects: u32,
    pub http_version: HttpVersionPref,
}

/// Default response body cap: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Default timeout: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default redirect limit.
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

impl Default for ExecuteOptions {
    fn default() -> Self {
        ExecuteOptions {
            engine: Engine::shared(),
            timeout: DEFAULT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            http_version: HttpVersionPref::Auto,
        }
    }
}
