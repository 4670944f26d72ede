//! The catalog handed to the window's page before its first script runs, so the first frame can
//! show it without waiting for an IPC round trip.
//!
//! The window opens on the catalog. Asked for over IPC, the page's first frame waits ~15–20 ms
//! for the answer after its script has started (docs/BENCHMARKS.md, "Desktop window"). Instead,
//! the catalog is listed on a thread of its own while GTK and WebKit start (which takes far
//! longer), and the desktop shell injects it as an initialization script that defines
//! [`FIRST_SCREEN_GLOBAL`] before the page's own scripts run. The page uses it for its first
//! frame only and then asks the core again, so a snapshot that went stale while the window
//! started (a CLI import at that moment) is corrected at once.
//!
//! Only type summaries travel this way — the same values `list_types` returns over IPC; no
//! connection, and nothing secret. Large catalogs are not injected (the page then asks over
//! IPC as before): a script of tens of megabytes would cost the page more to parse than the
//! round trip it saves.

use std::thread::JoinHandle;

use crate::model::TypeSummary;

use super::Opener;

/// The page-global the initialization script defines: the catalog as `TypeSummary[]`.
pub const FIRST_SCREEN_GLOBAL: &str = "__PATCHBAY_FIRST_TYPES__";

/// Catalogs with more types than this are left to IPC (about 400 bytes of script per type).
pub const FIRST_SCREEN_MAX_TYPES: usize = 2_000;

/// The catalog being listed on a thread of its own; [`FirstScreen::script`] waits for it.
pub struct FirstScreen {
    listing: Option<JoinHandle<Option<String>>>,
}

impl FirstScreen {
    /// Starts listing the catalog of the data folder `opener` names, on a new thread.
    pub fn start(opener: Opener) -> FirstScreen {
        let listing = std::thread::Builder::new()
            .name("patchbay-first-screen".into())
            .spawn(move || match opener.open().and_then(|pb| pb.list_types()) {
                Ok(types) => first_screen_script(&types),
                Err(error) => {
                    // The page asks over IPC instead, and shows this error in the window.
                    tracing::warn!("the catalog could not be listed for the first frame: {error}");
                    None
                }
            });
        match listing {
            Ok(handle) => FirstScreen {
                listing: Some(handle),
            },
            Err(error) => {
                tracing::warn!("could not start listing the catalog for the first frame: {error}");
                FirstScreen { listing: None }
            }
        }
    }

    /// A script defining [`FIRST_SCREEN_GLOBAL`], or `None` when the catalog is left to IPC
    /// (too large, or it could not be listed).
    pub fn script(self) -> Option<String> {
        self.listing?.join().ok().flatten()
    }
}

/// The initialization script for `types`, or `None` above [`FIRST_SCREEN_MAX_TYPES`].
pub fn first_screen_script(types: &[TypeSummary]) -> Option<String> {
    if types.len() > FIRST_SCREEN_MAX_TYPES {
        return None;
    }
    // JSON is valid JavaScript (ES2019 and later accept U+2028/U+2029 in strings), and an
    // initialization script is not HTML, so no further escaping is needed.
    let json = match serde_json::to_string(types) {
        Ok(json) => json,
        Err(error) => {
            tracing::warn!("the catalog could not be serialized for the first frame: {error}");
            return None;
        }
    };
    Some(format!("window.{FIRST_SCREEN_GLOBAL} = {json};"))
}
