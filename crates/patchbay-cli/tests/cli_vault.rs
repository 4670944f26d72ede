//! `patchbay vault status` and the vault's modes without an OS keyring (invariant 2): passphrase
//! mode, a wrong passphrase (changes nothing), and no keyring with no passphrase (a plain error
//! that says what to do, never a plaintext fallback).

mod common;

use common::{api_key_type, canary, mask_of, Env};
use predicates::prelude::*;
use serde_json::json;

#[test]
fn passphrase_mode_is_named_and_warned_about() {
    let env = Env::new();
    env.cmd()
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(
                "vault: not set up yet: will use the passphrase from PATCHBAY_VAULT_PASSPHRASE",
            )
            .and(predicate::str::contains("warning:")),
        );
    let before = env.json(&["vault", "status", "--json"]);
    assert_eq!(before["initialized"], false);
    assert!(before.get("mode").is_none());

    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "Acme", "sk_live_0123456789abcdef");
    env.cmd()
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(
        predicate::str::contains("vault: passphrase")
            .and(predicate::str::contains("data folder: "))
            .and(predicate::str::contains(
                "warning: No OS keyring is in use: secrets are protected by your passphrase only",
            )),
    );
    let status = env.json(&["vault", "status", "--json"]);
    assert_eq!(status["initialized"], true);
    assert_eq!(status["mode"], "passphrase");
    assert_eq!(status["description"], "passphrase");
    assert_eq!(status["keyring_available"], false);
    assert!(status["warning"].as_str().unwrap().contains("passphrase"));

    let rows = env.vault_rows();
    assert_eq!(rows.meta.len(), 1);
    let common::VaultMetaRow {
        mode,
        kdf_params: kdf,
        salt,
        ..
    } = &rows.meta[0];
    assert_eq!(mode, "passphrase");
    assert!(
        kdf.as_deref().unwrap_or_default().contains("65536"),
        "{kdf:?}"
    );
    assert_eq!(salt.as_ref().map(Vec::len), Some(16));
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "Acme", "sk_live_0123456789abcdef");
    let file = env.write("new-key.txt", b"sk_live_from_a_file_0000000000\n");

    // Every process has exited, so the last one checkpointed the WAL into the database file:
    // the file itself is the whole state. (Read before anything else opens it.)
    let db = env.db_path();
    let bytes = std::fs::read(&db).unwrap();
    let dump = env.logical_dump();
    let rows = env.vault_rows();

    let attempted = canary();
    let file_arg = format!("api_key={}", file.display());
    for args in [
        vec!["connections", "show", "Acme"],
        vec!["connections", "show", "Acme", "--json"],
        vec!["connections", "set-secret", "Acme", "api_key"],
        vec![
            "connections",
            "set-secret",
            "Acme",
            "api_key",
            "--from-file",
            file.to_str().unwrap(),
        ],
        vec!["connect", "acme", "--name", "Second", "--secret", "api_key"],
        vec![
            "connect",
            "acme",
            "--name",
            "Third",
            "--secret-file",
            &file_arg,
        ],
        vec!["export"],
        vec!["-vv", "connections", "show", "Acme"],
    ] {
        env.cmd()
            .args(&args)
            .env("PATCHBAY_VAULT_PASSPHRASE", "not the passphrase")
            .write_stdin(format!("{attempted}\n"))
            .assert()
            .code(1)
            .stdout(predicate::str::is_empty())
            .stderr(
                predicate::str::contains(
                    "error: the passphrase does not unlock this vault; nothing was changed",
                )
                .and(predicate::str::contains(attempted.as_str()).not()),
            );
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the database file bytes"
    );
    assert_eq!(env.vault_rows(), rows, "the secrets and vault_meta rows");
    assert_eq!(env.logical_dump(), dump, "types and connections");
    assert_eq!(
        env.connection("Acme")["secrets"][0]["masked"],
        "••••cdef",
        "the right passphrase still opens the old value"
    );
}

#[test]
fn a_passphrase_vault_without_a_passphrase_says_how_to_give_one() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "Acme", "sk_live_0123456789abcdef");
    let rows = env.vault_rows();
    for value in [None, Some("")] {
        let mut c = env.cmd_without_passphrase();
        if let Some(v) = value {
            c.env("PATCHBAY_VAULT_PASSPHRASE", v);
        }
        c.args(["connections", "show", "Acme"])
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("protected by a passphrase and none was given")
                    .and(predicate::str::contains("PATCHBAY_VAULT_PASSPHRASE")),
            );
    }
    // What needs no secret still works.
    env.cmd_without_passphrase()
        .args(["connections", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Acme"));
    env.cmd_without_passphrase()
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("vault: passphrase"));
    assert_eq!(env.vault_rows(), rows);
}

#[test]
fn no_keyring_and_no_passphrase_stops_with_instructions_and_writes_nothing() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.cmd_without_passphrase()
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(
                "vault: not set up yet: no OS keyring, a passphrase will be needed",
            )
            .and(predicate::str::contains(
                "warning: No OS keyring is available",
            ))
            .and(predicate::str::contains("PATCHBAY_VAULT_PASSPHRASE")),
        );
    let status: serde_json::Value = serde_json::from_slice(
        &env.cmd_without_passphrase()
            .args(["vault", "status", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(status["initialized"], false);
    assert_eq!(status["keyring_available"], false);

    let key = canary();
    for value in [None, Some("")] {
        let mut c = env.cmd_without_passphrase();
        if let Some(v) = value {
            c.env("PATCHBAY_VAULT_PASSPHRASE", v);
        }
        c.args(["connect", "acme", "--name", "Acme", "--secret", "api_key"])
            .write_stdin(format!("{key}\n"))
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("no OS keyring is available")
                    .and(predicate::str::contains("PATCHBAY_VAULT_PASSPHRASE"))
                    .and(predicate::str::contains("never stores secrets unencrypted"))
                    .and(predicate::str::contains(key.as_str()).not()),
            );
    }
    assert_eq!(env.json(&["connections", "list", "--json"]), json!([]));
    let rows = env.vault_rows();
    assert!(rows.meta.is_empty(), "no vault was set up");
    assert!(rows.secrets.is_empty());
    let raw = std::fs::read(env.db_path()).unwrap();
    assert!(!common::contains_bytes(&raw, key.as_bytes()));

    // Setting the passphrase is all it takes.
    env.connect_api_key("acme", "Acme", &key);
    assert_eq!(
        env.connection("Acme")["secrets"][0]["masked"],
        mask_of(&key)
    );
}
