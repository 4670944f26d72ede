//! The app's managed state: the [`Patchbay`] the window talks to, opened at startup, how to open
//! it again (workers, the unlock prompt), the OAuth login broker that redirects (deep links,
//! loopback) are finished by, the test request tool's in-flight requests and bodies, the native
//! dialogs commands open, and the files picked in them (the page holds only their tokens).
//!
//! Opening can fail (an unreadable data folder, a database from a newer version). The window
//! must still start and say why, so the state keeps the `Result`: every command then returns
//! the opening error's text and the UI shows it instead of an empty catalog.

use std::sync::{Arc, Mutex};

use patchbay_core::desktop::{FirstScreen, IpcError, Opener, PickedFiles, Tester};
use patchbay_core::oauth::{LoginBroker, SystemBrowser};
use patchbay_core::{data_dir, Patchbay};

use crate::dialogs::Dialogs;

/// What commands return: a value, or the core's (masked) error with its field problems.
pub type Reply<T> = Result<T, IpcError>;

pub struct AppState {
    core: Result<Mutex<Patchbay>, String>,
    opener: Mutex<Option<Opener>>,
    broker: Option<Arc<LoginBroker>>,
    pub tester: Tester,
    pub dialogs: Dialogs,
    pub picks: PickedFiles,
}

impl AppState {
    /// Opens the data folder `PATCHBAY_DATA_DIR` names, else the platform's data folder —
    /// the same rule as the CLI, so both see the same types and connections.
    pub fn open() -> AppState {
        let opened = data_dir::resolve(None).and_then(|dir| {
            tracing::info!(data_dir = %dir.display(), "opening Patchbay's data folder");
            let opener = Opener::new(dir.clone());
            opener.open().map(|pb| (pb, opener))
        });
        match opened {
            Ok((patchbay, opener)) => AppState {
                broker: Some(Arc::new(LoginBroker::new(
                    opener.clone(),
                    Box::new(SystemBrowser),
                ))),
                core: Ok(Mutex::new(patchbay)),
                opener: Mutex::new(Some(opener)),
                tester: Tester::new(),
                dialogs: Dialogs::from_env(),
                picks: PickedFiles::new(),
            },
            Err(error) => {
                let message = format!("Patchbay could not open its data folder: {error}");
                tracing::error!("{message}");
                AppState {
                    core: Err(message),
                    opener: Mutex::new(None),
                    broker: None,
                    tester: Tester::new(),
                    dialogs: Dialogs::from_env(),
                    picks: PickedFiles::new(),
                }
            }
        }
    }

    /// Runs `f` on the opened core and turns every error into what the UI shows.
    pub fn with<T>(&self, f: impl FnOnce(&Patchbay) -> patchbay_core::Result<T>) -> Reply<T> {
        let patchbay = self.core.as_ref().map_err(IpcError::message)?;
        let patchbay = patchbay.lock().map_err(|_| {
            IpcError::message("Patchbay stopped after an internal error; restart the app")
        })?;
        f(&patchbay).map_err(IpcError::from)
    }

    /// Like [`AppState::with`], with the login broker too.
    pub fn with_broker<T>(
        &self,
        f: impl FnOnce(&Patchbay, &Arc<LoginBroker>) -> patchbay_core::Result<T>,
    ) -> Reply<T> {
        let broker = self.broker()?;
        self.with(|pb| f(pb, &broker))
    }

    pub fn broker(&self) -> Reply<Arc<LoginBroker>> {
        match (&self.broker, &self.core) {
            (Some(b), _) => Ok(Arc::clone(b)),
            (None, Err(e)) => Err(IpcError::message(e)),
            (None, Ok(_)) => Err(IpcError::message("the OAuth login broker is not available")),
        }
    }

    /// How a worker opens the data folder (with the passphrase typed into the unlock prompt).
    pub fn opener(&self) -> Reply<Opener> {
        let opener = self.opener.lock().unwrap_or_else(|e| e.into_inner());
        match (&*opener, &self.core) {
            (Some(o), _) => Ok(o.clone()),
            (None, Err(e)) => Err(IpcError::message(e)),
            (None, Ok(_)) => Err(IpcError::message("the data folder is not open")),
        }
    }

    /// Starts listing the catalog for the window's first frame (none when the folder is not open).
    pub fn first_screen(&self) -> Option<FirstScreen> {
        self.opener().ok().map(FirstScreen::start)
    }

    /// Unlocks a passphrase vault: on success the window's `Patchbay` and every later worker
    /// use the passphrase; a wrong one changes nothing.
    pub fn unlock(&self, passphrase: patchbay_core::Secret) -> Reply<()> {
        let mut opener = self.opener()?;
        opener.passphrase = Some(passphrase);
        let unlocked = patchbay_core::desktop::unlock_with(&opener)?;
        if let Ok(core) = &self.core {
            *core.lock().unwrap_or_else(|e| e.into_inner()) = unlocked;
        }
        if let Some(broker) = &self.broker {
            broker.set_opener(opener.clone());
        }
        *self.opener.lock().unwrap_or_else(|e| e.into_inner()) = Some(opener);
        Ok(())
    }
}
