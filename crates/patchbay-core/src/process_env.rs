//! Patchbay's own environment: what this process reads from it once, and what no child process
//! may inherit.
//!
//! A child of Patchbay — the command `patchbay run` starts, the system browser, a
//! `PATCHBAY_BROWSER` program — must not be able to open the vault: with
//! `PATCHBAY_VAULT_PASSPHRASE` and `PATCHBAY_DATA_DIR` it could run `patchbay request OTHER
//! --as-curl --reveal` and read every secret. So the passphrase is taken out of the process's
//! environment at start ([`harden_at_start`]), and every child is started through
//! [`scrub`], which removes every `PATCHBAY_*` variable and any inherited `CUSTOM_API_*` one
//! (a child gets only the variables of the connections it was given).
//!
//! Removing a variable does not take it out of `/proc/<pid>/environ`, which shows the
//! environment as it was at `exec` — and a child runs as the same user, so it could read its
//! parent's. On Linux the process therefore also makes itself non-dumpable at start (as
//! ssh-agent and gpg-agent do): `/proc/<pid>/environ`, `/proc/<pid>/mem` and ptrace are then
//! closed to every process but root's, which also keeps the unlocked master key out of other
//! processes' reach and out of core dumps. And it sets a private umask (`077`), so every file
//! and folder it creates is the user's alone unless it says otherwise.

use std::ffi::OsString;
use std::process::Command;
use std::sync::OnceLock;

use crate::Secret;

/// The vault's passphrase for unattended use.
pub const PASSPHRASE_ENV: &str = "PATCHBAY_VAULT_PASSPHRASE";

/// Every variable whose name starts with this is Patchbay's own, and never reaches a child.
pub const OWN_PREFIX: &str = "PATCHBAY_";

/// Connection variables (`CUSTOM_API_<NAME>`): a child gets the ones Patchbay sets for it, not
/// ones this process inherited.
pub const CONNECTION_PREFIX: &str = "CUSTOM_API_";

static PASSPHRASE: OnceLock<Option<Secret>> = OnceLock::new();

/// Reads `PATCHBAY_VAULT_PASSPHRASE` into memory, removes it from this process's environment,
/// and hardens the process (see the module documentation). Call it first thing in `main`,
/// before any thread starts (changing the environment while another thread reads it is not
/// safe on every platform).
pub fn harden_at_start() {
    let value = std::env::var(PASSPHRASE_ENV);
    PASSPHRASE.get_or_init(|| passphrase_from(value));
    if std::env::var_os(PASSPHRASE_ENV).is_some() {
        std::env::remove_var(PASSPHRASE_ENV);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::Mode;
        use rustix::process::{set_dumpable_behavior, umask, DumpableBehavior};
        if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            tracing::warn!("could not make the process non-dumpable: {e}");
        }
        umask(Mode::from_raw_mode(0o077));
    }
}

/// The passphrase given in the environment: the one captured at start, or (in a process that
/// never captured it, such as a test) the variable's current value.
pub(crate) fn passphrase() -> Option<Secret> {
    match PASSPHRASE.get() {
        Some(captured) => captured.clone(),
        None => passphrase_from(std::env::var(PASSPHRASE_ENV)),
    }
}

/// An empty value counts as unset; a value that is not UTF-8 is ignored with a warning.
fn passphrase_from(value: Result<String, std::env::VarError>) -> Option<Secret> {
    match value {
        Ok(text) => Some(Secret::new(text)).filter(|s| !s.is_empty()),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            tracing::warn!("{PASSPHRASE_ENV} is not valid UTF-8 and is ignored");
            None
        }
    }
}

/// Whether a child may inherit the variable `name`.
pub fn inheritable(name: &str) -> bool {
    !(name.starts_with(OWN_PREFIX) || name.starts_with(CONNECTION_PREFIX))
}

/// Removes from `command`'s environment every variable a child must not inherit (see the module
/// documentation). Variables set on `command` afterwards are kept.
pub fn scrub(command: &mut Command) -> &mut Command {
    for name in withheld_names() {
        command.env_remove(name);
    }
    command
}

/// The names in this process's environment that [`scrub`] removes.
fn withheld_names() -> Vec<OsString> {
    std::env::vars_os()
        .map(|(name, _)| name)
        .filter(|name| !inheritable(&name.to_string_lossy()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patchbay_and_inherited_connection_variables_are_withheld() {
        for name in [
            "PATCHBAY_VAULT_PASSPHRASE",
            "PATCHBAY_DATA_DIR",
            "PATCHBAY_BROWSER",
            "CUSTOM_API_OTHER",
        ] {
            assert!(!inheritable(name), "{name}");
        }
        for name in ["PATH", "HOME", "LANG", "XDG_RUNTIME_DIR", "PATCHBAYX"] {
            assert!(inheritable(name), "{name}");
        }
    }

    #[test]
    fn empty_passphrases_count_as_unset() {
        assert!(passphrase_from(Ok(String::new())).is_none());
        assert!(passphrase_from(Err(std::env::VarError::NotPresent)).is_none());
        assert_eq!(
            passphrase_from(Ok("pw".into())).map(|s| s.expose().to_string()),
            Some("pw".to_string())
        );
    }
}
