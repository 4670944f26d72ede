//! The vault: secret values encrypted at rest (DESIGN.md invariant 2).
//!
//! A random 256-bit master key lives in the OS keyring (Secret Service, Keychain, Credential
//! Manager), or, where no keyring is available, is derived from a passphrase with Argon2id.
//! Values are sealed with XChaCha20-Poly1305 into a versioned envelope and stored in SQLite
//! beside the connection they belong to, so both are written in one transaction.
//! A new vault's passphrase must pass [`passphrase_policy`].

mod envelope;
mod error;
mod keyring_store;
mod passphrase;
pub mod passphrase_policy;
mod unlock;

pub use envelope::{open, seal, ENVELOPE_VERSION};
pub use error::VaultError;
pub use unlock::{
    status, unlock_or_init, MasterKey, PassphrasePrompt, VaultConfig, VaultMode, VaultStatus,
};
