//! [`PreparedRequest`]: a request rendered for one connection — URL, headers, body and auth
//! material — ready to send, with its masked preview and the redactor that knows the
//! connection's secrets.
//!
//! Preparing is synchronous and done by the facade (it reads the store and the vault); sending
//! ([`super::execute`]) needs nothing but this value, so it can run on any async runtime with no
//! database access. Secrets live only in private fields; `Debug` shows the masked preview.

use std::collections::BTreeMap;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use url::Url;

use crate::model::{AuthPattern, Connection, IntegrationDef};
use crate::Secret;

use super::auth::{self, custom_headers_fill, AuthHeader, AuthParam, HmacSigner};
use super::body::{self, PreparedBody};
use super::caller::check_read_only;
use super::error::RequestError;
use super::preview::{
    display_url, text_prefix, BodyPreview, HeaderLine, RequestPreview, PREVIEW_TEXT_CAP,
};
use super::redact::Redactor;
use super::render;
use super::spec::{Purpose, RequestSpec};
use super::values::Values;

/// The `User-Agent` Patchbay sends unless a request sets its own.
pub const USER_AGENT: &str = concat!("patchbay/", env!("CARGO_PKG_VERSION"));

/// Headers that come from the URL and the body, never from a caller.
const RESERVED: &[&str] = &["host", "content-length", "transfer-encoding", "connection"];

/// A request ready to send. See the module documentation.
pub struct PreparedRequest {
    pub(crate) connection_id: String,
    pub(crate) connection_name: String,
    pub(crate) purpose: Purpose,
    pub(crate) action: Option<String>,
    pub(crate) method: Method,
    /// As sent on the first hop, auth query parameters included.
    pub(crate) url: Url,
    /// As sent on the first hop; secret-bearing values are marked sensitive.
    pub(crate) headers: HeaderMap,
    /// Auth headers and caller headers that carry a secret: removed when a redirect leaves the
    /// origin.
    pub(crate) strip_headers: Vec<HeaderName>,
    /// Auth query parameters: re-applied on same-origin redirects, removed on others.
    pub(crate) auth_params: Vec<(String, Secret)>,
    pub(crate) body: Option<PreparedBody>,
    pub(crate) signer: Option<HmacSigner>,
    pub(crate) redactor: Redactor,
    pub(crate) preview: RequestPreview,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("connection", &self.connection_name)
            .field("method", &self.preview.method)
            .field("url", &self.preview.url)
            .field("headers", &self.preview.headers)
            .finish_non_exhaustive()
    }
}

impl PreparedRequest {
    /// The request as it will be sent, secrets masked.
    pub fn preview(&self) -> &RequestPreview {
        &self.preview
    }

    /// Masks this connection's secrets (and this request's derived values) in any text.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub fn connection_name(&self) -> &str {
        &self.connection_name
    }

    pub fn connection_id(&self) -> &str {
        &self.connection_id
    }

    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// Whether the auth pattern adds anything that a cross-origin redirect must drop.
    pub fn has_auth_material(&self) -> bool {
        !self.strip_headers.is_empty() || !self.auth_params.is_empty() || self.signer.is_some()
    }
}

/// What preparing needs from the store and the vault.
pub(crate) struct Inputs<'a> {
    pub connection: &'a Connection,
    pub def: &'a IntegrationDef,
    pub pattern: &'a AuthPattern,
    /// Every secret of the connection, by key.
    pub secrets: BTreeMap<String, Secret>,
    /// Unix seconds, for an HMAC timestamp.
    pub now_unix: i64,
}

/// Renders `spec` for the connection in `inputs`. Every error message is redacted.
pub(crate) fn prepare(
    inputs: Inputs<'_>,
    spec: RequestSpec,
) -> Result<PreparedRequest, RequestError> {
    let base_redactor = Redactor::new(inputs.secrets.values().map(Secret::expose));
    build(&inputs, spec, &base_redactor).map_err(|e| e.redacted(&base_redactor))
}

fn build(
    inputs: &Inputs<'_>,
    spec: RequestSpec,
    base_redactor: &Redactor,
) -> Result<PreparedRequest, RequestError> {
    let c = inputs.connection;
    let values = Values::new(
        &c.name,
        inputs.pattern,
        &c.fields,
        &inputs.secrets,
        &spec.vars,
    );
    let method = parse_method(&spec.method)?;
    // The pattern first: what it reads as credentials is then known, so a delegate's own
    // text (below) cannot name them.
    let material = auth::apply(inputs.pattern, &values)?;
    let delegate_values = spec
        .caller
        .text_author()
        .map(|kind| values.for_delegate(kind));
    let caller_values = delegate_values.as_ref().unwrap_or(&values);
    if delegate_values.is_some() {
        // Names are sent as written, never filled; a secret's name there is still refused.
        for kv in &spec.query {
            let place = format!("query parameter name '{}'", kv.name);
            body::check_references(&kv.name, &place, caller_values)?;
        }
    }
    let base = render::render_base(&inputs.def.base_url, &values)?;
    let mut url = render::render_target(&base, &spec.path, &spec.query, caller_values)?;
    let body = body::prepare(spec.body, caller_values)?;

    if !material.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for p in &material.query {
            pairs.append_pair(&p.name, p.value.expose());
        }
    }

    let mut headers = HeaderMap::new();
    let mut shown: Vec<(HeaderName, String)> = Vec::new();
    let mut strip: Vec<HeaderName> = Vec::new();
    for (name, value) in [
        ("user-agent", USER_AGENT),
        ("accept", "*/*"),
        ("accept-encoding", "gzip, br, deflate"),
    ] {
        put(
            &mut headers,
            &mut shown,
            HeaderName::from_static(name),
            value,
            value.to_string(),
            false,
            false,
        )?;
    }
    let mut set_by_caller: Vec<HeaderName> = Vec::new();
    for h in &spec.headers {
        let name = HeaderName::from_bytes(h.name.trim().as_bytes()).map_err(|_| {
            RequestError::Invalid(format!("'{}' is not a valid HTTP header name", h.name))
        })?;
        if RESERVED.contains(&name.as_str()) {
            return Err(RequestError::Invalid(format!(
                "header '{}' cannot be set: it comes from the URL and the body",
                h.name
            )));
        }
        let filled = custom_headers_fill(&h.value, &format!("header '{}'", h.name), caller_values)?;
        let append = set_by_caller.contains(&name);
        set_by_caller.push(name.clone());
        if filled.uses_secret {
            strip.push(name.clone());
        }
        put(
            &mut headers,
            &mut shown,
            name,
            &filled.value,
            filled.shown,
            filled.uses_secret,
            append,
        )?;
    }
    if let Some(b) = &body {
        if let (Some(ct), false) = (&b.content_type, headers.contains_key("content-type")) {
            put(
                &mut headers,
                &mut shown,
                HeaderName::from_static("content-type"),
                ct,
                ct.clone(),
                false,
                false,
            )?;
        }
    }
    let mut auth_headers: Vec<AuthHeader> = material.headers;
    let mut derived: Vec<Secret> = material.derived;
    if let Some(signer) = &material.signer {
        let path_and_query = path_and_query(&url);
        let body_bytes = body.as_ref().map_or(&b""[..], |b| &b.bytes[..]);
        let signed = signer.sign(
            method.as_str(),
            &path_and_query,
            body_bytes,
            inputs.now_unix,
        )?;
        auth_headers.extend(signed.headers);
        derived.push(signed.signature);
    }
    let mut auth_header_names: Vec<String> = Vec::new();
    for h in auth_headers {
        if set_by_caller.contains(&h.name) {
            return Err(RequestError::Invalid(format!(
                "header '{}' is set by the connection's {} auth pattern; do not set it yourself",
                h.name, inputs.pattern.auth_type
            )));
        }
        // The first value of a name replaces a default (`Accept`); later ones are added.
        let append = auth_header_names.iter().any(|n| n == h.name.as_str());
        auth_header_names.push(h.name.to_string());
        strip.push(h.name.clone());
        put(
            &mut headers,
            &mut shown,
            h.name,
            h.value.expose(),
            h.shown,
            true,
            append,
        )?;
    }

    if let Some(kind) = spec.caller.read_only() {
        check_read_only(kind, &c.name, &method, &url, &headers, body.is_some())?;
    }

    let redactor = base_redactor.with_extra(derived.iter().map(Secret::expose));
    let auth_names: Vec<String> = material.query.iter().map(|p| p.name.clone()).collect();
    let preview = RequestPreview {
        connection: c.name.clone(),
        method: method.to_string(),
        url: display_url(&url, &auth_names, &redactor),
        headers: preview_headers(&shown, body.as_ref(), &redactor),
        body: body.as_ref().map(|b| body_preview(b, &redactor)),
        auth_type: inputs.pattern.auth_type,
        auth_headers: {
            auth_header_names.dedup();
            auth_header_names
        },
        auth_query: auth_names,
    };
    strip.dedup();
    Ok(PreparedRequest {
        connection_id: c.id.clone(),
        connection_name: c.name.clone(),
        purpose: spec.purpose,
        action: spec.action,
        method,
        url,
        headers,
        strip_headers: strip,
        auth_params: material
            .query
            .into_iter()
            .map(|AuthParam { name, value }| (name, value))
            .collect(),
        body,
        signer: material.signer,
        redactor,
        preview,
    })
}

/// Inserts (or appends) one header, remembering how it is shown.
fn put(
    headers: &mut HeaderMap,
    shown: &mut Vec<(HeaderName, String)>,
    name: HeaderName,
    value: &str,
    shown_value: String,
    sensitive: bool,
    append: bool,
) -> Result<(), RequestError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        RequestError::Invalid(format!(
            "the value of header '{name}' is not valid header text (control characters or non-ASCII bytes)"
        ))
    })?;
    v.set_sensitive(sensitive);
    if append {
        headers.append(name.clone(), v);
    } else {
        shown.retain(|(n, _)| *n != name);
        headers.insert(name.clone(), v);
    }
    shown.push((name, shown_value));
    Ok(())
}

fn preview_headers(
    shown: &[(HeaderName, String)],
    body: Option<&PreparedBody>,
    redactor: &Redactor,
) -> Vec<HeaderLine> {
    let mut lines: Vec<HeaderLine> = shown
        .iter()
        .map(|(n, v)| HeaderLine {
            // As hyper writes them: HTTP/1.1 and HTTP/2 alike get lower-case names.
            name: n.as_str().to_string(),
            value: redactor.mask_str(v).into_owned(),
        })
        .collect();
    if let Some(b) = body {
        lines.push(HeaderLine {
            name: "content-length".into(),
            value: b.bytes.len().to_string(),
        });
    }
    lines
}

fn body_preview(b: &PreparedBody, redactor: &Redactor) -> BodyPreview {
    let text = text_prefix(&b.bytes, PREVIEW_TEXT_CAP);
    BodyPreview {
        content_type: b.content_type.clone(),
        size: b.bytes.len() as u64,
        truncated: text.as_ref().is_some_and(|(_, cut)| *cut),
        text: text.map(|(t, _)| redactor.mask_str(&t).into_owned()),
        file: b.file.clone(),
    }
}

/// The path and query as they go on the request line (what HMAC signs).
pub(crate) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn parse_method(raw: &str) -> Result<Method, RequestError> {
    let upper = raw.trim().to_ascii_uppercase();
    if upper.is_empty() {
        return Err(RequestError::Invalid(
            "a request needs a method (GET, POST, …)".into(),
        ));
    }
    if upper == "CONNECT" {
        return Err(RequestError::Invalid(
            "CONNECT is for proxies, not API requests".into(),
        ));
    }
    Method::from_bytes(upper.as_bytes())
        .map_err(|_| RequestError::Invalid(format!("'{raw}' is not an HTTP method")))
}
