//! Safe URL building: `{{field}}` filled into the base URL and request paths so that a value can
//! never change the URL's shape beyond the spot its template gives it (DESIGN.md invariant 3).
//!
//! The position of each placeholder decides what its value may be:
//!
//! | position | allowed value |
//! |---|---|
//! | scheme | none: a template cannot choose the scheme |
//! | host (`https://{{domain}}/`) | a host name: letters, digits, `-`, `_`, dots between non-empty labels — no `/`, `?`, `#`, `@`, `:` |
//! | port (`https://host:{{port}}/`) | digits, 1–65535 |
//! | path (`/users/{{id}}`) | anything, percent-encoded as **one** segment (`/`, `?`, `#`, `%` encoded; `.` and `..` refused because URL parsers collapse them) |
//! | query (`/search?q={{term}}`) | anything, percent-encoded as one component |
//!
//! Secret values never go into a URL (servers and proxies log URLs); the one exception is an
//! `api_key` pattern that puts the key in a query parameter, which the auth step adds itself.
//! Request paths are relative to the base URL: an absolute URL is accepted only when it has the
//! base URL's origin, and the finished URL is checked once more against that origin.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

use crate::model::KeyValue;
use crate::template::{self, Placeholder};

use super::error::RequestError;
use super::values::Values;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    Scheme,
    Host,
    Port,
    Path,
    Query,
    /// A whole query parameter value, form-encoded afterwards by the caller.
    PairValue,
}

/// Fills the type's base URL template with the connection's values.
pub(crate) fn render_base(template: &str, values: &Values) -> Result<Url, RequestError> {
    let template = template.trim();
    let invalid = |why: &str| RequestError::Invalid(format!("base URL '{template}': {why}"));
    let scheme_end = template
        .find("://")
        .ok_or_else(|| invalid("has no scheme (expected https://…)"))?;
    let authority_start = scheme_end + 3;
    let authority_end = template[authority_start..]
        .find(['/', '?', '#'])
        .map_or(template.len(), |i| authority_start + i);
    let port_colon = template[authority_start..authority_end]
        .rfind(':')
        .map(|i| authority_start + i)
        .filter(|_| !template[authority_start..authority_end].contains(']'));
    let query_start = template[authority_end..]
        .find('?')
        .map(|i| authority_end + i);
    let position = |p: &Placeholder| {
        if p.start < authority_start {
            Position::Scheme
        } else if p.start < authority_end {
            if port_colon.is_some_and(|c| p.start > c) {
                Position::Port
            } else {
                Position::Host
            }
        } else if query_start.is_some_and(|q| p.start > q) {
            Position::Query
        } else {
            Position::Path
        }
    };
    let filled = fill(template, "base URL", values, position)?;
    let url = Url::parse(&filled)
        .map_err(|e| invalid(&format!("is not a valid URL once filled ({e})")))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(invalid("must use https or http"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("has no host once filled"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not carry a user name or password"));
    }
    Ok(url)
}

/// The URL a request goes to: `path` (relative to `base`, may hold `{{field}}` templates and a
/// literal `?query`) plus `query` pairs (values may hold templates). Auth query parameters are
/// not added here.
pub(crate) fn render_target(
    base: &Url,
    path: &str,
    query: &[KeyValue],
    values: &Values,
) -> Result<Url, RequestError> {
    let path = path.trim();
    let literal = template::fill_all(path, "")
        .map_err(|e| RequestError::Invalid(format!("path '{path}': {e}")))?;
    if literal.contains('#') {
        return Err(RequestError::Invalid(format!(
            "path '{path}': remove the '#fragment': fragments are never sent to a server"
        )));
    }
    let (prefix, rest) = split_absolute(base, path)?;
    let rest = if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') {
        rest.to_string()
    } else {
        format!("/{rest}")
    };
    let query_start = rest.find('?');
    let filled = fill(&rest, "path", values, |p| {
        if query_start.is_some_and(|q| p.start > q) {
            Position::Query
        } else {
            Position::Path
        }
    })?;
    let joined = if filled.is_empty() {
        prefix
    } else {
        format!("{}{filled}", prefix.trim_end_matches('/'))
    };
    let mut url = Url::parse(&joined).map_err(|e| {
        RequestError::Invalid(format!("path '{path}' does not make a valid URL ({e})"))
    })?;
    if !query.is_empty() {
        let mut pairs = Vec::with_capacity(query.len());
        for kv in query {
            if kv.name.is_empty() {
                return Err(RequestError::Invalid(
                    "a query parameter needs a name".to_string(),
                ));
            }
            let place = format!("query parameter '{}'", kv.name);
            pairs.push((
                kv.name.as_str(),
                fill(&kv.value, &place, values, |_| Position::PairValue)?,
            ));
        }
        url.query_pairs_mut().extend_pairs(pairs);
    }
    ensure_same_origin(base, &url)?;
    Ok(url)
}

/// Refuses a URL whose origin (scheme, host, port) differs from the base URL's.
pub(crate) fn ensure_same_origin(base: &Url, url: &Url) -> Result<(), RequestError> {
    if url.origin() == base.origin() {
        return Ok(());
    }
    Err(RequestError::OtherHost(format!(
        "refusing to send to {}: this connection's requests go only to {} (its base URL's origin)",
        origin_text(url),
        origin_text(base)
    )))
}

pub(crate) fn origin_text(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Splits an absolute request URL into its origin (which must be the base URL's) and the rest;
/// a relative path gets the base URL as its prefix.
fn split_absolute<'p>(base: &Url, path: &'p str) -> Result<(String, &'p str), RequestError> {
    let scheme_sep = path.find("://");
    let first_slash = path.find('/');
    let absolute = path.starts_with("//")
        || matches!((scheme_sep, first_slash), (Some(s), Some(f)) if s < f)
        || (scheme_sep.is_some() && first_slash.is_none());
    if !absolute {
        return Ok((base.as_str().to_string(), path));
    }
    let authority_start = scheme_sep.map_or(2, |s| s + 3);
    let authority_end = path[authority_start..]
        .find(['/', '?'])
        .map_or(path.len(), |i| authority_start + i);
    let origin_part = &path[..authority_end];
    if origin_part.contains("{{") {
        return Err(RequestError::OtherHost(format!(
            "path '{path}': a template cannot choose the host; give a path relative to the base URL"
        )));
    }
    let parsed = if path.starts_with("//") {
        Url::parse(&format!("{}:{origin_part}/", base.scheme()))
    } else {
        Url::parse(&format!("{origin_part}/"))
    }
    .map_err(|e| RequestError::Invalid(format!("'{origin_part}' is not a valid URL ({e})")))?;
    ensure_same_origin(base, &parsed)?;
    Ok((parsed.as_str().to_string(), &path[authority_end..]))
}

/// Fills every placeholder of `template` according to its position.
fn fill(
    template: &str,
    place: &str,
    values: &Values,
    position: impl Fn(&Placeholder) -> Position,
) -> Result<String, RequestError> {
    let found = template::placeholders(template)
        .map_err(|e| RequestError::Invalid(format!("{place} '{template}': {e}")))?;
    if found.is_empty() {
        return Ok(template.to_string());
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut last = 0;
    for p in &found {
        out.push_str(&template[last..p.start]);
        let value = values.get(&p.name, place)?;
        let unsafe_value = |problem: &str| RequestError::UnsafeValue {
            place: place.to_string(),
            field: p.name.clone(),
            problem: problem.to_string(),
        };
        if value.is_secret() {
            return Err(unsafe_value(
                "is secret and cannot be placed in a URL (servers and proxies log URLs); send it in a header through the auth pattern",
            ));
        }
        let v = value.expose();
        match position(p) {
            Position::Scheme => return Err(unsafe_value("cannot choose the URL's scheme")),
            Position::Host => {
                check_host(v).map_err(|why| unsafe_value(&format!("'{v}' {why}")))?;
                out.push_str(v);
            }
            Position::Port => {
                if v.is_empty()
                    || v.len() > 5
                    || !v.bytes().all(|b| b.is_ascii_digit())
                    || v.parse::<u16>().map_or(true, |n| n == 0)
                {
                    return Err(unsafe_value(&format!(
                        "'{v}' is not a port number (1-65535)"
                    )));
                }
                out.push_str(v);
            }
            Position::Path => {
                if v.is_empty() {
                    return Err(unsafe_value("is empty, which would remove a path segment"));
                }
                if v == "." || v == ".." {
                    return Err(unsafe_value(&format!(
                        "'{v}' would move up the path instead of naming a segment"
                    )));
                }
                out.extend(utf8_percent_encode(v, COMPONENT));
            }
            Position::Query => out.extend(utf8_percent_encode(v, COMPONENT)),
            Position::PairValue => out.push_str(v),
        }
        last = p.end;
    }
    out.push_str(&template[last..]);
    Ok(out)
}

/// A value in host position must be a host name: it may add labels (`acme` in
/// `{{tenant}}.example.com`), never a port, path, query, user or fragment.
fn check_host(v: &str) -> Result<(), &'static str> {
    if v.is_empty() {
        return Err("is empty");
    }
    if !v.is_ascii() {
        return Err("is not an ASCII host name (use its punycode form, xn--…)");
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(match c {
            '/' | '\\' => "contains '/' and would add a path to the host",
            '?' => "contains '?' and would add a query to the host",
            '#' => "contains '#' and would add a fragment to the host",
            '@' => "contains '@' and would change the host",
            ':' => "contains ':' and would change the port",
            _ => "contains a character that is not allowed in a host name",
        });
    }
    if v.starts_with('.') || v.ends_with('.') || v.contains("..") {
        return Err("has an empty host label ('..' or a leading/trailing '.')");
    }
    if v.split('.').any(|label| label.len() > 63) || v.len() > 253 {
        return Err("is too long for a host name");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{AuthPattern, AuthType, FieldSpec};
    use crate::Secret;

    struct Fixture {
        pattern: AuthPattern,
        fields: BTreeMap<String, String>,
        secrets: BTreeMap<String, Secret>,
        vars: BTreeMap<String, String>,
    }

    fn fixture(fields: &[(&str, &str)]) -> Fixture {
        let mut pattern = AuthPattern::new(AuthType::Bearer);
        pattern.fields = vec![
            FieldSpec::implicit("domain", "Domain", false, false),
            FieldSpec::implicit("port", "Port", false, false),
            FieldSpec::implicit("id", "Id", false, false),
            FieldSpec::implicit("token", "Token", true, true),
        ];
        Fixture {
            pattern,
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            secrets: BTreeMap::from([("token".into(), Secret::new("sk_live_0123456789abcdef"))]),
            vars: BTreeMap::new(),
        }
    }

    impl Fixture {
        fn values(&self) -> Values<'_> {
            Values::new(
                "prod",
                &self.pattern,
                &self.fields,
                &self.secrets,
                &self.vars,
            )
        }
    }

    fn base(f: &Fixture, t: &str) -> Result<Url, RequestError> {
        render_base(t, &f.values())
    }

    #[test]
    fn host_values_fill_the_host_only() {
        let f = fixture(&[("domain", "acme.freshdesk.com")]);
        let url = base(&f, "https://{{domain}}/api/v2").unwrap();
        assert_eq!(url.as_str(), "https://acme.freshdesk.com/api/v2");
        let f = fixture(&[("domain", "acme")]);
        let url = base(&f, "https://{{domain}}.example.com").unwrap();
        assert_eq!(url.host_str(), Some("acme.example.com"));
    }

    #[test]
    fn host_injection_is_refused_with_the_field_named() {
        for evil in [
            "evil.example/x?",
            "evil.example:8443",
            "user@evil.example",
            "evil.example#",
            "evil.example\\x",
            "a..b",
            ".evil",
        ] {
            let f = fixture(&[("domain", evil)]);
            let err = base(&f, "https://{{domain}}/api").unwrap_err();
            let msg = err.to_string();
            assert!(
                matches!(err, RequestError::UnsafeValue { ref field, .. } if field == "domain"),
                "{evil}: {msg}"
            );
            assert!(msg.contains("'domain'"), "{msg}");
        }
    }

    #[test]
    fn port_values_must_be_numbers() {
        let f = fixture(&[("domain", "h.example"), ("port", "8443")]);
        assert_eq!(
            base(&f, "https://{{domain}}:{{port}}/").unwrap().port(),
            Some(8443)
        );
        let f = fixture(&[("domain", "h.example"), ("port", "80/evil")]);
        assert!(base(&f, "https://{{domain}}:{{port}}/").is_err());
    }

    #[test]
    fn path_values_are_one_encoded_segment() {
        let f = fixture(&[("domain", "api.example"), ("id", "a/b?c=d#e f")]);
        let b = base(&f, "https://{{domain}}/v1").unwrap();
        let url = render_target(&b, "/items/{{id}}", &[], &f.values()).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.example/v1/items/a%2Fb%3Fc%3Dd%23e%20f"
        );
        assert_eq!(url.path_segments().unwrap().count(), 3);
        assert!(url.query().is_none());
        for dots in [".", ".."] {
            let f = fixture(&[("domain", "api.example"), ("id", dots)]);
            let err = render_target(&b, "/items/{{id}}", &[], &f.values()).unwrap_err();
            assert!(err.to_string().contains("'id'"), "{err}");
        }
    }

    #[test]
    fn base_url_path_values_are_segments_too() {
        let f = fixture(&[("domain", "api.example"), ("id", "../../admin")]);
        let url = base(&f, "https://{{domain}}/tenants/{{id}}").unwrap();
        assert_eq!(url.path(), "/tenants/..%2F..%2Fadmin");
    }

    #[test]
    fn query_values_cannot_add_parameters() {
        let f = fixture(&[("domain", "api.example"), ("id", "x&admin=1")]);
        let b = base(&f, "https://{{domain}}").unwrap();
        let url = render_target(&b, "/search?q={{id}}", &[], &f.values()).unwrap();
        assert_eq!(url.query(), Some("q=x%26admin%3D1"));
        let q = [KeyValue {
            name: "who".into(),
            value: "{{id}}".into(),
        }];
        let url = render_target(&b, "/search", &q, &f.values()).unwrap();
        let pairs: Vec<_> = url.query_pairs().collect();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].1, "x&admin=1");
    }

    #[test]
    fn secrets_never_go_into_urls() {
        let f = fixture(&[("domain", "api.example")]);
        let b = base(&f, "https://{{domain}}").unwrap();
        let err = render_target(&b, "/x/{{token}}", &[], &f.values()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("'token'") && msg.contains("secret"), "{msg}");
        assert!(!msg.contains("0123456789abcdef"), "{msg}");
    }

    #[test]
    fn absolute_urls_to_other_hosts_are_refused() {
        let f = fixture(&[("domain", "api.example")]);
        let b = base(&f, "https://{{domain}}/v1").unwrap();
        for other in [
            "https://evil.example/x",
            "//evil.example/x",
            "http://api.example/x",
            "https://api.example:444/x",
        ] {
            let err = render_target(&b, other, &[], &f.values()).unwrap_err();
            assert!(matches!(err, RequestError::OtherHost(_)), "{other}: {err}");
        }
        let same = render_target(&b, "https://api.example/v2/ok?a=1", &[], &f.values()).unwrap();
        assert_eq!(same.as_str(), "https://api.example/v2/ok?a=1");
    }

    #[test]
    fn relative_paths_stay_on_the_base_host() {
        let f = fixture(&[("domain", "api.example")]);
        let b = base(&f, "https://{{domain}}/v1/").unwrap();
        for (path, want) in [
            ("/items", "https://api.example/v1/items"),
            ("items", "https://api.example/v1/items"),
            ("", "https://api.example/v1/"),
            ("/@evil.example", "https://api.example/v1/@evil.example"),
            ("/\\evil.example", "https://api.example/v1//evil.example"),
            ("?page=2", "https://api.example/v1?page=2"),
        ] {
            let url = render_target(&b, path, &[], &f.values()).unwrap();
            assert_eq!(url.as_str(), want, "{path}");
        }
        assert!(render_target(&b, "/x#frag", &[], &f.values()).is_err());
    }

    #[test]
    fn unknown_fields_are_named() {
        let f = fixture(&[("domain", "api.example")]);
        let b = base(&f, "https://{{domain}}").unwrap();
        let err = render_target(&b, "/x/{{nope}}", &[], &f.values()).unwrap_err();
        assert!(matches!(err, RequestError::UnknownField { ref field, .. } if field == "nope"));
        let f = fixture(&[]);
        let err = base(&f, "https://{{domain}}").unwrap_err();
        assert!(matches!(err, RequestError::MissingValue { ref field, .. } if field == "domain"));
    }
}
