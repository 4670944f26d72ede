//! OAuth connections: logging in (authorization code + PKCE), the client credentials grant,
//! keeping tokens fresh, and revoking them on disconnect.
//!
//! Token bookkeeping, from other tools' bugs:
//! - a refresh answer without a `refresh_token` keeps the stored one; a rotated one replaces it
//!   in the same transaction as the new access token;
//! - no `expires_in` means "expiry unknown": refresh on the first 401 only;
//! - one refresh at a time per connection, across tasks *and* processes (an in-process async
//!   lock, then a lock file in the data folder): whoever waited re-reads the store and uses the
//!   token the first one got, so a rotating provider never sees a refresh token twice;
//! - a refresh the provider rejects (4xx OAuth error) marks the connection "needs
//!   re-authorization" with the provider's reason, and requests stop instead of looping.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::model::{
    AuthPattern, AuthType, Connection, ConnectionStatus, IntegrationType, OAuthTokenInfo,
};
use crate::oauth::{
    Callback, CallbackOutcome, IssuerCheck, LoginTarget, OAuthClient, OAuthError, PendingLogin,
    TokenGrant,
};
use crate::request::{Redactor, RequestError};
use crate::store::{self, connections, oauth_tokens, types};
use crate::vault;
use crate::{CoreError, Result, Secret};

use super::connection_ops::{check_values, checked_env_name, choose_pattern, ensure_name_free};
use super::type_ops::type_not_found;
use super::{secret_aad, ConnectRequest, Patchbay};

/// Tokens with less than this left are refreshed before a request.
pub const REFRESH_MARGIN_SECS: i64 = 5 * 60;

/// How long a request waits for another process's refresh of the same connection.
const REFRESH_LOCK_WAIT: Duration = Duration::from_secs(60);

impl Patchbay {
    /// Starts an authorization-code login that will redirect to `redirect_uri`: for a new
    /// connection (`req`: type, name, `client_id` and optional `client_secret`) or, with
    /// `reauthorize`, new tokens for an existing one. Checks everything that can be checked
    /// before the browser opens; keep the result in a [`crate::oauth::LoginRegistry`].
    pub fn begin_login(&self, target: LoginStart, redirect_uri: &str) -> Result<PendingLogin> {
        let (t, pattern, target, client_id, client_secret) = match target {
            LoginStart::New(req) => {
                let t = self.get_type(&req.type_slug)?;
                let pattern = choose_pattern(&t, req.auth_type)?.clone();
                if pattern.auth_type != AuthType::Oauth2AuthorizationCode {
                    return Err(CoreError::Invalid(format!(
                        "a browser login is for the oauth2_authorization_code pattern, not {}",
                        pattern.auth_type
                    )));
                }
                let name = req.name.trim().to_string();
                let env = checked_env_name(&name)?;
                check_values(&t, &pattern, &req.fields, &req.secrets)?;
                ensure_name_free(self.store().conn(), &name, &env)?;
                let client_id = req.fields.get("client_id").cloned().unwrap_or_default();
                let target = LoginTarget::New {
                    type_slug: t.def.slug.clone(),
                    name,
                    auth_type: pattern.auth_type,
                    fields: req.fields,
                };
                (
                    t,
                    pattern,
                    target,
                    client_id,
                    req.secrets.get("client_secret").cloned(),
                )
            }
            LoginStart::Reauthorize(name) => {
                let c = self.get_connection(&name)?;
                refuse_if_paused(&c)?;
                let (t, pattern) = self.type_and_pattern(&c)?;
                if pattern.auth_type != AuthType::Oauth2AuthorizationCode {
                    return Err(CoreError::Invalid(format!(
                        "connection '{name}' uses {}, which has no browser login",
                        pattern.auth_type
                    )));
                }
                let client_id = c.fields.get("client_id").cloned().unwrap_or_default();
                let secret = self.open_secret(&c.id, "client_secret")?;
                (
                    t,
                    pattern,
                    LoginTarget::Existing { name: c.name },
                    client_id,
                    secret,
                )
            }
        };
        let client = oauth_client(&t, &pattern, &client_id, client_secret.clone())?;
        let auth = client.authorize(redirect_uri, &scopes_of(&pattern))?;
        Ok(PendingLogin {
            target,
            state: auth.state.secret().clone(),
            verifier: auth.verifier,
            redirect_uri: redirect_uri.to_string(),
            authorize_url: auth.url,
            client_id,
            client_secret,
            started: std::time::Instant::now(),
            issuer: IssuerCheck::from_config(&pattern.oauth_config.clone().unwrap_or_default()),
        })
    }

    /// Finishes a login whose callback was matched to `pending` (by its single-use state):
    /// exchanges the code, asks userinfo for the account's name, and stores the connection (or
    /// its new tokens) in one transaction. Nothing is stored when any step fails.
    pub async fn complete_login(
        &self,
        pending: PendingLogin,
        callback: Callback,
    ) -> Result<Connection> {
        if callback.state != pending.state {
            return Err(OAuthError::State(
                "the redirect's 'state' does not match the login; nothing was stored".into(),
            )
            .into());
        }
        // RFC 9207: before the code (or the provider's error) is believed, the answer must come
        // from the server this login was sent to; a mix-up would hand the code to another one.
        pending.issuer.check(callback.iss.as_deref())?;
        let code = match callback.outcome {
            CallbackOutcome::Code(code) => code,
            CallbackOutcome::Error { code, description } => {
                return Err(OAuthError::Provider {
                    step: "authorization",
                    code,
                    description,
                }
                .into())
            }
        };
        let slug = match &pending.target {
            LoginTarget::New { type_slug, .. } => type_slug.clone(),
            LoginTarget::Existing { name } => {
                // Paused while the browser was open: the code is not exchanged at what may now
                // be another token endpoint, and re-authorizing does not lift the pause.
                let c = self.get_connection(name)?;
                refuse_if_paused(&c)?;
                c.type_slug
            }
        };
        let t = self.get_type(&slug)?;
        let pattern = choose_pattern(&t, Some(AuthType::Oauth2AuthorizationCode))?.clone();
        let client = oauth_client(
            &t,
            &pattern,
            &pending.client_id,
            pending.client_secret.clone(),
        )?;
        let masked = |e: OAuthError| mask_error(e, [pending.client_secret.as_ref(), Some(&code)]);
        let grant = client
            .exchange_code(code.expose(), pending.verifier, &pending.redirect_uri)
            .await
            .map_err(masked)?;
        let account = match client
            .account_label(&grant.access_token, &grant.token_type)
            .await
        {
            Ok(a) => a,
            // A userinfo endpoint that answers more than Patchbay reads is broken or hostile:
            // the login fails rather than storing tokens from it.
            Err(e @ OAuthError::TooLarge { .. }) => {
                return Err(mask_error(e, [Some(&grant.access_token)]))
            }
            Err(e) => {
                tracing::warn!(error = %mask_error(e, [Some(&grant.access_token)]), "userinfo failed; the connection is stored without an account label");
                None
            }
        };
        let info = token_info(&grant, account, None);
        match pending.target {
            LoginTarget::New {
                name,
                auth_type,
                fields,
                ..
            } => {
                let mut secrets = BTreeMap::new();
                if let Some(s) = pending.client_secret {
                    secrets.insert("client_secret".to_string(), s);
                }
                let c = self.insert_oauth_connection(
                    &t,
                    ConnectRequest {
                        type_slug: slug,
                        name,
                        auth_type: Some(auth_type),
                        fields,
                        secrets,
                    },
                    &grant,
                    &info,
                )?;
                Ok(c)
            }
            LoginTarget::Existing { name } => {
                let c = self.get_connection(&name)?;
                self.save_tokens(&c, &grant, &info, ConnectionStatus::Untested)?;
                tracing::info!(connection = %name, "re-authorized");
                self.get_connection(&name)
            }
        }
    }

    /// Connects with the client credentials grant: fetches a token first (so wrong credentials
    /// are reported and nothing is stored), then stores the connection and the token together.
    pub async fn connect_client_credentials(&self, req: ConnectRequest) -> Result<Connection> {
        let t = self.get_type(&req.type_slug)?;
        let pattern = choose_pattern(&t, req.auth_type)?.clone();
        if pattern.auth_type != AuthType::Oauth2ClientCredentials {
            return Err(CoreError::Invalid(format!(
                "pattern {} does not use the client credentials grant",
                pattern.auth_type
            )));
        }
        let env = checked_env_name(req.name.trim())?;
        check_values(&t, &pattern, &req.fields, &req.secrets)?;
        ensure_name_free(self.store().conn(), req.name.trim(), &env)?;
        let client_id = req.fields.get("client_id").cloned().unwrap_or_default();
        let secret = req.secrets.get("client_secret").cloned();
        let client = oauth_client(&t, &pattern, &client_id, secret.clone())?;
        let grant = client
            .client_credentials(&scopes_of(&pattern))
            .await
            .map_err(|e| mask_error(e, [secret.as_ref()]))?;
        let info = token_info(&grant, None, None);
        self.insert_oauth_connection(&t, req, &grant, &info)
    }

    /// Fetches a new client-credentials token for an existing connection, whatever its status
    /// (`patchbay connections reauthorize` after the client secret was replaced).
    pub async fn reauthorize_client_credentials(&self, name: &str) -> Result<Connection> {
        let c = self.get_connection(name)?;
        refuse_if_paused(&c)?;
        let (t, pattern) = self.type_and_pattern(&c)?;
        if pattern.auth_type != AuthType::Oauth2ClientCredentials {
            return Err(CoreError::Invalid(format!(
                "connection '{name}' does not use the client credentials grant"
            )));
        }
        let client_id = c.fields.get("client_id").cloned().unwrap_or_default();
        let secret = self.open_secret(&c.id, "client_secret")?;
        let client = oauth_client(&t, &pattern, &client_id, secret.clone())?;
        let grant = client
            .client_credentials(&scopes_of(&pattern))
            .await
            .map_err(|e| mask_error(e, [secret.as_ref()]))?;
        self.save_tokens(
            &c,
            &grant,
            &token_info(&grant, None, None),
            ConnectionStatus::Untested,
        )?;
        self.get_connection(name)
    }

    /// Makes sure an OAuth connection has a usable access token before a request: fetches or
    /// refreshes it when it is missing or has less than five minutes left. With `rejected` (the
    /// token a server just answered 401 to), refreshes unless another task or process already
    /// replaced that token. Returns whether the stored token changed. Other patterns: `false`.
    pub async fn ensure_fresh_token(&self, name: &str, rejected: Option<&Secret>) -> Result<bool> {
        let c = self.get_connection(name)?;
        if !c.auth_type.is_oauth() {
            return Ok(false);
        }
        refuse_if_paused(&c)?;
        let now = chrono::Utc::now().timestamp();
        let has_token = c.secret_keys.iter().any(|k| k == "access_token");
        if rejected.is_none() && has_token && !expiring(c.oauth.as_ref(), now) {
            return Ok(false);
        }
        let _in_process = self.refresh_lock(&c.id).lock_owned().await;
        let _across_processes = lock_file(&self.data_dir().join("locks"), &c.id).await?;
        // Someone may have refreshed while this task waited: decide again on fresh data.
        let c = self.get_connection(name)?;
        refuse_if_paused(&c)?;
        if c.status == ConnectionStatus::NeedsReauthorization {
            return Err(RequestError::NotUsable {
                connection: c.name.clone(),
                reason: format!(
                    "needs re-authorization: {}; log in again with `patchbay connections reauthorize '{}'`",
                    c.last_error.as_deref().unwrap_or("the provider rejected its grant"),
                    c.name
                ),
            }
            .into());
        }
        let current = self.open_secret(&c.id, "access_token")?;
        let now = chrono::Utc::now().timestamp();
        match (rejected, &current) {
            (Some(r), Some(cur)) if r.expose() != cur.expose() => return Ok(true),
            (None, Some(_)) if !expiring(c.oauth.as_ref(), now) => return Ok(false),
            _ => {}
        }
        let (t, pattern) = self.type_and_pattern(&c)?;
        let client_id = c.fields.get("client_id").cloned().unwrap_or_default();
        let client_secret = self.open_secret(&c.id, "client_secret")?;
        let client = oauth_client(&t, &pattern, &client_id, client_secret.clone())?;
        let refresh_token = self.open_secret(&c.id, "refresh_token")?;
        let result = match (c.auth_type, &refresh_token) {
            (AuthType::Oauth2ClientCredentials, _) => {
                client.client_credentials(&scopes_of(&pattern)).await
            }
            (_, Some(rt)) => client.refresh(rt).await,
            (_, None) => {
                let reason = "the access token expired and the provider gave no refresh token";
                self.mark_needs_reauthorization(&c, reason)?;
                return Err(RequestError::NotUsable {
                    connection: c.name.clone(),
                    reason: format!(
                        "needs re-authorization: {reason}; log in again with `patchbay connections reauthorize '{}'`",
                        c.name
                    ),
                }
                .into());
            }
        };
        let secrets = [
            client_secret.as_ref(),
            refresh_token.as_ref(),
            current.as_ref(),
        ];
        match result {
            Ok(grant) => {
                let info = token_info(&grant, None, Some(store::now()));
                self.save_tokens(&c, &grant, &info, c.status)?;
                tracing::info!(connection = %c.name, "refreshed the OAuth access token");
                Ok(true)
            }
            Err(e) if e.is_rejection() => {
                let e = mask_error(e, secrets);
                self.mark_needs_reauthorization(&c, &e.to_string())?;
                Err(e)
            }
            Err(e) => Err(mask_error(e, secrets)),
        }
    }

    /// Revokes an OAuth connection's tokens where its type has a revocation URL (best effort:
    /// the connection is being removed either way). Returns a warning when revocation failed.
    pub async fn revoke_tokens(&self, name: &str) -> Result<Option<String>> {
        let c = self.get_connection(name)?;
        if !c.auth_type.is_oauth() {
            return Ok(None);
        }
        if c.status == ConnectionStatus::Paused {
            return Ok(Some(format!(
                "revocation skipped: '{}' is paused because its type's new definition re-points it, so its tokens were not sent to the new revocation endpoint; revoke the grant at the provider",
                c.name
            )));
        }
        let (t, pattern) = self.type_and_pattern(&c)?;
        if pattern
            .oauth_config
            .as_ref()
            .and_then(|o| o.revocation_uri.as_ref())
            .is_none()
        {
            return Ok(None);
        }
        let client_id = c.fields.get("client_id").cloned().unwrap_or_default();
        let client_secret = self.open_secret(&c.id, "client_secret")?;
        let client = oauth_client(&t, &pattern, &client_id, client_secret.clone())?;
        let refresh = self.open_secret(&c.id, "refresh_token")?;
        let access = self.open_secret(&c.id, "access_token")?;
        // Revoking the refresh token ends the whole grant (RFC 7009 §2.1); else the access token.
        let (token, is_refresh) = match (&refresh, &access) {
            (Some(r), _) => (r, true),
            (None, Some(a)) => (a, false),
            (None, None) => return Ok(None),
        };
        match client.revoke(token, is_refresh).await {
            Ok(_) => {
                tracing::info!(connection = %c.name, "revoked the OAuth grant");
                Ok(None)
            }
            Err(e) => Ok(Some(
                mask_error(
                    e,
                    [client_secret.as_ref(), refresh.as_ref(), access.as_ref()],
                )
                .to_string(),
            )),
        }
    }

    fn refresh_lock(&self, connection_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.oauth_locks.lock().unwrap_or_else(|e| e.into_inner());
        locks
            .entry(connection_id.to_string())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(())))
            .clone()
    }

    /// A connection's type and the auth pattern it uses.
    pub(super) fn type_and_pattern(
        &self,
        c: &Connection,
    ) -> Result<(IntegrationType, AuthPattern)> {
        let t = types::by_id(self.store().conn(), &c.type_id)?
            .ok_or_else(|| type_not_found(&c.type_slug))?;
        let pattern = choose_pattern(&t, Some(c.auth_type))?.clone();
        Ok((t, pattern))
    }

    fn mark_needs_reauthorization(&self, c: &Connection, reason: &str) -> Result<()> {
        let now = store::now();
        self.store().write(|tx| {
            connections::set_status(
                tx,
                &c.id,
                ConnectionStatus::NeedsReauthorization,
                Some(reason),
                &now,
            )
        })?;
        tracing::warn!(connection = %c.name, "needs re-authorization");
        Ok(())
    }

    /// Replaces the access token (and the refresh token, when a new one came) and the token
    /// information in one transaction.
    fn save_tokens(
        &self,
        c: &Connection,
        grant: &TokenGrant,
        info: &OAuthTokenInfo,
        status: ConnectionStatus,
    ) -> Result<()> {
        let key = self.master_key()?;
        let seal =
            |k: &str, v: &Secret| vault::seal(key, &secret_aad(&c.id, k), v.expose().as_bytes());
        let access = seal("access_token", &grant.access_token)?;
        let refresh = grant
            .refresh_token
            .as_ref()
            .map(|r| seal("refresh_token", r))
            .transpose()?;
        let now = store::now();
        self.store().write(|tx| {
            connections::put_secret(tx, &c.id, "access_token", &access, &now)?;
            if let Some(r) = &refresh {
                connections::put_secret(tx, &c.id, "refresh_token", r, &now)?;
            }
            oauth_tokens::put(tx, &c.id, info, &now)?;
            connections::set_status(tx, &c.id, status, None, &now)
        })
    }

    /// A new OAuth connection with its client secret and first tokens, in one transaction.
    fn insert_oauth_connection(
        &self,
        t: &IntegrationType,
        req: ConnectRequest,
        grant: &TokenGrant,
        info: &OAuthTokenInfo,
    ) -> Result<Connection> {
        let pattern = choose_pattern(t, req.auth_type)?;
        let name = req.name.trim().to_string();
        let env = checked_env_name(&name)?;
        let mut secrets: Vec<(&str, &Secret)> =
            req.secrets.iter().map(|(k, v)| (k.as_str(), v)).collect();
        secrets.push(("access_token", &grant.access_token));
        if let Some(r) = &grant.refresh_token {
            secrets.push(("refresh_token", r));
        }
        let now = store::now();
        let conn = self.insert_connection(
            t,
            pattern.auth_type,
            (name, env),
            req.fields.clone(),
            &secrets,
            |tx, id| oauth_tokens::put(tx, id, info, &now),
        )?;
        tracing::info!(connection = %conn.name, slug = %conn.type_slug, auth = %conn.auth_type, "connected with OAuth");
        self.get_connection(&conn.name)
    }
}

/// What a login is for: a new connection, or new tokens for an existing one.
#[derive(Debug)]
pub enum LoginStart {
    New(ConnectRequest),
    Reauthorize(String),
}

fn oauth_client(
    t: &IntegrationType,
    pattern: &AuthPattern,
    client_id: &str,
    client_secret: Option<Secret>,
) -> Result<OAuthClient> {
    let config = pattern.oauth_config.clone().unwrap_or_default();
    Ok(OAuthClient::new(
        &t.def.slug,
        &config,
        client_id,
        client_secret,
    )?)
}

/// Every scope the type lists (required and optional).
fn scopes_of(pattern: &AuthPattern) -> Vec<String> {
    pattern
        .oauth_config
        .as_ref()
        .map(|o| o.available_scopes.iter().map(|s| s.scope.clone()).collect())
        .unwrap_or_default()
}

fn token_info(
    grant: &TokenGrant,
    account: Option<String>,
    refreshed_at: Option<String>,
) -> OAuthTokenInfo {
    OAuthTokenInfo {
        token_type: grant.token_type.clone(),
        expires_at: grant.expires_at,
        scope: grant.scope.clone(),
        account,
        refreshed_at,
    }
}

fn expiring(info: Option<&OAuthTokenInfo>, now: i64) -> bool {
    info.and_then(|i| i.expires_at)
        .is_some_and(|at| at - now < REFRESH_MARGIN_SECS)
}

/// An OAuth error with every value in `secrets` masked (a provider may echo what it was sent).
fn mask_error<'a>(
    e: OAuthError,
    secrets: impl IntoIterator<Item = Option<&'a Secret>>,
) -> CoreError {
    let redactor = Redactor::new(secrets.into_iter().flatten().map(Secret::expose));
    let m = |s: String| redactor.mask_str(&s).into_owned();
    CoreError::OAuth(match e {
        OAuthError::Provider {
            step,
            code,
            description,
        } => OAuthError::Provider {
            step,
            code: m(code),
            description: description.map(m),
        },
        OAuthError::Transport { step, message } => OAuthError::Transport {
            step,
            message: m(message),
        },
        other => other,
    })
}

/// Takes `DIR/<connection id>.lock` exclusively (waiting while another process holds it); the
/// lock is released when the returned file is dropped, or when the process dies.
async fn lock_file(dir: &std::path::Path, connection_id: &str) -> Result<std::fs::File> {
    let io = |source| CoreError::Io {
        action: "taking the refresh lock",
        path: dir.join(format!("{connection_id}.lock")),
        source,
    };
    crate::private_fs::create_dir(dir)?;
    let path = dir.join(format!("{connection_id}.lock"));
    crate::private_fs::create_file_if_missing(&path)?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .map_err(io)?;
    let deadline = tokio::time::Instant::now() + REFRESH_LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "another Patchbay process has been refreshing this connection's token for a minute",
            ))),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
    }
}

/// A paused connection's type may now name token, authorize or revocation endpoints its owner
/// has not approved: no OAuth call is made for it (a refresh would send the refresh token and
/// the client secret there) until it is approved.
fn refuse_if_paused(c: &Connection) -> Result<()> {
    if c.status == ConnectionStatus::Paused {
        return Err(super::request_ops::paused_error(c));
    }
    Ok(())
}
