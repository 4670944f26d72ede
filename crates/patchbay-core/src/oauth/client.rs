//! The OAuth 2.0 protocol calls, through the `oauth2` crate: authorize URL with PKCE S256,
//! code exchange, refresh, client credentials, revocation, and the optional userinfo call.
//!
//! Every call goes through one reqwest client that never follows redirects (a token endpoint
//! that redirects would otherwise receive the client secret at the new location), has a
//! bounded timeout, so a silent provider cannot hang a request forever, and reads answers with
//! a size cap (`http`). Extra parameters that would duplicate protocol ones are refused here
//! too, not only when a type is validated.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, ErrorResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardRevocableToken, TokenUrl,
};

use crate::model::{ClientAuthStyle, OAuthConfig};
use crate::Secret;

use super::error::OAuthError;
use super::http::{
    build_client, read_capped, Capped, HttpError, Limit, REVOCATION_LIMIT, TOKEN_LIMIT,
    USERINFO_LIMIT,
};
use super::token::{LenientTokenResponse, TokenGrant};

/// How long one call to an OAuth endpoint may take.
pub const OAUTH_CALL_TIMEOUT: Duration = Duration::from_secs(30);

type Client = oauth2::Client<
    BasicErrorResponse,
    LenientTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointMaybeSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
>;

/// The client identity and endpoints of one connection's OAuth pattern.
pub struct OAuthClient {
    slug: String,
    config: OAuthConfig,
    client_id: String,
    client_secret: Option<Secret>,
    http: reqwest::Client,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("slug", &self.slug)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// An authorize URL and the values the callback must match.
pub struct AuthorizeRequest {
    pub url: String,
    pub state: CsrfToken,
    pub verifier: Option<PkceCodeVerifier>,
}

impl OAuthClient {
    pub fn new(
        slug: &str,
        config: &OAuthConfig,
        client_id: &str,
        client_secret: Option<Secret>,
    ) -> Result<OAuthClient, OAuthError> {
        let http = build_client().map_err(|e| OAuthError::Transport {
            step: "setting up the OAuth client",
            message: e.to_string(),
        })?;
        Ok(OAuthClient {
            slug: slug.to_string(),
            config: config.clone(),
            client_id: client_id.to_string(),
            client_secret: client_secret.filter(|s| !s.is_empty()),
            http,
        })
    }

    fn config_error(&self, problem: impl Into<String>) -> OAuthError {
        OAuthError::Config {
            slug: self.slug.clone(),
            problem: problem.into(),
        }
    }

    /// oauth2's HTTP client for token calls: answers capped at [`TOKEN_LIMIT`].
    fn token_http(&self) -> Capped<'_> {
        Capped {
            client: &self.http,
            limit: TOKEN_LIMIT,
        }
    }

    fn client(&self, redirect_uri: Option<&str>) -> Result<Client, OAuthError> {
        if let Some((list, key)) = self.config.protocol_param_clash() {
            return Err(self.config_error(format!(
                "{list}.{key}: '{key}' is an OAuth protocol parameter that Patchbay sets itself; remove it from the type's {list}"
            )));
        }
        let url = |what: &str, v: &Option<String>| -> Result<Option<String>, OAuthError> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(u) => url::Url::parse(u)
                    .map(|_| Some(u.to_string()))
                    .map_err(|e| self.config_error(format!("{what} '{u}' is not a URL: {e}"))),
            }
        };
        let auth = url("authorize_uri", &self.config.authorize_uri)?;
        let token = url("token_uri", &self.config.token_uri)?;
        let mut c = oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri_option(auth.map(|u| AuthUrl::new(u).expect("checked above")))
            .set_token_uri_option(token.map(|u| TokenUrl::new(u).expect("checked above")))
            .set_auth_type(match self.config.client_auth {
                ClientAuthStyle::BasicHeader => oauth2::AuthType::BasicAuth,
                ClientAuthStyle::Body => oauth2::AuthType::RequestBody,
            });
        if let Some(s) = &self.client_secret {
            c = c.set_client_secret(ClientSecret::new(s.expose().to_string()));
        }
        if let Some(r) = redirect_uri {
            let r = RedirectUrl::new(r.to_string())
                .map_err(|e| self.config_error(format!("redirect URI '{r}': {e}")))?;
            c = c.set_redirect_uri(r);
        }
        Ok(c)
    }

    /// The authorize URL for a login redirecting to `redirect_uri`, with a fresh `state` and, when
    /// the type enables PKCE, an S256 challenge.
    pub fn authorize(
        &self,
        redirect_uri: &str,
        scopes: &[String],
    ) -> Result<AuthorizeRequest, OAuthError> {
        let client = self.client(Some(redirect_uri))?;
        let mut req = client
            .authorize_url(CsrfToken::new_random)
            .map_err(|_| self.config_error("the authorization code grant needs an authorize_uri"))?
            .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
        for (k, v) in &self.config.authorize_params {
            req = req.add_extra_param(k.as_str(), v.as_str());
        }
        let verifier = if self.config.pkce_enabled {
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            req = req.set_pkce_challenge(challenge);
            Some(verifier)
        } else {
            None
        };
        let (url, state) = req.url();
        Ok(AuthorizeRequest {
            url: url.to_string(),
            state,
            verifier,
        })
    }

    /// Exchanges an authorization code (with its PKCE verifier) for tokens.
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: Option<PkceCodeVerifier>,
        redirect_uri: &str,
    ) -> Result<TokenGrant, OAuthError> {
        let client = self.client(Some(redirect_uri))?;
        let mut req = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|_| self.config_error("no token_uri is configured"))?;
        if let Some(v) = verifier {
            req = req.set_pkce_verifier(v);
        }
        for (k, v) in &self.config.token_params {
            req = req.add_extra_param(k.clone(), v.clone());
        }
        let step = "token exchange";
        token_result(step, req.request_async(&self.token_http()).await)
    }

    /// Exchanges a refresh token for new tokens.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenGrant, OAuthError> {
        let client = self.client(None)?;
        let rt = RefreshToken::new(refresh_token.expose().to_string());
        let mut req = client
            .exchange_refresh_token(&rt)
            .map_err(|_| self.config_error("no token_uri is configured"))?;
        for (k, v) in &self.config.token_params {
            req = req.add_extra_param(k.clone(), v.clone());
        }
        token_result("refresh", req.request_async(&self.token_http()).await)
    }

    /// The client credentials grant (RFC 6749 §4.4) with the type's scopes and token parameters
    /// (such as `audience`).
    pub async fn client_credentials(&self, scopes: &[String]) -> Result<TokenGrant, OAuthError> {
        let client = self.client(None)?;
        let mut req = client
            .exchange_client_credentials()
            .map_err(|_| self.config_error("no token_uri is configured"))?
            .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
        for (k, v) in &self.config.token_params {
            req = req.add_extra_param(k.clone(), v.clone());
        }
        token_result(
            "client credentials",
            req.request_async(&self.token_http()).await,
        )
    }

    /// Revokes a token (RFC 7009); `Ok(false)` when the type has no revocation endpoint.
    ///
    /// Sent by hand rather than through oauth2, which refuses plain-http revocation URLs even on
    /// loopback, where Patchbay's validation (and RFC 8252) allows them.
    pub async fn revoke(&self, token: &Secret, is_refresh: bool) -> Result<bool, OAuthError> {
        let Some(uri) = self.config.revocation_uri.as_deref() else {
            return Ok(false);
        };
        let step = "revocation";
        let mut form: Vec<(&str, &str)> = vec![
            ("token", token.expose()),
            (
                "token_type_hint",
                if is_refresh {
                    "refresh_token"
                } else {
                    "access_token"
                },
            ),
        ];
        let mut req = self.http.post(uri);
        match (&self.client_secret, self.config.client_auth) {
            (Some(secret), ClientAuthStyle::BasicHeader) => {
                // RFC 6749 §2.3.1: both parts form-urlencoded before the Basic encoding.
                let enc = |v: &str| {
                    url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                };
                req = req.basic_auth(enc(&self.client_id), Some(enc(secret.expose())));
            }
            (Some(secret), ClientAuthStyle::Body) => {
                form.push(("client_id", &self.client_id));
                form.push(("client_secret", secret.expose()));
            }
            (None, _) => form.push(("client_id", &self.client_id)),
        }
        let resp = req
            .form(&form)
            .send()
            .await
            .map_err(|e| OAuthError::Transport {
                step,
                message: e.without_url().to_string(),
            })?;
        let status = resp.status();
        if status.is_success() {
            // The body of a successful revocation means nothing (RFC 7009 §2.2): not read.
            return Ok(true);
        }
        let body = read_capped(resp, REVOCATION_LIMIT)
            .await
            .map_err(|e| http_error(step, e))?;
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        match body.get("error").and_then(|e| e.as_str()) {
            Some(code) => Err(OAuthError::Provider {
                step,
                code: code.to_string(),
                description: body
                    .get("error_description")
                    .and_then(|d| d.as_str())
                    .map(|d| d.chars().take(500).collect()),
            }),
            None => Err(OAuthError::Transport {
                step,
                message: format!("{uri} answered HTTP {}", status.as_u16()),
            }),
        }
    }

    /// The account's name or e-mail from the userinfo endpoint, to label the connection;
    /// `None` when the type has no userinfo URL.
    pub async fn account_label(
        &self,
        access_token: &Secret,
        token_type: &str,
    ) -> Result<Option<String>, OAuthError> {
        let Some(uri) = self.config.user_info_uri.as_deref() else {
            return Ok(None);
        };
        let step = "userinfo";
        let transport = |e: reqwest::Error| OAuthError::Transport {
            step,
            message: e.without_url().to_string(),
        };
        let resp = self
            .http
            .get(uri)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("{token_type} {}", access_token.expose()),
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(transport)?;
        if !resp.status().is_success() {
            return Err(OAuthError::Transport {
                step,
                message: format!("{uri} answered HTTP {}", resp.status().as_u16()),
            });
        }
        let body = read_capped(resp, USERINFO_LIMIT)
            .await
            .map_err(|e| http_error(step, e))?;
        let body: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| OAuthError::Transport {
                step,
                message: format!("the answer is not JSON ({e})"),
            })?;
        Ok([
            "email",
            "preferred_username",
            "name",
            "login",
            "username",
            "sub",
        ]
        .iter()
        .find_map(|k| body.get(*k).and_then(|v| v.as_str()))
        .map(|s| s.chars().take(200).collect()))
    }
}

/// A failed capped read as an [`OAuthError`] (the URL is left out: it is in the type).
fn http_error(step: &'static str, e: HttpError) -> OAuthError {
    match e {
        HttpError::TooLarge(Limit {
            endpoint, label, ..
        }) => OAuthError::TooLarge {
            step,
            endpoint,
            limit: label,
        },
        HttpError::Reqwest(e) => OAuthError::Transport {
            step,
            message: e.without_url().to_string(),
        },
        HttpError::Other(message) => OAuthError::Transport { step, message },
    }
}

fn token_result(
    step: &'static str,
    r: Result<LenientTokenResponse, RequestTokenError<HttpError, BasicErrorResponse>>,
) -> Result<TokenGrant, OAuthError> {
    r.map(|t| TokenGrant::from_response(t, chrono::Utc::now().timestamp()))
        .map_err(|e| describe(step, e))
}

/// An oauth2 error as an [`OAuthError`]. The raw response body (which may hold tokens) is never
/// included: a body that is not the expected JSON is reported by its JSON path only.
fn describe<T: ErrorResponse + 'static>(
    step: &'static str,
    e: RequestTokenError<HttpError, T>,
) -> OAuthError {
    match e {
        RequestTokenError::ServerResponse(r) => {
            let v = serde_json::to_value(&r).unwrap_or_default();
            OAuthError::Provider {
                step,
                code: v
                    .get("error")
                    .and_then(|c| c.as_str())
                    .unwrap_or("unknown_error")
                    .to_string(),
                description: v
                    .get("error_description")
                    .and_then(|d| d.as_str())
                    .map(|d| d.chars().take(500).collect()),
            }
        }
        RequestTokenError::Request(HttpError::TooLarge(Limit {
            endpoint, label, ..
        })) => OAuthError::TooLarge {
            step,
            endpoint,
            limit: label,
        },
        RequestTokenError::Request(inner) => {
            use std::error::Error as _;
            let mut message = inner.to_string();
            let mut source = inner.source();
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            OAuthError::Transport { step, message }
        }
        RequestTokenError::Parse(path_err, _body) => OAuthError::Transport {
            step,
            message: format!(
                "the provider's answer is not a valid OAuth token response (at JSON path '{}': {})",
                path_err.path(),
                path_err.inner()
            ),
        },
        RequestTokenError::Other(m) => OAuthError::Transport { step, message: m },
    }
}
