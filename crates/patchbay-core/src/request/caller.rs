//! Who wrote a request, and so what it may do (DESIGN.md invariant 7: callers never choose where
//! secrets go).
//!
//! The owner of the vault (the CLI, the tester) writes requests that may place the connection's
//! secrets in a header. A *delegate* — an agent over MCP, and later a gateway member — uses a
//! connection without ever holding its secrets:
//!
//! - in text the delegate wrote (`call_api`'s path, query, headers and body) no placeholder may
//!   name a secret, a vault entry, or a credential the auth pattern places (a Freshdesk-style key
//!   in a plain `username` field): only the auth pattern and the type's saved actions place them;
//! - a delegate without write permission may only read: besides the method, the engine refuses
//!   what asks a server to treat a read as a write (method-override headers, a `_method`
//!   parameter) and a body on GET, HEAD or OPTIONS.
//!
//! The engine enforces both while preparing, on the request as it will be sent (auth headers,
//! action templates and a literal `?query` in the path included), so nothing reaches the server
//! when one is broken.

use reqwest::header::HeaderMap;
use reqwest::Method;
use url::Url;

use super::error::RequestError;

/// Who wrote a request. See the module documentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Caller {
    /// The person who owns the vault, or a saved action run for them.
    #[default]
    Owner,
    /// Someone the owner lets use a connection without its secrets.
    Delegate(Delegate),
}

/// A caller that never holds the connection's secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delegate {
    pub kind: DelegateKind,
    /// Whether the path, query, headers and body are the delegate's own text (`call_api`): then
    /// no placeholder in them may reference a secret. `false` for a saved action the delegate
    /// runs: the type's text, of which the delegate only fills the parameters (plain values).
    pub own_text: bool,
    /// Whether the owner allows writes through this connection; when not, the request must be a
    /// read in every way the engine can see.
    pub may_write: bool,
}

/// The kinds of delegate, for messages (and, later, their own write switches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DelegateKind {
    /// An agent over MCP (`patchbay mcp`).
    Agent,
}

impl DelegateKind {
    /// "an agent", for refusals.
    pub fn one(self) -> &'static str {
        match self {
            DelegateKind::Agent => "an agent",
        }
    }

    /// "agents", for refusals.
    pub fn many(self) -> &'static str {
        match self {
            DelegateKind::Agent => "agents",
        }
    }

    /// How the owner allows writes through `connection`.
    pub fn allow_writes_hint(self, connection: &str) -> String {
        match self {
            DelegateKind::Agent => format!(
                "its owner can allow writes with `patchbay connections agent-writes '{connection}' on`"
            ),
        }
    }
}

impl Caller {
    /// An agent's request: `own_text` for `call_api`, not for a saved action.
    pub fn agent(own_text: bool, may_write: bool) -> Caller {
        Caller::Delegate(Delegate {
            kind: DelegateKind::Agent,
            own_text,
            may_write,
        })
    }

    /// The delegate whose own text the request is (its placeholders may not reference secrets).
    pub fn text_author(self) -> Option<DelegateKind> {
        match self {
            Caller::Delegate(d) if d.own_text => Some(d.kind),
            _ => None,
        }
    }

    /// The delegate that may only read, if any.
    pub fn read_only(self) -> Option<DelegateKind> {
        match self {
            Caller::Delegate(d) if !d.may_write => Some(d.kind),
            _ => None,
        }
    }
}

/// Methods that change nothing (RFC 9110 safe methods).
pub const READ_METHODS: &[&str] = &["GET", "HEAD", "OPTIONS"];

/// Headers that ask a server to treat the request as another method (Google, Microsoft, many
/// frameworks honour one of them).
pub const METHOD_OVERRIDE_HEADERS: &[&str] = &[
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

/// Query parameters that do the same (Rails, Laravel, Symfony read `_method`; some gateways read
/// the header names as parameters too).
const METHOD_OVERRIDE_PARAMS: &[&str] = &[
    "_method",
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

/// Refuses, for a delegate that may only read, anything that would make the request a write:
/// a method that is not a read, a method-override header or query parameter (names compared
/// without case), or a body on GET, HEAD or OPTIONS.
pub(crate) fn check_read_only(
    kind: DelegateKind,
    connection: &str,
    method: &Method,
    url: &Url,
    headers: &HeaderMap,
    has_body: bool,
) -> Result<(), RequestError> {
    let refuse = |what: String| {
        Err(RequestError::Invalid(format!(
            "{} may only read through connection '{connection}': {what}; {}",
            kind.many(),
            kind.allow_writes_hint(connection)
        )))
    };
    if !READ_METHODS.contains(&method.as_str()) {
        return refuse(format!("{method} is a write"));
    }
    if let Some(name) = headers
        .keys()
        .find(|n| METHOD_OVERRIDE_HEADERS.contains(&n.as_str()))
    {
        return refuse(format!(
            "header '{name}' asks the server to treat this {method} as another method"
        ));
    }
    if let Some((name, _)) = url.query_pairs().find(|(k, _)| {
        METHOD_OVERRIDE_PARAMS
            .iter()
            .any(|p| k.trim().eq_ignore_ascii_case(p))
    }) {
        return refuse(format!(
            "query parameter '{name}' asks the server to treat this {method} as another method"
        ));
    }
    if has_body {
        return refuse(format!(
            "a body on {method} is refused (servers may act on it as on a write)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn check(method: &str, url: &str, header: Option<&str>, body: bool) -> Result<(), String> {
        let mut headers = HeaderMap::new();
        if let Some(h) = header {
            headers.insert(
                HeaderName::from_bytes(h.as_bytes()).unwrap(),
                HeaderValue::from_static("DELETE"),
            );
        }
        check_read_only(
            DelegateKind::Agent,
            "acme",
            &Method::from_bytes(method.as_bytes()).unwrap(),
            &Url::parse(url).unwrap(),
            &headers,
            body,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn plain_reads_pass() {
        for m in ["GET", "HEAD", "OPTIONS"] {
            check(
                m,
                "https://a.example/x?method=1&q=_method",
                Some("x-other"),
                false,
            )
            .unwrap();
        }
    }

    #[test]
    fn writes_in_disguise_are_refused_with_the_reason() {
        for (method, url, header, body, said) in [
            (
                "POST",
                "https://a.example/x",
                None,
                false,
                "POST is a write",
            ),
            (
                "GET",
                "https://a.example/x",
                Some("X-HTTP-Method-Override"),
                false,
                "header 'x-http-method-override'",
            ),
            (
                "GET",
                "https://a.example/x",
                Some("x-http-method"),
                false,
                "'x-http-method'",
            ),
            (
                "HEAD",
                "https://a.example/x",
                Some("X-Method-Override"),
                false,
                "'x-method-override'",
            ),
            (
                "GET",
                "https://a.example/x?_method=DELETE",
                None,
                false,
                "'_method'",
            ),
            (
                "GET",
                "https://a.example/x?a=1&_METHOD=put",
                None,
                false,
                "'_METHOD'",
            ),
            (
                "GET",
                "https://a.example/x?%5Fmethod=DELETE",
                None,
                false,
                "'_method'",
            ),
            (
                "GET",
                "https://a.example/x?X-HTTP-Method-Override=DELETE",
                None,
                false,
                "'X-HTTP-Method-Override'",
            ),
            ("GET", "https://a.example/x", None, true, "a body on GET"),
            (
                "OPTIONS",
                "https://a.example/x",
                None,
                true,
                "a body on OPTIONS",
            ),
        ] {
            let e = check(method, url, header, body).expect_err(url);
            assert!(e.contains(said), "{e}");
            assert!(e.contains("agent-writes 'acme' on"), "{e}");
        }
    }

    #[test]
    fn callers_say_what_they_may_do() {
        assert_eq!(Caller::default().text_author(), None);
        assert_eq!(Caller::default().read_only(), None);
        let call_api = Caller::agent(true, false);
        assert_eq!(call_api.text_author(), Some(DelegateKind::Agent));
        assert_eq!(call_api.read_only(), Some(DelegateKind::Agent));
        let action = Caller::agent(false, true);
        assert_eq!(action.text_author(), None);
        assert_eq!(action.read_only(), None);
    }
}
