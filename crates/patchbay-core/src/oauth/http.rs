//! The HTTP client the OAuth calls go through: one reqwest client that never follows redirects
//! (a token endpoint that redirects would otherwise receive the client secret at the new
//! location), with a bounded timeout, and bodies read with a size cap.
//!
//! A provider's answer is read chunk by chunk and the read stops as soon as it passes the cap
//! (a declared `Content-Length` above it is refused before reading anything), so a token
//! endpoint that answers 5 MB, or an endless chunked body, costs at most the cap in memory and
//! fails at once with a message that says so. The cap counts decoded bytes (after gzip,
//! deflate or brotli), so a compressed bomb is bounded too. The `oauth2` crate's own reqwest
//! glue reads the whole body, so the token calls use [`Capped`] as their `AsyncHttpClient`.

use std::future::Future;
use std::pin::Pin;

use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};

/// How much of one answer is read, and how to name the endpoint when it is too much.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limit {
    pub bytes: usize,
    /// "token endpoint", "userinfo endpoint", "revocation endpoint".
    pub endpoint: &'static str,
    /// The cap as people read it ("1 MiB").
    pub label: &'static str,
}

/// Token responses (an access token, maybe a refresh and an ID token: a few KiB in practice).
pub(crate) const TOKEN_LIMIT: Limit = Limit {
    bytes: 1024 * 1024,
    endpoint: "token endpoint",
    label: "1 MiB",
};

/// Userinfo answers (a handful of claims).
pub(crate) const USERINFO_LIMIT: Limit = Limit {
    bytes: 1024 * 1024,
    endpoint: "userinfo endpoint",
    label: "1 MiB",
};

/// Revocation answers (empty on success; an OAuth error object otherwise).
pub(crate) const REVOCATION_LIMIT: Limit = Limit {
    bytes: 64 * 1024,
    endpoint: "revocation endpoint",
    label: "64 KiB",
};

#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    #[error("the {}'s answer is larger than {}", .0.endpoint, .0.label)]
    TooLarge(Limit),
    #[error(transparent)]
    Reqwest(#[from] reqwest::Error),
    #[error("{0}")]
    Other(String),
}

/// The client for every OAuth call.
pub(crate) fn build_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(super::OAUTH_CALL_TIMEOUT)
        .user_agent(crate::request::USER_AGENT)
        .build()
}

/// Reads a response body, refusing it as soon as it is larger than `limit`.
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    limit: Limit,
) -> Result<Vec<u8>, HttpError> {
    if resp
        .content_length()
        .is_some_and(|n| n > limit.bytes as u64)
    {
        return Err(HttpError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > limit.bytes {
            return Err(HttpError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `client` as oauth2's HTTP client, reading answers up to `limit`.
pub(crate) struct Capped<'a> {
    pub client: &'a reqwest::Client,
    pub limit: Limit,
}

impl<'c> AsyncHttpClient<'c> for Capped<'c> {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)?;
            let resp = self.client.execute(request).await?;
            let mut builder = oauth2::http::Response::builder()
                .status(resp.status())
                .version(resp.version());
            for (name, value) in resp.headers() {
                builder = builder.header(name, value);
            }
            let body = read_capped(resp, self.limit).await?;
            builder
                .body(body)
                .map_err(|e| HttpError::Other(e.to_string()))
        })
    }
}
