//! Logins in progress: the `state` → PKCE verifier map that a redirect is checked against.
//!
//! A `state` is random (oauth2's `CsrfToken::new_random`, 128 bits), single-use (taken out of the
//! map by the first callback that names it, whatever happens next) and expires after
//! [`LOGIN_TTL`]. A callback whose state is unknown, used or expired is refused before anything
//! is sent to the provider, so a replayed or forged redirect can neither complete a login nor
//! spend someone else's code.
//!
//! A redirect whose state matches is then checked for its issuer (RFC 9207 `iss`, see
//! [`IssuerCheck`]) before the code goes anywhere: an answer from another authorization server
//! (a mix-up attack) ends the login and nothing is stored.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use oauth2::PkceCodeVerifier;

use crate::model::{AuthType, OAuthConfig};
use crate::Secret;

use super::error::OAuthError;
use super::loopback::RedirectVerdict;

/// How long a started login may wait for its redirect.
pub const LOGIN_TTL: Duration = Duration::from_secs(10 * 60);

/// Longest accepted redirect (a real one is a few hundred bytes).
const MAX_CALLBACK_LEN: usize = 8 * 1024;

/// What a login is for.
#[derive(Debug, Clone)]
pub enum LoginTarget {
    /// A new connection with these non-secret fields (`client_id`, …).
    New {
        type_slug: String,
        name: String,
        auth_type: AuthType,
        fields: BTreeMap<String, String>,
    },
    /// New tokens for an existing connection (`patchbay connections reauthorize`).
    Existing { name: String },
}

/// A started login: everything the callback needs, kept in memory only.
pub struct PendingLogin {
    pub target: LoginTarget,
    pub state: String,
    pub(crate) verifier: Option<PkceCodeVerifier>,
    pub redirect_uri: String,
    pub authorize_url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<Secret>,
    pub(crate) started: Instant,
    /// Which `iss` the redirect may carry, fixed when the login started.
    pub issuer: IssuerCheck,
}

/// The RFC 9207 check of an authorization response's `iss`, from the type's OAuth settings when
/// the login started.
///
/// - `issuer` configured: an `iss` must equal it exactly (simple string comparison, RFC 9207
///   §2.4); with `authorization_response_iss_parameter_supported`, a response without `iss` is
///   refused too.
/// - no `issuer` configured: a response without `iss` is accepted (providers that predate RFC
///   9207); one with `iss` is accepted only if that `iss` is an URL (no query or fragment) at
///   the `authorize_uri`'s origin (scheme, host and port). So an answer from another server —
///   what a mix-up attack delivers, since the attacker's type and the honest provider differ in
///   origin — is refused, and providers whose issuer is their own origin or a path on it
///   (`https://host`, `https://host/realms/x`) work without configuration. Two issuers on one
///   origin (tenants of one host) are only told apart with `issuer` configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuerCheck {
    /// The configured issuer identifier.
    pub expected: Option<String>,
    /// Whether a response must carry `iss`.
    pub required: bool,
    /// The authorize endpoint's origin (`https://host[:port]`), for when no issuer is configured.
    pub authorize_origin: Option<String>,
}

/// Longest `iss` quoted back in an error (it comes from whoever sent the redirect).
const MAX_QUOTED_ISS: usize = 200;

impl IssuerCheck {
    pub fn from_config(cfg: &OAuthConfig) -> IssuerCheck {
        IssuerCheck {
            expected: cfg
                .issuer
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            required: cfg.authorization_response_iss_parameter_supported == Some(true),
            authorize_origin: cfg
                .authorize_uri
                .as_deref()
                .and_then(|u| url::Url::parse(u.trim()).ok())
                .map(|u| u.origin())
                .filter(url::Origin::is_tuple)
                .map(|o| o.ascii_serialization()),
        }
    }

    /// `Ok` when a redirect carrying `iss` (or none) may finish the login.
    pub fn check(&self, iss: Option<&str>) -> Result<(), OAuthError> {
        let quoted = |s: &str| {
            let mut q: String = s.chars().take(MAX_QUOTED_ISS).collect();
            if q.len() < s.len() {
                q.push('…');
            }
            q
        };
        let Some(iss) = iss else {
            if !self.required {
                return Ok(());
            }
            return Err(OAuthError::Issuer(format!(
                "the OAuth redirect has no 'iss', but this type's provider{} always sends one (authorization_response_iss_parameter_supported): the answer may come from another server",
                self.expected.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
            )));
        };
        if let Some(expected) = &self.expected {
            if iss == expected {
                return Ok(());
            }
            return Err(OAuthError::Issuer(format!(
                "the OAuth redirect comes from issuer '{}', but this type's authorization server is '{expected}' (RFC 9207 'iss'): the answer is from another server (a mix-up attack, or a wrong oauth_config.issuer)",
                quoted(iss)
            )));
        }
        let same_origin = url::Url::parse(iss).ok().is_some_and(|u| {
            u.query().is_none()
                && u.fragment().is_none()
                && self.authorize_origin.as_deref() == Some(&u.origin().ascii_serialization())
        });
        if same_origin {
            return Ok(());
        }
        Err(OAuthError::Issuer(format!(
            "the OAuth redirect comes from issuer '{}', which is not at the authorize endpoint's origin '{}' (RFC 9207 'iss'): the answer is from another server (a mix-up attack); if that is really this provider's issuer, set oauth_config.issuer to it",
            quoted(iss),
            self.authorize_origin.as_deref().unwrap_or("(none)")
        )))
    }
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("target", &self.target)
            .field("redirect_uri", &self.redirect_uri)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The parameters of an OAuth redirect (`?code=…&state=…` or `?error=…&state=…`).
#[derive(Debug)]
pub struct Callback {
    pub state: String,
    /// The RFC 9207 issuer, when the provider sent one (possibly empty).
    pub iss: Option<String>,
    pub outcome: CallbackOutcome,
}

#[derive(Debug)]
pub enum CallbackOutcome {
    Code(Secret),
    Error {
        code: String,
        description: Option<String>,
    },
}

impl Callback {
    /// Parses a redirect: the deep link `patchbay://oauth/callback?…`, a loopback
    /// `http://127.0.0.1:PORT/oauth/callback?…`, or just the request target `/oauth/callback?…`.
    /// Refuses another path, a fragment, a repeated parameter, a missing `state`, both or neither
    /// of `code` and `error`, and anything overlong or with control characters.
    pub fn parse(redirect: &str) -> Result<Callback, OAuthError> {
        let bad = |m: &str| OAuthError::BadCallback(m.to_string());
        if redirect.len() > MAX_CALLBACK_LEN {
            return Err(bad("it is longer than 8 KiB"));
        }
        if redirect.chars().any(char::is_control) {
            return Err(bad("it contains control characters"));
        }
        let url = if redirect.starts_with('/') {
            url::Url::parse(&format!("http://127.0.0.1{redirect}"))
        } else {
            url::Url::parse(redirect)
        }
        .map_err(|e| OAuthError::BadCallback(format!("not a URL ({e})")))?;
        let path_ok = match url.scheme() {
            "patchbay" => url.host_str() == Some("oauth") && url.path() == "/callback",
            "http" => url.path() == "/oauth/callback",
            _ => false,
        };
        if !path_ok {
            return Err(bad(
                "it is not patchbay://oauth/callback or http://127.0.0.1:PORT/oauth/callback",
            ));
        }
        if url.fragment().is_some() {
            return Err(bad("it has a #fragment"));
        }
        let mut params: HashMap<String, String> = HashMap::new();
        for (k, v) in url.query_pairs() {
            if params.insert(k.to_string(), v.to_string()).is_some() {
                return Err(OAuthError::BadCallback(format!(
                    "parameter '{k}' appears more than once"
                )));
            }
        }
        let state = params
            .remove("state")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("it has no 'state' parameter"))?;
        let outcome = match (params.remove("code"), params.remove("error")) {
            (Some(code), None) if !code.is_empty() => CallbackOutcome::Code(Secret::new(code)),
            (None, Some(code)) if !code.is_empty() => CallbackOutcome::Error {
                code,
                description: params.remove("error_description"),
            },
            (Some(_), Some(_)) => return Err(bad("it has both 'code' and 'error'")),
            _ => return Err(bad("it has neither a 'code' nor an 'error'")),
        };
        let iss = params.remove("iss");
        Ok(Callback {
            state,
            iss,
            outcome,
        })
    }
}

/// The logins this process has started and not yet finished.
#[derive(Default)]
pub struct LoginRegistry {
    pending: Mutex<HashMap<String, PendingLogin>>,
}

impl LoginRegistry {
    pub fn new() -> LoginRegistry {
        LoginRegistry::default()
    }

    /// Remembers a started login under its state.
    pub fn insert(&self, login: PendingLogin) {
        let mut map = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, p| p.started.elapsed() < LOGIN_TTL);
        map.insert(login.state.clone(), login);
    }

    /// Takes the login a callback belongs to, once. An unknown, used or expired state is an
    /// error; the entry is gone after this call whatever it returns.
    pub fn take(&self, state: &str) -> Result<PendingLogin, OAuthError> {
        let mut map = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let found = map.remove(state);
        map.retain(|_, p| p.started.elapsed() < LOGIN_TTL);
        match found {
            None => Err(OAuthError::State(
                "this OAuth redirect does not belong to a login Patchbay started, or it was used already (its 'state' is unknown); nothing was stored — start the login again".into(),
            )),
            Some(p) if p.started.elapsed() >= LOGIN_TTL => Err(OAuthError::State(format!(
                "this OAuth login expired: its redirect came more than {} minutes after it started; nothing was stored — start the login again",
                LOGIN_TTL.as_secs() / 60
            ))),
            Some(p) => Ok(p),
        }
    }

    /// Whether `state` names a login that is waiting and has not expired (it stays waiting).
    pub fn contains(&self, state: &str) -> bool {
        let map = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        map.get(state)
            .is_some_and(|p| p.started.elapsed() < LOGIN_TTL)
    }

    /// What a loopback listener does with a redirect: accept it when it is well formed, names a
    /// waiting login and passes that login's issuer check (the listener then stops); ignore it
    /// with a reason to show the browser when it is malformed or names no waiting login (the
    /// listener keeps waiting, so a forged redirect cannot end a login under way); refuse it
    /// when it names the login but fails the issuer check (the listener stops and the login ends
    /// with that error when [`crate::Patchbay::complete_login`] checks it again). The login is
    /// not taken: [`LoginRegistry::take`] does that.
    pub fn check_redirect(&self, target: &str) -> RedirectVerdict {
        let cb = match Callback::parse(target) {
            Ok(cb) => cb,
            Err(e) => return RedirectVerdict::Ignore(e.to_string()),
        };
        let map = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&cb.state) {
            Some(p) if p.started.elapsed() < LOGIN_TTL => match p.issuer.check(cb.iss.as_deref()) {
                Ok(()) => RedirectVerdict::Accept,
                Err(e) => RedirectVerdict::Refuse(e.to_string()),
            },
            _ => RedirectVerdict::Ignore("This redirect does not belong to the login Patchbay is waiting for (wrong or used 'state'). Nothing was stored.".into()),
        }
    }

    /// How many logins are waiting.
    pub fn len(&self) -> usize {
        self.pending.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(state: &str, age: Duration) -> PendingLogin {
        PendingLogin {
            target: LoginTarget::Existing { name: "x".into() },
            state: state.into(),
            verifier: None,
            redirect_uri: "patchbay://oauth/callback".into(),
            authorize_url: "https://as.example/authorize".into(),
            client_id: "c".into(),
            client_secret: None,
            started: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
            issuer: IssuerCheck::default(),
        }
    }

    #[test]
    fn callbacks_parse_strictly() {
        let c = Callback::parse("patchbay://oauth/callback?code=abc&state=s1&iss=x").unwrap();
        assert_eq!(c.state, "s1");
        assert_eq!(c.iss.as_deref(), Some("x"));
        assert!(matches!(c.outcome, CallbackOutcome::Code(ref s) if s.expose() == "abc"));
        let c = Callback::parse(
            "/oauth/callback?error=access_denied&error_description=no%20way&state=s2",
        )
        .unwrap();
        assert!(
            matches!(c.outcome, CallbackOutcome::Error { ref code, ref description }
            if code == "access_denied" && description.as_deref() == Some("no way"))
        );
        for (bad, why) in [
            ("patchbay://oauth/callback?code=a", "no 'state'"),
            (
                "patchbay://oauth/callback?code=a&state=s&state=t",
                "more than once",
            ),
            (
                "patchbay://oauth/callback?code=a&code=b&state=s",
                "more than once",
            ),
            ("patchbay://oauth/callback?state=s", "neither"),
            ("patchbay://oauth/callback?code=a&error=x&state=s", "both"),
            (
                "patchbay://oauth/other?code=a&state=s",
                "is not patchbay://",
            ),
            (
                "patchbay://evil/callback?code=a&state=s",
                "is not patchbay://",
            ),
            (
                "https://127.0.0.1/oauth/callback?code=a&state=s",
                "is not patchbay://",
            ),
            ("patchbay://oauth/callback?code=a&state=s#x", "fragment"),
            ("patchbay://oauth/callback?code=a\n&state=s", "control"),
            (
                "patchbay://oauth/callback?code=a&state=s&iss=x&iss=y",
                "more than once",
            ),
            ("not a url", "not a URL"),
        ] {
            let err = Callback::parse(bad).err().unwrap().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
        let long = format!(
            "patchbay://oauth/callback?state=s&code={}",
            "a".repeat(9000)
        );
        assert!(Callback::parse(&long).is_err());
    }

    #[test]
    fn a_state_is_single_use_and_expires() {
        let r = LoginRegistry::new();
        r.insert(pending("fresh", Duration::ZERO));
        r.insert(pending("old", LOGIN_TTL + Duration::from_secs(1)));
        let expired = r.take("old").err().unwrap().to_string();
        assert!(expired.contains("expired"), "{expired}");
        assert!(r.take("fresh").is_ok());
        let again = r.take("fresh").err().unwrap().to_string();
        assert!(again.contains("used already"), "{again}");
        assert!(r.take("nope").is_err());
        assert!(r.is_empty());
    }

    fn issuer_check(issuer: Option<&str>, required: bool) -> IssuerCheck {
        IssuerCheck::from_config(&OAuthConfig {
            authorize_uri: Some("https://login.example.com:8443/oauth/authorize".into()),
            issuer: issuer.map(str::to_string),
            authorization_response_iss_parameter_supported: Some(required),
            ..OAuthConfig::default()
        })
    }

    #[test]
    fn a_configured_issuer_is_compared_exactly() {
        let c = issuer_check(Some("https://login.example.com/tenant"), false);
        assert!(c.check(Some("https://login.example.com/tenant")).is_ok());
        assert!(c.check(None).is_ok(), "not required: a missing iss is fine");
        for bad in [
            "https://login.example.com/tenant/",
            "https://LOGIN.example.com/tenant",
            "https://login.example.com/other",
            "https://attacker.example",
            "",
        ] {
            let e = c.check(Some(bad)).err().unwrap().to_string();
            assert!(
                e.contains("mix-up") && e.contains("nothing was stored"),
                "{bad}: {e}"
            );
        }
        let c = issuer_check(Some("https://login.example.com/tenant"), true);
        let e = c.check(None).err().unwrap().to_string();
        assert!(e.contains("no 'iss'"), "{e}");
    }

    #[test]
    fn without_a_configured_issuer_only_the_authorize_origin_is_accepted() {
        let c = issuer_check(None, false);
        for ok in [
            "https://login.example.com:8443",
            "https://login.example.com:8443/",
            "https://login.example.com:8443/realms/x",
        ] {
            assert!(c.check(Some(ok)).is_ok(), "{ok}");
        }
        assert!(c.check(None).is_ok());
        for bad in [
            "https://login.example.com",
            "http://login.example.com:8443",
            "https://login.example.com.attacker.example:8443",
            "https://attacker.example/login.example.com:8443",
            "https://login.example.com:8443/?x=1",
            "https://login.example.com:8443/#x",
            "login.example.com:8443",
            "",
        ] {
            let e = c.check(Some(bad)).err().unwrap().to_string();
            assert!(e.contains("oauth_config.issuer"), "{bad}: {e}");
        }
        let long = format!("https://{}.example", "a".repeat(5000));
        let e = c.check(Some(&long)).err().unwrap().to_string();
        assert!(
            e.len() < 1000,
            "the sender's iss is quoted short: {}",
            e.len()
        );
    }

    #[test]
    fn the_listener_check_refuses_a_wrong_issuer_and_ignores_a_wrong_state() {
        let r = LoginRegistry::new();
        let mut p = pending("s1", Duration::ZERO);
        p.issuer = issuer_check(Some("https://login.example.com"), true);
        r.insert(p);
        let ok = "/oauth/callback?code=c&state=s1&iss=https%3A%2F%2Flogin.example.com";
        assert_eq!(r.check_redirect(ok), RedirectVerdict::Accept);
        assert!(matches!(
            r.check_redirect("/oauth/callback?code=c&state=s1&iss=https%3A%2F%2Fevil.example"),
            RedirectVerdict::Refuse(m) if m.contains("mix-up")
        ));
        assert!(matches!(
            r.check_redirect("/oauth/callback?code=c&state=s1"),
            RedirectVerdict::Refuse(m) if m.contains("no 'iss'")
        ));
        assert!(matches!(
            r.check_redirect("/oauth/callback?code=c&state=s2&iss=https%3A%2F%2Fevil.example"),
            RedirectVerdict::Ignore(m) if m.contains("does not belong")
        ));
        assert_eq!(r.len(), 1, "checking takes nothing");
    }
}
