//! Invariant 7 in the engine, for every caller: an OAuth connection's client secret and refresh
//! token are never placed by a template (a person's request or a saved action either), and a
//! secret a server reflects across the body cap is masked whole before the body is cut.

mod support;

use patchbay_core::model::{AuthType, KeyValue};
use patchbay_core::request::{ExecuteOptions, RequestSpec};
use patchbay_core::Secret;
use serde_json::json;
use support::server::TestServer;
use support::{def_all_patterns, KeyIn, API_KEY, CLIENT_SECRET};

fn header(name: &str, value: &str) -> KeyValue {
    KeyValue {
        name: name.into(),
        value: value.into(),
    }
}

#[test]
fn the_oauth_clients_secrets_are_never_placed_by_a_template() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    let mut def = def_all_patterns("acme", &format!("{}/api", server.url()), KeyIn::XApiKey);
    def.actions.push(
        serde_json::from_value(json!({"name": "leak", "method": "GET", "path": "/echo",
            "headers": [{"name": "X-Leak", "value": "{{client_secret}}"}]}))
        .unwrap(),
    );
    pb.create_type(def).unwrap();
    let names = support::connect_all(&pb, "acme", "c");
    let oauth = &names[&AuthType::Oauth2ClientCredentials];
    pb.set_secret(
        oauth,
        "refresh_token",
        Secret::new("rt_CANARY_refresh_0a1b2c3d4e"),
    )
    .unwrap();

    let mut attempts = Vec::new();
    for (h, field) in [
        ("{{client_secret}}", "client_secret"),
        ("Basic {{ client_secret }}", "client_secret"),
        ("{{refresh_token}}", "refresh_token"),
    ] {
        let mut spec = RequestSpec::new("GET", "/echo");
        spec.headers = vec![header("X-Leak", h)];
        attempts.push((spec, field));
    }
    let t = pb.get_type("acme").unwrap();
    let leak = t.def.actions.iter().find(|a| a.name == "leak").unwrap();
    attempts.push((
        RequestSpec::from_action(leak, Default::default()),
        "client_secret",
    ));
    for (spec, field) in attempts {
        let e = pb
            .prepare_request(oauth, spec)
            .expect_err("refused")
            .to_string();
        assert!(
            e.contains(&format!("'{field}'")) && e.contains("OAuth client"),
            "{e}"
        );
        support::assert_no_canary("the refusal", &e);
    }
    assert!(server.received().is_empty());
    // The person may still place an ordinary secret where a header allows it.
    let mut spec = RequestSpec::new("GET", "/echo");
    spec.headers = vec![header("X-Key", "{{api_key}}")];
    let (_, outcome) = support::run(&pb, &names[&AuthType::ApiKey], spec);
    assert!(outcome.is_success(), "{}", outcome.summary());
    assert_eq!(server.received()[0].header("x-key"), Some(API_KEY));
    assert_ne!(CLIENT_SECRET, API_KEY);
}

#[test]
fn a_secret_across_the_body_cap_is_masked_whole() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    pb.create_type(def_all_patterns(
        "acme",
        &format!("{}/api", server.url()),
        KeyIn::XApiKey,
    ))
    .unwrap();
    let names = support::connect_all(&pb, "acme", "c");
    let key = &names[&AuthType::ApiKey];
    let pad = 1000;
    let before = pad + "seen: ".len();
    // The cap falls after 1 to 15 characters of the reflected key (its mask takes 16 bytes).
    for inside in [1, 4, 8, 10, 11, 12, 15] {
        let mut spec = RequestSpec::new("GET", "/reflect");
        spec.query = vec![
            header("header", "x-api-key"),
            header("chars", &API_KEY.len().to_string()),
            header("pad", &pad.to_string()),
        ];
        let prepared = pb.prepare_request(key, spec).unwrap();
        let opts = ExecuteOptions {
            max_body_bytes: before + inside,
            ..ExecuteOptions::default()
        };
        let outcome = support::send(&prepared, &opts);
        let body = &outcome.response.as_ref().expect("a response").body;
        let text = String::from_utf8_lossy(&body.data);
        assert!(body.truncated, "{inside}");
        assert!(body.data.len() <= before + inside, "{inside}: over the cap");
        assert!(
            text.ends_with("seen: "),
            "{inside}: the key is masked, and the mask does not fit: …{}",
            &text[text.len().saturating_sub(30)..]
        );
    }
    // With room for the mask, the mask is kept.
    let mut spec = RequestSpec::new("GET", "/reflect");
    spec.query = vec![
        header("header", "x-api-key"),
        header("chars", &API_KEY.len().to_string()),
        header("pad", &pad.to_string()),
    ];
    let prepared = pb.prepare_request(key, spec).unwrap();
    let opts = ExecuteOptions {
        max_body_bytes: before + 30,
        ..ExecuteOptions::default()
    };
    let outcome = support::send(&prepared, &opts);
    let body = &outcome.response.as_ref().unwrap().body;
    let text = String::from_utf8_lossy(&body.data);
    assert!(
        text.ends_with(&format!("seen: ••••{}", &API_KEY[API_KEY.len() - 4..])),
        "{text}"
    );
    assert!(
        !body.truncated,
        "the whole body was received and kept (masked)"
    );
}
