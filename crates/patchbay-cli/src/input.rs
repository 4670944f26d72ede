//! Reading secrets and passphrases: from the terminal without echo, from stdin when it is not a
//! terminal, or from a file. Never from argv, where other users and shell history can see them.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{bail, Context, Result};
use patchbay_core::vault::{PassphrasePrompt, VaultError};
use patchbay_core::Secret;

/// Reads values for `keys` in order: one prompt each on a terminal, else one stdin line each.
pub fn read_secrets(keys: &[String], context: &str) -> Result<Vec<Secret>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return keys
            .iter()
            .map(|k| {
                let value =
                    rpassword::prompt_password(format!("{k} for {context} (input hidden): "))
                        .with_context(|| format!("reading '{k}' from the terminal"))?;
                Ok(Secret::new(value))
            })
            .collect();
    }
    let mut lines = stdin.lock().lines();
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        match lines.next() {
            Some(line) => {
                let line = line.with_context(|| format!("reading '{k}' from stdin"))?;
                out.push(Secret::new(line.trim_end_matches('\r').to_string()));
            }
            None => bail!(
                "stdin ended before a value for '{k}': give one line per --secret, in the order of the flags"
            ),
        }
    }
    Ok(out)
}

/// A secret kept in a file; one trailing newline is dropped (what `echo` and editors add).
pub fn read_secret_file(key: &str, path: &Path) -> Result<Secret> {
    let mut value = std::fs::read_to_string(path)
        .with_context(|| format!("reading secret '{key}' from {}", path.display()))?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    Ok(Secret::new(value))
}

/// Asks for the vault passphrase on the terminal; declines (so the core can say how to
/// proceed) when stdin is not a terminal.
pub struct TerminalPrompt;

impl PassphrasePrompt for TerminalPrompt {
    fn new_passphrase(&self) -> Result<Option<Secret>, VaultError> {
        if !std::io::stdin().is_terminal() {
            return Ok(None);
        }
        eprintln!("No OS keyring is available. Choose a passphrase to protect Patchbay's vault.");
        let first = ask("New vault passphrase: ")?;
        let second = ask("Repeat the passphrase: ")?;
        if first.expose() != second.expose() {
            return Err(VaultError::PassphraseMismatch);
        }
        Ok(Some(first))
    }

    fn existing_passphrase(&self) -> Result<Option<Secret>, VaultError> {
        if !std::io::stdin().is_terminal() {
            return Ok(None);
        }
        ask("Vault passphrase: ").map(Some)
    }
}

fn ask(prompt: &str) -> Result<Secret, VaultError> {
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|e| VaultError::Prompt(e.to_string()))
}
