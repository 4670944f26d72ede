//! URL and header-name rules shared by the validators.

use url::Url;

use super::Report;
use crate::model::IntegrationDef;
use crate::template;

/// Stand-in for `{{field}}` values when checking a template's shape.
const PLACEHOLDER_VALUE: &str = "placeholder";

/// `http` or `https` with a host and no embedded credentials.
pub fn check_web_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|e| format!("'{raw}' is not a valid URL ({e})"))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(format!(
            "'{raw}' must use https or http, not '{}'",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{raw}' has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "must not contain a user name or password: credentials belong in a connection".into(),
        );
    }
    Ok(url)
}

/// OAuth endpoints: https, or plain http only to this machine (RFC 8252 allows loopback).
pub fn check_endpoint_url(raw: &str) -> Result<Url, String> {
    let url =
        check_web_url(raw).map_err(|_| "must be an https URL or loopback http".to_string())?;
    if url.scheme() == "http" && !url.host_str().is_some_and(is_loopback_host) {
        return Err("must be an https URL or loopback http".into());
    }
    Ok(url)
}

pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// RFC 9110 token characters.
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub(super) fn check_base_url(r: &mut Report, def: &IntegrationDef) {
    let raw = def.base_url.trim();
    if raw.is_empty() {
        r.add("base_url", "must not be empty");
        return;
    }
    let filled = match template::fill_all(raw, PLACEHOLDER_VALUE) {
        Ok(f) => f,
        Err(msg) => {
            r.add("base_url", msg);
            return;
        }
    };
    match check_web_url(&filled) {
        Ok(url) => {
            if url.fragment().is_some() {
                r.add("base_url", "must not contain a '#fragment'");
            }
            if url.query().is_some() {
                r.add(
                    "base_url",
                    "must not contain a query string: put query parameters in actions or an api_key pattern",
                );
            }
        }
        Err(msg) => r.add("base_url", msg.replace(PLACEHOLDER_VALUE, "{{…}}")),
    }
}
