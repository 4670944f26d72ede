//! Invariant 2 with the real Secret Service: each test starts its own session bus and an
//! unlocked gnome-keyring (see `common/secret_service.rs`) and runs `patchbay` against it with no
//! PATCHBAY_VAULT_PASSPHRASE. The vault must set itself up in the OS keyring, and its master key
//! must live there and only there.

mod common;

use common::secret_service::{self, SecretService};
use common::{api_key_type, canary, contains_bytes, mask_of, Env};
use predicates::prelude::*;

const TEST: &str = "cli_keyring";

fn on(env: &Env, service: &SecretService) -> assert_cmd::Command {
    let mut c = env.cmd();
    service.apply(&mut c);
    c
}

#[test]
fn the_vault_keeps_its_master_key_in_the_os_keyring() {
    if !secret_service::available(TEST) {
        return;
    }
    let env = Env::new();
    let storage = env.path().join("keyring");
    let service = SecretService::start(&storage);
    env.create_type(&api_key_type("acme", "api.acme.example"));

    on(&env, &service)
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "vault: not set up yet: will use the OS keyring (Secret Service)",
        ));

    let key = canary();
    on(&env, &service)
        .args(["connect", "acme", "--name", "Acme", "--secret", "api_key"])
        .write_stdin(format!("{key}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("CUSTOM_API_ACME"));

    on(&env, &service)
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("vault: OS keyring (Secret Service)")
                .and(predicate::str::contains("warning").not()),
        );
    let out = on(&env, &service)
        .args(["vault", "status", "--json"])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["mode"], "keyring");
    assert_eq!(status["initialized"], true);
    assert_eq!(status["keyring_available"], true);
    assert!(status.get("warning").is_none(), "{status}");

    on(&env, &service)
        .args(["connections", "show", "Acme"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "api_key = {}",
            mask_of(&key)
        )));

    // A passphrase in the environment does not switch an existing keyring vault.
    let replaced = canary();
    on(&env, &service)
        .env("PATCHBAY_VAULT_PASSPHRASE", "some passphrase")
        .args(["connections", "set-secret", "Acme", "api_key"])
        .write_stdin(format!("{replaced}\n"))
        .assert()
        .success();
    on(&env, &service)
        .args(["connections", "show", "Acme"])
        .assert()
        .success()
        .stdout(predicate::str::contains(mask_of(&replaced)));

    // No passphrase material is stored for a keyring vault, and the secret is sealed.
    let rows = env.vault_rows();
    assert_eq!(rows.meta.len(), 1);
    let common::VaultMetaRow {
        mode,
        kdf_params: kdf,
        salt,
        ..
    } = &rows.meta[0];
    assert_eq!(mode, "keyring");
    assert!(kdf.is_none() && salt.is_none());
    assert_eq!(rows.secrets.len(), 1);
    for f in common::files_below(&env.data_dir()) {
        let bytes = std::fs::read(&f).unwrap();
        for v in [&key, &replaced] {
            assert!(
                !contains_bytes(&bytes, v.as_bytes()),
                "a secret value is in {}",
                f.display()
            );
        }
    }

    // The key is persisted by the keyring: a restarted gnome-keyring on the same keyring files
    // still opens the vault.
    drop(service);
    let service = SecretService::start(&storage);
    on(&env, &service)
        .args(["connections", "show", "Acme"])
        .assert()
        .success()
        .stdout(predicate::str::contains(mask_of(&replaced)));
}

#[test]
fn a_keyring_that_lost_the_key_or_is_gone_unlocks_nothing_and_changes_nothing() {
    if !secret_service::available(TEST) {
        return;
    }
    let env = Env::new();
    let mut service = SecretService::start(&env.path().join("keyring-1"));
    env.create_type(&api_key_type("acme", "api.acme.example"));
    let key = canary();
    on(&env, &service)
        .args(["connect", "acme", "--name", "Acme", "--secret", "api_key"])
        .write_stdin(format!("{key}\n"))
        .assert()
        .success();
    let rows = env.vault_rows();
    let db_bytes = std::fs::read(env.db_path()).unwrap();

    // gnome-keyring stopped: the vault says so, and nothing that needs the key works.
    service.stop_keyring();
    on(&env, &service)
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("vault: OS keyring (Secret Service)").and(
                predicate::str::contains("warning: The OS keyring cannot be reached"),
            ),
        );
    on(&env, &service)
        .args(["connections", "show", "Acme"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("keyring"));
    // Listing needs no key.
    on(&env, &service)
        .args(["connections", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Acme"));

    // A fresh keyring (another machine, a wiped keyring) does not have this vault's key: the
    // key never was in the data folder. It says which entry is missing and changes nothing.
    drop(service);
    let fresh = SecretService::start(&env.path().join("keyring-2"));
    for args in [
        vec!["connections", "show", "Acme"],
        vec!["connections", "set-secret", "Acme", "api_key"],
        vec!["connect", "acme", "--name", "Second", "--secret", "api_key"],
    ] {
        on(&env, &fresh)
            .args(&args)
            .write_stdin(format!("{}\n", canary()))
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("is no longer in the OS keyring")
                    .and(predicate::str::contains("service \"patchbay\""))
                    .and(predicate::str::contains("nothing was changed")),
            );
    }
    assert_eq!(env.vault_rows(), rows, "the vault rows did not change");
    assert_eq!(
        std::fs::read(env.db_path()).unwrap(),
        db_bytes,
        "the database file did not change"
    );
    assert_eq!(
        env.json(&["connections", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The fresh keyring itself works: a new data folder sets up its vault there.
    let other = env.path().join("other-data");
    let mut c = env.cmd_on(&other);
    fresh.apply(&mut c);
    c.args(["types", "create", "--file"])
        .arg(env.path().join("type-acme.json"))
        .assert()
        .success();
    let mut c = env.cmd_on(&other);
    fresh.apply(&mut c);
    c.args(["connect", "acme", "--name", "Acme", "--secret", "api_key"])
        .write_stdin(format!("{key}\n"))
        .assert()
        .success();
    let mut c = env.cmd_on(&other);
    fresh.apply(&mut c);
    c.args(["vault", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "vault: OS keyring (Secret Service)",
        ));
}
