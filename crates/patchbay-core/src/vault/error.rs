//! Everything that can go wrong in the vault, each message saying what to do next.
//!
//! These messages reach a terminal, the desktop UI and log files, so none of them may carry a
//! secret: no key material, no passphrase, no plaintext, not even a fragment. Variants carry
//! only identifiers (vault ids), fixed descriptions and error texts from the OS or SQLite, which
//! never contain values we passed in as secrets.

/// A vault failure. See the module docs: no variant ever holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// First use, no OS keyring, and no way to ask for a passphrase. Patchbay refuses to fall
    /// back to plaintext or a built-in key, so the person has to pick one of the real options.
    #[error(
        "no OS keyring is available to hold the vault's master key ({reason}). Patchbay never \
         stores secrets unencrypted, so protect the vault with a passphrase instead: set \
         PATCHBAY_VAULT_PASSPHRASE=<passphrase> for unattended use (scripts, CI, agents), or run \
         this command in a terminal to be prompted for one; or start a Secret Service (such as \
         gnome-keyring) and try again"
    )]
    KeyringUnavailable { reason: String },

    /// A passphrase-mode vault was opened where nobody can be asked (no terminal, no UI).
    #[error(
        "this vault is protected by a passphrase and none was given: set \
         PATCHBAY_VAULT_PASSPHRASE to the vault's passphrase for unattended use, or run this \
         command in a terminal to be prompted for it"
    )]
    NoPassphrase,

    #[error("the passphrase does not unlock this vault; nothing was changed")]
    WrongPassphrase,

    /// The vault says its key is in the keyring, but the keyring has no such entry (deleted,
    /// another user account, another machine). Without it the stored secrets are unreadable.
    #[error(
        "the master key of vault {vault_id} is no longer in the OS keyring (service \"patchbay\", \
         account \"master-key/{vault_id}\"), and the secrets in this vault cannot be decrypted \
         without it. Restore that keyring entry (for example from a backup of your keyring, or by \
         running Patchbay as the user whose keyring holds it); nothing was changed"
    )]
    KeyringEntryMissing { vault_id: String },

    /// The keyring entry exists but its key does not open this vault's check value.
    #[error(
        "the OS keyring entry of vault {vault_id} (service \"patchbay\", account \
         \"master-key/{vault_id}\") holds a key that does not open this vault: the entry was \
         overwritten, or this database was copied from elsewhere. Restore the original entry; \
         nothing was changed"
    )]
    KeyringEntryMismatch { vault_id: String },

    /// Any other keyring failure (locked collection, D-Bus error, a backend that lost a value).
    #[error(
        "the OS keyring failed while {action}: {reason}. Make sure it is running and unlocked \
         (on Linux: a Secret Service such as gnome-keyring) and try again"
    )]
    Keyring {
        action: &'static str,
        reason: String,
    },

    #[error("deriving the vault key from the passphrase failed: {0}")]
    Kdf(String),

    /// Stored vault data that is not in a shape this build can read.
    #[error("vault data is damaged or was not written by Patchbay: {0}")]
    Corrupt(String),

    /// AEAD authentication failed: wrong key, wrong slot (associated data) or modified bytes.
    #[error(
        "a stored value could not be decrypted with this vault's key: it belongs to another vault \
         (for example a database copied from another machine or keyring) or it was tampered with"
    )]
    Decrypt,

    #[error(
        "a stored value uses vault envelope version {version}, which this build of Patchbay does \
         not know (it reads version 1): it was written by a newer Patchbay; upgrade Patchbay to \
         read it"
    )]
    UnsupportedEnvelope { version: u8 },

    #[error("database error while {context}: {source}")]
    Store {
        context: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error("the two passphrases differ; nothing was changed, please try again")]
    PassphraseMismatch,

    #[error("the passphrase is empty; choose a non-empty passphrase to protect the vault")]
    EmptyPassphrase,

    /// A new vault's passphrase that an attacker would guess early (see passphrase_policy.rs).
    #[error(
        "the passphrase is too weak to protect a new vault: {0}. A few unrelated words work well          (e.g. four or five words you do not use elsewhere); nothing was created"
    )]
    WeakPassphrase(String),

    #[error(
        "could not read the vault passphrase: {0}. Set PATCHBAY_VAULT_PASSPHRASE instead to give \
         it without a prompt"
    )]
    Prompt(String),

    /// The OS could not provide randomness for a key, salt or nonce. Nothing is written then:
    /// a predictable nonce or key would be worse than failing.
    #[error("the operating system's random number generator failed ({0}); nothing was written")]
    Random(String),
}

impl VaultError {
    /// Builds a `map_err` closure for SQLite failures, naming what was being done.
    pub(crate) fn store(context: &str) -> impl FnOnce(rusqlite::Error) -> VaultError + '_ {
        move |source| VaultError::Store {
            context: context.to_string(),
            source,
        }
    }
}
