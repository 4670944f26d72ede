//! Shared set-up for the CLI's black-box tests: a throwaway folder per test, a `patchbay` command
//! pointed at a data folder inside it, and helpers to look at what a user (or an attacker with a
//! copy of the folder) would look at.
//!
//! Every command runs without a terminal, with `PATCHBAY_VAULT_PASSPHRASE` set (passphrase mode)
//! and with the OS keyring made unreachable (a D-Bus address that does not exist and a throwaway
//! HOME and XDG_RUNTIME_DIR), so no test ever touches the keyring of the person running it.
#![allow(dead_code)] // each test binary uses its own subset

pub mod mcp;
pub mod oauth_flow;
pub mod oidc;
pub mod secret_service;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{json, Value};

pub const PASSPHRASE: &str = "correct horse battery staple";
/// A D-Bus address nothing listens on: the keyring crate cannot reach a Secret Service.
pub const NO_BUS: &str = "unix:path=/nonexistent/patchbay-test-bus";

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home");
        std::fs::create_dir_all(dir.path().join("run")).expect("runtime dir");
        Env { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("patchbay.db")
    }

    /// `patchbay --data-dir …` in passphrase mode, with no keyring reachable and no terminal.
    pub fn cmd(&self) -> Command {
        self.cmd_on(&self.data_dir())
    }

    /// Like [`Env::cmd`] on another data folder.
    pub fn cmd_on(&self, data_dir: &Path) -> Command {
        let mut c = self.bare_cmd();
        c.arg("--data-dir").arg(data_dir);
        c
    }

    /// `patchbay` with the test's environment but no `--data-dir` and no passphrase.
    pub fn bare_cmd(&self) -> Command {
        self.with_test_env(Command::cargo_bin("patchbay").expect("patchbay binary"))
    }

    /// [`Env::cmd`] under a shell's `ulimit -v` of `mib` MiB and a 60-second timeout: a runaway
    /// allocation fails the command (killed or aborted), never the machine running the tests.
    pub fn cmd_within_memory(&self, mib: u64) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mib * 1024))
            .arg(env!("CARGO_BIN_EXE_patchbay"))
            .arg("--data-dir")
            .arg(self.data_dir())
            .timeout(std::time::Duration::from_secs(60));
        self.with_test_env(c)
    }

    fn with_test_env(&self, mut c: Command) -> Command {
        c.env("PATCHBAY_VAULT_PASSPHRASE", PASSPHRASE)
            .env_remove("PATCHBAY_DATA_DIR")
            .env_remove("RUST_LOG")
            .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .env("XDG_DATA_HOME", self.dir.path().join("home/.local/share"))
            .current_dir(self.dir.path());
        c
    }

    /// [`Env::cmd`] without a passphrase in the environment (and still no keyring).
    pub fn cmd_without_passphrase(&self) -> Command {
        let mut c = self.cmd();
        c.env_remove("PATCHBAY_VAULT_PASSPHRASE");
        c
    }

    /// Writes `value` as pretty JSON into the test folder and returns its path.
    pub fn write_json(&self, name: &str, value: &Value) -> PathBuf {
        self.write(name, &serde_json::to_vec_pretty(value).expect("json"))
    }

    /// Writes `bytes` into the test folder and returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    pub fn create_type(&self, def: &Value) {
        let file = self.write_json(
            &format!("type-{}.json", def["slug"].as_str().unwrap_or("t")),
            def,
        );
        self.cmd()
            .args(["types", "create", "--file"])
            .arg(&file)
            .assert()
            .success();
    }

    pub fn import(&self, name: &str, defs: &[Value], extra: &[&str]) -> Output {
        let file = self.write_json(name, &bundle(defs));
        self.cmd()
            .arg("import")
            .arg(&file)
            .args(extra)
            .output()
            .expect("run import")
    }

    /// `patchbay connect SLUG --name NAME --secret api_key` with the key on stdin.
    pub fn connect_api_key(&self, slug: &str, name: &str, key: &str) {
        self.cmd()
            .args(["connect", slug, "--name", name, "--secret", "api_key"])
            .write_stdin(format!("{key}\n"))
            .assert()
            .success();
    }

    /// Runs a command that must succeed and parses its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }

    /// The slugs `types list --json` shows.
    pub fn slugs(&self) -> Vec<String> {
        self.json(&["types", "list", "--json"])
            .as_array()
            .expect("a list")
            .iter()
            .map(|t| t["slug"].as_str().expect("slug").to_string())
            .collect()
    }

    /// The connection as `connections show NAME --json` prints it.
    pub fn connection(&self, name: &str) -> Value {
        self.json(&["connections", "show", name, "--json"])
    }

    /// What a script sees of the whole state: every type in full and every connection with
    /// its masked secrets.
    pub fn logical_dump(&self) -> Value {
        let types = self.json(&["types", "list", "--json"]);
        let full: Vec<Value> = types
            .as_array()
            .expect("a list")
            .iter()
            .map(|t| self.json(&["types", "show", t["slug"].as_str().expect("slug")]))
            .collect();
        let conns = self.json(&["connections", "list", "--json"]);
        json!({"types": types, "definitions": full, "connections": conns})
    }

    /// The vault's rows, read straight from SQLite (read-only).
    pub fn vault_rows(&self) -> VaultRows {
        vault_rows(&self.db_path())
    }
}

/// The sealed rows of a database: every `secrets` row and the `vault_meta` row.
#[derive(Debug, PartialEq, Eq)]
pub struct VaultRows {
    pub secrets: Vec<(String, String, Vec<u8>, String)>,
    pub meta: Vec<VaultMetaRow>,
}

/// The `vault_meta` row: how the vault's key is protected.
#[derive(Debug, PartialEq, Eq)]
pub struct VaultMetaRow {
    pub vault_id: String,
    pub mode: String,
    pub kdf_params: Option<String>,
    pub salt: Option<Vec<u8>>,
    pub check_envelope: Vec<u8>,
}

pub fn vault_rows(db: &Path) -> VaultRows {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database read-only");
    let secrets = conn
        .prepare(
            "SELECT connection_id, key, envelope, updated_at FROM secrets ORDER BY connection_id, key",
        )
        .expect("secrets table")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows");
    let meta = conn
        .prepare("SELECT vault_id, mode, kdf_params, salt, check_envelope FROM vault_meta")
        .expect("vault_meta table")
        .query_map([], |r| {
            Ok(VaultMetaRow {
                vault_id: r.get(0)?,
                mode: r.get(1)?,
                kdf_params: r.get(2)?,
                salt: r.get(3)?,
                check_envelope: r.get(4)?,
            })
        })
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows");
    VaultRows { secrets, meta }
}

/// `n` random bytes from the OS, as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("read /dev/urandom");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A unique secret value nobody could find by chance: `canary-` and 24 random hex digits.
pub fn canary() -> String {
    format!("canary-{}", random_hex(12))
}

/// The mask a user sees for `value`: `••••` plus the last four characters from 16 characters on.
pub fn mask_of(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() >= 16 {
        format!(
            "••••{}",
            chars[chars.len() - 4..].iter().collect::<String>()
        )
    } else {
        "••••".to_string()
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

pub fn secret_field(name: &str) -> Value {
    json!({"field_name": name, "label": name, "input_type": "password", "required": true})
}

pub fn text_field(name: &str) -> Value {
    json!({"field_name": name, "label": name, "required": true})
}

/// A type with one pattern of every static kind plus OAuth client credentials, each collecting a
/// secret; the base URL is templated on the non-secret `domain` field.
pub fn every_pattern_type(slug: &str) -> Value {
    json!({
        "slug": slug,
        "display_name": "Every pattern",
        "description": "one pattern of each kind",
        "base_url": "https://{{domain}}/api",
        "docs_url": "https://docs.example.com/",
        "auth_patterns": [
            {"type": "api_key", "fields": [text_field("domain"), secret_field("api_key")],
             "api_key": {"in": "query", "name": "key"}},
            {"type": "bearer", "fields": [text_field("domain"), secret_field("token")]},
            {"type": "basic", "fields": [text_field("domain"), text_field("username"), secret_field("password")]},
            {"type": "custom_headers", "fields": [text_field("domain"), secret_field("tenant_secret")],
             "headers": [{"name": "X-Tenant-Secret", "value": "{{tenant_secret}}"}]},
            {"type": "hmac", "fields": [text_field("domain"), secret_field("secret"), text_field("key_id")],
             "hmac": {"key_id_header": "X-Key-Id", "key_id_field": "key_id", "signature_prefix": "sha256="}},
            {"type": "oauth2_client_credentials", "fields": [text_field("domain")],
             "oauth_config": {"token_uri": "https://auth.example.com/token"}}
        ]
    })
}

pub fn bundle(defs: &[Value]) -> Value {
    json!({"format": "patchbay.bundle", "version": 1, "integrations": defs})
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
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
    out.sort();
    out
}

/// Whether `needle` occurs in `hay`, byte for byte.
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}
