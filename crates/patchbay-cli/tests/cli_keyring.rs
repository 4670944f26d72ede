//! The vault against the real Secret Service. `make test-rust` runs the suite on a private D-Bus
//! session with an unlocked gnome-keyring and sets PATCHBAY_TEST_SECRET_SERVICE=1.

mod common;

use common::{api_key_type, Env};
use predicates::prelude::*;

/// Whether the real Secret Service is there; fails instead of skipping in CI.
fn secret_service_available() -> bool {
    if std::env::var("PATCHBAY_TEST_SECRET_SERVICE").as_deref() == Ok("1") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run these tests against a real Secret Service (make test-rust)"
    );
    eprintln!("skipping: set PATCHBAY_TEST_SECRET_SERVICE=1 under dbus-run-session with gnome-keyring (make test-rust)");
    false
}

fn keyring_cmd(env: &Env) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.env_remove("PATCHBAY_VAULT_PASSPHRASE");
    match std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
        Some(addr) => c.env("DBUS_SESSION_BUS_ADDRESS", addr),
        None => c.env_remove("DBUS_SESSION_BUS_ADDRESS"),
    };
    c
}

#[test]
fn the_master_key_lives_in_the_os_keyring() {
    if !secret_service_available() {
        return;
    }
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    keyring_cmd(&env)
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "not set up yet: will use the OS keyring (Secret Service)",
        ));
    keyring_cmd(&env)
        .args(["connect", "acme", "--name", "Acme", "--secret", "api_key"])
        .write_stdin("sk_live_keyring_canary_5678\n")
        .assert()
        .success();
    keyring_cmd(&env)
        .args(["vault", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "vault: OS keyring (Secret Service)",
        ));
    keyring_cmd(&env)
        .args(["connections", "show", "Acme"])
        .assert()
        .success()
        .stdout(predicate::str::contains("api_key = ••••5678"));
    // A passphrase in the environment does not switch an existing keyring vault's mode.
    keyring_cmd(&env)
        .env("PATCHBAY_VAULT_PASSPHRASE", "irrelevant")
        .args(["connections", "show", "Acme"])
        .assert()
        .success()
        .stdout(predicate::str::contains("••••5678"));
    // Without the keyring the vault cannot be opened: the key was never on disk.
    env.cmd()
        .env_remove("PATCHBAY_VAULT_PASSPHRASE")
        .args(["connections", "show", "Acme"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("keyring"));
    let raw = std::fs::read(env.data_dir().join("patchbay.db")).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("sk_live_keyring_canary"));
}
