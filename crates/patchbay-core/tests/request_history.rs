//! History and the canary scan: after requests through every auth pattern — echoed secrets,
//! redirects, failures mid-request — no canary secret or derived value appears in the SQLite
//! file (raw bytes, WAL included), history entries, serialized outcomes, `Debug` output,
//! copy-as-curl, error messages or log lines.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use patchbay_core::model::{AuthType, KeyValue};
use patchbay_core::request::{
    to_curl, ExecuteOptions, MadeBy, Purpose, RequestBody, RequestSpec, Reveal,
};
use support::server::TestServer;
use support::*;

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[test]
fn no_canary_anywhere_after_every_kind_of_request() {
    let origin = TestServer::start();
    let other = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns(
        "hdr",
        &format!("{}/api", origin.url()),
        KeyIn::AuthorizationPrefixed,
    ))
    .unwrap();
    pb.create_type(def_all_patterns(
        "qry",
        &format!("{}/api", origin.url()),
        KeyIn::Query,
    ))
    .unwrap();
    pb.create_type(def_all_patterns(
        "tls",
        &format!("https://127.0.0.1:{}/api", origin.addr.port()),
        KeyIn::Query,
    ))
    .unwrap();
    let mut names: Vec<String> = connect_all(&pb, "hdr", "hdr").into_values().collect();
    connect(
        &pb,
        "qry",
        "qry-key",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
    connect(
        &pb,
        "tls",
        "tls-key",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
    names.push("qry-key".into());

    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let mut seen = String::new();
    tracing::subscriber::with_default(subscriber, || {
        for name in &names {
            let redirect: String = url::form_urlencoded::byte_serialize(
                format!("{}/x?keep=1", other.url()).as_bytes(),
            )
            .collect();
            let mut post = RequestSpec::new("POST", "/echo");
            post.body = RequestBody::Json("{\"note\": \"hello\"}".into());
            post.headers = vec![KeyValue {
                name: "X-Extra".into(),
                value: "{{tenant_id}}".into(),
            }];
            // Requests carry only the connection's own secrets, through its auth pattern (a
            // secret typed into a path by hand is no connection's secret to mask).
            let specs = [
                // The echo route returns every header received, secrets included, in the body.
                RequestSpec::new("GET", "/echo"),
                post,
                RequestSpec::new("GET", format!("/redirect?to={redirect}")),
                RequestSpec::new("GET", "/close"),
                RequestSpec::new("GET", "/status/401"),
            ];
            for spec in specs {
                let prepared = match pb.prepare_request(name, spec) {
                    Ok(p) => p,
                    // X-Extra names a field only the custom_headers pattern has.
                    Err(e) => {
                        seen.push_str(&e.to_string());
                        continue;
                    }
                };
                seen.push_str(&format!("{prepared:?}"));
                seen.push_str(&to_curl(&prepared, Reveal::No));
                seen.push_str(&serde_json::to_string(prepared.preview()).unwrap());
                let outcome = send(&prepared, &ExecuteOptions::default());
                seen.push_str(&serde_json::to_string(&outcome).unwrap());
                seen.push_str(&format!("{outcome:?}"));
                if let Some(e) = &outcome.error {
                    seen.push_str(&e.to_string());
                }
                pb.record_outcome(&prepared, &outcome, MadeBy::Agent)
                    .unwrap();
            }
        }
        let prepared = pb.prepare_test("tls-key", Some("/me")).unwrap();
        let outcome = send(&prepared, &ExecuteOptions::default());
        seen.push_str(&serde_json::to_string(&outcome).unwrap());
        pb.record_outcome(&prepared, &outcome, MadeBy::User)
            .unwrap();
    });

    // The echo really did carry secrets back: the body was masked, not empty.
    let history = pb.history(None, 1000).unwrap();
    assert!(history.iter().any(|h| h
        .response_body
        .as_deref()
        .is_some_and(|b| b.contains("••••"))));
    assert!(history.iter().any(|h| h.made_by == MadeBy::Agent));
    assert!(history
        .iter()
        .any(|h| h.purpose == Purpose::Test && h.error.is_some()));
    seen.push_str(&serde_json::to_string(&history).unwrap());
    for c in pb.list_connections().unwrap() {
        seen.push_str(&format!("{c:?}"));
    }

    let derived = [
        base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}")),
        format!("alice:{PASSWORD}"),
    ];
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("request sent") && logs.contains("request failed"),
        "{logs}"
    );
    for (what, text) in [("outputs", &seen), ("logs", &logs)] {
        assert_no_canary(what, text);
        for d in &derived {
            assert!(!text.contains(d.as_str()), "{what} contain a derived value");
        }
    }

    // Raw bytes of the database and its WAL.
    drop(pb);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for c in ALL_CANARIES
            .iter()
            .map(|c| c.to_string())
            .chain(derived.iter().cloned())
        {
            assert!(
                !bytes.windows(c.len()).any(|w| w == c.as_bytes()),
                "{} holds {c}",
                path.display()
            );
        }
    }
}

#[test]
fn curl_reveals_only_when_asked() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def_all_patterns("qry", &server.url(), KeyIn::Query))
        .unwrap();
    connect(
        &pb,
        "qry",
        "q",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
    let mut spec = RequestSpec::new("POST", "/items");
    spec.body = RequestBody::Json("{\"it's\": 1}".into());
    let prepared = pb.prepare_request("q", spec).unwrap();
    let masked = to_curl(&prepared, Reveal::No);
    assert!(masked.starts_with("curl "), "{masked}");
    assert!(
        masked.contains("api_key=••••2e41") && !masked.contains(API_KEY),
        "{masked}"
    );
    assert!(
        masked.contains("--data-raw '{\"it'\\''s\": 1}'"),
        "{masked}"
    );
    let revealed = to_curl(&prepared, Reveal::Yes);
    assert!(revealed.contains(API_KEY));
    assert!(server.received().is_empty(), "copy as curl sends nothing");
}

#[test]
fn history_is_per_connection_newest_first_and_pruned() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut pb = open(dir.path());
    pb.create_type(def_all_patterns("t", &server.url(), KeyIn::XApiKey))
        .unwrap();
    connect(
        &pb,
        "t",
        "a",
        Some(AuthType::Bearer),
        &[],
        &[("token", TOKEN)],
    );
    connect(
        &pb,
        "t",
        "b",
        Some(AuthType::Bearer),
        &[],
        &[("token", TOKEN)],
    );
    pb.set_history_retention(3);
    for i in 0..5 {
        run(&pb, "a", RequestSpec::new("GET", format!("/n/{i}")));
    }
    run(&pb, "b", RequestSpec::new("GET", "/b"));
    let a = pb.history(Some("a"), 100).unwrap();
    assert_eq!(a.len(), 3);
    let paths: Vec<&str> = a
        .iter()
        .map(|h| h.url.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(paths, vec!["4", "3", "2"]);
    assert!(a
        .iter()
        .all(|h| h.status == Some(200) && h.connection == "a"));
    assert!(a[0].timing.total_ms > 0.0 && a[0].response_size.is_some());
    assert_eq!(pb.history(None, 2).unwrap().len(), 2);
    assert_eq!(pb.history(None, 100).unwrap()[0].connection, "b");
    let err = pb.history(Some("nope"), 10).unwrap_err().to_string();
    assert!(err.contains("nope"));
    let c = pb.get_connection("a").unwrap();
    assert!(c.last_used_at.is_some());
    // History goes with its connection.
    pb.delete_connection("a").unwrap();
    assert_eq!(pb.history(None, 100).unwrap().len(), 1);
}
