//! Runs an async core operation on a thread of its own, with a `Patchbay` of its own.
//!
//! `Patchbay` is not `Sync` (rusqlite), so a future holding `&Patchbay` cannot cross threads and
//! the window's shared `Patchbay` cannot be held across a network wait without freezing every
//! other command. A request or an OAuth refresh therefore opens the same data folder again
//! (SQLite in WAL mode takes concurrent readers and serialises writers) on its own thread, like
//! the OAuth login broker does, and hands the result back to the async caller.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use crate::vault::VaultConfig;
use crate::{CoreError, OpenOptions, Patchbay, Result, Secret};

/// How to open the window's data folder again: the folder, and the passphrase the person typed
/// into the unlock prompt (passphrase vaults), else the environment's.
#[derive(Clone, Debug)]
pub struct Opener {
    pub data_dir: PathBuf,
    pub passphrase: Option<Secret>,
}

impl Opener {
    pub fn new(data_dir: PathBuf) -> Opener {
        Opener {
            data_dir,
            passphrase: None,
        }
    }

    pub fn options(&self) -> OpenOptions {
        let mut vault = VaultConfig::from_env();
        if let Some(p) = &self.passphrase {
            vault.passphrase = Some(p.clone());
        }
        OpenOptions {
            data_dir: self.data_dir.clone(),
            vault,
        }
    }

    pub fn open(&self) -> Result<Patchbay> {
        Patchbay::open(self.options())
    }
}

/// A future borrowing the worker's `Patchbay`.
pub type Borrowed<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + 'a>>;

/// Opens the data folder on a new thread, runs `f` there to completion, and returns its result.
pub async fn run_detached<T, F>(opener: Opener, f: F) -> Result<T>
where
    T: Send + 'static,
    F: for<'a> FnOnce(&'a Patchbay) -> Borrowed<'a, T> + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("patchbay-worker".into())
        .spawn(move || {
            let result = (|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        CoreError::Invalid(format!("cannot start a worker runtime: {e}"))
                    })?;
                let pb = opener.open()?;
                runtime.block_on(f(&pb))
            })();
            // The caller may have gone (window closed); nothing is left to tell.
            let _ = tx.send(result);
        })
        .map_err(|e| CoreError::Invalid(format!("cannot start a worker thread: {e}")))?;
    rx.await
        .map_err(|_| CoreError::Invalid("the worker stopped before it answered".into()))?
}
