//! The master key's home in the OS keyring (Secret Service, Keychain, Credential Manager).
//!
//! One entry per vault: service `patchbay`, account `master-key/{vault_id}`. Keying the account
//! by vault id means two data folders never overwrite each other's key, and a second process
//! racing to set up the same folder writes its own entry instead of clobbering the winner's.
//! The 32 key bytes are stored base64-encoded because every backend accepts text. Nothing here
//! logs or formats key material; keyring errors are reported by their `Display` text only
//! (their `Debug` form can hold raw bytes).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use keyring::credential::CredentialPersistence;
use keyring::{Entry, Error as KeyringError};
use zeroize::Zeroizing;

use super::{MasterKey, VaultError};

const SERVICE: &str = "patchbay";
/// Base64 of 32 bytes, with padding.
const ENCODED_LEN: usize = 44;

fn account(vault_id: &str) -> String {
    format!("master-key/{vault_id}")
}

fn entry(vault_id: &str, action: &'static str) -> Result<Entry, VaultError> {
    Entry::new(SERVICE, &account(vault_id)).map_err(|e| keyring_error(action, &e))
}

fn keyring_error(action: &'static str, err: &KeyringError) -> VaultError {
    VaultError::Keyring {
        action,
        reason: err.to_string(),
    }
}

/// Whether a usable, persistent keyring backend answers right now; `Err` holds the reason in
/// plain words. Reads a fixed entry that is never written: "no such entry" proves the backend
/// works without touching any real data.
pub(crate) fn probe() -> Result<(), String> {
    // keyring falls back to an in-memory mock when built without a platform backend; a key kept
    // there would be gone at exit, taking every secret with it. Refuse that outright.
    let persistence = keyring::default::default_credential_builder().persistence();
    if !matches!(persistence, CredentialPersistence::UntilDelete) {
        return Err(
            "this build of Patchbay has no persistent OS keyring backend (values would not \
             survive a restart)"
                .to_string(),
        );
    }
    let probe = Entry::new(SERVICE, "probe").map_err(|e| e.to_string())?;
    match probe.get_password() {
        Ok(_) | Err(KeyringError::NoEntry) | Err(KeyringError::Ambiguous(_)) => Ok(()),
        Err(e @ (KeyringError::PlatformFailure(_) | KeyringError::NoStorageAccess(_))) => {
            Err(e.to_string())
        }
        // Any other answer came from a working backend.
        Err(_) => Ok(()),
    }
}

/// Stores `key` as the master key of `vault_id`, then reads it back: some backends accept a
/// write and lose it (a locked or misconfigured collection), and finding that out now is far
/// better than after secrets have been sealed under a key nobody kept.
pub(crate) fn store_key(vault_id: &str, key: &MasterKey) -> Result<(), VaultError> {
    let entry = entry(vault_id, "storing the vault's master key")?;
    let mut encoded = Zeroizing::new(String::with_capacity(ENCODED_LEN));
    STANDARD.encode_string(key.bytes(), &mut encoded);
    entry
        .set_password(&encoded)
        .map_err(|e| keyring_error("storing the vault's master key", &e))?;
    match load_from(&entry, "reading back the stored master key") {
        Ok(Some(stored)) if stored.bytes() == key.bytes() => Ok(()),
        outcome => {
            // Best effort: do not leave a half-working entry behind.
            let _ = entry.delete_credential();
            match outcome {
                Err(e) => Err(e),
                _ => Err(VaultError::Keyring {
                    action: "checking the stored master key",
                    reason: "the keyring did not return the value just stored in it".into(),
                }),
            }
        }
    }
}

/// The master key of `vault_id`, or `None` when the keyring has no entry for it.
pub(crate) fn load_key(vault_id: &str) -> Result<Option<MasterKey>, VaultError> {
    let entry = entry(vault_id, "reading the vault's master key")?;
    load_from(&entry, "reading the vault's master key")
}

/// Removes the entry of `vault_id`; removing an absent entry is not an error.
pub(crate) fn delete_key(vault_id: &str) -> Result<(), VaultError> {
    let entry = entry(vault_id, "removing a master key")?;
    match entry.delete_credential() {
        Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error("removing a master key", &e)),
    }
}

fn load_from(entry: &Entry, action: &'static str) -> Result<Option<MasterKey>, VaultError> {
    let encoded = match entry.get_password() {
        Ok(text) => Zeroizing::new(text),
        Err(KeyringError::NoEntry) => return Ok(None),
        Err(e) => return Err(keyring_error(action, &e)),
    };
    let mut decoded = Zeroizing::new([0u8; 48]);
    let len = STANDARD
        .decode_slice(encoded.trim().as_bytes(), decoded.as_mut())
        .map_err(|_| malformed())?;
    if len != 32 {
        return Err(malformed());
    }
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&decoded[..32]);
    Ok(Some(MasterKey::from_bytes(bytes)))
}

fn malformed() -> VaultError {
    VaultError::Corrupt(
        "the OS keyring entry for this vault does not hold a Patchbay master key (expected 32 \
         bytes in base64)"
            .into(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Keyring tests talk to the real Secret Service; they run only where one was set up for
    /// them (e.g. gnome-keyring under `dbus-run-session`).
    pub(crate) fn secret_service_enabled(test: &str) -> bool {
        let on = std::env::var("PATCHBAY_TEST_SECRET_SERVICE").as_deref() == Ok("1");
        if !on {
            eprintln!(
                "skipping {test}: set PATCHBAY_TEST_SECRET_SERVICE=1 with a Secret Service running"
            );
        }
        on
    }

    #[test]
    fn store_load_delete_round_trip() {
        if !secret_service_enabled("store_load_delete_round_trip") {
            return;
        }
        probe().unwrap();
        let vault_id = crate::ids::new_id(crate::ids::VAULT_PREFIX);
        assert!(load_key(&vault_id).unwrap().is_none());
        let key = MasterKey::random().unwrap();
        store_key(&vault_id, &key).unwrap();
        let loaded = load_key(&vault_id).unwrap().unwrap();
        assert_eq!(loaded.bytes(), key.bytes());
        delete_key(&vault_id).unwrap();
        assert!(load_key(&vault_id).unwrap().is_none());
        delete_key(&vault_id).unwrap();
    }

    #[test]
    fn malformed_entry_is_reported_without_its_content() {
        if !secret_service_enabled("malformed_entry_is_reported_without_its_content") {
            return;
        }
        let vault_id = crate::ids::new_id(crate::ids::VAULT_PREFIX);
        let entry = Entry::new(SERVICE, &account(&vault_id)).unwrap();
        entry.set_password("not-a-key-canary").unwrap();
        let err = load_key(&vault_id).unwrap_err();
        assert!(matches!(err, VaultError::Corrupt(_)), "{err:?}");
        assert!(!err.to_string().contains("canary"));
        delete_key(&vault_id).unwrap();
    }

    /// Run with `DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent PATCHBAY_TEST_NO_SECRET_SERVICE=1`.
    #[test]
    fn probe_reports_a_missing_secret_service() {
        if std::env::var("PATCHBAY_TEST_NO_SECRET_SERVICE").as_deref() != Ok("1") {
            eprintln!("skipping probe_reports_a_missing_secret_service: set PATCHBAY_TEST_NO_SECRET_SERVICE=1 with no Secret Service reachable");
            return;
        }
        let reason = probe().unwrap_err();
        assert!(!reason.is_empty());
        eprintln!("probe said: {reason}");
    }
}
