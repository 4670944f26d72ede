//! A small HTTP server for the request engine's tests: it listens on 127.0.0.1 (plain HTTP with
//! HTTP/1.1 and h2c, or TLS with ALPN h2/http/1.1 and a test-only certificate), records exactly
//! what it received — method, target, version, every header, body — and answers by route:
//!
//! | path | answer |
//! |---|---|
//! | `/redirect?to=URL&status=302` | that status with `Location: URL` |
//! | `/status/NNN` | status NNN with `{"message": "…"}` (401: "Invalid API key") |
//! | `/big?bytes=N[&length=1][&status=NNN]` | N bytes of `x`, streamed (with Content-Length when `length=1`; status 200 unless given) |
//! | `/close` | declares 100,000 bytes, sends 10,000, then drops the connection |
//! | `/slow?ms=N` | waits N ms, then echoes |
//! | `/gzip`, `/br`, `/deflate` | "hello, compressed world" in that Content-Encoding |
//! | `/queued` | the next reply queued with [`TestServer::queue_json`] (a scripted token endpoint) |
//! | `/reflect?header=NAME&chars=N[&pad=M]` | the first N characters of request header NAME, in header `x-reflect`, in two `x-part` header lines (split in the middle), and in a text body after M bytes of `x` |
//! | (any of these under `/api/` too) | the same |
//! | anything else | 200 with a JSON echo of the request (so secrets come back in the body) |
//!
//! Each server runs on its own thread and runtime, so sync tests, async tests and CLI tests can
//! all use it. Used by the core's tests and, through `#[path]`, by the CLI's.

#![allow(dead_code)]

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

pub const TLS_CA_PEM: &str = include_str!("tls/ca.pem");
const TLS_CERT_PEM: &str = include_str!("tls/server.pem");
const TLS_KEY_PEM: &str = include_str!("tls/server.key");

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    /// The request target: `/path?query`, or an absolute URL when sent to a proxy.
    pub target: String,
    pub version: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// Everything received as one string, for "does any of it contain X" checks.
    pub fn everything(&self) -> String {
        let mut s = format!("{} {} {}\n", self.method, self.target, self.version);
        for (n, v) in &self.headers {
            s.push_str(&format!("{n}: {v}\n"));
        }
        s.push_str(&String::from_utf8_lossy(&self.body));
        s
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub tls: bool,
    received: Arc<Mutex<Vec<Received>>>,
    replies: Replies,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        Self::spawn(false)
    }

    /// TLS with the test certificate for `localhost` and `127.0.0.1` (CA: [`TLS_CA_PEM`]).
    pub fn start_tls() -> TestServer {
        Self::spawn(true)
    }

    fn spawn(tls: bool) -> TestServer {
        let received = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let log = received.clone();
        let replies = Replies::default();
        let queue = replies.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(serve(tls, log, queue, addr_tx, stop_rx));
        });
        let addr = addr_rx.recv().expect("server address");
        TestServer {
            addr,
            tls,
            received,
            replies,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT` (or `https://localhost:PORT` for TLS, the name in the certificate).
    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://127.0.0.1:{}", self.addr.port())
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.received.lock().unwrap().clear();
    }

    /// Queues the answer of the next request to `/queued`: `status` with `body` as JSON.
    pub fn queue_json(&self, status: u16, body: &str) {
        self.replies
            .lock()
            .unwrap()
            .push_back((status, body.to_string()));
    }
}

/// Replies waiting for `/queued`, in order.
type Replies = Arc<Mutex<std::collections::VecDeque<(u16, String)>>>;

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    tls: bool,
    log: Arc<Mutex<Vec<Received>>>,
    replies: Replies,
    addr_tx: std::sync::mpsc::Sender<SocketAddr>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    addr_tx
        .send(listener.local_addr().expect("addr"))
        .expect("send addr");
    let acceptor = tls.then(tls_acceptor);
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted { Ok(a) => a, Err(_) => continue },
        };
        let log = log.clone();
        let replies = replies.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req| handle(req, log.clone(), replies.clone()));
            let builder = auto::Builder::new(TokioExecutor::new());
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls_stream) = acceptor.accept(stream).await {
                        let _ = builder
                            .serve_connection(TokioIo::new(tls_stream), service)
                            .await;
                    }
                }
                None => {
                    let _ = builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            }
        });
    }
}

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(TLS_CERT_PEM.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("test cert");
    let key = PrivateKeyDer::from_pem_slice(TLS_KEY_PEM.as_bytes()).expect("test key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(cfg))
}

type Reply = Response<TestBody>;

async fn handle(
    req: Request<Incoming>,
    log: Arc<Mutex<Vec<Received>>>,
    replies: Replies,
) -> Result<Reply, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let received = Received {
        method: parts.method.to_string(),
        target: parts.uri.to_string(),
        version: format!("{:?}", parts.version),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    log.lock().unwrap().push(received.clone());
    // Types in the tests use base URLs ending in `/api`: routes answer with or without it.
    let path = parts.uri.path();
    let path = path
        .strip_prefix("/api")
        .filter(|p| p.starts_with('/'))
        .unwrap_or(path)
        .to_string();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    Ok(match path.as_str() {
        "/queued" => {
            let (status, body) = replies.lock().unwrap().pop_front().unwrap_or((
                500,
                r#"{"error":"server_error","error_description":"no reply queued"}"#.into(),
            ));
            Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(TestBody::bytes(body.into_bytes()))
                .unwrap()
        }
        "/reflect" => {
            // A server that echoes part of what it got: a key cut short, or split in two.
            let value = param("header")
                .and_then(|h| received.header(&h).map(str::to_string))
                .unwrap_or_default();
            let n: usize = param("chars").and_then(|s| s.parse().ok()).unwrap_or(12);
            let seen: String = value.chars().take(n).collect();
            let half = seen
                .char_indices()
                .nth(seen.chars().count() / 2)
                .map_or(seen.len(), |(i, _)| i);
            let pad: usize = param("pad").and_then(|s| s.parse().ok()).unwrap_or(0);
            Response::builder()
                .header("content-type", "text/plain")
                .header("x-reflect", seen.as_str())
                .header("x-part", &seen[..half])
                .header("x-part", &seen[half..])
                .body(TestBody::bytes(
                    format!("{}seen: {seen}", "x".repeat(pad)).into_bytes(),
                ))
                .unwrap()
        }
        "/redirect" => {
            let status = param("status")
                .and_then(|s| s.parse().ok())
                .unwrap_or(302u16);
            Response::builder()
                .status(status)
                .header("location", param("to").unwrap_or_default())
                .body(TestBody::bytes(b"redirecting".to_vec()))
                .unwrap()
        }
        p if p.starts_with("/status/") => {
            let status: u16 = p["/status/".len()..].parse().unwrap_or(500);
            let message = match status {
                401 => "Invalid API key",
                403 => "Forbidden for this key",
                _ => "status as requested",
            };
            Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(TestBody::bytes(
                    format!("{{\"message\": \"{message}\"}}").into_bytes(),
                ))
                .unwrap()
        }
        "/big" => {
            let n: u64 = param("bytes").and_then(|s| s.parse().ok()).unwrap_or(1024);
            let status = param("status")
                .and_then(|s| s.parse().ok())
                .unwrap_or(200u16);
            let mut b = Response::builder()
                .status(status)
                .header("content-type", "application/octet-stream");
            if param("length").is_some() {
                b = b.header("content-length", n);
            }
            b.body(TestBody::stream(n, None)).unwrap()
        }
        "/close" => Response::builder()
            .header("content-length", 100_000)
            .body(TestBody::stream(100_000, Some(10_000)))
            .unwrap(),
        "/gzip" | "/br" | "/deflate" => {
            let plain = b"hello, compressed world";
            let encoded = match path.as_str() {
                "/gzip" => {
                    let mut e =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                    e.write_all(plain).unwrap();
                    e.finish().unwrap()
                }
                "/deflate" => {
                    let mut e =
                        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                    e.write_all(plain).unwrap();
                    e.finish().unwrap()
                }
                _ => {
                    let mut out = Vec::new();
                    {
                        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                        w.write_all(plain).unwrap();
                    }
                    out
                }
            };
            Response::builder()
                .header("content-encoding", &path[1..])
                .header("content-type", "text/plain")
                .body(TestBody::bytes(encoded))
                .unwrap()
        }
        _ => {
            if let Some(ms) = param("ms")
                .filter(|_| path == "/slow")
                .and_then(|s| s.parse().ok())
            {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            let echo = serde_json::json!({
                "method": received.method,
                "target": received.target,
                "headers": received.headers.iter().map(|(n, v)| serde_json::json!([n, v])).collect::<Vec<_>>(),
                "body": String::from_utf8_lossy(&received.body),
            });
            Response::builder()
                .header("content-type", "application/json")
                .header(
                    "x-echo-auth",
                    received.header("authorization").unwrap_or(""),
                )
                .body(TestBody::bytes(echo.to_string().into_bytes()))
                .unwrap()
        }
    })
}

/// A response body: fixed bytes, or `total` generated bytes that may fail after `fail_after`.
pub struct TestBody {
    fixed: Option<Bytes>,
    remaining: u64,
    sent: u64,
    fail_after: Option<u64>,
    /// Whether the pause before failing (so the head and first bytes are flushed) is over.
    paused: bool,
}

impl TestBody {
    fn bytes(b: Vec<u8>) -> Self {
        TestBody {
            remaining: b.len() as u64,
            fixed: Some(Bytes::from(b)),
            sent: 0,
            fail_after: None,
            paused: false,
        }
    }

    fn stream(total: u64, fail_after: Option<u64>) -> Self {
        TestBody {
            fixed: None,
            remaining: total,
            sent: 0,
            fail_after,
            paused: false,
        }
    }
}

const CHUNK: usize = 64 * 1024;

impl Body for TestBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(b) = self.fixed.take() {
            self.remaining = 0;
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        if let Some(limit) = self.fail_after {
            if self.sent >= limit && !self.paused {
                // Give hyper a moment to flush what was sent, then fail.
                self.paused = true;
                let waker = cx.waker().clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(50));
                    waker.wake();
                });
                return Poll::Pending;
            }
            if self.sent >= limit {
                return Poll::Ready(Some(Err(std::io::Error::other(
                    "test server drops the connection",
                ))));
            }
        }
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let mut n = (CHUNK as u64).min(self.remaining);
        if let Some(limit) = self.fail_after {
            n = n.min(limit - self.sent);
        }
        self.remaining -= n;
        self.sent += n;
        static FILL: [u8; CHUNK] = [b'x'; CHUNK];
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
            &FILL[..n as usize],
        )))))
    }

    fn is_end_stream(&self) -> bool {
        self.fixed.is_none() && self.remaining == 0 && self.fail_after.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.fixed {
            Some(b) => SizeHint::with_exact(b.len() as u64),
            None => SizeHint::default(),
        }
    }
}
