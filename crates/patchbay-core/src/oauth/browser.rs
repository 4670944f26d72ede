//! Opening the authorize URL in the system browser — never an embedded web view, so the
//! provider's login page runs where the person's password manager and existing sessions are,
//! and Patchbay never sees the password.
//!
//! `PATCHBAY_BROWSER=/path/to/program` replaces the system browser: the program is started with
//! the URL as its only argument (a scripted browser in tests, or a particular browser).

use std::process::{Command, Stdio};

use super::error::OAuthError;

/// The environment variable naming a browser program to use instead of the system's.
pub const BROWSER_ENV: &str = "PATCHBAY_BROWSER";

/// Something that can show a URL to the person.
pub trait BrowserOpener {
    fn open(&self, url: &str) -> Result<(), OAuthError>;
}

/// `PATCHBAY_BROWSER` when set, else the system browser (`xdg-open`, `open`, `start`).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), OAuthError> {
        match std::env::var_os(BROWSER_ENV).filter(|v| !v.is_empty()) {
            Some(program) => Command::new(&program)
                .arg(url)
                .stdin(Stdio::null())
                .spawn()
                // Reaped in the background, so a long-running app collects no zombies.
                .map(|mut child| {
                    std::thread::spawn(move || child.wait());
                })
                .map_err(|e| {
                    OAuthError::Browser(format!(
                        "{BROWSER_ENV}={} could not be started: {e}",
                        program.to_string_lossy()
                    ))
                }),
            None => open::that_detached(url).map_err(|e| OAuthError::Browser(e.to_string())),
        }
    }
}
