//! Turning transport errors into something a person can act on: DNS failure, connection refused,
//! TLS error, timeout, connection closed, … each with what to check. The detail text comes from
//! the error chain and is masked (reqwest and hyper errors may quote the URL, and with it an API
//! key sent as a query parameter).

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use url::Url;

use super::outcome::{FailureKind, RequestFailure};
use super::redact::Redactor;

/// `host:port` of a URL, for messages.
pub(crate) fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port_or_known_default() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

pub(crate) fn failure(
    kind: FailureKind,
    message: String,
    hint: &str,
    redactor: &Redactor,
) -> RequestFailure {
    RequestFailure {
        kind,
        message: redactor.mask_str(&message).into_owned(),
        hint: hint.to_string(),
    }
}

pub(crate) fn timeout(after: Duration, redactor: &Redactor) -> RequestFailure {
    failure(
        FailureKind::Timeout,
        format!("no complete response within {} s", after.as_secs_f64()),
        "the server is slow or unreachable: raise --timeout, or check the host, your network and any proxy (HTTPS_PROXY/HTTP_PROXY)",
        redactor,
    )
}

pub(crate) fn cancelled(redactor: &Redactor) -> RequestFailure {
    failure(
        FailureKind::Cancelled,
        "the request was cancelled".into(),
        "nothing to fix: it was stopped on purpose (the server may still have acted on it)",
        redactor,
    )
}

/// Classifies an error from sending a request to `url` or reading its body.
pub(crate) fn classify(err: &reqwest::Error, url: &Url, redactor: &Redactor) -> RequestFailure {
    let at = authority(url);
    let chain = chain(err);
    let detail = detail(&chain);
    let (kind, message, hint) = if err.is_timeout() {
        (
            FailureKind::Timeout,
            format!("timed out talking to {at}"),
            "the server is slow or unreachable: raise --timeout, or check the host, your network and any proxy",
        )
    } else if let Some(tls) = find::<rustls::Error>(&chain) {
        (
            FailureKind::Tls,
            format!("TLS handshake with {at} failed: {tls}"),
            "check that the URL's scheme is right (https to a plain-HTTP port fails like this), that the server's certificate is valid for this host and not expired, and your clock",
        )
    } else if io_kind(&chain, &[io::ErrorKind::ConnectionRefused]) {
        (
            FailureKind::ConnectionRefused,
            format!("connection to {at} refused"),
            "nothing is listening there: check the host and port in the base URL and that the service is running; a firewall may also refuse it",
        )
    } else if chain.iter().any(|e| {
        let text = e.to_string();
        text.starts_with("dns error") || text.contains("failed to lookup address")
    }) {
        (
            FailureKind::Dns,
            format!("DNS lookup of {} failed: {detail}", url.host_str().unwrap_or("?")),
            "check the host name (the base URL and fields such as the domain), your network connection and DNS settings; a VPN may be needed for internal hosts",
        )
    } else if closed(&chain) {
        (
            FailureKind::ConnectionClosed,
            format!("{at} closed the connection before the response was complete: {detail}"),
            "the server or a proxy between you cut the connection: check the server's logs, and retry (it may be overloaded or restarting)",
        )
    } else if err.is_decode() {
        (
            FailureKind::Decode,
            format!("the response from {at} could not be decoded: {detail}"),
            "the server sent a body that does not match its Content-Encoding (gzip, br, deflate)",
        )
    } else if err.is_connect() {
        (
            FailureKind::Connect,
            format!("could not connect to {at}: {detail}"),
            "check the host and port, your network, and any proxy (HTTPS_PROXY/HTTP_PROXY/NO_PROXY)",
        )
    } else {
        (
            FailureKind::Other,
            format!("request to {at} failed: {detail}"),
            "see the message; retry with -v for more detail in the log",
        )
    };
    failure(kind, message, hint, redactor)
}

/// The error and its sources. An `io::Error` wrapping another error is followed into that error
/// (`io::Error::source` would skip it: TLS errors arrive as `io::Error(io::Error(rustls::Error))`).
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        out.push(e);
        cur = match e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
        if out.len() > 32 {
            break;
        }
    }
    out
}

fn find<'a, T: StdError + 'static>(chain: &[&'a (dyn StdError + 'static)]) -> Option<&'a T> {
    chain.iter().find_map(|e| e.downcast_ref::<T>())
}

fn io_kind(chain: &[&(dyn StdError + 'static)], kinds: &[io::ErrorKind]) -> bool {
    chain
        .iter()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| kinds.contains(&e.kind()))
}

fn closed(chain: &[&(dyn StdError + 'static)]) -> bool {
    let hyper_closed = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<hyper::Error>())
        .any(|e| e.is_incomplete_message() || e.is_closed() || e.is_canceled());
    hyper_closed
        || io_kind(
            chain,
            &[
                io::ErrorKind::UnexpectedEof,
                io::ErrorKind::ConnectionReset,
                io::ErrorKind::ConnectionAborted,
                io::ErrorKind::BrokenPipe,
            ],
        )
}

/// The messages of the sources below reqwest's own ("error sending request"), without repeats.
fn detail(chain: &[&(dyn StdError + 'static)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in chain.iter().skip(1) {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        chain
            .first()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "unknown error".into())
    } else {
        parts.join(": ")
    }
}
