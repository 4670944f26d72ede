//! Getting the master key: unlocking an existing vault, or setting one up on first use.
//!
//! The `vault_meta` row records how the key is obtained (`keyring` or `passphrase`) plus a check
//! value sealed with the key. The check value is what lets Patchbay say "wrong passphrase" or
//! "the keyring holds a different key" up front, before any real secret is touched, and
//! guarantees that a failed unlock writes nothing.
//!
//! Mode choice on first use follows DESIGN.md invariant 2: the OS keyring by default; a
//! passphrase when one is given (`PATCHBAY_VAULT_PASSPHRASE`) or when no keyring works and the
//! person can be asked; otherwise a clear error. There is never a plaintext or built-in-key
//! fallback.

use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use zeroize::{Zeroize, Zeroizing};

use super::passphrase::{self, KdfParams};
use super::{envelope, keyring_store, VaultError};
use crate::ids::{new_id, VAULT_PREFIX};
use crate::Secret;

/// Where unattended runs (scripts, CI, agents) give the passphrase.
use crate::process_env::PASSPHRASE_ENV;
/// Associated data of the check value; distinct from every secret slot (`patchbay/v1/cn_…/…`).
const CHECK_AAD: &[u8] = b"patchbay/v1/vault-check";
/// The sealed check value. Public knowledge by design: it proves the key, not a secret.
const CHECK_PLAINTEXT: &str = "patchbay vault check v1";

/// The vault's 256-bit master key. Wiped from memory on drop; `Debug` never shows it; no
/// `Clone`, `Display` or `Serialize`, so it cannot be copied into a string by accident.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    pub(crate) fn from_bytes(mut bytes: [u8; 32]) -> MasterKey {
        let key = MasterKey(Zeroizing::new(bytes));
        bytes.zeroize();
        key
    }

    /// A new key from the OS random number generator.
    pub(crate) fn random() -> Result<MasterKey, VaultError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        fill_random(bytes.as_mut())?;
        Ok(MasterKey(bytes))
    }

    /// The raw key, for the AEAD and the keyring only.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

/// Fills `buf` from the OS random number generator, reporting (not panicking on) a failure.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), VaultError> {
    OsRng
        .try_fill_bytes(buf)
        .map_err(|e| VaultError::Random(e.to_string()))
}

/// How the master key is obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum VaultMode {
    /// A random key stored in the OS keyring.
    Keyring,
    /// A key derived from a passphrase with Argon2id.
    Passphrase,
}

impl VaultMode {
    /// How the mode is named to people (CLI output, the UI's vault panel).
    pub fn description(self) -> &'static str {
        match self {
            VaultMode::Keyring => KEYRING_DESCRIPTION,
            VaultMode::Passphrase => "passphrase",
        }
    }

    /// The value of `vault_meta.mode`.
    fn as_str(self) -> &'static str {
        match self {
            VaultMode::Keyring => "keyring",
            VaultMode::Passphrase => "passphrase",
        }
    }

    fn parse(text: &str) -> Result<VaultMode, VaultError> {
        match text {
            "keyring" => Ok(VaultMode::Keyring),
            "passphrase" => Ok(VaultMode::Passphrase),
            other => Err(VaultError::Corrupt(format!(
                "vault_meta.mode is '{other}', expected 'keyring' or 'passphrase'"
            ))),
        }
    }
}

#[cfg(target_os = "macos")]
const KEYRING_DESCRIPTION: &str = "OS keyring (Keychain)";
#[cfg(target_os = "windows")]
const KEYRING_DESCRIPTION: &str = "OS keyring (Credential Manager)";
#[cfg(not(any(target_os = "macos", target_os = "windows")))]
const KEYRING_DESCRIPTION: &str = "OS keyring (Secret Service)";

/// What the vault is and how safe it is, for `patchbay vault status` and the UI. Never holds
/// key material; reading it never unlocks anything.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct VaultStatus {
    /// Whether the vault has been set up (it is set up on the first secret saved).
    pub initialized: bool,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<VaultMode>,
    /// E.g. "OS keyring (Secret Service)", "passphrase", "not set up yet: …".
    pub description: String,
    /// Whether the OS keyring answered a probe. The keyring is probed only when the answer
    /// depends on it, so this is `false` without a probe for a passphrase vault (and for a new
    /// vault that will use `PATCHBAY_VAULT_PASSPHRASE`).
    pub keyring_available: bool,
    /// Plain-language warning to show prominently, e.g. that only a passphrase protects secrets.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub warning: Option<String>,
}

/// Asks a person for a passphrase (the CLI: a terminal prompt). `Ok(None)` means "cannot ask
/// here" (not interactive), which the vault turns into an error that says how to proceed.
pub trait PassphrasePrompt: Send + Sync {
    /// A passphrase for a new vault (asked twice by the implementation); only called when no
    /// OS keyring can be used.
    fn new_passphrase(&self) -> Result<Option<Secret>, VaultError>;
    /// The passphrase of an existing passphrase-mode vault.
    fn existing_passphrase(&self) -> Result<Option<Secret>, VaultError>;
}

/// How this process may obtain the master key.
pub struct VaultConfig {
    /// From `PATCHBAY_VAULT_PASSPHRASE`, read by the caller (see [`VaultConfig::from_env`]).
    /// When set, a new vault uses passphrase mode and an existing passphrase vault is opened
    /// with it (no prompt).
    pub passphrase: Option<Secret>,
    /// Asks a person when no passphrase was given; `None` when nobody can be asked.
    pub prompt: Option<Box<dyn PassphrasePrompt>>,
    /// `false` skips the OS keyring entirely (never probed, never written).
    pub use_keyring: bool,
}

impl Default for VaultConfig {
    fn default() -> Self {
        VaultConfig {
            passphrase: None,
            prompt: None,
            use_keyring: true,
        }
    }
}

impl VaultConfig {
    /// The default configuration plus the passphrase from `PATCHBAY_VAULT_PASSPHRASE`
    /// (captured at start by [`crate::process_env::harden_at_start`]; an empty value counts as
    /// unset).
    pub fn from_env() -> VaultConfig {
        VaultConfig {
            passphrase: crate::process_env::passphrase(),
            ..VaultConfig::default()
        }
    }
}

impl std::fmt::Debug for VaultConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultConfig")
            .field("passphrase", &self.passphrase) // Secret prints <redacted>
            .field("prompt", &self.prompt.is_some())
            .field("use_keyring", &self.use_keyring)
            .finish()
    }
}

/// Describes the vault without unlocking it.
pub fn status(conn: &Connection, cfg: &VaultConfig) -> Result<VaultStatus, VaultError> {
    let Some(meta) = read_meta(conn)? else {
        return Ok(status_not_set_up(cfg));
    };
    Ok(match VaultMode::parse(&meta.mode)? {
        VaultMode::Keyring => {
            let reachable = if cfg.use_keyring {
                keyring_store::probe()
            } else {
                Err("use of the OS keyring is turned off for this run".to_string())
            };
            VaultStatus {
                initialized: true,
                mode: Some(VaultMode::Keyring),
                description: VaultMode::Keyring.description().to_string(),
                keyring_available: reachable.is_ok(),
                warning: reachable.err().map(|reason| {
                    format!(
                        "The OS keyring cannot be reached ({reason}). This vault keeps its master \
                         key there, so secrets cannot be read until it is available again: make \
                         sure it is running and unlocked (on Linux: a Secret Service such as \
                         gnome-keyring)."
                    )
                }),
            }
        }
        VaultMode::Passphrase => VaultStatus {
            initialized: true,
            mode: Some(VaultMode::Passphrase),
            description: VaultMode::Passphrase.description().to_string(),
            keyring_available: false,
            warning: Some(
                "No OS keyring is in use: secrets are protected by your passphrase only. Anyone \
                 with a copy of the database can try to guess it offline, so use a long, unique \
                 passphrase. Patchbay asks for it (or reads PATCHBAY_VAULT_PASSPHRASE) whenever \
                 it opens the vault."
                    .to_string(),
            ),
        },
    })
}

fn status_not_set_up(cfg: &VaultConfig) -> VaultStatus {
    if cfg.passphrase.is_some() {
        return VaultStatus {
            initialized: false,
            mode: None,
            description: "not set up yet: will use the passphrase from PATCHBAY_VAULT_PASSPHRASE"
                .to_string(),
            keyring_available: false,
            warning: Some(
                "PATCHBAY_VAULT_PASSPHRASE is set, so the vault will be protected by that \
                 passphrase only, not by the OS keyring. Use a long, unique passphrase."
                    .to_string(),
            ),
        };
    }
    let reachable = if cfg.use_keyring {
        keyring_store::probe()
    } else {
        Err("use of the OS keyring is turned off for this run".to_string())
    };
    match reachable {
        Ok(()) => VaultStatus {
            initialized: false,
            mode: None,
            description: format!(
                "not set up yet: will use the {}",
                VaultMode::Keyring.description()
            ),
            keyring_available: true,
            warning: None,
        },
        Err(reason) => VaultStatus {
            initialized: false,
            mode: None,
            description: "not set up yet: no OS keyring, a passphrase will be needed".to_string(),
            keyring_available: false,
            warning: Some(format!(
                "No OS keyring is available ({reason}): secrets will be protected by a passphrase \
                 only. Patchbay will ask for one in a terminal, or set PATCHBAY_VAULT_PASSPHRASE \
                 for unattended use."
            )),
        },
    }
}

/// The master key: unlocks the vault, or sets it up if this is the first use.
///
/// Must be called outside a transaction on `conn` (first use opens its own IMMEDIATE one).
/// A failed unlock writes nothing.
pub fn unlock_or_init(conn: &Connection, cfg: &VaultConfig) -> Result<MasterKey, VaultError> {
    unlock_or_init_with(conn, cfg, KdfParams::default())
}

/// [`unlock_or_init`] with the Argon2id cost for a *new* passphrase vault given explicitly.
/// Production always passes the defaults; tests pass tiny costs to stay fast. Existing vaults
/// always use the parameters stored with them.
pub(crate) fn unlock_or_init_with(
    conn: &Connection,
    cfg: &VaultConfig,
    new_vault_params: KdfParams,
) -> Result<MasterKey, VaultError> {
    if let Some(meta) = read_meta(conn)? {
        return unlock_existing(&meta, cfg);
    }
    // Prompting and key derivation happen before the write lock is taken, so a person typing
    // a passphrase never blocks another Patchbay process.
    let new = prepare_new(cfg, new_vault_params)?;
    match insert_meta(conn, &new) {
        Ok(true) => {
            tracing::info!(vault_id = %new.vault_id, mode = new.mode.as_str(), "set up a new vault");
            Ok(new.key)
        }
        Ok(false) => {
            tracing::debug!("another process set up the vault first; unlocking that one");
            discard(&new);
            let meta = read_meta(conn)?.ok_or_else(|| {
                VaultError::Corrupt("the vault settings vanished while being set up".into())
            })?;
            unlock_existing(&meta, cfg)
        }
        Err(err) => {
            // Remove a keyring entry only when certain no row refers to it: an orphaned entry
            // is harmless, a deleted key that a committed row relies on loses every secret.
            match read_meta(conn) {
                Ok(Some(meta)) if meta.vault_id == new.vault_id => return Ok(new.key),
                Ok(_) => discard(&new),
                Err(_) => {}
            }
            Err(err)
        }
    }
}

/// The `vault_meta` row.
struct Meta {
    vault_id: String,
    mode: String,
    kdf_params: Option<String>,
    salt: Option<Vec<u8>>,
    check_envelope: Vec<u8>,
}

fn read_meta(conn: &Connection) -> Result<Option<Meta>, VaultError> {
    conn.query_row(
        "SELECT vault_id, mode, kdf_params, salt, check_envelope FROM vault_meta WHERE id = 1",
        [],
        |row| {
            Ok(Meta {
                vault_id: row.get(0)?,
                mode: row.get(1)?,
                kdf_params: row.get(2)?,
                salt: row.get(3)?,
                check_envelope: row.get(4)?,
            })
        },
    )
    .optional()
    .map_err(VaultError::store("reading the vault settings (vault_meta)"))
}

fn unlock_existing(meta: &Meta, cfg: &VaultConfig) -> Result<MasterKey, VaultError> {
    match VaultMode::parse(&meta.mode)? {
        VaultMode::Keyring => {
            if !cfg.use_keyring {
                return Err(VaultError::Keyring {
                    action: "reading the vault's master key",
                    reason: "use of the OS keyring is turned off for this run, but this vault \
                             keeps its master key there"
                        .into(),
                });
            }
            let key = keyring_store::load_key(&meta.vault_id)?.ok_or_else(|| {
                VaultError::KeyringEntryMissing {
                    vault_id: meta.vault_id.clone(),
                }
            })?;
            verify(&key, &meta.check_envelope, || {
                VaultError::KeyringEntryMismatch {
                    vault_id: meta.vault_id.clone(),
                }
            })?;
            tracing::info!(vault_id = %meta.vault_id, mode = "keyring", "unlocked the vault");
            Ok(key)
        }
        VaultMode::Passphrase => {
            let params = KdfParams::from_json(meta.kdf_params.as_deref().ok_or_else(|| {
                VaultError::Corrupt(
                    "vault_meta.kdf_params is missing for a passphrase vault".into(),
                )
            })?)?;
            let salt = meta
                .salt
                .as_deref()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    VaultError::Corrupt("vault_meta.salt is missing for a passphrase vault".into())
                })?;
            let passphrase = existing_passphrase(cfg)?;
            if passphrase.is_empty() {
                // A vault is never created with an empty passphrase, so it cannot be right.
                return Err(VaultError::WrongPassphrase);
            }
            let key = passphrase::derive(&passphrase, salt, &params)?;
            verify(&key, &meta.check_envelope, || VaultError::WrongPassphrase)?;
            tracing::info!(vault_id = %meta.vault_id, mode = "passphrase", "unlocked the vault");
            Ok(key)
        }
    }
}

fn existing_passphrase(cfg: &VaultConfig) -> Result<Secret, VaultError> {
    if let Some(p) = &cfg.passphrase {
        tracing::debug!("using the vault passphrase from {PASSPHRASE_ENV}");
        return Ok(p.clone());
    }
    if let Some(prompt) = &cfg.prompt {
        if let Some(p) = prompt.existing_passphrase()? {
            return Ok(p);
        }
    }
    Err(VaultError::NoPassphrase)
}

/// Opens the check value; `on_mismatch` names the failure when the key is simply wrong.
fn verify(
    key: &MasterKey,
    check_envelope: &[u8],
    on_mismatch: impl FnOnce() -> VaultError,
) -> Result<(), VaultError> {
    match envelope::open(key, CHECK_AAD, check_envelope) {
        Ok(value) if value.expose() == CHECK_PLAINTEXT => Ok(()),
        Ok(_) => Err(VaultError::Corrupt(
            "vault_meta.check_envelope holds an unexpected value".into(),
        )),
        Err(VaultError::Decrypt) => Err(on_mismatch()),
        Err(VaultError::Corrupt(m)) => Err(VaultError::Corrupt(format!(
            "vault_meta.check_envelope: {m}"
        ))),
        Err(other) => Err(other),
    }
}

/// A vault set up in memory (and, in keyring mode, in the keyring) but not yet recorded.
struct NewVault {
    vault_id: String,
    mode: VaultMode,
    kdf_params: Option<String>,
    salt: Option<Vec<u8>>,
    check_envelope: Vec<u8>,
    key: MasterKey,
}

fn prepare_new(cfg: &VaultConfig, params: KdfParams) -> Result<NewVault, VaultError> {
    let vault_id = new_id(VAULT_PREFIX);
    if let Some(p) = &cfg.passphrase {
        tracing::info!("{PASSPHRASE_ENV} is set: the new vault uses passphrase mode");
        return new_passphrase_vault(vault_id, p, params);
    }
    let reason = if cfg.use_keyring {
        match keyring_store::probe() {
            Ok(()) => {
                let key = MasterKey::random()?;
                let check_envelope = envelope::seal(&key, CHECK_AAD, CHECK_PLAINTEXT.as_bytes())?;
                // The row is written only after the key is safely in the keyring.
                match keyring_store::store_key(&vault_id, &key) {
                    Ok(()) => {
                        return Ok(NewVault {
                            vault_id,
                            mode: VaultMode::Keyring,
                            kdf_params: None,
                            salt: None,
                            check_envelope,
                            key,
                        })
                    }
                    Err(VaultError::Keyring { action, reason }) => format!("{action}: {reason}"),
                    Err(other) => other.to_string(),
                }
            }
            Err(reason) => reason,
        }
    } else {
        "use of the OS keyring is turned off for this run".to_string()
    };
    tracing::info!(%reason, "no usable OS keyring for the new vault; a passphrase is needed");
    let passphrase = match &cfg.prompt {
        Some(prompt) => prompt.new_passphrase()?,
        None => None,
    };
    match passphrase {
        Some(p) => new_passphrase_vault(vault_id, &p, params),
        None => Err(VaultError::KeyringUnavailable { reason }),
    }
}

fn new_passphrase_vault(
    vault_id: String,
    passphrase: &Secret,
    params: KdfParams,
) -> Result<NewVault, VaultError> {
    super::passphrase_policy::check_new(passphrase)?;
    let salt = passphrase::new_salt()?;
    let key = passphrase::derive(passphrase, &salt, &params)?;
    let check_envelope = envelope::seal(&key, CHECK_AAD, CHECK_PLAINTEXT.as_bytes())?;
    Ok(NewVault {
        vault_id,
        mode: VaultMode::Passphrase,
        kdf_params: Some(params.to_json()),
        salt: Some(salt.to_vec()),
        check_envelope,
        key,
    })
}

/// Records `new` unless a vault already exists; `Ok(false)` means another process won the race.
fn insert_meta(conn: &Connection, new: &NewVault) -> Result<bool, VaultError> {
    // IMMEDIATE takes the write lock up front (waiting out busy_timeout), and the conflict
    // clause makes "someone else already set it up" an ordinary outcome rather than an error.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(VaultError::store("starting to record the new vault"))?;
    let inserted = tx
        .execute(
            "INSERT INTO vault_meta (id, vault_id, mode, kdf_params, salt, check_envelope, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO NOTHING",
            params![
                new.vault_id,
                new.mode.as_str(),
                new.kdf_params,
                new.salt,
                new.check_envelope,
                crate::store::now()
            ],
        )
        .map_err(VaultError::store("recording the new vault"))?;
    tx.commit()
        .map_err(VaultError::store("committing the new vault"))?;
    Ok(inserted == 1)
}

/// Undoes the side effect of a vault that will not be recorded (its keyring entry).
fn discard(new: &NewVault) {
    if new.mode == VaultMode::Keyring {
        if let Err(e) = keyring_store::delete_key(&new.vault_id) {
            tracing::warn!(vault_id = %new.vault_id, error = %e, "could not remove an unused keyring entry");
        }
    }
}

#[cfg(test)]
#[path = "unlock_tests.rs"]
mod tests;
