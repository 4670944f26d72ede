//! The RFC 8252 loopback redirect: a one-shot HTTP listener on `127.0.0.1` that takes the
//! browser's `GET /oauth/callback?…`, answers with a short page ("you can close this tab"), and
//! stops.
//!
//! Only the request line is read (the redirect carries everything in its query); anything that
//! is not a `GET /oauth/callback` — a favicon request, a port scanner — gets a 404 and the
//! listener keeps waiting, so it cannot be knocked over before the real redirect arrives.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::error::OAuthError;

/// The path of the loopback redirect URI.
pub const CALLBACK_PATH: &str = "/oauth/callback";

const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// What the listener does with one `GET /oauth/callback` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectVerdict {
    /// The login's redirect: the page says "you can close this tab", the wait ends with it.
    Accept,
    /// Not the login's redirect (malformed, unknown `state`): the page shows the reason and the
    /// listener keeps waiting.
    Ignore(String),
    /// The login's redirect, refused (its issuer is wrong): the page shows the reason and the
    /// wait ends with it, so the login ends with that error.
    Refuse(String),
}

/// A bound listener; its [`LoopbackListener::redirect_uri`] is what the authorize URL names.
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:port` (`None`: a free port chosen by the OS).
    pub async fn bind(port: Option<u16>) -> Result<LoopbackListener, OAuthError> {
        LoopbackListener::from_std(bind_std(port)?.0)
    }

    /// Takes over a listener bound with the standard library (so a caller could learn its port
    /// before any runtime existed).
    pub fn from_std(listener: std::net::TcpListener) -> Result<LoopbackListener, OAuthError> {
        let io = |e: std::io::Error| OAuthError::Listen {
            addr: "127.0.0.1".into(),
            message: e.to_string(),
        };
        listener.set_nonblocking(true).map_err(io)?;
        let port = listener.local_addr().map_err(io)?.port();
        Ok(LoopbackListener {
            listener: TcpListener::from_std(listener).map_err(io)?,
            port,
        })
    }

    pub fn redirect_uri(&self) -> String {
        redirect_uri(self.port)
    }

    /// Waits up to `timeout` for the redirect and returns its request target
    /// (`/oauth/callback?code=…&state=…`). `accept` is called with each callback's target:
    /// [`RedirectVerdict::Accept`] ends the wait (the page says "you can close this tab");
    /// [`RedirectVerdict::Ignore`] answers that request with the reason and keeps waiting, so a
    /// forged redirect with a wrong `state` cannot end a login that is still under way;
    /// [`RedirectVerdict::Refuse`] answers with the reason and ends the wait with that target.
    pub async fn wait(
        self,
        timeout: Duration,
        accept: impl Fn(&str) -> RedirectVerdict,
    ) -> Result<String, OAuthError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let accepted = tokio::time::timeout_at(deadline, self.listener.accept())
                .await
                .map_err(|_| OAuthError::Timeout {
                    seconds: timeout.as_secs(),
                })?;
            let Ok((stream, _)) = accepted else { continue };
            if let Some(target) = serve_one(stream, &accept).await {
                return Ok(target);
            }
        }
    }
}

/// The loopback redirect URI for `port`.
pub fn redirect_uri(port: u16) -> String {
    format!("http://127.0.0.1:{port}{CALLBACK_PATH}")
}

/// Binds `127.0.0.1:port` without a runtime (so the port is known before any waiting starts);
/// returns the listener and its redirect URI.
pub fn bind_std(port: Option<u16>) -> Result<(std::net::TcpListener, String), OAuthError> {
    let addr = format!("127.0.0.1:{}", port.unwrap_or(0));
    let listen_error = |e: std::io::Error| OAuthError::Listen {
        message: if e.kind() == std::io::ErrorKind::AddrInUse {
            "the port is in use by another program; close it or set another loopback_port on the type".into()
        } else {
            e.to_string()
        },
        addr: addr.clone(),
    };
    let listener = std::net::TcpListener::bind(&addr).map_err(listen_error)?;
    let port = listener.local_addr().map_err(listen_error)?.port();
    Ok((listener, redirect_uri(port)))
}

/// Reads one request; answers it. Returns the target when it was the callback.
async fn serve_one(
    mut stream: TcpStream,
    accept: &impl Fn(&str) -> RedirectVerdict,
) -> Option<String> {
    let head = tokio::time::timeout(Duration::from_secs(10), read_head(&mut stream))
        .await
        .ok()??;
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let is_callback = method == "GET"
        && (target == CALLBACK_PATH || target.starts_with(&format!("{CALLBACK_PATH}?")));
    if !is_callback {
        respond(
            &mut stream,
            "404 Not Found",
            "Not found",
            "This is Patchbay's OAuth redirect listener.",
        )
        .await;
        return None;
    }
    match accept(target) {
        RedirectVerdict::Accept => {
            respond(
                &mut stream,
                "200 OK",
                "Done",
                "Patchbay received the provider's answer. You can close this tab and return to Patchbay.",
            )
            .await;
            Some(target.to_string())
        }
        RedirectVerdict::Ignore(reason) => {
            respond(&mut stream, "400 Bad Request", "Not accepted", &reason).await;
            None
        }
        RedirectVerdict::Refuse(reason) => {
            respond(&mut stream, "400 Bad Request", "Refused", &reason).await;
            Some(target.to_string())
        }
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST_HEAD {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8(buf).ok()
}

async fn respond(stream: &mut TcpStream, status: &str, title: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Patchbay: {title}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{title}</h1><p>{}</p></body></html>",
        html_escape(text)
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn takes_the_callback_and_ignores_other_requests() {
        let l = LoopbackListener::bind(None).await.unwrap();
        let port: u16 = l
            .redirect_uri()
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches(CALLBACK_PATH)
            .parse()
            .unwrap();
        let waiter = tokio::spawn(l.wait(Duration::from_secs(5), |t| {
            if t.contains("state=forged") {
                RedirectVerdict::Ignore("wrong state".to_string())
            } else {
                RedirectVerdict::Accept
            }
        }));
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let forged = get(port, "/oauth/callback?code=c&state=forged").await;
        assert!(
            forged.starts_with("HTTP/1.1 400") && forged.contains("wrong state"),
            "{forged}"
        );
        let page = get(port, "/oauth/callback?code=c&state=s").await;
        assert!(
            page.starts_with("HTTP/1.1 200") && page.contains("close this tab"),
            "{page}"
        );
        assert_eq!(
            waiter.await.unwrap().unwrap(),
            "/oauth/callback?code=c&state=s"
        );
        // It stopped: nothing listens on the port any more.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn times_out_and_says_so() {
        let l = LoopbackListener::bind(None).await.unwrap();
        let err = l
            .wait(Duration::from_millis(50), |_| RedirectVerdict::Accept)
            .await
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("no answer from the browser"),
            "{err}"
        );
    }
}
