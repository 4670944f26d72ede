//! Token responses as providers really send them, and what Patchbay keeps of them.
//!
//! oauth2's standard response type rejects `"expires_in": "3600"` (a string, as some providers
//! send) and maps `token_type` onto a closed enum. [`LenientTokenResponse`] accepts a number or a
//! numeric string, any `token_type` spelling (kept exactly as returned, since some APIs compare
//! it case-sensitively), and a missing `token_type` (treated as `Bearer`).

use std::time::Duration;

use oauth2::{AccessToken, RefreshToken, Scope, TokenResponse};
use serde::{Deserialize, Deserializer, Serialize};

use crate::Secret;

/// `token_type` exactly as the provider spelled it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawTokenType(pub String);

impl oauth2::TokenType for RawTokenType {}

fn bearer() -> RawTokenType {
    RawTokenType("Bearer".into())
}

/// A token endpoint's success response (RFC 6749 §5.1), leniently parsed.
///
/// `Serialize` exists only because oauth2's trait demands it; Patchbay never serializes this type
/// (its fields are moved into [`TokenGrant`], whose values are [`Secret`]s).
#[derive(Debug, Serialize, Deserialize)]
pub struct LenientTokenResponse {
    access_token: AccessToken,
    #[serde(default = "bearer")]
    token_type: RawTokenType,
    #[serde(default, deserialize_with = "seconds", skip_serializing)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default, deserialize_with = "scopes", skip_serializing)]
    scope: Option<Vec<Scope>>,
}

impl TokenResponse for LenientTokenResponse {
    type TokenType = RawTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &RawTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scope.as_ref()
    }
}

/// `expires_in` as a JSON number or a string of digits; anything else (negative, fractional,
/// empty) means "unknown" rather than failing the whole login.
fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    })
}

/// `scope` is space-delimited (RFC 6749 §3.3); some providers send a JSON array instead.
fn scopes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Scope>>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(
            s.split_whitespace()
                .map(|x| Scope::new(x.to_string()))
                .collect(),
        ),
        Some(serde_json::Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(|x| x.as_str())
                .map(|x| Scope::new(x.to_string()))
                .collect(),
        ),
        _ => None,
    })
}

/// What a token endpoint granted, with every token already a [`Secret`].
#[derive(Debug)]
pub struct TokenGrant {
    pub access_token: Secret,
    /// `None` when the response carried none: the stored one (if any) is kept.
    pub refresh_token: Option<Secret>,
    /// As returned (`Bearer`, `bearer`, `MAC`, …).
    pub token_type: String,
    /// Unix seconds; `None` when the provider did not say (then Patchbay refreshes on a 401 only).
    pub expires_at: Option<i64>,
    /// Granted scopes, space-separated, when the provider listed them.
    pub scope: Option<String>,
}

impl TokenGrant {
    pub(crate) fn from_response(r: LenientTokenResponse, now_unix: i64) -> TokenGrant {
        let token_type = r.token_type.0.trim().to_string();
        TokenGrant {
            access_token: Secret::new(r.access_token.secret().clone()),
            refresh_token: r
                .refresh_token
                .as_ref()
                .map(|t| Secret::new(t.secret().clone()))
                .filter(|t| !t.is_empty()),
            token_type: if token_type.is_empty() {
                "Bearer".into()
            } else {
                token_type
            },
            expires_at: r
                .expires_in
                .map(|s| now_unix.saturating_add(i64::try_from(s).unwrap_or(i64::MAX))),
            scope: r
                .scope
                .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(" ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> TokenGrant {
        let r: LenientTokenResponse = serde_json::from_str(json).unwrap();
        TokenGrant::from_response(r, 1_000)
    }

    #[test]
    fn string_expiry_odd_token_type_and_missing_fields() {
        let g = parse(r#"{"access_token":"at","expires_in":"3600","token_type":"bearer"}"#);
        assert_eq!(g.expires_at, Some(4_600));
        assert_eq!(g.token_type, "bearer");
        assert!(g.refresh_token.is_none());
        let g = parse(r#"{"access_token":"at"}"#);
        assert_eq!((g.token_type.as_str(), g.expires_at), ("Bearer", None));
        let g = parse(
            r#"{"access_token":"at","token_type":"MAC","expires_in":60.0,"refresh_token":"rt","scope":"a b"}"#,
        );
        assert_eq!(g.expires_at, Some(1_060));
        assert_eq!(g.refresh_token.unwrap().expose(), "rt");
        assert_eq!(g.scope.as_deref(), Some("a b"));
        let g = parse(r#"{"access_token":"at","expires_in":"soon","scope":["x","y"]}"#);
        assert_eq!((g.expires_at, g.scope.as_deref()), (None, Some("x y")));
        let g = parse(r#"{"access_token":"at","refresh_token":""}"#);
        assert!(g.refresh_token.is_none(), "an empty refresh token is none");
    }

    #[test]
    fn a_grant_prints_no_token() {
        let g = parse(
            r#"{"access_token":"at-very-secret-1234","refresh_token":"rt-very-secret-5678"}"#,
        );
        let debug = format!("{g:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
    }
}
