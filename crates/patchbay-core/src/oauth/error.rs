//! OAuth failures, each worded so the person who sees it knows what to check. Messages carry no
//! token, code, verifier or client secret: the provider's own `error_description` is passed
//! through the connection's redactor before it is shown or stored.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum OAuthError {
    /// The type's OAuth configuration cannot be used (a missing or malformed endpoint).
    #[error("OAuth configuration of '{slug}': {problem}")]
    Config { slug: String, problem: String },

    /// The provider answered the authorize or token request with an OAuth error code.
    #[error("{}", provider_message(.step, .code, .description.as_deref()))]
    Provider {
        /// "authorization", "token exchange", "refresh", "client credentials", "revocation".
        step: &'static str,
        /// `invalid_grant`, `invalid_client`, `access_denied`, …
        code: String,
        description: Option<String>,
    },

    /// The callback's `state` is not one Patchbay issued, was used already, or belongs to a login
    /// that expired.
    #[error("{0}")]
    State(String),

    /// The redirect's RFC 9207 `iss` is not the type's authorization server, or is missing where
    /// the provider always sends it.
    #[error("{0}; the login was refused and nothing was stored")]
    Issuer(String),

    /// A response from an OAuth endpoint was larger than Patchbay reads from it.
    #[error("{step} failed: the {endpoint}'s answer is larger than {limit}")]
    TooLarge {
        step: &'static str,
        /// "token endpoint", "userinfo endpoint", "revocation endpoint".
        endpoint: &'static str,
        /// "1 MiB", "64 KiB".
        limit: &'static str,
    },

    /// The callback itself is not a well-formed OAuth redirect.
    #[error("the OAuth redirect is malformed: {0}; nothing was stored")]
    BadCallback(String),

    /// The browser never came back.
    #[error("no answer from the browser within {seconds} s: the login was cancelled and nothing was stored; run the command again and finish signing in within that time")]
    Timeout { seconds: u64 },

    /// The token endpoint or another OAuth endpoint could not be reached or answered nonsense.
    #[error("{step} failed: {message}")]
    Transport { step: &'static str, message: String },

    /// The loopback listener could not be started.
    #[error("cannot listen for the OAuth redirect on {addr}: {message}")]
    Listen { addr: String, message: String },

    /// The system browser could not be started.
    #[error("cannot open the browser: {0}; open the URL printed above yourself")]
    Browser(String),
}

impl OAuthError {
    /// Whether the provider rejected the grant or the client itself: the connection needs a new
    /// login (or new client credentials), and retrying would loop.
    pub fn is_rejection(&self) -> bool {
        match self {
            OAuthError::Provider { code, .. } => !matches!(
                code.as_str(),
                "server_error" | "temporarily_unavailable" | "slow_down"
            ),
            _ => false,
        }
    }
}

fn provider_message(step: &str, code: &str, description: Option<&str>) -> String {
    let said = description
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let advice = match code {
        "redirect_uri_mismatch" => {
            "the redirect URI Patchbay sent is not registered with the provider: register exactly the redirect URI shown when the login started (for loopback redirects, `http://127.0.0.1/oauth/callback` with any port where the provider allows it)"
        }
        "invalid_client" | "unauthorized_client" => {
            "the provider does not accept this client: check the client_id and client_secret, and whether the client may use this grant type and client authentication style (`client_auth`: basic_header or body)"
        }
        "access_denied" => "access was denied at the provider's consent screen; start the login again and allow access",
        "invalid_grant" => {
            "the provider no longer accepts this grant (a code used twice or expired, or a refresh token revoked or rotated); log in again"
        }
        "invalid_scope" => "the provider rejected the requested scopes; check the type's available_scopes",
        "invalid_request" => "the provider rejected the request as malformed; check the type's OAuth endpoints and extra parameters",
        "unsupported_grant_type" => "the provider does not support this grant type for this client",
        "server_error" | "temporarily_unavailable" => "the provider had a problem; try again later",
        _ => "check the type's OAuth configuration and the client's settings at the provider",
    };
    format!("{step} refused by the provider: {code}{said}: {advice}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_say_what_to_check() {
        let e = OAuthError::Provider {
            step: "token exchange",
            code: "invalid_client".into(),
            description: Some("client authentication failed".into()),
        };
        let text = e.to_string();
        assert!(
            text.contains("invalid_client (client authentication failed)"),
            "{text}"
        );
        assert!(text.contains("client_secret"), "{text}");
        assert!(e.is_rejection());
        let e = OAuthError::Provider {
            step: "refresh",
            code: "temporarily_unavailable".into(),
            description: None,
        };
        assert!(!e.is_rejection());
        for code in ["redirect_uri_mismatch", "access_denied", "invalid_grant"] {
            let text = OAuthError::Provider {
                step: "authorization",
                code: code.into(),
                description: None,
            }
            .to_string();
            assert!(text.contains(code) && text.contains(": "), "{text}");
        }
    }
}
