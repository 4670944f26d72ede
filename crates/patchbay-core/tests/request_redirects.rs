//! Redirects and templates against real servers on 127.0.0.1 (DESIGN.md invariant 3): a
//! redirect to another origin carries none of any pattern's auth material; a same-origin redirect
//! keeps it; template values cannot re-point a request, and a refused request sends nothing.

mod support;

use base64::Engine as _;
use patchbay_core::model::{AuthType, KeyValue};
use patchbay_core::request::{ExecuteOptions, FailureKind, RequestBody, RequestError, RequestSpec};
use patchbay_core::CoreError;
use support::server::TestServer;
use support::*;

/// Every header name any pattern of `def_all_patterns` adds.
const AUTH_HEADERS: &[&str] = &[
    "authorization",
    "x-api-key",
    "x-tenant",
    "x-api-token",
    "x-static",
    "x-signature",
    "x-timestamp",
    "x-key-id",
];

fn redirect_to(url: &str, status: u16) -> String {
    let to: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
    format!("/redirect?status={status}&to={to}")
}

#[test]
fn cross_origin_redirects_drop_all_auth_material_of_every_pattern() {
    let origin = TestServer::start();
    let other = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let base = format!("{}/api", origin.url());
    pb.create_type(def_all_patterns("hdr", &base, KeyIn::AuthorizationPrefixed))
        .unwrap();
    pb.create_type(def_all_patterns("qry", &base, KeyIn::Query))
        .unwrap();
    // (connection, whether it has auth material, its own secret)
    let mut conns: Vec<(String, bool, &str)> = connect_all(&pb, "hdr", "hdr")
        .into_iter()
        .map(|(auth, name)| {
            let own = match auth {
                AuthType::ApiKey => API_KEY,
                AuthType::Bearer => TOKEN,
                AuthType::Basic => PASSWORD,
                AuthType::CustomHeaders => HEADER_TOKEN,
                AuthType::Hmac => HMAC_KEY,
                AuthType::Oauth2ClientCredentials => ACCESS_TOKEN,
                _ => "no-secret",
            };
            (name, auth != AuthType::None, own)
        })
        .collect();
    connect(
        &pb,
        "qry",
        "qry-key",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
    conns.push(("qry-key".into(), true, API_KEY));
    let derived = [
        base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}")),
        format!("alice:{PASSWORD}"),
    ];

    for status in [301, 302, 303, 307, 308] {
        for (name, has_auth, own) in &conns {
            other.clear();
            // The server even echoes the connection's secret into the Location it sends.
            let mut target = format!("{}/landing?keep=1&echo={own}", other.url());
            if name == "qry-key" {
                target.push_str(&format!("&api_key={API_KEY}"));
            }
            let (_, outcome) = run(
                &pb,
                name,
                RequestSpec::new("GET", redirect_to(&target, status)),
            );
            assert_eq!(
                outcome.response.as_ref().map(|r| r.status),
                Some(200),
                "{name}: {:?}",
                outcome.error
            );
            let got = other.received();
            assert_eq!(got.len(), 1, "{name}");
            let r = &got[0];
            for h in AUTH_HEADERS {
                assert!(
                    r.header(h).is_none(),
                    "{name} {status}: {h} reached the other origin: {:?}",
                    r.headers
                );
            }
            let everything = r.everything();
            if *has_auth {
                assert_no_canary(
                    &format!("{name} {status}: what the other origin received"),
                    &everything,
                );
            }
            for d in &derived {
                assert!(
                    !everything.contains(d.as_str()),
                    "{name}: derived value reached the other origin"
                );
            }
            let want = if *has_auth {
                "/landing?keep=1".to_string()
            } else {
                format!("/landing?keep=1&echo={own}")
            };
            assert_eq!(r.target, want, "{name}");
            assert_eq!(outcome.hops.len(), 2);
            let hop2 = &outcome.hops[1];
            assert!(!hop2.credentials_sent);
            assert_eq!(hop2.credentials_dropped, *has_auth, "{name}: {hop2:?}");
            if *has_auth {
                assert!(!hop2.dropped.is_empty(), "{name}");
            }
            assert!(outcome.hops[0]
                .location
                .as_deref()
                .is_some_and(|l| !l.contains(API_KEY)));
            assert_no_canary(
                &format!("{name}: outcome"),
                &serde_json::to_string(&outcome).unwrap(),
            );
        }
    }
    let entries = pb.history(Some("hdr-bearer"), 1).unwrap();
    assert!(entries[0].hops[1].credentials_dropped);
    assert_eq!(
        entries[0].hops[1].dropped,
        vec!["header authorization".to_string(), "query echo".to_string()]
    );
}

#[test]
fn same_origin_redirects_keep_auth_material() {
    let origin = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let base = format!("{}/api", origin.url());
    pb.create_type(def_all_patterns("hdr", &base, KeyIn::XApiKey))
        .unwrap();
    pb.create_type(def_all_patterns("qry", &base, KeyIn::Query))
        .unwrap();
    let names = connect_all(&pb, "hdr", "hdr");
    connect(
        &pb,
        "qry",
        "qry-key",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );

    for name in names
        .values()
        .chain(std::iter::once(&"qry-key".to_string()))
    {
        origin.clear();
        let target = format!("{}/api/landing?keep=1", origin.url());
        let (_, outcome) = run(
            &pb,
            name,
            RequestSpec::new("GET", redirect_to(&target, 302)),
        );
        assert!(outcome.is_success(), "{name}: {:?}", outcome.error);
        let got = origin.received();
        assert_eq!(got.len(), 2);
        let (first, second) = (&got[0], &got[1]);
        for h in AUTH_HEADERS
            .iter()
            .filter(|h| !h.starts_with("x-signature") && **h != "x-timestamp")
        {
            assert_eq!(first.header(h), second.header(h), "{name}: {h}");
        }
        assert!(
            !outcome.hops[1].credentials_dropped
                && outcome.hops[1].credentials_sent == (name != "hdr-none")
        );
        if name == "qry-key" {
            assert_eq!(
                second.target,
                format!("/api/landing?keep=1&api_key={API_KEY}")
            );
        }
        if name == "hdr-hmac" {
            // Signed again for the new path.
            assert_ne!(first.header("x-signature"), second.header("x-signature"));
            assert!(second.header("x-signature").is_some());
        }
    }
}

#[test]
fn redirect_methods_bodies_and_limit() {
    let origin = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns("t", &origin.url(), KeyIn::XApiKey))
        .unwrap();
    connect(
        &pb,
        "t",
        "c",
        Some(AuthType::Bearer),
        &[],
        &[("token", TOKEN)],
    );
    let post = |status: u16| {
        let mut s = RequestSpec::new("POST", redirect_to("/next", status));
        s.body = RequestBody::Json("{\"a\":1}".into());
        s
    };
    run(&pb, "c", post(307));
    let got = origin.received();
    assert_eq!(
        (got[1].method.as_str(), got[1].body.as_slice()),
        ("POST", &b"{\"a\":1}"[..])
    );
    origin.clear();
    run(&pb, "c", post(303));
    let got = origin.received();
    assert_eq!(got[1].method, "GET");
    assert!(got[1].body.is_empty() && got[1].header("content-type").is_none());

    origin.clear();
    let (_, outcome) = run(
        &pb,
        "c",
        RequestSpec::new("GET", redirect_to("/redirect?to=%2Fredirect", 302)),
    );
    let err = outcome.error.expect("loop stops");
    assert_eq!(err.kind, FailureKind::TooManyRedirects);
    assert_eq!(outcome.hops.len(), 11);
    assert_eq!(origin.received().len(), 11);

    let prepared = pb
        .prepare_request("c", RequestSpec::new("GET", "/redirect?to=%2Fok"))
        .unwrap();
    let opts = ExecuteOptions {
        max_redirects: 0,
        ..ExecuteOptions::default()
    };
    let outcome = send(&prepared, &opts);
    assert_eq!(outcome.error.unwrap().kind, FailureKind::TooManyRedirects);
}

#[test]
fn template_injection_is_refused_and_nothing_is_sent() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let port = server.addr.port();
    let def = serde_json::json!({
        "slug": "tmpl", "display_name": "Templates",
        "base_url": format!("http://{{{{domain}}}}:{port}/t/{{{{tenant}}}}"),
        "auth_patterns": [{"type": "custom_headers",
            "fields": [
                {"field_name": "domain", "required": true},
                {"field_name": "tenant", "required": true},
                {"field_name": "note"},
                {"field_name": "token", "input_type": "password", "required": true}],
            "headers": [{"name": "X-Token", "value": "{{token}}"}, {"name": "X-Note", "value": "{{note}}"}]}]
    });
    pb.create_type(serde_json::from_value(def).unwrap())
        .unwrap();
    let mk = |name: &str, domain: &str, tenant: &str, note: &str| {
        connect(
            &pb,
            "tmpl",
            name,
            None,
            &[("domain", domain), ("tenant", tenant), ("note", note)],
            &[("token", TOKEN)],
        );
    };
    mk("good", "127.0.0.1", "acme", "n");
    mk("evil-host", "evil.example/x?", "acme", "n");
    mk("evil-port", "evil.example:80", "acme", "n");
    mk("evil-user", "user@evil.example", "acme", "n");
    mk("evil-tenant", "127.0.0.1", "..", "n");
    mk("evil-header", "127.0.0.1", "acme", "a\r\nX-Injected: 1");

    let expect_refusal = |conn: &str, spec: RequestSpec, field: &str| {
        let err = pb.prepare_request(conn, spec).expect_err("refused");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("'{field}'")) || msg.contains(&format!("{{{{{field}}}}}")),
            "{conn}: {msg}"
        );
        assert!(matches!(err, CoreError::Request(_)), "{conn}: {err:?}");
        assert!(!msg.contains(TOKEN), "{msg}");
    };
    for conn in ["evil-host", "evil-port", "evil-user"] {
        expect_refusal(conn, RequestSpec::new("GET", "/x"), "domain");
    }
    expect_refusal("evil-tenant", RequestSpec::new("GET", "/x"), "tenant");
    expect_refusal("evil-header", RequestSpec::new("GET", "/x"), "note");
    expect_refusal("good", RequestSpec::new("GET", "/x/{{nope}}"), "nope");
    expect_refusal("good", RequestSpec::new("GET", "/x/{{token}}"), "token");
    let mut q = RequestSpec::new("GET", "/x");
    q.query = vec![KeyValue {
        name: "t".into(),
        value: "{{token}}".into(),
    }];
    expect_refusal("good", q, "token");
    let mut h = RequestSpec::new("GET", "/x");
    h.vars.insert("v".into(), "1\nX-Evil: 2".into());
    h.headers = vec![KeyValue {
        name: "X-V".into(),
        value: "{{v}}".into(),
    }];
    expect_refusal("good", h, "v");
    for other in [
        "https://evil.example/x",
        "//evil.example/x",
        &format!("http://127.0.0.1:{}/x", port + 1),
    ] {
        let err = pb
            .prepare_request("good", RequestSpec::new("GET", other))
            .unwrap_err();
        assert!(
            matches!(err, CoreError::Request(RequestError::OtherHost(_))),
            "{other}: {err}"
        );
    }
    assert!(
        server.received().is_empty(),
        "a refused request reached the server"
    );

    // Path values are one encoded segment; the good connection works.
    let mut spec = RequestSpec::new("GET", "/items/{{id}}");
    spec.vars.insert("id".into(), "../../admin?x=1#f".into());
    run(&pb, "good", spec);
    assert_eq!(
        server.received()[0].target,
        "/t/acme/items/..%2F..%2Fadmin%3Fx%3D1%23f"
    );
}
