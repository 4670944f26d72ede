//! Logins in progress: the `state` → PKCE verifier map that a redirect is checked against.
//!
//! A `state` is random (oauth2's `CsrfToken::new_random`, 128 bits), single-use (taken out of the
//! map by the first callback that names it, whatever happens next) and expires after
//! [`LOGIN_TTL`]. A callback whose state is unknown, used or expired is refused before anything
//! is sent to the provider, so a replayed or forged redirect can neither complete a login nor
//! spend someone else's code.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use oauth2::PkceCodeVerifier;

use crate::model::AuthType;
use crate::Secret;

use super::error::OAuthError;

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
        Ok(Callback { state, outcome })
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

    /// What a loopback listener answers a redirect: `Ok` when it is well formed and names a
    /// waiting login (the listener then stops), else the reason to show the browser (it keeps
    /// waiting). The login is not taken: [`LoginRegistry::take`] does that.
    pub fn check_redirect(&self, target: &str) -> Result<(), String> {
        match Callback::parse(target) {
            Ok(cb) if self.contains(&cb.state) => Ok(()),
            Ok(_) => Err("This redirect does not belong to the login Patchbay is waiting for (wrong or used 'state'). Nothing was stored.".into()),
            Err(e) => Err(e.to_string()),
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
        }
    }

    #[test]
    fn callbacks_parse_strictly() {
        let c = Callback::parse("patchbay://oauth/callback?code=abc&state=s1&iss=x").unwrap();
        assert_eq!(c.state, "s1");
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
}
