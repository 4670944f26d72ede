//! The core against real SQLite files: types, connections, bundles, and the rules that protect
//! a person's data (all-or-nothing imports, delete refused while connected, paused re-points).

use std::collections::BTreeMap;

use patchbay_core::model::{ConnectionStatus, IntegrationDef};
use patchbay_core::vault::VaultConfig;
use patchbay_core::{
    ConflictPolicy, ConnectRequest, CoreError, ImportAction, OpenOptions, Patchbay, Secret,
};
use serde_json::json;

fn open(dir: &std::path::Path) -> Patchbay {
    Patchbay::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        vault: VaultConfig {
            passphrase: Some(Secret::new("correct horse battery staple")),
            prompt: None,
            use_keyring: false,
        },
    })
    .expect("open data dir")
}

fn def(slug: &str, host: &str) -> IntegrationDef {
    serde_json::from_value(json!({
        "slug": slug,
        "display_name": format!("{slug} API"),
        "base_url": format!("https://{host}/v1"),
        "auth_patterns": [{
            "type": "api_key",
            "fields": [{"field_name": "api_key", "label": "API key", "input_type": "password", "required": true}],
            "api_key": {"in": "header", "name": "X-API-Key"}
        }]
    }))
    .expect("valid test definition")
}

fn bundle(defs: &[serde_json::Value]) -> String {
    json!({"format": "patchbay.bundle", "version": 1, "integrations": defs}).to_string()
}

fn connect(pb: &Patchbay, slug: &str, name: &str, key: &str) {
    pb.connect(ConnectRequest {
        type_slug: slug.into(),
        name: name.into(),
        auth_type: None,
        fields: BTreeMap::new(),
        secrets: BTreeMap::from([("api_key".to_string(), Secret::new(key))]),
    })
    .expect("connect");
}

#[test]
fn created_types_list_with_connection_counts() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "api.acme.example")).unwrap();
    pb.create_type(def("beta", "api.beta.example")).unwrap();
    connect(&pb, "acme", "Acme prod", "sk_live_0123456789abcdef");
    let list = pb.list_types().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].slug, "acme");
    assert_eq!(list[0].connection_count, 1);
    assert!(list[0].editable);
    assert_eq!(list[1].connection_count, 0);
}

#[test]
fn a_slug_cannot_be_created_twice() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "a.example")).unwrap();
    let err = pb.create_type(def("acme", "b.example")).unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("already exists"));
}

#[test]
fn delete_is_refused_while_connections_depend_on_the_type() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "a.example")).unwrap();
    connect(&pb, "acme", "Acme one", "k1-0123456789abcdef");
    connect(&pb, "acme", "Acme two", "k2-0123456789abcdef");
    let err = pb.delete_type("acme", false).unwrap_err().to_string();
    assert!(
        err.contains("Acme one") && err.contains("Acme two"),
        "{err}"
    );
    pb.delete_connection("Acme one").unwrap();
    pb.delete_connection("Acme two").unwrap();
    pb.delete_type("acme", false).unwrap();
    assert!(pb.list_types().unwrap().is_empty());
}

#[test]
fn secrets_are_sealed_replaced_in_place_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "a.example")).unwrap();
    connect(&pb, "acme", "Acme", "sk_live_canary_first_value_1111");
    let before = pb.get_connection("Acme").unwrap();
    assert_eq!(pb.masked_secrets("Acme").unwrap()[0].masked, "••••1111");
    pb.set_secret(
        "Acme",
        "api_key",
        Secret::new("sk_live_canary_second_value_2222"),
    )
    .unwrap();
    let after = pb.get_connection("Acme").unwrap();
    assert_eq!(before.id, after.id, "replaced in place, not recreated");
    assert_eq!(pb.masked_secrets("Acme").unwrap()[0].masked, "••••2222");
    assert_eq!(
        pb.reveal_secret("Acme", "api_key").unwrap().expose(),
        "sk_live_canary_second_value_2222"
    );
    drop(pb);
    let raw = std::fs::read(dir.path().join("patchbay.db")).unwrap();
    let wal = std::fs::read(dir.path().join("patchbay.db-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        let hay = String::from_utf8_lossy(bytes);
        assert!(
            !hay.contains("sk_live_canary"),
            "secret in plaintext on disk"
        );
    }
}

#[test]
fn secret_fields_must_come_as_secrets_and_required_ones_must_be_present() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "a.example")).unwrap();
    let err = pb
        .connect(ConnectRequest {
            type_slug: "acme".into(),
            name: "Acme".into(),
            auth_type: None,
            fields: BTreeMap::from([("api_key".to_string(), "oops".to_string())]),
            secrets: BTreeMap::new(),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("field 'api_key' is secret"), "{err}");
    assert!(err.contains("required field 'api_key' is missing"), "{err}");
    assert!(
        !err.contains("oops"),
        "the misplaced value is not echoed: {err}"
    );
}

#[test]
fn names_that_share_an_environment_variable_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "a.example")).unwrap();
    connect(&pb, "acme", "My API", "k1-0123456789abcdef");
    let err = pb
        .connect(ConnectRequest {
            type_slug: "acme".into(),
            name: "my-api".into(),
            auth_type: None,
            fields: BTreeMap::new(),
            secrets: BTreeMap::from([("api_key".to_string(), Secret::new("k2"))]),
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("CUSTOM_API_MY_API") && err.contains("My API"),
        "{err}"
    );
}

#[test]
fn import_is_all_or_nothing_and_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let mut bad = serde_json::to_value(def("bad", "x.example")).unwrap();
    bad["base_url"] = json!("ftp://x.example");
    let mut worse = serde_json::to_value(def("worse", "y.example")).unwrap();
    worse["auth_patterns"][0]["type"] = json!("kerberos");
    let text = bundle(&[
        serde_json::to_value(def("good", "g.example")).unwrap(),
        bad,
        worse,
    ]);
    let err = pb
        .import_bundle("team.json", &text, ConflictPolicy::Fail, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("team.json"), "{err}");
    assert!(err.contains("integrations[1].base_url"), "{err}");
    assert!(
        err.contains("integrations[2].auth_patterns[0].type"),
        "{err}"
    );
    assert!(pb.list_types().unwrap().is_empty(), "nothing imported");
}

#[test]
fn imported_types_are_read_only_until_duplicated() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let text = bundle(&[serde_json::to_value(def("acme", "a.example")).unwrap()]);
    let report = pb
        .import_bundle("shared/acme.json", &text, ConflictPolicy::Fail, false)
        .unwrap();
    assert_eq!(report.count(ImportAction::Create), 1);
    let t = pb.get_type("acme").unwrap();
    assert!(!t.editable);
    assert_eq!(t.origin_source.as_deref(), Some("acme.json"));
    let err = pb
        .update_type("acme", def("acme", "b.example"))
        .unwrap_err();
    assert!(err.to_string().contains("types duplicate acme"), "{err}");
    let copy = pb.duplicate_type("acme", None).unwrap();
    assert_eq!(copy.def.slug, "acme-copy");
    assert!(copy.editable);
    pb.update_type("acme-copy", def("acme-copy", "b.example"))
        .unwrap();
}

#[test]
fn conflict_policies() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "a.example")).unwrap();
    let mut changed = serde_json::to_value(def("acme", "a.example")).unwrap();
    changed["description"] = json!("new description");
    let text = bundle(&[
        changed,
        serde_json::to_value(def("beta", "b.example")).unwrap(),
    ]);

    let err = pb
        .import_bundle("b.json", &text, ConflictPolicy::Fail, false)
        .unwrap_err();
    assert!(err.to_string().contains("acme"), "{err}");
    assert_eq!(pb.list_types().unwrap().len(), 1, "fail imports nothing");

    let dry = pb
        .import_bundle("b.json", &text, ConflictPolicy::Replace, true)
        .unwrap();
    assert_eq!(dry.items[0].action, ImportAction::Replace);
    assert_eq!(dry.items[0].changed_fields, vec!["description"]);
    assert_eq!(pb.list_types().unwrap().len(), 1, "dry run writes nothing");

    let skipped = pb
        .import_bundle("b.json", &text, ConflictPolicy::Skip, false)
        .unwrap();
    assert_eq!(skipped.items[0].action, ImportAction::Skip);
    assert_eq!(pb.get_type("acme").unwrap().def.description, "");

    let renamed = pb
        .import_bundle("b.json", &text, ConflictPolicy::Rename, false)
        .unwrap();
    assert_eq!(renamed.items[0].stored_as, "acme-2");
    assert_eq!(renamed.items[1].action, ImportAction::Unchanged);

    pb.import_bundle("b.json", &text, ConflictPolicy::Replace, false)
        .unwrap();
    assert_eq!(
        pb.get_type("acme").unwrap().def.description,
        "new description"
    );
}

#[test]
fn replacing_a_type_with_a_new_host_pauses_its_connections() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("acme", "api.acme.example")).unwrap();
    connect(&pb, "acme", "Acme", "sk_live_0123456789abcdef");
    let text = bundle(&[serde_json::to_value(def("acme", "evil.example")).unwrap()]);
    let report = pb
        .import_bundle("new.json", &text, ConflictPolicy::Replace, false)
        .unwrap();
    assert_eq!(report.items[0].paused_connections.len(), 1);
    let c = pb.get_connection("Acme").unwrap();
    assert_eq!(c.status, ConnectionStatus::Paused);
    let why = c.last_error.unwrap();
    assert!(
        why.contains("api.acme.example") && why.contains("evil.example"),
        "{why}"
    );
    let approved = pb.approve_connection("Acme").unwrap();
    assert_eq!(approved.status, ConnectionStatus::Untested);
}

#[test]
fn export_is_deterministic_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    pb.create_type(def("zeta", "z.example")).unwrap();
    pb.create_type(def("alpha", "a.example")).unwrap();
    let first = pb.export_bundle(&[]).unwrap();
    assert_eq!(first, pb.export_bundle(&[]).unwrap());
    assert!(first.find("\"alpha\"").unwrap() < first.find("\"zeta\"").unwrap());
    assert!(first.contains("\"requires\""));

    let other = tempfile::tempdir().unwrap();
    let pb2 = open(other.path());
    pb2.import_bundle("x.json", &first, ConflictPolicy::Fail, false)
        .unwrap();
    assert_eq!(pb2.export_bundle(&[]).unwrap(), first);
}

#[test]
fn export_refuses_output_that_contains_a_stored_secret() {
    let dir = tempfile::tempdir().unwrap();
    let pb = open(dir.path());
    let mut d = def("acme", "a.example");
    // A careless description that pastes the key itself.
    d.description = "use key sk_live_pasted_by_mistake_42".into();
    pb.create_type(d).unwrap();
    connect(&pb, "acme", "Acme", "sk_live_pasted_by_mistake_42");
    let err = pb.export_bundle(&[]).unwrap_err().to_string();
    assert!(err.contains("api_key") && err.contains("Acme"), "{err}");
    assert!(!err.contains("sk_live_pasted"), "{err}");
}

#[test]
fn a_database_from_a_newer_patchbay_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let conn = rusqlite::Connection::open(dir.path().join("patchbay.db")).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    let err = Patchbay::open(OpenOptions::new(dir.path().to_path_buf()))
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("newer Patchbay") && err.contains("99"),
        "{err}"
    );
}

/// Opening the data folder again in the same process (the window opens it per operation) must
/// not disturb an open one: closing any descriptor of the database file would drop SQLite's
/// POSIX locks and turn the next read into "disk I/O error".
#[test]
fn opening_the_folder_again_in_the_same_process_leaves_an_open_store_working() {
    let dir = tempfile::tempdir().unwrap();
    let first = open(dir.path());
    first.create_type(def("acme", "api.acme.example")).unwrap();
    for _ in 0..5 {
        let again = open(dir.path());
        assert_eq!(again.list_types().unwrap().len(), 1);
        drop(again);
        assert_eq!(first.list_types().unwrap().len(), 1);
    }
}
