//! Auth application against a real server on 127.0.0.1: for each pattern, what the server
//! received is exactly what the pattern defines — no more headers, no fewer.

mod support;

use std::collections::BTreeSet;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use patchbay_core::model::{AuthType, IntegrationDef, KeyValue};
use patchbay_core::request::{RequestBody, RequestSpec, USER_AGENT};
use serde_json::json;
use sha2::{Digest, Sha256};
use support::server::{Received, TestServer};
use support::*;

/// Headers every request carries (hyper adds `host`).
const BASE_HEADERS: &[&str] = &["host", "user-agent", "accept", "accept-encoding"];

fn names(r: &Received) -> BTreeSet<String> {
    r.headers.iter().map(|(n, _)| n.clone()).collect()
}

fn expect_names(r: &Received, extra: &[&str]) {
    let want: BTreeSet<String> = BASE_HEADERS
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names(r), want, "headers received: {:?}", r.headers);
    assert_eq!(r.header("user-agent"), Some(USER_AGENT));
}

fn last(server: &TestServer) -> Received {
    server
        .received()
        .pop()
        .expect("the server received a request")
}

/// HMAC-SHA256 per the documented canonical string, computed independently of the engine.
fn expected_signature(key: &str, method: &str, target: &str, ts: &str, body: &[u8]) -> String {
    let canonical = format!(
        "{method}\n{target}\n{ts}\n{}",
        hex::encode(Sha256::digest(body))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(canonical.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn each_pattern_sends_exactly_its_material() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns(
        "acme",
        &format!("{}/api", server.url()),
        KeyIn::AuthorizationPrefixed,
    ))
    .unwrap();
    let names = connect_all(&pb, "acme", "acme");
    let spec = || {
        let mut s = RequestSpec::new("GET", "/check");
        s.query = vec![KeyValue {
            name: "x".into(),
            value: "1".into(),
        }];
        s
    };

    for (auth, name) in &names {
        server.clear();
        let (_, outcome) = run(&pb, name, spec());
        assert_eq!(
            outcome.response.as_ref().map(|r| r.status),
            Some(200),
            "{auth}: {:?}",
            outcome.error
        );
        let r = last(&server);
        assert_eq!(r.target, "/api/check?x=1", "{auth}");
        match auth {
            AuthType::None => expect_names(&r, &[]),
            AuthType::ApiKey => {
                expect_names(&r, &["authorization"]);
                assert_eq!(
                    r.header("authorization"),
                    Some(format!("Api-Key {API_KEY}").as_str())
                );
            }
            AuthType::Bearer => {
                expect_names(&r, &["authorization"]);
                assert_eq!(
                    r.header("authorization"),
                    Some(format!("Bearer {TOKEN}").as_str())
                );
            }
            AuthType::Basic => {
                expect_names(&r, &["authorization"]);
                let b64 =
                    base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"));
                assert_eq!(
                    r.header("authorization"),
                    Some(format!("Basic {b64}").as_str())
                );
            }
            AuthType::CustomHeaders => {
                expect_names(&r, &["x-tenant", "x-api-token", "x-static"]);
                assert_eq!(r.header("x-tenant"), Some("acme-tenant"));
                assert_eq!(
                    r.header("x-api-token"),
                    Some(format!("Token {HEADER_TOKEN}").as_str())
                );
                assert_eq!(r.header("x-static"), Some("patchbay-static"));
            }
            AuthType::Hmac => {
                expect_names(&r, &["x-timestamp", "x-signature", "x-key-id"]);
                let ts = r.header("x-timestamp").unwrap();
                let age = chrono::Utc::now().timestamp() - ts.parse::<i64>().unwrap();
                assert!((0..60).contains(&age), "timestamp {ts}");
                assert_eq!(r.header("x-key-id"), Some("key-1"));
                let sig = expected_signature(HMAC_KEY, "GET", "/api/check?x=1", ts, b"");
                assert_eq!(
                    r.header("x-signature"),
                    Some(format!("sha256={sig}").as_str())
                );
            }
            AuthType::Oauth2ClientCredentials => {
                expect_names(&r, &["authorization"]);
                assert_eq!(
                    r.header("authorization"),
                    Some(format!("Bearer {ACCESS_TOKEN}").as_str())
                );
            }
            AuthType::Oauth2AuthorizationCode => unreachable!(),
        }
    }
}

#[test]
fn hmac_signs_method_path_query_and_body() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns(
        "acme",
        &format!("{}/api", server.url()),
        KeyIn::XApiKey,
    ))
    .unwrap();
    let names = connect_all(&pb, "acme", "acme");
    let mut spec = RequestSpec::new("POST", "/items/a b");
    spec.query = vec![KeyValue {
        name: "q".into(),
        value: "x y&z".into(),
    }];
    spec.body = RequestBody::Json(r#"{"name":"widget"}"#.into());
    run(&pb, &names[&AuthType::Hmac], spec);
    let r = last(&server);
    assert_eq!(r.target, "/api/items/a%20b?q=x+y%26z");
    assert_eq!(r.body, br#"{"name":"widget"}"#);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let ts = r.header("x-timestamp").unwrap();
    let sig = expected_signature(HMAC_KEY, "POST", &r.target, ts, &r.body);
    assert_eq!(
        r.header("x-signature"),
        Some(format!("sha256={sig}").as_str())
    );
}

#[test]
fn api_key_in_other_header_or_query_and_header_override() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let base = format!("{}/api", server.url());
    pb.create_type(def_all_patterns("hdr", &base, KeyIn::XApiKey))
        .unwrap();
    pb.create_type(def_all_patterns("qry", &base, KeyIn::Query))
        .unwrap();
    connect(
        &pb,
        "hdr",
        "hdr",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
    connect(
        &pb,
        "qry",
        "qry",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );

    run(&pb, "hdr", RequestSpec::new("GET", "/k"));
    let r = last(&server);
    expect_names(&r, &["x-api-key"]);
    assert_eq!(r.header("x-api-key"), Some(API_KEY));

    let mut spec = RequestSpec::new("GET", "/k?page=2");
    spec.query = vec![KeyValue {
        name: "x".into(),
        value: "1".into(),
    }];
    let (prepared, outcome) = run(&pb, "qry", spec);
    let r = last(&server);
    expect_names(&r, &[]);
    assert_eq!(r.target, format!("/api/k?page=2&x=1&api_key={API_KEY}"));
    // The preview and the outcome show the key as its mask.
    assert!(
        prepared.preview().url.ends_with("api_key=••••2e41"),
        "{}",
        prepared.preview().url
    );
    assert_eq!(prepared.preview().auth_query, vec!["api_key".to_string()]);
    assert_no_canary("outcome", &serde_json::to_string(&outcome).unwrap());

    let over: IntegrationDef = serde_json::from_value(json!({
        "slug": "over", "display_name": "Override", "base_url": base,
        "auth_patterns": [{"type": "bearer", "auth_header_key_override": "X-Auth-Token",
            "fields": [{"field_name": "token", "input_type": "password", "required": true}]}]
    }))
    .unwrap();
    pb.create_type(over).unwrap();
    connect(&pb, "over", "over", None, &[], &[("token", TOKEN)]);
    run(&pb, "over", RequestSpec::new("GET", "/k"));
    let r = last(&server);
    expect_names(&r, &["x-auth-token"]);
    assert_eq!(
        r.header("x-auth-token"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn basic_without_password_uses_the_default_mutation() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns("fd", &server.url(), KeyIn::XApiKey))
        .unwrap();
    connect(
        &pb,
        "fd",
        "fd",
        Some(AuthType::Basic),
        &[("username", "fd_api_key_0123456789")],
        &[],
    );
    run(&pb, "fd", RequestSpec::new("GET", "/tickets"));
    let r = last(&server);
    let b64 = base64::engine::general_purpose::STANDARD.encode("fd_api_key_0123456789:X");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Basic {b64}").as_str())
    );
}

#[test]
fn caller_headers_and_action_templates_are_filled() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns(
        "acme",
        &format!("{}/api", server.url()),
        KeyIn::XApiKey,
    ))
    .unwrap();
    let names = connect_all(&pb, "acme", "acme");
    let conn = &names[&AuthType::CustomHeaders];

    let mut spec = RequestSpec::new("GET", "/t/{{tenant_id}}");
    spec.headers = vec![
        KeyValue {
            name: "X-Trace".into(),
            value: "t-{{tenant_id}}".into(),
        },
        KeyValue {
            name: "Accept".into(),
            value: "application/json".into(),
        },
    ];
    run(&pb, conn, spec);
    let r = last(&server);
    assert_eq!(r.target, "/api/t/acme-tenant");
    assert_eq!(r.header("x-trace"), Some("t-acme-tenant"));
    assert_eq!(r.header("accept"), Some("application/json"));

    let t = pb.get_type("acme").unwrap();
    let action = t
        .def
        .actions
        .iter()
        .find(|a| a.name == "create_item")
        .unwrap();
    let vars = [("item_id", "a/b"), ("item_name", "say \"hi\"")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    run(&pb, conn, RequestSpec::from_action(action, vars));
    let r = last(&server);
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/api/items/a%2Fb");
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["name"], "say \"hi\"");

    // A caller may not override what the auth pattern sets.
    let mut spec = RequestSpec::new("GET", "/x");
    spec.headers = vec![KeyValue {
        name: "X-Tenant".into(),
        value: "other".into(),
    }];
    let err = pb.prepare_request(conn, spec).unwrap_err().to_string();
    assert!(
        err.contains("x-tenant") && err.contains("auth pattern"),
        "{err}"
    );
}
