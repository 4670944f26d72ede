//! OAuth against hostile or broken providers (scripted endpoints on 127.0.0.1):
//! - token, userinfo and revocation answers larger than their cap (5 MB, a declared length, an
//!   endless chunked body) are refused quickly with a message that says so, and store nothing;
//! - a deep-link redirect from another issuer (RFC 9207 `iss`) is refused by the window's login
//!   broker before the code goes anywhere, and the login is spent;
//! - extra parameters that duplicate protocol ones are refused when a request is built, even
//!   from a stored type that escaped validation.

mod support;

use std::collections::BTreeMap;

use patchbay_core::model::ConnectionStatus;
use patchbay_core::Secret;
use serde_json::json;
use support::oauth::{
    block_on, chrono_now, def, def_with, logged_in, send, service_request, set_expiry, token_posts,
};
use support::server::TestServer;

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
    let (pending, callback) = support::oauth::begun_login(&pb, &[]);
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
        let (pending, callback) = support::oauth::begun_login(&pb, &[]);
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
                support::oauth::new_login(&[]),
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
