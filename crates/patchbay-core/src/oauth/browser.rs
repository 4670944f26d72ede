//! Opening the authorize URL in the system browser — never an embedded web view, so the
//! provider's login page runs where the person's password manager and existing sessions are,
//! and Patchbay never sees the password.
//!
//! `PATCHBAY_BROWSER=/path/to/program` replaces the system browser: the program is started with
//! the URL as its only argument (a scripted browser in tests, or a particular browser).
//!
//! Either way the browser is a child of Patchbay and gets an environment without Patchbay's own
//! variables ([`crate::process_env::scrub`]): a browser, or anything it starts, never learns the
//! vault's passphrase or where the data folder is.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
            Some(program) => {
                let mut command = Command::new(&program);
                command.arg(url).stdin(Stdio::null());
                crate::process_env::scrub(&mut command)
                    .spawn()
                    .map(reap_in_background)
                    .map_err(|e| {
                        OAuthError::Browser(format!(
                            "{BROWSER_ENV}={} could not be started: {e}",
                            program.to_string_lossy()
                        ))
                    })
            }
            None => open_with_system_launcher(url),
        }
    }
}

/// How long a system launcher (`xdg-open`, …) may take to fail before it counts as working; a
/// launcher that fails sooner makes way for the next one, as the `open` crate does.
const LAUNCHER_FAILURE_WINDOW: Duration = Duration::from_millis(1500);

/// The platform's launchers in the `open` crate's order, each started with a scrubbed
/// environment; the first that does not fail within [`LAUNCHER_FAILURE_WINDOW`] wins.
fn open_with_system_launcher(url: &str) -> Result<(), OAuthError> {
    let mut failures = Vec::new();
    for command in open::commands(url) {
        let program = command.get_program().to_string_lossy().into_owned();
        match spawn_launcher(command) {
            Ok(mut child) => match exited_early(&mut child) {
                Some(status) if !status.success() => {
                    failures.push(format!("{program} exited with {status}"))
                }
                Some(_) => return Ok(()),
                None => {
                    reap_in_background(child);
                    return Ok(());
                }
            },
            Err(e) => failures.push(format!("{program}: {e}")),
        }
    }
    Err(OAuthError::Browser(if failures.is_empty() {
        "this platform has no way to open a browser".to_string()
    } else {
        failures.join("; ")
    }))
}

fn spawn_launcher(mut command: Command) -> std::io::Result<Child> {
    crate::process_env::scrub(&mut command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

/// The child's exit status if it ends within [`LAUNCHER_FAILURE_WINDOW`].
fn exited_early(child: &mut Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + LAUNCHER_FAILURE_WINDOW;
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(_) => return None,
        }
    }
    None
}

/// Reaped in the background, so a long-running app collects no zombies.
fn reap_in_background(mut child: Child) {
    std::thread::spawn(move || child.wait());
}
