//! Shared set-up for the CLI's black-box tests: a throwaway data folder per test and a
//! `patchbay` command pointed at it.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};

pub const PASSPHRASE: &str = "correct horse battery staple";

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `patchbay --data-dir …` in passphrase mode, with no keyring reachable and no terminal.
    pub fn cmd(&self) -> Command {
        self.cmd_on(&self.data_dir())
    }

    /// Like [`Env::cmd`] on another data folder.
    pub fn cmd_on(&self, data_dir: &Path) -> Command {
        let mut c = Command::cargo_bin("patchbay").expect("patchbay binary");
        c.arg("--data-dir")
            .arg(data_dir)
            .env("PATCHBAY_VAULT_PASSPHRASE", PASSPHRASE)
            .env_remove("PATCHBAY_DATA_DIR")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/patchbay-test",
            )
            .current_dir(self.dir.path());
        c
    }

    /// Writes `value` as JSON into the test folder and returns its path.
    pub fn write_json(&self, name: &str, value: &Value) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(value).expect("json")).expect("write");
        path
    }

    pub fn create_type(&self, def: &Value) {
        let file = self.write_json(
            &format!("{}.json", def["slug"].as_str().unwrap_or("t")),
            def,
        );
        self.cmd()
            .args(["types", "create", "--file"])
            .arg(&file)
            .assert()
            .success();
    }

    /// `patchbay connect SLUG --name NAME --secret api_key` with the key on stdin.
    pub fn connect_api_key(&self, slug: &str, name: &str, key: &str) {
        self.cmd()
            .args(["connect", slug, "--name", name, "--secret", "api_key"])
            .write_stdin(format!("{key}\n"))
            .assert()
            .success();
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }
}

/// An API-key type at `host`.
pub fn api_key_type(slug: &str, host: &str) -> Value {
    json!({
        "slug": slug,
        "display_name": format!("{slug} API"),
        "base_url": format!("https://{host}/v1"),
        "auth_patterns": [{
            "type": "api_key",
            "fields": [{"field_name": "api_key", "label": "API key", "input_type": "password", "required": true}],
            "api_key": {"in": "header", "name": "X-API-Key"}
        }]
    })
}

pub fn bundle(defs: &[Value]) -> Value {
    json!({"format": "patchbay.bundle", "version": 1, "integrations": defs})
}

/// Every file below `dir`, recursively.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
