//! OAuth token bookkeeping against a scripted token endpoint on 127.0.0.1 (the replies real
//! providers send that oidc-provider never does: `expires_in` as a string, a lower-case
//! `token_type`, no `expires_in`, a refresh answer without a `refresh_token`):
//! - the token type is kept as returned and sent as is;
//! - no expiry: no refresh before a request, one refresh after a 401, never a loop;
//! - a refresh without a new refresh token keeps the old one; a rotated one replaces it;
//! - a rejected refresh marks the connection "needs re-authorization" and stops requests; a
//!   provider outage does not;
//! - 50 concurrent requests through one `Patchbay` with an expired token refresh once;
//! - token, userinfo and revocation answers larger than their cap (5 MB, a declared length, an
//!   endless chunked body) are refused quickly with a message that says so, and store nothing;
//! - a deep-link redirect from another issuer (RFC 9207 `iss`) is refused by the window's login
//!   broker before the code goes anywhere, and the login is spent;
//! - extra parameters that duplicate protocol ones are refused when a request is built, even
//!   from a stored type that escaped validation.

mod support;

use std::collections::BTreeMap;

use patchbay_core::model::{AuthType, ConnectionStatus, IntegrationDef};
use patchbay_core::oauth::Callback;
use patchbay_core::request::{CancellationToken, ExecuteOptions, MadeBy, RequestSpec};
use patchbay_core::{ConnectRequest, LoginStart, Patchbay, Secret, Sent};
use serde_json::json;
use support::server::TestServer;

fn def(server: &TestServer, auth: &str) -> IntegrationDef {
    serde_json::from_value(json!({
        "slug": "scripted",
        "display_name": "Scripted provider",
        "base_url": format!("{}/api", server.url()),
        "auth_patterns": [{
            "type": auth,
            "oauth_config": {
                "authorize_uri": "https://as.example/authorize",
                "token_uri": format!("{}/queued", server.url()),
                "client_auth": "body"
            }
        }]
    }))
    .expect("type")
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn send(pb: &Patchbay, path: &str) -> patchbay_core::Result<Sent> {
    block_on(pb.send(
        "c",
        RequestSpec::new("GET", path),
        &ExecuteOptions::default(),
        &CancellationToken::new(),
        MadeBy::User,
    ))
}

fn token_posts(server: &TestServer) -> Vec<String> {
    server
        .received()
        .into_iter()
        .filter(|r| r.path() == "/queued")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

/// An authorization-code connection "c" whose login the scripted endpoint answered with `reply`.
fn logged_in(pb: &Patchbay, server: &TestServer, reply: &str) {
    pb.create_type(def(server, "oauth2_authorization_code"))
        .expect("create");
    let pending = pb
        .begin_login(
            LoginStart::New(ConnectRequest {
                type_slug: "scripted".into(),
                name: "c".into(),
                auth_type: None,
                fields: BTreeMap::from([("client_id".to_string(), "cid".to_string())]),
                secrets: BTreeMap::from([("client_secret".to_string(), Secret::new("csecret"))]),
            }),
            "http://127.0.0.1:9/oauth/callback",
        )
        .expect("begin");
    let callback = Callback::parse(&format!(
        "/oauth/callback?code=the-code&state={}",
        pending.state
    ))
    .expect("callback");
    server.queue_json(200, reply);
    block_on(pb.complete_login(pending, callback)).expect("login");
}

#[test]
fn string_expiry_and_lower_case_token_type_are_kept_and_sent_as_returned() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    pb.create_type(def(&server, "oauth2_client_credentials"))
        .unwrap();
    server.queue_json(
        200,
        r#"{"access_token":"cc-token-1","expires_in":"3600","token_type":"bearer"}"#,
    );
    let c = block_on(pb.connect_client_credentials(ConnectRequest {
        type_slug: "scripted".into(),
        name: "c".into(),
        auth_type: None,
        fields: BTreeMap::from([("client_id".to_string(), "svc".to_string())]),
        secrets: BTreeMap::from([("client_secret".to_string(), Secret::new("svc-secret"))]),
    }))
    .expect("connect");
    let info = c.oauth.expect("token info");
    assert_eq!(info.token_type, "bearer");
    let left = info.expires_at.unwrap() - chrono_now();
    assert!((3590..=3600).contains(&left), "{left}");
    // Client authentication in the body, as configured.
    let post = &token_posts(&server)[0];
    assert!(
        post.contains("grant_type=client_credentials")
            && post.contains("client_id=svc")
            && post.contains("client_secret=svc-secret"),
        "{post}"
    );

    let sent = send(&pb, "/echo").expect("send");
    assert!(sent.outcome.is_success());
    let got = server.received().last().unwrap().clone();
    assert_eq!(got.header("authorization"), Some("bearer cc-token-1"));
}

#[test]
fn unknown_expiry_refreshes_once_on_401_and_keeps_or_rotates_the_refresh_token() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    logged_in(
        &pb,
        &server,
        r#"{"access_token":"access-1","refresh_token":"refresh-1","token_type":"Bearer"}"#,
    );
    let exchange = &token_posts(&server)[0];
    assert!(
        exchange.contains("grant_type=authorization_code")
            && exchange.contains("code=the-code")
            && exchange.contains("code_verifier="),
        "the code goes with its PKCE verifier: {exchange}"
    );
    assert!(pb
        .get_connection("c")
        .unwrap()
        .oauth
        .unwrap()
        .expires_at
        .is_none());

    // No expiry known: nothing is refreshed before the request.
    assert!(send(&pb, "/echo").unwrap().outcome.is_success());
    assert_eq!(token_posts(&server).len(), 1);

    // A 401: one refresh (answered without a refresh token), one retry — still 401, no loop.
    server.queue_json(200, r#"{"access_token":"access-2","expires_in":7200}"#);
    let sent = send(&pb, "/status/401").unwrap();
    assert_eq!(sent.outcome.response.as_ref().unwrap().status, 401);
    let posts = token_posts(&server);
    assert_eq!(posts.len(), 2, "exactly one refresh");
    assert!(
        posts[1].contains("grant_type=refresh_token")
            && posts[1].contains("refresh_token=refresh-1"),
        "{}",
        posts[1]
    );
    assert_eq!(
        pb.reveal_secret("c", "access_token").unwrap().expose(),
        "access-2"
    );
    assert_eq!(
        pb.reveal_secret("c", "refresh_token").unwrap().expose(),
        "refresh-1",
        "a refresh answer without a refresh token keeps the stored one"
    );
    let history = pb.history(Some("c"), 10).unwrap();
    assert_eq!(
        history.len(),
        3,
        "both 401 attempts and the first request are recorded"
    );

    // About to expire: refreshed before the request; the rotated refresh token replaces the old.
    set_expiry(dir.path(), chrono_now() + 60);
    server.queue_json(
        200,
        r#"{"access_token":"access-3","refresh_token":"refresh-2","expires_in":3600}"#,
    );
    assert!(send(&pb, "/echo").unwrap().outcome.is_success());
    assert_eq!(
        server.received().last().unwrap().header("authorization"),
        Some("Bearer access-3")
    );
    assert_eq!(
        pb.reveal_secret("c", "refresh_token").unwrap().expose(),
        "refresh-2"
    );

    // An outage at the provider is reported but does not end the grant.
    set_expiry(dir.path(), chrono_now() - 1);
    server.queue_json(503, r#"{"error":"temporarily_unavailable"}"#);
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(err.contains("temporarily_unavailable"), "{err}");
    assert_ne!(
        pb.get_connection("c").unwrap().status,
        ConnectionStatus::NeedsReauthorization
    );

    // A rejected refresh: needs re-authorization, with the provider's reason, and no more calls.
    server.queue_json(
        400,
        r#"{"error":"invalid_grant","error_description":"refresh token revoked"}"#,
    );
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(
        err.contains("invalid_grant (refresh token revoked)"),
        "{err}"
    );
    let c = pb.get_connection("c").unwrap();
    assert_eq!(c.status, ConnectionStatus::NeedsReauthorization);
    assert!(c.last_error.unwrap().contains("invalid_grant"));
    let calls = server.received().len();
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(err.contains("needs re-authorization"), "{err}");
    assert_eq!(server.received().len(), calls, "nothing is sent any more");
    for secret in ["refresh-1", "refresh-2", "access-3", "csecret", "the-code"] {
        assert!(!err.contains(secret), "{err}");
    }
}

#[test]
fn fifty_concurrent_requests_with_an_expired_token_refresh_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    logged_in(
        &pb,
        &server,
        r#"{"access_token":"old","refresh_token":"r","expires_in":"10"}"#,
    );
    server.queue_json(
        200,
        r#"{"access_token":"new","refresh_token":"r2","expires_in":3600}"#,
    );
    let outcomes = block_on(async {
        let opts = ExecuteOptions::default();
        let cancel = CancellationToken::new();
        let sends = (0..50).map(|_| {
            pb.send(
                "c",
                RequestSpec::new("GET", "/echo"),
                &opts,
                &cancel,
                MadeBy::Agent,
            )
        });
        // Concurrently on this one task: the futures borrow the one `Patchbay`.
        futures::future::join_all(sends).await
    });
    for o in outcomes {
        assert!(o.expect("send").outcome.is_success());
    }
    assert_eq!(
        token_posts(&server).len(),
        2,
        "the login and exactly one refresh"
    );
    let bearer: Vec<_> = server
        .received()
        .into_iter()
        .filter(|r| r.path() == "/api/echo")
        .map(|r| r.header("authorization").unwrap_or("").to_string())
        .collect();
    assert_eq!(bearer.len(), 50);
    assert!(bearer.iter().all(|b| b == "Bearer new"), "{bearer:?}");
    assert_eq!(
        pb.get_connection("c").unwrap().auth_type,
        AuthType::Oauth2AuthorizationCode
    );
}

/// Sets the stored token expiry, as if time had passed.
fn set_expiry(data_dir: &std::path::Path, unix: i64) {
    rusqlite::Connection::open(data_dir.join("patchbay.db"))
        .and_then(|db| db.execute("UPDATE oauth_tokens SET expires_at = ?1", [unix]))
        .expect("update the expiry");
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `def` with some `oauth_config` keys replaced.
fn def_with(server: &TestServer, auth: &str, config: serde_json::Value) -> IntegrationDef {
    let mut v = serde_json::to_value(def(server, auth)).expect("def as json");
    for (k, val) in config.as_object().expect("object") {
        v["auth_patterns"][0]["oauth_config"][k] = val.clone();
    }
    serde_json::from_value(v).expect("type")
}

fn service_request() -> ConnectRequest {
    ConnectRequest {
        type_slug: "scripted".into(),
        name: "c".into(),
        auth_type: None,
        fields: BTreeMap::from([("client_id".to_string(), "svc".to_string())]),
        secrets: BTreeMap::from([("client_secret".to_string(), Secret::new("svc-secret"))]),
    }
}

/// A valid token response of about `bytes` bytes (a huge access token).
fn huge_token_json(bytes: usize) -> String {
    format!(
        r#"{{"access_token":"{}","token_type":"Bearer"}}"#,
        "a".repeat(bytes)
    )
}

const ENDLESS: &str = "/big?bytes=18446744073709551615";

#[test]
fn token_answers_over_1_mib_are_refused_quickly_and_store_nothing() {
    let server = TestServer::start();
    for path in [
        "/queued",
        "/big?bytes=5000000",
        "/big?bytes=5000000&length=1",
        "/big?bytes=5000000&status=400",
        ENDLESS,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let pb = support::open(dir.path());
        pb.create_type(def_with(
            &server,
            "oauth2_client_credentials",
            json!({"token_uri": format!("{}{path}", server.url())}),
        ))
        .unwrap();
        if path == "/queued" {
            // A well-formed token response with a 5 MB access token.
            server.queue_json(200, &huge_token_json(5_000_000));
        }
        let started = std::time::Instant::now();
        let err = block_on(pb.connect_client_credentials(service_request()))
            .err()
            .unwrap_or_else(|| panic!("{path}: a 5 MB token answer was accepted"))
            .to_string();
        assert!(
            err.contains("the token endpoint's answer is larger than 1 MiB"),
            "{path}: {err}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{path}: took {:?}",
            started.elapsed()
        );
        assert!(pb.list_connections().unwrap().is_empty(), "{path}");
        assert!(
            !err.contains("svc-secret") && !err.contains("aaaa"),
            "{err}"
        );
    }
}

#[test]
fn an_oversized_login_or_refresh_answer_keeps_what_was_stored() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    pb.create_type(def(&server, "oauth2_authorization_code"))
        .unwrap();
    // The code exchange answers 5 MB: the login fails, no connection.
    let pending = pb
        .begin_login(
            LoginStart::New(ConnectRequest {
                type_slug: "scripted".into(),
                name: "c".into(),
                auth_type: None,
                fields: BTreeMap::from([("client_id".to_string(), "cid".to_string())]),
                secrets: BTreeMap::new(),
            }),
            "http://127.0.0.1:9/oauth/callback",
        )
        .unwrap();
    let callback = Callback::parse(&format!(
        "/oauth/callback?code=the-code&state={}",
        pending.state
    ))
    .unwrap();
    server.queue_json(200, &huge_token_json(5_000_000));
    let err = block_on(pb.complete_login(pending, callback))
        .expect_err("a 5 MB token answer was accepted")
        .to_string();
    assert!(
        err.contains("the token endpoint's answer is larger than 1 MiB"),
        "{err}"
    );
    assert!(pb.list_connections().unwrap().is_empty());

    // A refresh answering 5 MB: reported, the stored tokens stay, no re-authorization needed.
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    logged_in(
        &pb,
        &server,
        r#"{"access_token":"access-1","refresh_token":"refresh-1","expires_in":3600}"#,
    );
    set_expiry(dir.path(), chrono_now() - 1);
    server.queue_json(200, &huge_token_json(5_000_000));
    let err = send(&pb, "/echo").err().unwrap().to_string();
    assert!(
        err.contains("the token endpoint's answer is larger than 1 MiB"),
        "{err}"
    );
    assert_eq!(
        pb.reveal_secret("c", "access_token").unwrap().expose(),
        "access-1"
    );
    assert_eq!(
        pb.reveal_secret("c", "refresh_token").unwrap().expose(),
        "refresh-1"
    );
    assert_ne!(
        pb.get_connection("c").unwrap().status,
        ConnectionStatus::NeedsReauthorization
    );
}

#[test]
fn userinfo_over_1_mib_fails_the_login_and_stores_nothing() {
    let server = TestServer::start();
    for userinfo in ["/queued", "/big?bytes=5000000", ENDLESS] {
        let dir = tempfile::tempdir().unwrap();
        let pb = support::open(dir.path());
        pb.create_type(def_with(
            &server,
            "oauth2_authorization_code",
            json!({"user_info_uri": format!("{}{userinfo}", server.url())}),
        ))
        .unwrap();
        let pending = pb
            .begin_login(
                LoginStart::New(ConnectRequest {
                    type_slug: "scripted".into(),
                    name: "c".into(),
                    auth_type: None,
                    fields: BTreeMap::from([("client_id".to_string(), "cid".to_string())]),
                    secrets: BTreeMap::new(),
                }),
                "http://127.0.0.1:9/oauth/callback",
            )
            .unwrap();
        let callback = Callback::parse(&format!(
            "/oauth/callback?code=the-code&state={}",
            pending.state
        ))
        .unwrap();
        server.queue_json(200, r#"{"access_token":"at-1","token_type":"Bearer"}"#);
        if userinfo == "/queued" {
            // Well-formed claims with a 5 MB e-mail address.
            server.queue_json(200, &format!(r#"{{"email":"{}"}}"#, "e".repeat(5_000_000)));
        }
        let started = std::time::Instant::now();
        let err = block_on(pb.complete_login(pending, callback))
            .err()
            .unwrap_or_else(|| panic!("{userinfo}: a 5 MB userinfo answer was accepted"))
            .to_string();
        assert!(
            err.contains("the userinfo endpoint's answer is larger than 1 MiB"),
            "{userinfo}: {err}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(pb.list_connections().unwrap().is_empty(), "{userinfo}");
        assert!(!err.contains("at-1"), "{err}");
    }
}

#[test]
fn a_revocation_error_over_64_kib_is_reported_as_such() {
    let server = TestServer::start();
    for revocation in [
        "/big?bytes=5000000&status=400",
        "/big?bytes=70000&status=400&length=1",
        "/big?bytes=18446744073709551615&status=400",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let pb = support::open(dir.path());
        pb.create_type(def_with(
            &server,
            "oauth2_client_credentials",
            json!({"revocation_uri": format!("{}{revocation}", server.url())}),
        ))
        .unwrap();
        server.queue_json(200, r#"{"access_token":"at-1","expires_in":3600}"#);
        block_on(pb.connect_client_credentials(service_request())).expect("connect");
        let started = std::time::Instant::now();
        let warning = block_on(pb.revoke_tokens("c"))
            .expect("revocation is best effort")
            .expect("a warning");
        assert!(
            warning.contains("the revocation endpoint's answer is larger than 64 KiB"),
            "{revocation}: {warning}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}

#[test]
fn a_stored_type_whose_extra_parameters_duplicate_protocol_ones_is_refused_at_use() {
    let server = TestServer::start();
    for (list, name, value) in [
        ("authorize_params", "state", "fixed-by-the-author"),
        ("authorize_params", "code_challenge_method", "plain"),
        (
            "authorize_params",
            "Redirect_URI",
            "https://attacker.example/cb",
        ),
        ("token_params", "client_id", "someone-else"),
        ("token_params", "grant_type", "password"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        {
            let pb = support::open(dir.path());
            pb.create_type(def(&server, "oauth2_authorization_code"))
                .unwrap();
        }
        // As if an older version, or a hand-edited database, had let it in.
        rusqlite::Connection::open(dir.path().join("patchbay.db"))
            .and_then(|db| {
                db.execute(
                    "UPDATE type_definitions SET definition = json_set(definition, ?1, ?2)",
                    [
                        format!("$.auth_patterns[0].oauth_config.{list}.{name}"),
                        value.to_string(),
                    ],
                )
            })
            .expect("tamper with the stored type");
        let pb = support::open(dir.path());
        let err = pb
            .begin_login(
                LoginStart::New(ConnectRequest {
                    type_slug: "scripted".into(),
                    name: "c".into(),
                    auth_type: None,
                    fields: BTreeMap::from([("client_id".to_string(), "cid".to_string())]),
                    secrets: BTreeMap::new(),
                }),
                "http://127.0.0.1:9/oauth/callback",
            )
            .err()
            .unwrap_or_else(|| panic!("{list}.{name} was used"))
            .to_string();
        assert!(
            err.contains(&format!("{list}.{name}")) && err.contains("protocol parameter"),
            "{err}"
        );
        assert!(token_posts(&server).is_empty());
    }
}

/// The browser of the window's login broker, replaced: it records the URLs it was asked to open.
struct RecordingBrowser(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl patchbay_core::oauth::BrowserOpener for RecordingBrowser {
    fn open(&self, url: &str) -> Result<(), patchbay_core::oauth::OAuthError> {
        self.0.lock().unwrap().push(url.to_string());
        Ok(())
    }
}

#[test]
fn a_deep_link_redirect_from_another_issuer_is_refused_and_spends_the_login() {
    use patchbay_core::oauth::{LoginBroker, OAuthLoginRequest};
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    // Deep-link redirect (the default); the authorize endpoint is at https://as.example.
    pb.create_type(def(&server, "oauth2_authorization_code"))
        .unwrap();
    let opened = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let broker = std::sync::Arc::new(LoginBroker::new(
        patchbay_core::desktop::Opener {
            data_dir: dir.path().to_path_buf(),
            passphrase: Some(Secret::new("correct horse battery staple")),
        },
        Box::new(RecordingBrowser(opened.clone())),
    ));
    let start = || {
        let started = broker
            .start(
                &pb,
                OAuthLoginRequest {
                    slug: "scripted".into(),
                    name: "c".into(),
                    auth_type: None,
                    fields: BTreeMap::from([("client_id".to_string(), "cid".to_string())]),
                    client_secret: None,
                },
            )
            .expect("start");
        assert_eq!(opened.lock().unwrap().last(), Some(&started.authorize_url));
        url::Url::parse(&started.authorize_url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .expect("state")
    };
    let redirect = |state: &str, iss: &str| {
        format!(
            "patchbay://oauth/callback?code=the-code&state={state}&iss={}",
            url::form_urlencoded::byte_serialize(iss.as_bytes()).collect::<String>()
        )
    };
    for foreign in [
        "https://attacker.example",
        "https://as.example.attacker.example",
        "http://as.example",
        "https://as.example:8443",
        "https://as.example/?tenant=x",
        "",
    ] {
        let state = start();
        let report = broker.finish(&redirect(&state, foreign));
        assert!(
            !report.ok && report.message.contains("mix-up"),
            "{foreign:?}: {report:?}"
        );
        assert!(report.message.contains("nothing was stored"), "{report:?}");
        assert!(
            token_posts(&server).is_empty(),
            "{foreign:?}: the code was sent to the token endpoint"
        );
        assert!(pb.list_connections().unwrap().is_empty());
        // The login is spent: the genuine answer afterwards is refused too.
        let late = broker.finish(&redirect(&state, "https://as.example"));
        assert!(
            !late.ok && late.message.contains("used already"),
            "{late:?}"
        );
    }
    // From the authorize endpoint's own origin (the issuer is derived from it): accepted.
    let state = start();
    server.queue_json(200, r#"{"access_token":"at-1","token_type":"Bearer"}"#);
    let report = broker.finish(&redirect(&state, "https://as.example"));
    assert!(report.ok, "{report:?}");
    assert_eq!(pb.list_connections().unwrap().len(), 1);
}
