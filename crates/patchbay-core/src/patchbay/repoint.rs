//! Whether a new definition of a type would send an existing connection's credentials somewhere
//! else (DESIGN.md invariant 3), decided per connection by rendering what the connection would
//! reach under the old and the new definition — not by comparing template text, which misses
//! re-points by indirection: a field mutation's prefix, suffix or default on the host field, a
//! renamed host field with a new default, an OAuth endpoint or an OAuth setting.
//!
//! Every path that replaces a stored type's definition (bundle and format imports with the
//! `replace` policy, `patchbay types edit`, the window's editor) calls
//! [`pause_repointed`] in the transaction that writes the new definition, so a re-pointed
//! connection is paused in the same commit that re-points it.
//!
//! Only a connection's non-secret field values are rendered (the vault is not opened): a secret
//! cannot be placed in a URL anyway, so reasons never carry one.

use std::collections::BTreeMap;

use url::Url;

use crate::model::{AuthPattern, Connection, ConnectionStatus, IntegrationDef, OAuthConfig};
use crate::store::connections;
use crate::Result;

/// A connection the new definition re-points, and why (safe to show: no secret in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Repointed {
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// The connections of type `type_id` whose credentials `new` would send elsewhere than `old`
/// does, sorted by name. Nothing is written.
pub(crate) fn repointed_connections(
    db: &rusqlite::Connection,
    type_id: &str,
    old: &IntegrationDef,
    new: &IntegrationDef,
) -> Result<Vec<Repointed>> {
    // `connections::all` is ordered by name.
    Ok(connections::all(db)?
        .into_iter()
        .filter(|c| c.type_id == type_id)
        .filter_map(|c| {
            let reasons = reasons_for(&c, old, new);
            (!reasons.is_empty()).then(|| Repointed {
                id: c.id,
                name: c.name,
                reason: reasons.join("; "),
            })
        })
        .collect())
}

/// Pauses every connection of `type_id` that `new` re-points (see [`repointed_connections`]),
/// with a message naming what changed and `cause` ("by importing shared.json", "by an edit of
/// the type"). Call it inside the transaction that stores `new`. Returns the paused connections.
pub(crate) fn pause_repointed(
    db: &rusqlite::Connection,
    type_id: &str,
    old: &IntegrationDef,
    new: &IntegrationDef,
    cause: &str,
    now: &str,
) -> Result<Vec<Repointed>> {
    let repointed = repointed_connections(db, type_id, old, new)?;
    for r in &repointed {
        let message = format!(
            "paused: {} {cause}; nothing is sent until you approve it with `patchbay connections approve {}`",
            r.reason, r.name
        );
        connections::set_status(db, &r.id, ConnectionStatus::Paused, Some(&message), now)?;
        tracing::warn!(connection = %r.name, "paused: its type's new definition re-points it");
    }
    Ok(repointed)
}

/// Everything about where connection `c`'s credentials go that differs between `old` and `new`.
fn reasons_for(c: &Connection, old: &IntegrationDef, new: &IntegrationDef) -> Vec<String> {
    let (Some(p_new), p_old) = (new.pattern(c.auth_type), old.pattern(c.auth_type)) else {
        return vec![format!(
            "the new definition has no {} auth pattern, which this connection uses",
            c.auth_type
        )];
    };
    let mut reasons = Vec::new();
    let before = p_old.map_or_else(
        || Err(format!("no {} auth pattern", c.auth_type)),
        |p| base_origin(c, &old.base_url, p),
    );
    let after = base_origin(c, &new.base_url, p_new);
    match (&before, &after) {
        (a, b) if a == b => {}
        (Ok(a), Ok(b)) => reasons.push(format!("the base URL's origin changed from {a} to {b}")),
        (Ok(a), Err(e)) => reasons.push(format!(
            "the base URL (was {a}) no longer renders for this connection under the new definition: {e}"
        )),
        (Err(_), Ok(b)) => reasons.push(format!("the base URL now goes to {b}")),
        (Err(_), Err(e)) => reasons.push(format!(
            "the base URL does not render for this connection under the new definition: {e}"
        )),
    }
    let Some(p_old) = p_old else {
        return reasons;
    };
    if c.auth_type.is_oauth() {
        oauth_reasons(p_old, p_new, &mut reasons);
    }
    if p_old.api_key != p_new.api_key
        || p_old.headers != p_new.headers
        || p_old.auth_header_key_override != p_new.auth_header_key_override
        || p_old.hmac != p_new.hmac
    {
        reasons.push(format!(
            "where the {} pattern places credentials changed",
            c.auth_type
        ));
    }
    reasons
}

/// `scheme://host[:port]` of the base URL rendered with the connection's own (non-secret) field
/// values and the pattern's field mutations: the same rendering a request uses.
pub(crate) fn base_origin(
    c: &Connection,
    template: &str,
    pattern: &AuthPattern,
) -> Result<String, String> {
    let url =
        crate::request::render_base_url(&c.name, template, pattern, &c.fields, &BTreeMap::new())
            .map_err(|e| e.to_string())?;
    Url::parse(&url)
        .map(|u| u.origin().ascii_serialization())
        .map_err(|e| format!("'{url}' is not a URL ({e})"))
}

/// Changed OAuth endpoints (compared in full: a path can name another tenant on a shared
/// authorization server) and changed OAuth settings.
fn oauth_reasons(old: &AuthPattern, new: &AuthPattern, reasons: &mut Vec<String>) {
    let (a, b) = (config_of(old), config_of(new));
    for (what, x, y) in [
        ("authorize endpoint", &a.authorize_uri, &b.authorize_uri),
        (
            "token endpoint (used for tokens and refreshes)",
            &a.token_uri,
            &b.token_uri,
        ),
        ("userinfo endpoint", &a.user_info_uri, &b.user_info_uri),
        ("revocation endpoint", &a.revocation_uri, &b.revocation_uri),
    ] {
        let norm = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (x, y) = (norm(x), norm(y));
        if x != y {
            reasons.push(format!(
                "the OAuth {what} changed from {} to {}",
                shown(x.as_deref()),
                shown(y.as_deref())
            ));
        }
    }
    let mut setting = |name: &str, x: String, y: String| {
        if x != y {
            reasons.push(format!("the OAuth setting {name} changed from {x} to {y}"));
        }
    };
    setting(
        "pkce_enabled",
        a.pkce_enabled.to_string(),
        b.pkce_enabled.to_string(),
    );
    setting(
        "redirect_style",
        json(&a.redirect_style),
        json(&b.redirect_style),
    );
    setting(
        "loopback_port",
        shown(a.loopback_port.map(|p| p.to_string()).as_deref()),
        shown(b.loopback_port.map(|p| p.to_string()).as_deref()),
    );
    setting("client_auth", json(&a.client_auth), json(&b.client_auth));
    setting(
        "authorize_params",
        json(&a.authorize_params),
        json(&b.authorize_params),
    );
    setting("token_params", json(&a.token_params), json(&b.token_params));
    // The issuer decides which authorization server's answers are believed (RFC 9207).
    setting(
        "issuer",
        shown(a.issuer.as_deref()),
        shown(b.issuer.as_deref()),
    );
    setting(
        "authorization_response_iss_parameter_supported",
        json(&a.authorization_response_iss_parameter_supported),
        json(&b.authorization_response_iss_parameter_supported),
    );
}

fn config_of(p: &AuthPattern) -> OAuthConfig {
    p.oauth_config.clone().unwrap_or_default()
}

fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "(none)".to_string(), str::to_string)
}

/// Compact JSON of a setting; definitions never hold secrets (invariant 1).
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "?".to_string())
}
