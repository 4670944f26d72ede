//! Transport against real servers on 127.0.0.1: TLS (success with a private CA, failure against a
//! plain-HTTP port), HTTP/1.1 and HTTP/2, decoding, the body cap, a server closing mid-response,
//! timeouts, cancel, DNS and refused connections — each classified, masked, and turned into the
//! connection's status by the type-level test.

mod support;

use std::time::Duration;

use patchbay_core::model::{AuthType, ConnectionStatus, IntegrationDef};
use patchbay_core::request::{
    execute, CancellationToken, Engine, ExecuteOptions, FailureKind, HttpVersionPref, MadeBy,
    RequestSpec,
};
use patchbay_core::Patchbay;
use support::server::{TestServer, TLS_CA_PEM};
use support::*;

/// A type at `base_url` whose API key travels in the query string, so the URL itself holds the
/// secret — the worst case for error messages that quote URLs.
fn query_key_type(pb: &Patchbay, slug: &str, base_url: &str) {
    let def: IntegrationDef = def_all_patterns(slug, base_url, KeyIn::Query);
    pb.create_type(def).unwrap();
    connect(
        pb,
        slug,
        slug,
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
}

fn opts() -> ExecuteOptions {
    ExecuteOptions {
        timeout: Duration::from_secs(10),
        ..ExecuteOptions::default()
    }
}

#[test]
fn transport_failures_are_classified_masked_and_become_the_status() {
    let plain = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let refused_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cases = [
        (
            "dns",
            "http://patchbay-test.invalid/api".to_string(),
            FailureKind::Dns,
            "DNS",
        ),
        (
            "refused",
            format!("http://127.0.0.1:{refused_port}/api"),
            FailureKind::ConnectionRefused,
            "refused",
        ),
        (
            "tls",
            format!("https://127.0.0.1:{}/api", plain.addr.port()),
            FailureKind::Tls,
            "TLS",
        ),
    ];
    for (slug, base, kind, word) in cases {
        query_key_type(&pb, slug, &base);
        let prepared = pb.prepare_test(slug, Some("/me")).unwrap();
        let outcome = send(&prepared, &opts());
        let err = outcome.error.clone().expect("fails");
        assert_eq!(err.kind, kind, "{slug}: {err:?}");
        assert!(err.message.contains(word), "{slug}: {}", err.message);
        assert!(!err.hint.is_empty());
        assert_no_canary(&format!("{slug} error"), &format!("{err:?} {err}"));
        assert_no_canary(
            &format!("{slug} outcome"),
            &serde_json::to_string(&outcome).unwrap(),
        );
        pb.record_outcome(&prepared, &outcome, MadeBy::User)
            .unwrap();
        let c = pb.get_connection(slug).unwrap();
        assert_eq!(c.status, ConnectionStatus::Failing);
        assert!(
            c.last_error.as_deref().is_some_and(|e| e.contains(word)),
            "{slug}: {:?}",
            c.last_error
        );
        assert_no_canary(
            &format!("{slug} last_error"),
            c.last_error.as_deref().unwrap_or(""),
        );
        assert!(c.last_used_at.is_some());
    }
}

#[test]
fn test_status_follows_the_response() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    query_key_type(&pb, "acme", &format!("{}/api", server.url()));
    let test = |target: &str| {
        let prepared = pb.prepare_test("acme", Some(target)).unwrap();
        let outcome = send(&prepared, &opts());
        pb.record_outcome(&prepared, &outcome, MadeBy::User)
            .unwrap();
        pb.get_connection("acme").unwrap()
    };
    let c = test("/status/401");
    assert_eq!(c.status, ConnectionStatus::Failing);
    assert_eq!(
        c.last_error.as_deref(),
        Some("HTTP 401 Unauthorized: Invalid API key")
    );
    let c = test("whoami");
    assert_eq!(c.status, ConnectionStatus::Ok);
    assert_eq!(c.last_error, None);
    assert_eq!(server.received().last().unwrap().path(), "/api/me");
    // Without a target the first parameterless GET action is used.
    pb.prepare_test("acme", None).unwrap();
    let err = pb
        .prepare_test("acme", Some("nope"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("whoami") && err.contains("create_item"),
        "{err}"
    );
}

#[test]
fn tls_with_a_private_ca_speaks_http2_and_times_the_handshake() {
    let server = TestServer::start_tls();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    query_key_type(&pb, "secure", &format!("{}/api", server.url()));
    let prepared = pb
        .prepare_request("secure", RequestSpec::new("GET", "/me"))
        .unwrap();

    let untrusted = send(
        &prepared,
        &ExecuteOptions {
            engine: Engine::new(),
            ..opts()
        },
    );
    let err = untrusted.error.expect("unknown issuer");
    assert_eq!(err.kind, FailureKind::Tls, "{err:?}");
    assert_no_canary("tls error", &err.message);

    let engine = Engine::with_root_certificates_pem(TLS_CA_PEM.as_bytes()).unwrap();
    let trusted = ExecuteOptions { engine, ..opts() };
    let first = send(&prepared, &trusted);
    let resp = first.response.as_ref().expect("response");
    assert_eq!(resp.status, 200, "{:?}", first.error);
    assert_eq!(resp.http_version, "HTTP/2");
    assert_eq!(server.received()[0].version, "HTTP/2.0");
    let t = &first.hops[0].timing;
    assert!(t.dns_connect_ms.is_some() && t.tls_ms.is_some(), "{t:?}");
    assert!(!t.reused_connection);
    assert!(t.ttfb_ms.unwrap() <= t.total_ms);
    assert!(first.timing.tls_ms.unwrap() > 0.0);

    // The same engine on one runtime reuses its connection.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cancel = CancellationToken::new();
    let (a, b) = rt.block_on(async {
        let a = execute(&prepared, &trusted, &cancel).await;
        let b = execute(&prepared, &trusted, &cancel).await;
        (a, b)
    });
    assert!(a.is_success() && b.is_success());
    assert!(b.hops[0].timing.reused_connection, "{:?}", b.hops[0].timing);
    assert_eq!(b.hops[0].timing.tls_ms, None);

    let h1 = ExecuteOptions {
        http_version: HttpVersionPref::Http1Only,
        ..trusted.clone()
    };
    let outcome = send(&prepared, &h1);
    assert_eq!(outcome.response.unwrap().http_version, "HTTP/1.1");
}

#[test]
fn plain_http_speaks_http1_or_h2c_and_decodes_bodies() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    query_key_type(&pb, "plain", &server.url());
    let prepared = pb
        .prepare_request("plain", RequestSpec::new("GET", "/me"))
        .unwrap();
    let outcome = send(&prepared, &opts());
    assert_eq!(outcome.response.as_ref().unwrap().http_version, "HTTP/1.1");
    let t = &outcome.hops[0].timing;
    assert!(t.dns_connect_ms.is_some() && t.tls_ms.is_none(), "{t:?}");
    let h2 = ExecuteOptions {
        http_version: HttpVersionPref::Http2Only,
        ..opts()
    };
    let outcome = send(&prepared, &h2);
    assert_eq!(
        outcome.response.as_ref().unwrap().http_version,
        "HTTP/2",
        "{:?}",
        outcome.error
    );

    for encoding in ["gzip", "br", "deflate"] {
        let prepared = pb
            .prepare_request("plain", RequestSpec::new("GET", format!("/{encoding}")))
            .unwrap();
        let outcome = send(&prepared, &opts());
        let resp = outcome.response.expect("response");
        assert_eq!(resp.body.data, b"hello, compressed world", "{encoding}");
        assert_eq!(resp.body.size, 23);
    }
    assert_eq!(
        server.received()[0].header("accept-encoding"),
        Some("gzip, br, deflate")
    );
}

#[test]
fn large_bodies_are_capped_and_their_size_reported() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    query_key_type(&pb, "big", &server.url());
    for path in ["/big?bytes=5000000", "/big?bytes=5000000&length=1"] {
        let prepared = pb
            .prepare_request("big", RequestSpec::new("GET", path))
            .unwrap();
        let capped = ExecuteOptions {
            max_body_bytes: 1_000_000,
            ..opts()
        };
        let outcome = send(&prepared, &capped);
        let body = outcome.response.expect("response").body;
        assert_eq!(body.data.len(), 1_000_000);
        assert!(
            body.data.capacity() <= 1_000_000,
            "buffer grew past the cap"
        );
        assert_eq!(body.size, 5_000_000);
        assert!(body.size_exact && body.truncated);
    }
}

#[test]
fn a_server_closing_mid_response_timeouts_and_cancel_are_reported() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    query_key_type(&pb, "flaky", &server.url());

    let prepared = pb
        .prepare_request("flaky", RequestSpec::new("GET", "/close"))
        .unwrap();
    let outcome = send(&prepared, &opts());
    let err = outcome.error.clone().expect("closed");
    assert_eq!(err.kind, FailureKind::ConnectionClosed, "{err:?}");
    let partial = outcome.response.as_ref().expect("the head arrived");
    assert_eq!(partial.status, 200);
    assert!(partial.body.size <= 10_000 && !partial.body.size_exact);
    assert_no_canary("closed", &serde_json::to_string(&outcome).unwrap());
    pb.record_outcome(&prepared, &outcome, MadeBy::User)
        .unwrap();

    let prepared = pb
        .prepare_request("flaky", RequestSpec::new("GET", "/slow?ms=3000"))
        .unwrap();
    let quick = ExecuteOptions {
        timeout: Duration::from_millis(300),
        ..opts()
    };
    let outcome = send(&prepared, &quick);
    assert_eq!(outcome.error.as_ref().unwrap().kind, FailureKind::Timeout);
    assert_eq!(
        outcome.hops.len(),
        1,
        "the unanswered hop is still reported"
    );
    assert!(outcome.timing.total_ms >= 300.0);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cancel = CancellationToken::new();
    let outcome = rt.block_on(async {
        let stopper = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            stopper.cancel();
        });
        execute(&prepared, &opts(), &cancel).await
    });
    assert_eq!(outcome.error.unwrap().kind, FailureKind::Cancelled);
    assert!(outcome.timing.total_ms < 2000.0);
}

#[test]
fn paused_and_token_less_connections_are_refused_with_a_reason() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns("acme", &server.url(), KeyIn::XApiKey))
        .unwrap();
    connect(
        &pb,
        "acme",
        "oauth",
        Some(AuthType::Oauth2ClientCredentials),
        &[("client_id", "c")],
        &[("client_secret", CLIENT_SECRET)],
    );
    let err = pb
        .prepare_request("oauth", RequestSpec::new("GET", "/"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no access token yet") && err.contains("patchbay connect"),
        "{err}"
    );

    connect(
        &pb,
        "acme",
        "held",
        Some(AuthType::Bearer),
        &[],
        &[("token", TOKEN)],
    );
    let db = rusqlite::Connection::open(pb.database_path()).unwrap();
    for (status, word) in [
        ("paused", "approve"),
        ("needs_reauthorization", "log in again"),
    ] {
        db.execute(
            "UPDATE connections SET status = ?1 WHERE name = 'held'",
            [status],
        )
        .unwrap();
        let err = pb
            .prepare_request("held", RequestSpec::new("GET", "/"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(word), "{status}: {err}");
    }
    assert!(server.received().is_empty());
}
