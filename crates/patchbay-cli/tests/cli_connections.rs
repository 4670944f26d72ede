//! `patchbay connect`, `patchbay connections …` and `patchbay vault status`.

mod common;

use common::{api_key_type, bundle, Env, PASSPHRASE};
use predicates::prelude::*;
use serde_json::json;

fn basic_type() -> serde_json::Value {
    json!({
        "slug": "freshdesk",
        "display_name": "Freshdesk",
        "base_url": "https://{{domain}}/api/v2",
        "auth_patterns": [
            {"type": "basic", "fields": [
                {"field_name": "domain", "label": "Domain", "required": true},
                {"field_name": "username", "label": "User", "required": true},
                {"field_name": "password", "label": "Password", "input_type": "password"}]},
            {"type": "bearer", "fields": [
                {"field_name": "domain", "label": "Domain", "required": true},
                {"field_name": "token", "label": "Token", "input_type": "password", "required": true}]}
        ]
    })
}

#[test]
fn connect_reads_secrets_from_stdin_in_order_and_shows_them_masked() {
    let env = Env::new();
    env.create_type(&basic_type());
    env.cmd()
        .args([
            "connect",
            "freshdesk",
            "--name",
            "Support desk",
            "--auth",
            "basic",
        ])
        .args([
            "--field",
            "domain=acme.freshdesk.com",
            "--field",
            "username=agent",
        ])
        .args(["--secret", "password"])
        .write_stdin("a-password-that-is-long-9876\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("CUSTOM_API_SUPPORT_DESK"));
    let shown = env.json(&["connections", "show", "Support desk", "--json"]);
    assert_eq!(
        shown["fields"],
        json!({"domain": "acme.freshdesk.com", "username": "agent"})
    );
    assert_eq!(
        shown["secrets"],
        json!([{"key": "password", "masked": "••••9876"}])
    );
    assert_eq!(shown["status"], "untested");
    assert!(shown["id"].as_str().unwrap().starts_with("cn_"));
    env.cmd()
        .args(["connections", "show", "Support desk"])
        .assert()
        .success()
        .stdout(predicate::str::contains("password = ••••9876"));

    env.cmd()
        .args([
            "connect",
            "freshdesk",
            "--name",
            "Short",
            "--auth",
            "bearer",
        ])
        .args(["--field", "domain=x.example", "--secret", "token"])
        .write_stdin("short\n")
        .assert()
        .success();
    let short = env.json(&["connections", "show", "Short", "--json"]);
    assert_eq!(
        short["secrets"][0]["masked"], "••••",
        "short secrets show no characters"
    );

    let list = env.json(&["connections", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    env.cmd()
        .args(["connections", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Support desk").and(predicate::str::contains("untested")));
}

#[test]
fn connect_errors_name_what_is_wrong_and_never_echo_values() {
    let env = Env::new();
    env.create_type(&basic_type());
    env.cmd()
        .args(["connect", "freshdesk", "--name", "X"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("several auth patterns")
                .and(predicate::str::contains("--auth")),
        );
    env.cmd()
        .args(["connect", "freshdesk", "--name", "X", "--auth", "hmac"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no 'hmac' auth pattern"));
    env.cmd()
        .args(["connect", "freshdesk", "--name", "X", "--auth", "magic"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "unknown auth pattern type 'magic'",
        ));
    env.cmd()
        .args(["connect", "freshdesk", "--name", "X", "--auth", "bearer"])
        .args([
            "--field",
            "domain=x.example",
            "--field",
            "token=tok_supersecret_value",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("field 'token' is secret")
                .and(predicate::str::contains("--secret token"))
                .and(predicate::str::contains("tok_supersecret_value").not()),
        );
    env.cmd()
        .args([
            "connect",
            "freshdesk",
            "--name",
            "X",
            "--auth",
            "bearer",
            "--secret",
            "token",
        ])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("stdin ended"));
    env.cmd()
        .args(["connect", "nope", "--name", "X"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no integration type named 'nope'"));
    env.cmd()
        .args(["connect", "freshdesk", "--name", "X", "--field", "novalue"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("KEY=VALUE").and(predicate::str::contains("novalue").not()),
        );
    assert_eq!(env.json(&["connections", "list", "--json"]), json!([]));
}

#[test]
fn secret_files_rename_set_secret_and_delete() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    std::fs::write(
        env.dir.path().join("key.txt"),
        "sk_live_from_a_file_00001111\n",
    )
    .unwrap();
    env.cmd()
        .args([
            "connect",
            "acme",
            "--name",
            "My API",
            "--secret-file",
            "api_key=key.txt",
        ])
        .assert()
        .success();
    let before = env.json(&["connections", "show", "My API", "--json"]);
    assert_eq!(before["secrets"][0]["masked"], "••••1111");

    env.cmd()
        .args(["connections", "set-secret", "My API", "api_key"])
        .write_stdin("sk_live_replaced_in_place_2222\n")
        .assert()
        .success();
    let after = env.json(&["connections", "show", "My API", "--json"]);
    assert_eq!(after["id"], before["id"], "replaced in place");
    assert_eq!(after["secrets"][0]["masked"], "••••2222");
    std::fs::write(
        env.dir.path().join("k3.txt"),
        "sk_live_third_value_from_file_3333",
    )
    .unwrap();
    env.cmd()
        .args([
            "connections",
            "set-secret",
            "My API",
            "api_key",
            "--from-file",
            "k3.txt",
        ])
        .assert()
        .success();
    assert_eq!(
        env.json(&["connections", "show", "My API", "--json"])["secrets"][0]["masked"],
        "••••3333"
    );
    env.cmd()
        .args(["connections", "set-secret", "My API", "nope"])
        .write_stdin("x\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no secret field 'nope'"));

    env.cmd()
        .args(["connections", "rename", "My API", "Billing"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CUSTOM_API_BILLING"));
    assert_eq!(
        env.json(&["connections", "show", "Billing", "--json"])["env_name"],
        "CUSTOM_API_BILLING"
    );
    env.connect_api_key("acme", "Other", "sk_live_other_0123456789");
    env.cmd()
        .args(["connections", "rename", "Other", "billing"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("CUSTOM_API_BILLING").and(predicate::str::contains("Billing")),
        );

    env.cmd()
        .args(["connections", "delete", "Billing"])
        .assert()
        .success();
    env.cmd()
        .args(["connections", "show", "Billing"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no connection named 'Billing'"));
    env.cmd()
        .args(["connections", "approve", "Other"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not paused"));
}

#[test]
fn a_reimport_that_moves_the_host_pauses_connections_until_approved() {
    let env = Env::new();
    let first = env.write_json(
        "v1.json",
        &bundle(&[api_key_type("acme", "api.acme.example")]),
    );
    env.cmd().arg("import").arg(&first).assert().success();
    env.connect_api_key("acme", "Acme", "sk_live_0123456789abcdef");
    let moved = env.write_json(
        "v2.json",
        &bundle(&[api_key_type("acme", "collector.evil.example")]),
    );
    env.cmd()
        .arg("import")
        .arg(&moved)
        .args(["--on-conflict", "replace"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Acme"));
    let c = env.json(&["connections", "show", "Acme", "--json"]);
    assert_eq!(c["status"], "paused");
    let why = c["last_error"].as_str().unwrap();
    assert!(
        why.contains("api.acme.example") && why.contains("collector.evil.example"),
        "{why}"
    );
    assert!(why.contains("connections approve Acme"), "{why}");
    env.cmd()
        .args(["connections", "approve", "Acme"])
        .assert()
        .success();
    assert_eq!(
        env.json(&["connections", "show", "Acme", "--json"])["status"],
        "untested"
    );
}

#[test]
fn passphrase_mode_status_and_a_wrong_passphrase_changes_nothing() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "Acme", "sk_live_0123456789abcdef");
    let status = env.json(&["vault", "status", "--json"]);
    assert_eq!(status["mode"], "passphrase");
    assert!(status["warning"].is_string());
    env.cmd()
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("vault: passphrase").and(predicate::str::contains("warning:")),
        );

    let db = env.data_dir().join("patchbay.db");
    let snapshot = || {
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        let mut rows: Vec<(String, Vec<u8>)> = conn
            .prepare("SELECT key, envelope FROM secrets ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let meta: Vec<u8> = conn
            .query_row("SELECT check_envelope FROM vault_meta", [], |r| r.get(0))
            .unwrap();
        rows.push(("meta".into(), meta));
        rows
    };
    let before = snapshot();
    for args in [
        vec!["connections", "show", "Acme"],
        vec!["connections", "set-secret", "Acme", "api_key"],
    ] {
        env.cmd()
            .args(&args)
            .env("PATCHBAY_VAULT_PASSPHRASE", "not the passphrase")
            .write_stdin("sk_live_should_never_be_stored\n")
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "passphrase does not unlock this vault",
            ));
    }
    assert_eq!(before, snapshot(), "nothing changed");
    assert_eq!(
        env.json(&["connections", "show", "Acme", "--json"])["secrets"][0]["masked"],
        "••••cdef"
    );
    let _ = PASSPHRASE;
}

#[test]
fn no_keyring_and_no_passphrase_stops_with_instructions() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.cmd()
        .args(["connect", "acme", "--name", "Acme", "--secret", "api_key"])
        .env_remove("PATCHBAY_VAULT_PASSPHRASE")
        .env("HOME", env.dir.path())
        .env("XDG_RUNTIME_DIR", env.dir.path())
        .write_stdin("sk_live_0123456789abcdef\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("PATCHBAY_VAULT_PASSPHRASE"));
    assert_eq!(env.json(&["connections", "list", "--json"]), json!([]));
}
