//! The agent of the tests: `patchbay mcp` driven by the official MCP Python SDK
//! (tests/mcp/client.py in tests/mcp/.venv, installed by `scripts/setup.sh`), as an agent host
//! drives it.
//!
//! Without the SDK the tests that need it are skipped with a message, except under `CI`, where
//! they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A tool under tests/mcp, or a skip (a failure under CI) naming what `make setup` installs.
pub fn tool_or_skip(test: &str, path: &Path, what: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    let message = format!(
        "{test}: {} is missing ({what}; `make setup` installs it)",
        path.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("SKIPPED {message}");
    None
}

/// The Python of the MCP SDK's virtual environment, or a skip.
pub fn python_or_skip(test: &str) -> Option<PathBuf> {
    tool_or_skip(
        test,
        &repo().join("tests/mcp/.venv/bin/python"),
        "the MCP Python SDK",
    )
}

/// Runs the MCP client against `patchbay mcp` on `data_dir` (passphrase mode, no keyring) with
/// `calls` (a list of `[tool, arguments]`); returns its transcript as printed and as JSON.
pub fn session(python: &Path, data_dir: &Path, calls: &Value) -> (String, Value) {
    let out = Command::new(python)
        .arg(repo().join("tests/mcp/client.py"))
        .arg(assert_cmd::cargo::cargo_bin("patchbay"))
        .arg(calls.to_string())
        .env("PATCHBAY_DATA_DIR", data_dir)
        .env("PATCHBAY_VAULT_PASSPHRASE", super::PASSPHRASE)
        .env("DBUS_SESSION_BUS_ADDRESS", super::NO_BUS)
        .env_remove("RUST_LOG")
        .output()
        .expect("run the MCP client");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the MCP client failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed = serde_json::from_str(&stdout).expect("the transcript is JSON");
    (stdout, parsed)
}

/// The text of call `n` of a transcript and whether it is an error.
pub fn call_text(transcript: &Value, n: usize) -> (String, bool) {
    let result = &transcript["calls"][n]["result"];
    let text = result["content"][0]["text"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let is_error = result["isError"]
        .as_bool()
        .or(result["is_error"].as_bool())
        .unwrap_or(false);
    (text, is_error)
}
