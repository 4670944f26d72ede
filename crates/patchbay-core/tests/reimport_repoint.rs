//! DESIGN.md invariant 3 end to end: a re-import that re-points a connected type at another
//! origin pauses the connection; a request through it is refused with the host change named and
//! reaches neither server; after approval it goes to the new one.

mod support;

use patchbay_core::model::{AuthType, ConnectionStatus, IntegrationDef};
use patchbay_core::request::RequestSpec;
use patchbay_core::ConflictPolicy;
use serde_json::json;
use support::server::TestServer;
use support::*;

fn def(base_url: &str) -> IntegrationDef {
    serde_json::from_value(json!({
        "slug": "acme",
        "display_name": "Acme",
        "base_url": base_url,
        "auth_patterns": [{"type": "bearer",
            "fields": [{"field_name": "token", "input_type": "password", "required": true}]}]
    }))
    .unwrap()
}

#[test]
fn a_repointed_connection_sends_nothing_until_approved() {
    let (old, new) = (TestServer::start(), TestServer::start());
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def(&old.url())).unwrap();
    connect(
        &pb,
        "acme",
        "Acme",
        Some(AuthType::Bearer),
        &[],
        &[("token", TOKEN)],
    );
    let bundle =
        json!({"format": "patchbay.bundle", "version": 1, "integrations": [def(&new.url())]});
    let report = pb
        .import_bundle(
            "shared.bundle.json",
            &bundle.to_string(),
            ConflictPolicy::Replace,
            false,
        )
        .unwrap();
    assert_eq!(report.items[0].paused_connections.len(), 1);
    assert_eq!(
        pb.get_connection("Acme").unwrap().status,
        ConnectionStatus::Paused
    );

    let err = pb
        .prepare_request("Acme", RequestSpec::new("GET", "/me"))
        .expect_err("refused")
        .to_string();
    let (from, to) = (old.url(), new.url());
    assert!(
        err.contains("is paused") && err.contains(&from) && err.contains(&to),
        "{err}"
    );
    assert!(err.contains("patchbay connections approve 'Acme'"), "{err}");
    assert!(
        old.received().is_empty() && new.received().is_empty(),
        "nothing was sent"
    );

    pb.approve_connection("Acme").unwrap();
    let (_, outcome) = run(&pb, "Acme", RequestSpec::new("GET", "/me"));
    assert!(outcome.is_success());
    assert!(old.received().is_empty());
    let got = new.received();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}
