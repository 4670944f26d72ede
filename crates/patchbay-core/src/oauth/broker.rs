//! Browser logins for a long-running front end (the desktop app): started on request from the
//! window, finished when the redirect arrives — as a `patchbay://oauth/callback` deep link
//! forwarded by the operating system, or at a loopback listener, per integration type.
//!
//! The broker is `Send + Sync` and owns the [`LoginRegistry`], so every redirect, however it
//! arrives, is checked against the one single-use, expiring `state` map. Finishing a login opens
//! its own [`Patchbay`] on the data folder (the token exchange is a network call, and the
//! window's `Patchbay` must not be held across it) and runs on the calling thread: the app calls
//! it from a thread of its own.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desktop::Opener;
use crate::model::{AuthType, RedirectStyle, DEEP_LINK_REDIRECT_URI};
use crate::{ConnectRequest, LoginStart, Patchbay, Result, Secret};

use super::loopback::{self, LoopbackListener};
use super::{BrowserOpener, Callback, LoginRegistry, OAuthError};

/// How many finished logins [`LoginBroker::reports`] remembers.
const KEPT_REPORTS: usize = 20;

/// How long a loopback login started from the window waits for the browser.
const LOOPBACK_WAIT: Duration = super::LOGIN_TTL;

/// A browser login the window asks for. The client secret travels *into* the core only; nothing
/// returns it.
#[derive(Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OAuthLoginRequest {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub auth_type: Option<AuthType>,
    /// Non-secret fields, `client_id` among them.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    #[ts(optional)]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for OAuthLoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthLoginRequest")
            .field("slug", &self.slug)
            .field("name", &self.name)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A started login: the URL the browser was sent to and the redirect URI to register.
#[derive(Clone, Debug, Serialize, TS)]
pub struct LoginStarted {
    pub authorize_url: String,
    pub redirect_uri: String,
}

/// How a login ended (masked; for the window to show).
#[derive(Clone, Debug, Serialize, TS)]
pub struct LoginReport {
    pub ok: bool,
    /// The connection created or re-authorized.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    pub message: String,
    /// RFC 3339 UTC.
    pub at: String,
}

pub struct LoginBroker {
    /// How a finishing login opens the data folder (with the passphrase of a passphrase vault,
    /// once the window has been unlocked).
    opener: Mutex<Opener>,
    registry: LoginRegistry,
    browser: Box<dyn BrowserOpener + Send + Sync>,
    reports: Mutex<Vec<LoginReport>>,
}

impl LoginBroker {
    pub fn new(opener: Opener, browser: Box<dyn BrowserOpener + Send + Sync>) -> LoginBroker {
        LoginBroker {
            opener: Mutex::new(opener),
            registry: LoginRegistry::new(),
            browser,
            reports: Mutex::new(Vec::new()),
        }
    }

    /// Starts a login for a new connection and opens the browser. Deep-link types are
    /// finished by [`LoginBroker::finish`] when the OS forwards the redirect; loopback types by a
    /// listener thread started here.
    pub fn start(self: &Arc<Self>, pb: &Patchbay, req: OAuthLoginRequest) -> Result<LoginStarted> {
        let auth_type = req.auth_type.or(Some(AuthType::Oauth2AuthorizationCode));
        let pattern = pb.pattern_for(&req.slug, auth_type)?;
        let mut secrets = BTreeMap::new();
        if let Some(s) = req.client_secret.filter(|s| !s.is_empty()) {
            secrets.insert("client_secret".to_string(), Secret::new(s));
        }
        let start = LoginStart::New(ConnectRequest {
            type_slug: req.slug,
            name: req.name,
            auth_type,
            fields: req.fields,
            secrets,
        });
        self.start_login(pb, start, pattern.oauth_config.unwrap_or_default())
    }

    /// Starts a new browser login for an existing connection (its grant was revoked or
    /// expired); the connection keeps its name, fields and client secret.
    pub fn start_reauthorize(self: &Arc<Self>, pb: &Patchbay, name: &str) -> Result<LoginStarted> {
        let c = pb.get_connection(name)?;
        let pattern = pb.pattern_for(&c.type_slug, Some(c.auth_type))?;
        let start = LoginStart::Reauthorize(c.name);
        self.start_login(pb, start, pattern.oauth_config.unwrap_or_default())
    }

    fn start_login(
        self: &Arc<Self>,
        pb: &Patchbay,
        start: LoginStart,
        config: crate::model::OAuthConfig,
    ) -> Result<LoginStarted> {
        let (pending, listener) = match config.redirect_style {
            RedirectStyle::DeepLink => (pb.begin_login(start, DEEP_LINK_REDIRECT_URI)?, None),
            RedirectStyle::Loopback => {
                // Bound now, so its port is known for the authorize URL.
                let (listener, redirect_uri) = loopback::bind_std(config.loopback_port)?;
                let pending = pb.begin_login(start, &redirect_uri)?;
                (pending, Some(listener))
            }
        };
        let started = LoginStarted {
            authorize_url: pending.authorize_url.clone(),
            redirect_uri: pending.redirect_uri.clone(),
        };
        self.registry.insert(pending);
        if let Some(listener) = listener {
            let broker = Arc::clone(self);
            std::thread::spawn(move || broker.wait_on_loopback(listener));
        }
        self.browser.open(&started.authorize_url)?;
        Ok(started)
    }

    /// Finishes the login a redirect belongs to (blocking: it exchanges the code) and records
    /// the outcome. Anything wrong — malformed, unknown, used or expired `state`, the provider's
    /// refusal — is a report with `ok: false`, and nothing is stored.
    pub fn finish(&self, redirect: &str) -> LoginReport {
        let report = match self.try_finish(redirect) {
            Ok(name) => LoginReport {
                ok: true,
                message: format!("connected '{name}'"),
                connection: Some(name),
                at: crate::store::now(),
            },
            Err(e) => LoginReport {
                ok: false,
                connection: None,
                message: e.to_string(),
                at: crate::store::now(),
            },
        };
        if report.ok {
            tracing::info!(connection = ?report.connection, "OAuth login finished");
        } else {
            tracing::warn!(reason = %report.message, "OAuth redirect refused");
        }
        let mut reports = self.reports.lock().unwrap_or_else(|e| e.into_inner());
        reports.push(report.clone());
        let extra = reports.len().saturating_sub(KEPT_REPORTS);
        reports.drain(..extra);
        report
    }

    /// Uses `opener` from now on (the window was unlocked with a passphrase).
    pub fn set_opener(&self, opener: Opener) {
        *self.opener.lock().unwrap_or_else(|e| e.into_inner()) = opener;
    }

    /// The most recent finished logins, oldest first.
    pub fn reports(&self) -> Vec<LoginReport> {
        self.reports.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn try_finish(&self, redirect: &str) -> Result<String> {
        let callback = Callback::parse(redirect)?;
        let pending = self.registry.take(&callback.state)?;
        let opener = self
            .opener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let pb = opener.open()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| OAuthError::Transport {
                step: "starting the login's runtime",
                message: e.to_string(),
            })?;
        let connection = runtime.block_on(pb.complete_login(pending, callback))?;
        Ok(connection.name)
    }

    fn wait_on_loopback(&self, listener: std::net::TcpListener) {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => return tracing::error!("cannot wait for the loopback redirect: {e}"),
        };
        let waited = runtime.block_on(async {
            let listener = LoopbackListener::from_std(listener)?;
            listener
                .wait(LOOPBACK_WAIT, |target| self.registry.check_redirect(target))
                .await
        });
        match waited {
            Ok(target) => {
                self.finish(&target);
            }
            Err(e) => tracing::warn!("loopback login ended: {e}"),
        }
    }
}
