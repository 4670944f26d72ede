//! Request timing: DNS + connect, TLS handshake, time to first byte, total.
//!
//! reqwest reports none of these, so the engine observes two moments through hooks it already
//! controls, and attributes them to the request being sent through a task-local *probe*:
//!
//! - a connector layer ([`TimingLayer`]) sees when a new connection is started (DNS lookup
//!   included) and when it is ready (TLS included); a reused pooled connection never reaches it;
//! - the TLS session store ([`TimedSessionStore`]) is asked for a resumption hint when rustls
//!   writes its ClientHello — the instant the TCP connection is up — which splits the two.
//!
//! The probe is task-local, so one shared client can carry concurrent requests (the desktop app)
//! and each gets its own numbers. Where a hook does not fire, the figure is `None`, never a guess.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use rustls::client::{ClientSessionMemoryCache, ClientSessionStore};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

tokio::task_local! {
    static PROBE: Arc<Probe>;
}

/// Moments of one hop's connection set-up.
#[derive(Default)]
pub(crate) struct Probe {
    marks: Mutex<Marks>,
}

#[derive(Default, Clone, Copy)]
struct Marks {
    connect_start: Option<Instant>,
    tls_start: Option<Instant>,
    connect_end: Option<Instant>,
}

impl Probe {
    fn mark(&self, f: impl FnOnce(&mut Marks)) {
        let mut marks = self.marks.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut marks);
    }

    /// The timing of a hop that started at `start`, had its response head at `head`, and ended
    /// (body read or failure) at `end`.
    pub fn hop_timing(&self, start: Instant, head: Option<Instant>, end: Instant) -> HopTiming {
        let m = *self.marks.lock().unwrap_or_else(|e| e.into_inner());
        let ms = |from: Instant, to: Instant| {
            round_ms(to.saturating_duration_since(from).as_secs_f64() * 1000.0)
        };
        let (dns_connect_ms, tls_ms) = match (m.connect_start, m.tls_start, m.connect_end) {
            (Some(s), Some(t), Some(e)) => (Some(ms(s, t)), Some(ms(t, e))),
            (Some(s), None, Some(e)) => (Some(ms(s, e)), None),
            _ => (None, None),
        };
        HopTiming {
            dns_connect_ms,
            tls_ms,
            ttfb_ms: head.map(|h| ms(start, h)),
            total_ms: ms(start, end),
            reused_connection: m.connect_start.is_none() && head.is_some(),
        }
    }
}

/// Runs `f` with `probe` receiving the marks of any connection it opens.
pub(crate) async fn with_probe<F: Future>(probe: Arc<Probe>, f: F) -> F::Output {
    PROBE.scope(probe, f).await
}

fn current_probe() -> Option<Arc<Probe>> {
    PROBE.try_with(Arc::clone).ok()
}

fn round_ms(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Milliseconds between two instants, rounded to the microsecond.
pub(crate) fn elapsed_ms(from: Instant, to: Instant) -> f64 {
    round_ms(to.saturating_duration_since(from).as_secs_f64() * 1000.0)
}

/// Timing of one request sent (one hop of a redirect chain), in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct HopTiming {
    /// DNS lookup plus TCP connect of a new connection; `None` when a pooled one was reused.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_connect_ms: Option<f64>,
    /// TLS handshake of a new https connection.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<f64>,
    /// From sending to the response head; `None` when no response came.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttfb_ms: Option<f64>,
    /// From sending to the end of the body (or of the attempt).
    pub total_ms: f64,
    pub reused_connection: bool,
}

/// Timing of a whole exchange, redirects included, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Timing {
    /// Sum over the hops that opened a connection.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_connect_ms: Option<f64>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<f64>,
    /// From the start to the head of the final response.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttfb_ms: Option<f64>,
    pub total_ms: f64,
}

impl Timing {
    pub(crate) fn summarize(hops: &[HopTiming], ttfb_ms: Option<f64>, total_ms: f64) -> Timing {
        let sum = |f: fn(&HopTiming) -> Option<f64>| {
            hops.iter().filter_map(f).fold(None, |acc: Option<f64>, v| {
                Some(round_ms(acc.unwrap_or(0.0) + v))
            })
        };
        Timing {
            dns_connect_ms: sum(|h| h.dns_connect_ms),
            tls_ms: sum(|h| h.tls_ms),
            ttfb_ms,
            total_ms,
        }
    }
}

/// Connector layer marking the start and end of every new connection.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TimingLayer;

impl<S> tower_layer::Layer<S> for TimingLayer {
    type Service = Timed<S>;

    fn layer(&self, inner: S) -> Timed<S> {
        Timed { inner }
    }
}

#[derive(Clone)]
pub(crate) struct Timed<S> {
    inner: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, R> tower_service::Service<R> for Timed<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let probe = current_probe();
        if let Some(p) = &probe {
            p.mark(|m| {
                m.connect_start.get_or_insert_with(Instant::now);
            });
        }
        let fut = self.inner.call(req);
        Box::pin(async move {
            let out = fut.await;
            if let Some(p) = probe {
                p.mark(|m| m.connect_end = Some(Instant::now()));
            }
            out
        })
    }
}

/// rustls' in-memory session cache, noting when a handshake starts (see the module docs).
#[derive(Debug)]
pub(crate) struct TimedSessionStore {
    inner: ClientSessionMemoryCache,
}

impl TimedSessionStore {
    pub fn new() -> Self {
        TimedSessionStore {
            inner: ClientSessionMemoryCache::new(256),
        }
    }

    fn handshake_starts() {
        if let Some(p) = current_probe() {
            p.mark(|m| {
                m.tls_start.get_or_insert_with(Instant::now);
            });
        }
    }
}

impl ClientSessionStore for TimedSessionStore {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.inner.set_kx_hint(server_name, group)
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        Self::handshake_starts();
        self.inner.kx_hint(server_name)
    }

    fn set_tls12_session(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls12ClientSessionValue,
    ) {
        self.inner.set_tls12_session(server_name, value)
    }

    fn tls12_session(
        &self,
        server_name: &ServerName<'_>,
    ) -> Option<rustls::client::Tls12ClientSessionValue> {
        Self::handshake_starts();
        self.inner.tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.inner.remove_tls12_session(server_name)
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls13ClientSessionValue,
    ) {
        self.inner.insert_tls13_ticket(server_name, value)
    }

    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<rustls::client::Tls13ClientSessionValue> {
        Self::handshake_starts();
        self.inner.take_tls13_ticket(server_name)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_hop_without_connection_marks_is_a_reused_connection() {
        let p = Probe::default();
        let start = Instant::now();
        let t = p.hop_timing(
            start,
            Some(start + Duration::from_millis(5)),
            start + Duration::from_millis(7),
        );
        assert_eq!(t.dns_connect_ms, None);
        assert_eq!(t.tls_ms, None);
        assert_eq!(t.ttfb_ms, Some(5.0));
        assert_eq!(t.total_ms, 7.0);
        assert!(t.reused_connection);
    }

    #[test]
    fn connect_and_tls_are_split_at_the_handshake_start() {
        let p = Probe::default();
        let start = Instant::now();
        p.mark(|m| {
            m.connect_start = Some(start);
            m.tls_start = Some(start + Duration::from_millis(2));
            m.connect_end = Some(start + Duration::from_millis(5));
        });
        let t = p.hop_timing(
            start,
            Some(start + Duration::from_millis(9)),
            start + Duration::from_millis(10),
        );
        assert_eq!(t.dns_connect_ms, Some(2.0));
        assert_eq!(t.tls_ms, Some(3.0));
        assert!(!t.reused_connection);
        let total = Timing::summarize(&[t.clone(), t], Some(19.0), 20.0);
        assert_eq!(total.dns_connect_ms, Some(4.0));
        assert_eq!(total.tls_ms, Some(6.0));
    }
}
