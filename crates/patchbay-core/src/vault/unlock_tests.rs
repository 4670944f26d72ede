//! Tests of vault set-up and unlocking against real SQLite files (and, when
//! PATCHBAY_TEST_SECRET_SERVICE=1, the real Secret Service).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use super::*;
use crate::vault::keyring_store::tests::secret_service_enabled;
use crate::vault::passphrase::tests::FAST;
use crate::vault::{open, seal};

const AAD: &[u8] = b"patchbay/v1/cn_test/api_key";
const CANARY: &str = "sk_live_canary_0123456789abcdef";

fn db() -> (tempfile::TempDir, std::path::PathBuf, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patchbay.db");
    let conn = connect(&path);
    (dir, path, conn)
}

fn connect(path: &std::path::Path) -> Connection {
    let mut conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;")
        .unwrap();
    crate::store::migrations::migrate(&mut conn, path).unwrap();
    conn
}

fn with_passphrase(p: &str) -> VaultConfig {
    VaultConfig {
        passphrase: Some(Secret::new(p)),
        prompt: None,
        use_keyring: false,
    }
}

fn no_keyring(prompt: Option<Box<dyn PassphrasePrompt>>) -> VaultConfig {
    VaultConfig {
        passphrase: None,
        prompt,
        use_keyring: false,
    }
}

fn init(conn: &Connection, cfg: &VaultConfig) -> Result<MasterKey, VaultError> {
    unlock_or_init_with(conn, cfg, FAST)
}

/// One `vault_meta` row, every column.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    vault_id: String,
    mode: String,
    kdf_params: Option<String>,
    salt: Option<Vec<u8>>,
    check_envelope: Vec<u8>,
    created_at: String,
}

fn meta_rows(conn: &Connection) -> Vec<Row> {
    let mut stmt = conn
        .prepare(
            "SELECT vault_id, mode, kdf_params, salt, check_envelope, created_at FROM vault_meta",
        )
        .unwrap();
    stmt.query_map([], |row| {
        Ok(Row {
            vault_id: row.get(0)?,
            mode: row.get(1)?,
            kdf_params: row.get(2)?,
            salt: row.get(3)?,
            check_envelope: row.get(4)?,
            created_at: row.get(5)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// A scripted prompt that counts how often it is asked.
struct Scripted {
    new: Result<Option<&'static str>, fn() -> VaultError>,
    existing: Option<&'static str>,
    asked: Arc<AtomicUsize>,
}

impl Scripted {
    fn boxed(
        new: Option<&'static str>,
        existing: Option<&'static str>,
    ) -> (Box<dyn PassphrasePrompt>, Arc<AtomicUsize>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let prompt = Scripted {
            new: Ok(new),
            existing,
            asked: asked.clone(),
        };
        (Box::new(prompt), asked)
    }
}

impl PassphrasePrompt for Scripted {
    fn new_passphrase(&self) -> Result<Option<Secret>, VaultError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        match &self.new {
            Ok(p) => Ok(p.map(Secret::new)),
            Err(make) => Err(make()),
        }
    }
    fn existing_passphrase(&self) -> Result<Option<Secret>, VaultError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Ok(self.existing.map(Secret::new))
    }
}

#[test]
fn passphrase_vault_reopens_with_the_same_passphrase() {
    let (_dir, path, conn) = db();
    let key = init(&conn, &with_passphrase("passphrase A")).unwrap();
    let sealed = seal(&key, AAD, CANARY.as_bytes()).unwrap();

    let rows = meta_rows(&conn);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].vault_id.starts_with("vt_"));
    assert_eq!(rows[0].mode, "passphrase");
    assert_eq!(rows[0].kdf_params.as_deref(), Some(FAST.to_json().as_str()));
    assert_eq!(rows[0].salt.as_ref().map(Vec::len), Some(16));

    // A new connection, through the public entry point: the stored (tiny) parameters are
    // used, not the defaults.
    drop(conn);
    let conn = connect(&path);
    let again = unlock_or_init(&conn, &with_passphrase("passphrase A")).unwrap();
    assert_eq!(open(&again, AAD, &sealed).unwrap().expose(), CANARY);
}

#[test]
fn wrong_passphrase_fails_and_changes_nothing() {
    let (_dir, _path, conn) = db();
    init(&conn, &with_passphrase("passphrase A")).unwrap();
    let before = meta_rows(&conn);
    let err = unlock_or_init(&conn, &with_passphrase("passphrase B")).unwrap_err();
    assert!(matches!(err, VaultError::WrongPassphrase), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the passphrase does not unlock this vault; nothing was changed"
    );
    assert_eq!(meta_rows(&conn), before, "vault_meta changed");
    // An empty passphrase is wrong too, without deriving anything.
    let err = unlock_or_init(&conn, &with_passphrase("")).unwrap_err();
    assert!(matches!(err, VaultError::WrongPassphrase), "{err:?}");
}

#[test]
fn passphrase_vault_without_passphrase_or_prompt_says_how_to_fix() {
    let (_dir, _path, conn) = db();
    init(&conn, &with_passphrase("passphrase A")).unwrap();
    let err = unlock_or_init(&conn, &no_keyring(None)).unwrap_err();
    assert!(matches!(err, VaultError::NoPassphrase), "{err:?}");
    assert!(err.to_string().contains("PATCHBAY_VAULT_PASSPHRASE"));
    // A prompt that cannot ask behaves the same.
    let (prompt, asked) = Scripted::boxed(None, None);
    let err = unlock_or_init(&conn, &no_keyring(Some(prompt))).unwrap_err();
    assert!(matches!(err, VaultError::NoPassphrase), "{err:?}");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    // Also when the keyring is allowed: a passphrase vault never consults it.
    let err = unlock_or_init(&conn, &VaultConfig::default()).unwrap_err();
    assert!(matches!(err, VaultError::NoPassphrase), "{err:?}");
}

#[test]
fn existing_passphrase_comes_from_the_prompt_when_not_given() {
    let (_dir, _path, conn) = db();
    let key = init(&conn, &with_passphrase("passphrase A")).unwrap();
    let sealed = seal(&key, AAD, CANARY.as_bytes()).unwrap();
    let (prompt, _) = Scripted::boxed(None, Some("passphrase A"));
    let again = unlock_or_init(&conn, &no_keyring(Some(prompt))).unwrap();
    assert_eq!(open(&again, AAD, &sealed).unwrap().expose(), CANARY);
    let (prompt, _) = Scripted::boxed(None, Some("nope"));
    let err = unlock_or_init(&conn, &no_keyring(Some(prompt))).unwrap_err();
    assert!(matches!(err, VaultError::WrongPassphrase), "{err:?}");
    // A given passphrase wins over the prompt, which is then not asked.
    let (prompt, asked) = Scripted::boxed(None, Some("nope"));
    let cfg = VaultConfig {
        prompt: Some(prompt),
        ..with_passphrase("passphrase A")
    };
    unlock_or_init(&conn, &cfg).unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

#[test]
fn first_use_without_keyring_or_prompt_is_keyring_unavailable() {
    let (_dir, _path, conn) = db();
    let (prompt, asked) = Scripted::boxed(None, None);
    let err = init(&conn, &no_keyring(Some(prompt))).unwrap_err();
    assert!(
        matches!(err, VaultError::KeyringUnavailable { .. }),
        "{err:?}"
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    let msg = err.to_string();
    assert!(msg.contains("PATCHBAY_VAULT_PASSPHRASE"), "{msg}");
    assert!(msg.contains("terminal"), "{msg}");
    assert!(msg.contains("gnome-keyring"), "{msg}");
    let err = init(&conn, &no_keyring(None)).unwrap_err();
    assert!(
        matches!(err, VaultError::KeyringUnavailable { .. }),
        "{err:?}"
    );
    assert!(meta_rows(&conn).is_empty(), "nothing may be written");
}

#[test]
fn first_use_without_keyring_asks_for_a_new_passphrase() {
    let (_dir, _path, conn) = db();
    let (prompt, _) = Scripted::boxed(Some("prompted passphrase"), None);
    let key = init(&conn, &no_keyring(Some(prompt))).unwrap();
    let sealed = seal(&key, AAD, CANARY.as_bytes()).unwrap();
    assert_eq!(meta_rows(&conn)[0].mode, "passphrase");
    let again = unlock_or_init(&conn, &with_passphrase("prompted passphrase")).unwrap();
    assert_eq!(open(&again, AAD, &sealed).unwrap().expose(), CANARY);
}

#[test]
fn empty_or_failed_new_passphrase_writes_nothing() {
    let (_dir, _path, conn) = db();
    let err = init(&conn, &with_passphrase("")).unwrap_err();
    assert!(matches!(err, VaultError::EmptyPassphrase), "{err:?}");
    let (prompt, _) = Scripted::boxed(Some(""), None);
    let err = init(&conn, &no_keyring(Some(prompt))).unwrap_err();
    assert!(matches!(err, VaultError::EmptyPassphrase), "{err:?}");
    let prompt = Scripted {
        new: Err(|| VaultError::PassphraseMismatch),
        existing: None,
        asked: Arc::default(),
    };
    let err = init(&conn, &no_keyring(Some(Box::new(prompt)))).unwrap_err();
    assert!(matches!(err, VaultError::PassphraseMismatch), "{err:?}");
    assert!(meta_rows(&conn).is_empty());
}

#[test]
fn damaged_vault_meta_is_reported_as_corrupt() {
    let (_dir, _path, conn) = db();
    init(&conn, &with_passphrase("passphrase A")).unwrap();
    conn.execute("UPDATE vault_meta SET check_envelope = x'50425601'", [])
        .unwrap();
    let err = unlock_or_init(&conn, &with_passphrase("passphrase A")).unwrap_err();
    assert!(matches!(err, VaultError::Corrupt(_)), "{err:?}");
    conn.execute(
        "UPDATE vault_meta SET kdf_params = '{\"m_cost_kib\":8}'",
        [],
    )
    .unwrap();
    let err = unlock_or_init(&conn, &with_passphrase("passphrase A")).unwrap_err();
    assert!(matches!(err, VaultError::Corrupt(_)), "{err:?}");
}

#[test]
fn concurrent_first_use_agrees_on_one_vault() {
    let (_dir, path, _conn) = db();
    let n = 4;
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let path = path.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let conn = connect(&path);
                barrier.wait();
                let key = init(&conn, &with_passphrase("shared passphrase")).unwrap();
                seal(&key, AAD, CANARY.as_bytes()).unwrap()
            })
        })
        .collect();
    let sealed: Vec<Vec<u8>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let conn = connect(&path);
    assert_eq!(meta_rows(&conn).len(), 1);
    let key = unlock_or_init(&conn, &with_passphrase("shared passphrase")).unwrap();
    for s in &sealed {
        assert_eq!(open(&key, AAD, s).unwrap().expose(), CANARY);
    }
}

#[test]
fn status_of_an_empty_database() {
    let (_dir, _path, conn) = db();
    let st = status(&conn, &no_keyring(None)).unwrap();
    assert!(!st.initialized);
    assert_eq!(st.mode, None);
    assert!(!st.keyring_available);
    assert_eq!(
        st.description,
        "not set up yet: no OS keyring, a passphrase will be needed"
    );
    assert!(st
        .warning
        .unwrap()
        .starts_with("No OS keyring is available"));
    let st = status(&conn, &with_passphrase("x")).unwrap();
    assert!(!st.initialized);
    assert!(st.description.contains("PATCHBAY_VAULT_PASSPHRASE"));
    assert!(meta_rows(&conn).is_empty(), "status never sets anything up");
}

#[test]
fn status_of_a_passphrase_vault() {
    let (_dir, _path, conn) = db();
    init(&conn, &with_passphrase("passphrase A")).unwrap();
    // No passphrase needed to ask for the status.
    let st = status(&conn, &VaultConfig::default()).unwrap();
    assert!(st.initialized);
    assert_eq!(st.mode, Some(VaultMode::Passphrase));
    assert_eq!(st.description, "passphrase");
    let warning = st.warning.clone().unwrap();
    assert!(warning.contains("passphrase only"), "{warning}");
    let json = serde_json::to_value(&st).unwrap();
    assert_eq!(json["mode"], "passphrase");
    assert_eq!(json["initialized"], true);
}

#[test]
fn status_json_omits_absent_options() {
    let st = VaultStatus {
        initialized: false,
        mode: None,
        description: "x".into(),
        keyring_available: true,
        warning: None,
    };
    let json = serde_json::to_string(&st).unwrap();
    assert_eq!(
        json,
        r#"{"initialized":false,"description":"x","keyring_available":true}"#
    );
    let back: VaultStatus = serde_json::from_str(&json).unwrap();
    assert_eq!(back.mode, None);
}

#[test]
fn nothing_secret_in_debug_output() {
    let key = MasterKey::from_bytes([0x41; 32]);
    assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    let cfg = with_passphrase(CANARY);
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains(CANARY), "{dbg}");
    assert!(dbg.contains("<redacted>"));
}

#[test]
fn default_config_uses_the_keyring_and_no_passphrase() {
    let cfg = VaultConfig::default();
    assert!(cfg.use_keyring && cfg.passphrase.is_none() && cfg.prompt.is_none());
}

#[test]
fn mode_descriptions() {
    assert_eq!(VaultMode::Passphrase.description(), "passphrase");
    #[cfg(target_os = "linux")]
    assert_eq!(
        VaultMode::Keyring.description(),
        "OS keyring (Secret Service)"
    );
    assert_eq!(
        serde_json::to_string(&VaultMode::Keyring).unwrap(),
        "\"keyring\""
    );
}

// ---- against the real Secret Service (PATCHBAY_TEST_SECRET_SERVICE=1) ----

#[test]
fn keyring_vault_set_up_reopen_and_failures() {
    if !secret_service_enabled("keyring_vault_set_up_reopen_and_failures") {
        return;
    }
    let (_dir, path, conn) = db();
    let st = status(&conn, &VaultConfig::default()).unwrap();
    assert!(st.keyring_available, "{st:?}");
    assert_eq!(
        st.description,
        "not set up yet: will use the OS keyring (Secret Service)"
    );

    let key = unlock_or_init(&conn, &VaultConfig::default()).unwrap();
    let sealed = seal(&key, AAD, CANARY.as_bytes()).unwrap();
    let rows = meta_rows(&conn);
    assert_eq!(rows[0].mode, "keyring");
    assert_eq!(rows[0].kdf_params, None);
    assert_eq!(rows[0].salt, None);
    let vault_id = rows[0].vault_id.clone();

    // Reopened from a fresh connection: the key comes from the keyring. A passphrase in the
    // environment does not change the mode of an existing keyring vault.
    let conn2 = connect(&path);
    let again = unlock_or_init(&conn2, &with_passphrase_and_keyring("ignored")).unwrap();
    assert_eq!(open(&again, AAD, &sealed).unwrap().expose(), CANARY);

    let st = status(&conn, &VaultConfig::default()).unwrap();
    assert!(
        st.initialized && st.keyring_available && st.warning.is_none(),
        "{st:?}"
    );
    assert_eq!(st.mode, Some(VaultMode::Keyring));
    assert_eq!(st.description, "OS keyring (Secret Service)");

    // Another key in the entry: mismatch, nothing written.
    let before = meta_rows(&conn);
    keyring_store::store_key(&vault_id, &MasterKey::random().unwrap()).unwrap();
    let err = unlock_or_init(&conn, &VaultConfig::default()).unwrap_err();
    assert!(
        matches!(err, VaultError::KeyringEntryMismatch { .. }),
        "{err:?}"
    );

    // No entry at all: missing, nothing written.
    keyring_store::delete_key(&vault_id).unwrap();
    let err = unlock_or_init(&conn, &VaultConfig::default()).unwrap_err();
    assert!(
        matches!(err, VaultError::KeyringEntryMissing { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&vault_id));
    assert_eq!(meta_rows(&conn), before, "vault_meta changed");
}

#[test]
fn keyring_vault_with_keyring_turned_off_is_an_error() {
    if !secret_service_enabled("keyring_vault_with_keyring_turned_off_is_an_error") {
        return;
    }
    let (_dir, _path, conn) = db();
    unlock_or_init(&conn, &VaultConfig::default()).unwrap();
    let err = unlock_or_init(&conn, &no_keyring(None)).unwrap_err();
    assert!(matches!(err, VaultError::Keyring { .. }), "{err:?}");
    let vault_id = meta_rows(&conn)[0].vault_id.clone();
    keyring_store::delete_key(&vault_id).unwrap();
}

/// Run with no Secret Service reachable, e.g.
/// `DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent PATCHBAY_TEST_NO_SECRET_SERVICE=1`.
#[test]
fn no_secret_service_means_keyring_unavailable_or_passphrase() {
    if std::env::var("PATCHBAY_TEST_NO_SECRET_SERVICE").as_deref() != Ok("1") {
        eprintln!("skipping no_secret_service_means_keyring_unavailable_or_passphrase: set PATCHBAY_TEST_NO_SECRET_SERVICE=1 with no Secret Service reachable");
        return;
    }
    let (_dir, _path, conn) = db();
    let st = status(&conn, &VaultConfig::default()).unwrap();
    assert!(!st.keyring_available);
    let err = init(&conn, &VaultConfig::default()).unwrap_err();
    assert!(
        matches!(err, VaultError::KeyringUnavailable { .. }),
        "{err:?}"
    );
    eprintln!("message: {err}");
    let (prompt, _) = Scripted::boxed(Some("typed"), None);
    let cfg = VaultConfig {
        prompt: Some(prompt),
        ..VaultConfig::default()
    };
    init(&conn, &cfg).unwrap();
    assert_eq!(meta_rows(&conn)[0].mode, "passphrase");
}

fn with_passphrase_and_keyring(p: &str) -> VaultConfig {
    VaultConfig {
        use_keyring: true,
        ..with_passphrase(p)
    }
}
