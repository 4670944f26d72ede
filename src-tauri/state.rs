//! The app's managed state: the one [`Patchbay`] the window talks to, opened at startup, and the
//! OAuth login broker that redirects (deep links, loopback) are finished by.
//!
//! Opening can fail (an unreadable data folder, a database from a newer version). The window
//! must still start and say why, so the state keeps the `Result`: every command then returns
//! the opening error's text and the UI shows it instead of an empty catalog.

use std::sync::{Arc, Mutex};

use patchbay_core::oauth::{LoginBroker, SystemBrowser};
use patchbay_core::{data_dir, OpenOptions, Patchbay};

pub struct AppState {
    core: Result<Mutex<Patchbay>, String>,
    broker: Option<Arc<LoginBroker>>,
}

impl AppState {
    /// Opens the data folder `PATCHBAY_DATA_DIR` names, else the platform's data folder —
    /// the same rule as the CLI, so both see the same types and connections.
    pub fn open() -> AppState {
        let opened = data_dir::resolve(None).and_then(|dir| {
            tracing::info!(data_dir = %dir.display(), "opening Patchbay's data folder");
            Patchbay::open(OpenOptions::new(dir.clone())).map(|pb| (pb, dir))
        });
        match opened {
            Ok((patchbay, dir)) => AppState {
                core: Ok(Mutex::new(patchbay)),
                broker: Some(Arc::new(LoginBroker::new(dir, Box::new(SystemBrowser)))),
            },
            Err(error) => {
                let message = format!("Patchbay could not open its data folder: {error}");
                tracing::error!("{message}");
                AppState {
                    core: Err(message),
                    broker: None,
                }
            }
        }
    }

    /// Runs `f` on the opened core and turns every error into the text the UI shows.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Patchbay) -> patchbay_core::Result<T>,
    ) -> Result<T, String> {
        let patchbay = self.core.as_ref().map_err(Clone::clone)?;
        let patchbay = patchbay
            .lock()
            .map_err(|_| "Patchbay stopped after an internal error; restart the app".to_string())?;
        f(&patchbay).map_err(|error| error.to_string())
    }

    /// Like [`AppState::with`], with the login broker too.
    pub fn with_broker<T>(
        &self,
        f: impl FnOnce(&Patchbay, &Arc<LoginBroker>) -> patchbay_core::Result<T>,
    ) -> Result<T, String> {
        let broker = self.broker()?;
        self.with(|pb| f(pb, &broker))
    }

    pub fn broker(&self) -> Result<Arc<LoginBroker>, String> {
        match (&self.broker, &self.core) {
            (Some(b), _) => Ok(Arc::clone(b)),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(_)) => Err("the OAuth login broker is not available".into()),
        }
    }
}
