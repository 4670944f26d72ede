//! [`Patchbay`]: the one object the desktop app, the CLI and the tests talk to. It owns the
//! store and unlocks the vault lazily — listing types never touches the keyring.

mod agent_ops;
mod bundle_ops;
mod connection_ops;
mod field_diff;
mod oauth_ops;
mod repoint;
pub(crate) use repoint::base_origin;
mod request_ops;
mod type_ops;

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

pub use bundle_ops::{ConflictPolicy, ImportAction, ImportItem, ImportReport};
pub use connection_ops::ConnectRequest;
pub use field_diff::FieldDiff;
pub use oauth_ops::{LoginStart, REFRESH_MARGIN_SECS};
pub use request_ops::Sent;
pub use type_ops::TypeUpdate;

use crate::store::Store;
use crate::vault::{self, MasterKey, VaultConfig, VaultStatus};
use crate::Result;

/// How to open a data folder.
pub struct OpenOptions {
    pub data_dir: PathBuf,
    pub vault: VaultConfig,
}

impl OpenOptions {
    /// The data folder with the vault configured from the environment
    /// (`PATCHBAY_VAULT_PASSPHRASE`), without an interactive prompt.
    pub fn new(data_dir: PathBuf) -> Self {
        OpenOptions {
            data_dir,
            vault: VaultConfig::from_env(),
        }
    }
}

pub struct Patchbay {
    data_dir: PathBuf,
    store: Store,
    vault_config: VaultConfig,
    master_key: OnceCell<MasterKey>,
    /// History rows kept per connection (see [`Patchbay::set_history_retention`]).
    history_retention: u32,
    /// One refresh at a time per connection within this process (see oauth_ops.rs).
    oauth_locks:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

impl Patchbay {
    pub fn open(opts: OpenOptions) -> Result<Patchbay> {
        let store = Store::open(&opts.data_dir)?;
        tracing::debug!(path = %store.path().display(), "opened the store");
        Ok(Patchbay {
            data_dir: opts.data_dir,
            store,
            vault_config: opts.vault,
            master_key: OnceCell::new(),
            history_retention: crate::request::DEFAULT_HISTORY_RETENTION,
            oauth_locks: Default::default(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn database_path(&self) -> &Path {
        self.store.path()
    }

    pub fn vault_status(&self) -> Result<VaultStatus> {
        Ok(vault::status(self.store.conn(), &self.vault_config)?)
    }

    /// The master key, unlocking (or setting up) the vault on first use.
    pub(crate) fn master_key(&self) -> Result<&MasterKey> {
        if let Some(key) = self.master_key.get() {
            return Ok(key);
        }
        let key = vault::unlock_or_init(self.store.conn(), &self.vault_config)?;
        Ok(self.master_key.get_or_init(|| key))
    }

    /// Whether the master key is open in this `Patchbay` (nothing is probed or unlocked).
    pub fn is_unlocked(&self) -> bool {
        self.master_key.get().is_some()
    }

    /// Unlocks the vault now (e.g. to fail early before asking for secrets).
    pub fn unlock(&self) -> Result<()> {
        self.master_key().map(|_| ())
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

/// Associated data binding a sealed value to its slot: an envelope copied to another
/// connection or key fails to open.
pub(crate) fn secret_aad(connection_id: &str, key: &str) -> Vec<u8> {
    format!("patchbay/v1/{connection_id}/{key}").into_bytes()
}
