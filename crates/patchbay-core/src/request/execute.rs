//! Sending a [`PreparedRequest`]: reqwest with redirects turned off and Patchbay's own redirect
//! loop, so that auth material goes only to the connection's origin (DESIGN.md invariant 3).
//!
//! Redirects (301, 302, 303, 307, 308 with a `Location`) are followed up to
//! `ExecuteOptions::max_redirects` (10). When a hop's target has another origin (scheme, host or
//! port) than the connection's base URL, every header and query parameter the auth pattern added
//! is removed — not only `Authorization` — together with caller headers that carried a secret and
//! any `Authorization`, `Proxy-Authorization` or `Cookie` header; query parameters whose value
//! holds a secret are removed from the target too. Once removed they are never put back, even if
//! a later hop returns to the origin. Same-origin hops keep the material (an HMAC signature is
//! computed again for the new method, path and body). 301/302 turn a POST into a GET and 303 turns
//! anything but HEAD into a GET, dropping the body; 307/308 resend method and body.
//!
//! No database access happens here: the caller records the [`Outcome`].

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::capture::{self, BodyProgress};
use super::classify::{self, authority, failure};
use super::outcome::{CapturedBody, FailureKind, Hop, Outcome, RequestFailure, ResponseCapture};
use super::prepared::{path_and_query, PreparedRequest};
use super::preview::{display_url, HeaderLine};
use super::redact::Redactor;
use super::spec::ExecuteOptions;
use super::timing::{self, elapsed_ms, HopTiming, Probe, Timing};

/// Sends `prepared`, following redirects, until a final response, a failure, the timeout, or
/// `cancel`. Never panics and never returns an unmasked string.
pub async fn execute(
    prepared: &PreparedRequest,
    opts: &ExecuteOptions,
    cancel: &CancellationToken,
) -> Outcome {
    let started_at = crate::store::now();
    let start = Instant::now();
    let mut run = Run {
        p: prepared,
        redactor: Cow::Borrowed(&prepared.redactor),
        hops: Vec::new(),
        current: None,
        head: None,
        head_at: None,
        body: BodyProgress::default(),
    };
    let result = {
        let exchange = run.exchange(opts);
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(classify::cancelled(&prepared.redactor)),
            r = tokio::time::timeout(opts.timeout, exchange) => match r {
                Ok(r) => r,
                Err(_) => Err(classify::timeout(opts.timeout, &prepared.redactor)),
            },
        }
    };
    run.finish(result, start, started_at, opts.max_body_bytes)
}

/// A hop being sent.
struct Current {
    hop: Hop,
    probe: Arc<Probe>,
    start: Instant,
    head_at: Option<Instant>,
}

/// The state of one exchange, kept outside the sending future so a timeout or cancel still
/// reports the hops sent and the part of the body received.
struct Run<'p> {
    p: &'p PreparedRequest,
    /// The prepared redactor, extended with signatures computed for redirect hops.
    redactor: Cow<'p, Redactor>,
    hops: Vec<Hop>,
    current: Option<Current>,
    head: Option<ResponseCapture>,
    head_at: Option<Instant>,
    body: BodyProgress,
}

impl Run<'_> {
    async fn exchange(&mut self, opts: &ExecuteOptions) -> Result<(), RequestFailure> {
        let p = self.p;
        let client = opts.engine.client(opts.http_version).map_err(|e| {
            failure(
                FailureKind::Other,
                e,
                "this is a bug in Patchbay's HTTP set-up; please report it",
                &self.redactor,
            )
        })?;
        let origin = p.url.origin();
        let auth_names: Vec<String> = p.auth_params.iter().map(|(n, _)| n.clone()).collect();
        let has_auth = p.has_auth_material();
        let mut method = p.method.clone();
        let mut url = p.url.clone();
        let mut headers = p.headers.clone();
        let mut body = p.body.as_ref().map(|b| b.bytes.clone());
        let mut creds = true;
        let mut dropped: Vec<String> = Vec::new();

        for number in 1..=opts.max_redirects.saturating_add(1) {
            if number > 1 && creds {
                self.sign_again(&method, &url, body.as_deref(), &mut headers)?;
            }
            let shown_url = if number == 1 {
                p.preview.url.clone()
            } else {
                display_url(&url, &auth_names, &self.redactor)
            };
            let probe = Arc::new(Probe::default());
            self.current = Some(Current {
                hop: Hop {
                    number,
                    method: method.to_string(),
                    url: shown_url,
                    status: None,
                    location: None,
                    credentials_sent: creds && has_auth,
                    credentials_dropped: !dropped.is_empty(),
                    dropped: std::mem::take(&mut dropped),
                    http_version: None,
                    timing: HopTiming::default(),
                },
                probe: probe.clone(),
                start: Instant::now(),
                head_at: None,
            });
            let mut request = reqwest::Request::new(method.clone(), url.clone());
            *request.headers_mut() = headers.clone();
            if let Some(b) = &body {
                *request.body_mut() = Some(b.clone().into());
            }
            let sent = timing::with_probe(probe, client.execute(request)).await;
            let mut resp = sent.map_err(|e| classify::classify(&e, &url, &self.redactor))?;
            let now = Instant::now();
            let status = resp.status();
            if let Some(cur) = &mut self.current {
                cur.head_at = Some(now);
                cur.hop.status = Some(status.as_u16());
                cur.hop.http_version = Some(version_text(resp.version()));
            }

            if let Some(next) = redirect_target(&resp, &url, &self.redactor)? {
                if let Some(cur) = &mut self.current {
                    cur.hop.location = Some(display_url(&next, &auth_names, &self.redactor));
                }
                self.end_hop(Instant::now());
                if number > opts.max_redirects {
                    return Err(failure(
                        FailureKind::TooManyRedirects,
                        format!("stopped after {} redirects", opts.max_redirects),
                        "the server redirects in a loop or too often: check the path and the base URL (http vs https, trailing slash)",
                        &self.redactor,
                    ));
                }
                if changes_to_get(status, &method) {
                    method = Method::GET;
                    body = None;
                    for name in [
                        header::CONTENT_TYPE,
                        header::CONTENT_ENCODING,
                        header::CONTENT_LANGUAGE,
                        header::CONTENT_LOCATION,
                    ] {
                        headers.remove(name);
                    }
                }
                let mut next = next;
                if creds && next.origin() != origin {
                    creds = false;
                    dropped = self.strip(&mut headers);
                    dropped.extend(auth_names.iter().map(|n| format!("query {n}")));
                }
                if creds {
                    set_auth_params(&mut next, &p.auth_params);
                } else {
                    let redactor = &self.redactor;
                    for name in remove_params(&mut next, |k, v| {
                        auth_names.iter().any(|n| n == k) || redactor.contains_secret(v)
                    }) {
                        let entry = format!("query {name}");
                        if !dropped.contains(&entry) {
                            dropped.push(entry);
                        }
                    }
                }
                url = next;
                continue;
            }

            self.head_at = Some(now);
            self.head = Some(ResponseCapture {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
                http_version: version_text(resp.version()),
                url: display_url(&url, &auth_names, &self.redactor),
                headers: masked_headers(resp.headers(), &self.redactor),
                body: CapturedBody::new(Vec::new(), 0, false),
            });
            // A little past the cap, so a secret that crosses it is masked whole (`finish`).
            let keep = opts.max_body_bytes.saturating_add(self.redactor.longest());
            capture::read(&mut resp, keep, &mut self.body)
                .await
                .map_err(|e| classify::classify(&e, &url, &self.redactor))?;
            self.end_hop(Instant::now());
            return Ok(());
        }
        Err(failure(
            FailureKind::TooManyRedirects,
            format!("stopped after {} redirects", opts.max_redirects),
            "the server redirects in a loop or too often",
            &self.redactor,
        ))
    }

    /// A same-origin redirect hop of an HMAC connection is signed for its own request.
    fn sign_again(
        &mut self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        headers: &mut HeaderMap,
    ) -> Result<(), RequestFailure> {
        let Some(signer) = &self.p.signer else {
            return Ok(());
        };
        let now = chrono::Utc::now().timestamp();
        let signed = signer
            .sign(
                method.as_str(),
                &path_and_query(url),
                body.unwrap_or_default(),
                now,
            )
            .map_err(|e| {
                failure(
                    FailureKind::Other,
                    e.to_string(),
                    "check the hmac settings of the type",
                    &self.redactor,
                )
            })?;
        self.redactor = Cow::Owned(self.redactor.with_extra([signed.signature.expose()]));
        for h in signed.headers {
            let mut v = HeaderValue::from_str(h.value.expose()).map_err(|_| {
                failure(
                    FailureKind::Other,
                    format!("header '{}' is not valid header text", h.name),
                    "check the hmac settings of the type",
                    &self.redactor,
                )
            })?;
            v.set_sensitive(true);
            headers.insert(h.name, v);
        }
        Ok(())
    }

    /// Removes auth material before a hop to another origin; returns what was removed.
    fn strip(&self, headers: &mut HeaderMap) -> Vec<String> {
        let mut removed = Vec::new();
        let always = [
            header::AUTHORIZATION,
            header::PROXY_AUTHORIZATION,
            header::COOKIE,
        ];
        for name in self.p.strip_headers.iter().chain(always.iter()) {
            if headers.remove(name).is_some() {
                removed.push(format!("header {name}"));
            }
        }
        removed
    }

    fn end_hop(&mut self, end: Instant) {
        if let Some(cur) = self.current.take() {
            let mut hop = cur.hop;
            hop.timing = cur.probe.hop_timing(cur.start, cur.head_at, end);
            tracing::info!(
                connection = %self.p.connection_name,
                hop = hop.number,
                method = %hop.method,
                url = %hop.url,
                status = hop.status,
                total_ms = hop.timing.total_ms,
                credentials_dropped = hop.credentials_dropped,
                "request sent"
            );
            self.hops.push(hop);
        }
    }

    fn finish(
        mut self,
        result: Result<(), RequestFailure>,
        start: Instant,
        started_at: String,
        cap: usize,
    ) -> Outcome {
        let end = Instant::now();
        self.end_hop(end);
        let response = self.head.take().map(|mut head| {
            let body = std::mem::take(&mut self.body);
            // Decided before masking: a mask is shorter than the secret it replaces, and a body
            // kept whole must not read as cut short because of it.
            let kept_all = body.exact && body.data.len() as u64 >= body.size;
            // Masked, then cut to the cap: a secret across the cap is found whole.
            let (data, cut) = self.redactor.mask_capped(body.data, cap);
            head.body = CapturedBody::new(data, body.size, body.exact);
            head.body.truncated = !kept_all || cut;
            head
        });
        let error = result.err();
        if let Some(e) = &error {
            tracing::warn!(
                connection = %self.p.connection_name,
                method = %self.p.preview.method,
                url = %self.p.preview.url,
                kind = e.kind.as_str(),
                error = %e.message,
                "request failed"
            );
        }
        let hop_timings: Vec<HopTiming> = self.hops.iter().map(|h| h.timing.clone()).collect();
        Outcome {
            request: self.p.preview.clone(),
            response,
            error,
            timing: Timing::summarize(
                &hop_timings,
                self.head_at.map(|h| elapsed_ms(start, h)),
                elapsed_ms(start, end),
            ),
            hops: self.hops,
            started_at,
        }
    }
}

/// The next URL of a redirect, or `None` for a final response (any status that is not a
/// redirect, or a redirect without `Location`).
fn redirect_target(
    resp: &reqwest::Response,
    current: &Url,
    redactor: &Redactor,
) -> Result<Option<Url>, RequestFailure> {
    let status = resp.status();
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = resp.headers().get(header::LOCATION) else {
        return Ok(None);
    };
    let invalid = |why: String| {
        failure(
            FailureKind::InvalidRedirect,
            format!("{} sent a redirect Patchbay will not follow: {why}", authority(current)),
            "the server's Location header is broken or points outside http/https; request the final URL directly",
            redactor,
        )
    };
    let text = location
        .to_str()
        .map_err(|_| invalid("its Location is not valid text".into()))?;
    let mut next = current
        .join(text)
        .map_err(|e| invalid(format!("Location '{text}' is not a URL ({e})")))?;
    if next.scheme() != "http" && next.scheme() != "https" {
        return Err(invalid(format!(
            "Location uses the '{}' scheme",
            next.scheme()
        )));
    }
    next.set_fragment(None);
    // Credentials in a redirect URL were not approved by anyone: never send them.
    let _ = next.set_username("");
    let _ = next.set_password(None);
    Ok(Some(next))
}

/// Fetch rules: 301/302 turn POST into GET; 303 turns everything but HEAD into GET.
fn changes_to_get(status: StatusCode, method: &Method) -> bool {
    match status.as_u16() {
        301 | 302 => *method == Method::POST,
        303 => *method != Method::GET && *method != Method::HEAD,
        _ => false,
    }
}

/// Makes sure the auth query parameters are on a same-origin redirect target, with our values.
fn set_auth_params(url: &mut Url, params: &[(String, crate::Secret)]) {
    if params.is_empty() {
        return;
    }
    let present = |url: &Url| {
        params.iter().all(|(n, v)| {
            url.query_pairs()
                .filter(|(k, _)| k == n)
                .map(|(_, val)| val == v.expose())
                .eq(std::iter::once(true))
        })
    };
    if present(url) {
        return;
    }
    remove_params(url, |k, _| params.iter().any(|(n, _)| n == k));
    let mut pairs = url.query_pairs_mut();
    for (n, v) in params {
        pairs.append_pair(n, v.expose());
    }
}

/// Removes query pairs for which `drop(name, value)` holds; returns the removed names.
fn remove_params(url: &mut Url, drop: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let (removed, kept): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, v)| drop(k, v));
    if removed.is_empty() {
        return Vec::new();
    }
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut names: Vec<String> = removed.into_iter().map(|(k, _)| k).collect();
    names.dedup();
    names
}

/// Names and values masked; the values as one text, so a secret split over several header
/// lines is found.
fn masked_headers(headers: &HeaderMap, redactor: &Redactor) -> Vec<HeaderLine> {
    let (names, values): (Vec<&HeaderName>, Vec<Cow<'_, str>>) = headers
        .iter()
        .map(|(name, value): (&HeaderName, &HeaderValue)| {
            (name, String::from_utf8_lossy(value.as_bytes()))
        })
        .unzip();
    let parts: Vec<&str> = values.iter().map(|v| v.as_ref()).collect();
    names
        .into_iter()
        .zip(redactor.mask_joined(&parts))
        .map(|(name, value)| HeaderLine {
            name: redactor.mask_str(name.as_str()).into_owned(),
            value,
        })
        .collect()
}

fn version_text(v: reqwest::Version) -> String {
    match v {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_11 => "HTTP/1.1",
        reqwest::Version::HTTP_2 => "HTTP/2",
        reqwest::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_changes_follow_fetch() {
        assert!(changes_to_get(StatusCode::FOUND, &Method::POST));
        assert!(!changes_to_get(StatusCode::FOUND, &Method::PUT));
        assert!(changes_to_get(StatusCode::SEE_OTHER, &Method::PUT));
        assert!(!changes_to_get(StatusCode::SEE_OTHER, &Method::HEAD));
        assert!(!changes_to_get(
            StatusCode::TEMPORARY_REDIRECT,
            &Method::POST
        ));
        assert!(!changes_to_get(
            StatusCode::PERMANENT_REDIRECT,
            &Method::POST
        ));
    }

    #[test]
    fn auth_params_are_reset_or_removed() {
        let secret = crate::Secret::new("sk_live_0123456789abcdef");
        let params = vec![("api_key".to_string(), secret)];
        let mut url = Url::parse("https://a.example/next?x=1").unwrap();
        set_auth_params(&mut url, &params);
        assert_eq!(url.query(), Some("x=1&api_key=sk_live_0123456789abcdef"));
        let mut url = Url::parse("https://a.example/next?api_key=other&x=1").unwrap();
        set_auth_params(&mut url, &params);
        assert_eq!(url.query(), Some("x=1&api_key=sk_live_0123456789abcdef"));

        let mut url =
            Url::parse("https://b.example/?api_key=sk&echo=sk_live_0123456789abcdef&keep=1")
                .unwrap();
        let redactor = Redactor::new(["sk_live_0123456789abcdef"]);
        let removed = remove_params(&mut url, |k, v| {
            k == "api_key" || redactor.contains_secret(v)
        });
        assert_eq!(removed, vec!["api_key".to_string(), "echo".to_string()]);
        assert_eq!(url.query(), Some("keep=1"));
    }
}
