//! Set-up for `request_cli.rs`: the core's in-test HTTP server (one file, shared by path) and a
//! data folder with connections made through the core directly — faster than `patchbay connect`
//! runs, and the same vault (passphrase mode) the CLI then opens.

#![allow(dead_code)]

#[path = "../../../patchbay-core/tests/support/server.rs"]
pub mod server;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use patchbay_core::model::{AuthType, IntegrationDef};
use patchbay_core::vault::VaultConfig;
use patchbay_core::{ConnectRequest, OpenOptions, Patchbay, Secret};
use serde_json::json;

pub const PASSPHRASE: &str = "correct horse battery staple";
pub const API_KEY: &str = "sk_live_CANARY_cli_apikey_5c1e8d7a2b";
pub const TOKEN: &str = "tok_CANARY_cli_bearer_0a9f3e6c4d";
pub const CANARIES: &[&str] = &[API_KEY, TOKEN];

pub struct Setup {
    pub dir: tempfile::TempDir,
}

impl Setup {
    /// A data folder with type `acme` at `base_url` and connections `key` (API key in the query
    /// string: the URL itself holds the secret), `bearer`, and `open` (no auth, so no vault
    /// unlock: its Argon2id would dominate a memory measurement in passphrase mode).
    pub fn new(base_url: &str) -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Setup { dir };
        let pb = s.core();
        let def: IntegrationDef = serde_json::from_value(json!({
            "slug": "acme", "display_name": "Acme", "base_url": base_url,
            "auth_patterns": [
                {"type": "api_key", "fields": [{"field_name": "api_key", "input_type": "password", "required": true}],
                 "api_key": {"in": "query", "name": "api_key"}},
                {"type": "bearer", "fields": [{"field_name": "token", "input_type": "password", "required": true}]},
                {"type": "none"}
            ],
            "actions": [{"name": "whoami", "method": "GET", "path": "/me"}]
        }))
        .expect("definition");
        pb.create_type(def).expect("create type");
        for (name, auth, key, value) in [
            ("key", AuthType::ApiKey, "api_key", API_KEY),
            ("bearer", AuthType::Bearer, "token", TOKEN),
        ] {
            pb.connect(ConnectRequest {
                type_slug: "acme".into(),
                name: name.into(),
                auth_type: Some(auth),
                fields: Default::default(),
                secrets: [(key.to_string(), Secret::new(value))]
                    .into_iter()
                    .collect(),
            })
            .expect("connect");
        }
        pb.connect(ConnectRequest {
            type_slug: "acme".into(),
            name: "open".into(),
            auth_type: Some(AuthType::None),
            fields: Default::default(),
            secrets: Default::default(),
        })
        .expect("connect");
        s
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn core(&self) -> Patchbay {
        Patchbay::open(OpenOptions {
            data_dir: self.data_dir(),
            vault: VaultConfig {
                passphrase: Some(Secret::new(PASSPHRASE)),
                prompt: None,
                use_keyring: false,
            },
        })
        .expect("open")
    }

    /// `patchbay --data-dir …` in passphrase mode, no keyring, no proxy from the environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("patchbay").expect("patchbay binary");
        c.arg("--data-dir").arg(self.data_dir());
        std_env(&mut c);
        c
    }

    /// The same as a `std::process::Command` (for signals and /proc).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("patchbay"));
        c.arg("--data-dir").arg(self.data_dir());
        for (k, v) in ENV {
            c.env(k, v);
        }
        for k in REMOVED_ENV {
            c.env_remove(k);
        }
        c.current_dir(self.dir.path());
        c
    }

    /// Everything in the log folder.
    pub fn logs(&self) -> String {
        let mut all = String::new();
        if let Ok(entries) = std::fs::read_dir(self.data_dir().join("logs")) {
            for e in entries.flatten() {
                all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        all
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

const ENV: [(&str, &str); 2] = [
    ("PATCHBAY_VAULT_PASSPHRASE", PASSPHRASE),
    (
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/patchbay-test",
    ),
];
const REMOVED_ENV: [&str; 9] = [
    "PATCHBAY_DATA_DIR",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

fn std_env(c: &mut Command) {
    for (k, v) in ENV {
        c.env(k, v);
    }
    for k in REMOVED_ENV {
        c.env_remove(k);
    }
}

pub fn assert_no_canary(what: &str, text: &str) {
    for c in CANARIES {
        assert!(!text.contains(c), "{what} contains canary {c}:\n{text}");
    }
}
