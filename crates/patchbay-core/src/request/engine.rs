//! The HTTP client the engine sends with: reqwest 0.12 on rustls, one client per HTTP-version
//! preference, built on first use and shared (connection pool included) by every request that
//! uses the same [`Engine`].
//!
//! Built here rather than with reqwest's defaults because:
//! - redirects are never followed by reqwest (`Policy::none()`): Patchbay's own loop decides
//!   what crosses to another origin;
//! - the TLS configuration carries the timing hook (see `timing.rs`) and may trust extra root
//!   certificates (an internal service behind a private CA), on top of the Mozilla roots;
//! - ALPN follows the version preference (`h2` and `http/1.1`, or one of them).
//!
//! Proxies come from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), as
//! reqwest reads them when a client is built; gzip, brotli and deflate bodies are decoded.

use std::sync::{Arc, Mutex, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use super::error::RequestError;
use super::spec::HttpVersionPref;
use super::timing::{TimedSessionStore, TimingLayer};

/// A handle on Patchbay's HTTP clients; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    extra_roots: Vec<CertificateDer<'static>>,
    clients: Mutex<Vec<(HttpVersionPref, reqwest::Client)>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("extra_roots", &self.inner.extra_roots.len())
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An engine trusting the Mozilla root certificates.
    pub fn new() -> Engine {
        Engine::with_roots(Vec::new())
    }

    /// An engine that also trusts the certificates in `pem` (one or more `CERTIFICATE` blocks),
    /// for services behind a private certificate authority.
    pub fn with_root_certificates_pem(pem: &[u8]) -> Result<Engine, RequestError> {
        let roots = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                RequestError::Invalid(format!("cannot read the root certificates: {e}"))
            })?;
        if roots.is_empty() {
            return Err(RequestError::Invalid(
                "no PEM 'CERTIFICATE' block found in the root certificates".into(),
            ));
        }
        Ok(Engine::with_roots(roots))
    }

    fn with_roots(extra_roots: Vec<CertificateDer<'static>>) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                extra_roots,
                clients: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The process-wide engine: one connection pool for every caller that does not bring its own.
    pub fn shared() -> Engine {
        static SHARED: OnceLock<Engine> = OnceLock::new();
        SHARED.get_or_init(Engine::new).clone()
    }

    /// The client for `version`, built on first use.
    pub(crate) fn client(&self, version: HttpVersionPref) -> Result<reqwest::Client, String> {
        let mut clients = self.inner.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, c)) = clients.iter().find(|(v, _)| *v == version) {
            return Ok(c.clone());
        }
        let client = build_client(version, &self.inner.extra_roots)?;
        clients.push((version, client.clone()));
        Ok(client)
    }
}

fn build_client(
    version: HttpVersionPref,
    extra_roots: &[CertificateDer<'static>],
) -> Result<reqwest::Client, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| format!("an extra root certificate is not usable: {e}"))?;
    }
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("setting up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = match version {
        HttpVersionPref::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        HttpVersionPref::Http1Only => vec![b"http/1.1".to_vec()],
        HttpVersionPref::Http2Only => vec![b"h2".to_vec()],
    };
    tls.resumption = rustls::client::Resumption::store(Arc::new(TimedSessionStore::new()));
    let builder = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .connector_layer(TimingLayer);
    let builder = match version {
        HttpVersionPref::Auto => builder,
        HttpVersionPref::Http1Only => builder.http1_only(),
        HttpVersionPref::Http2Only => builder.http2_prior_knowledge(),
    };
    builder
        .build()
        .map_err(|e| format!("building the HTTP client: {e}"))
}
