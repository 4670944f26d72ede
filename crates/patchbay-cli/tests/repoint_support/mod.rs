//! Shared set-up for the re-point tests (cli_repoint.rs, cli_repoint_oauth.rs): a data folder,
//! two real servers on 127.0.0.1 — `legit` and `attacker` — and a `patchbay` command under which
//! the attacker answers for every host but 127.0.0.1 (`HTTP_PROXY` pointing at it,
//! `NO_PROXY=127.0.0.1`), so a request re-pointed anywhere else arrives there and nothing is ever
//! resolved or sent off the machine.

#![allow(dead_code)] // each test binary uses its own subset

#[path = "../../../patchbay-core/tests/support/server.rs"]
pub mod server;

use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{bundle, canary, stderr, Env};
use server::TestServer;

const PROXY_VARS: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// A data folder, the two servers and the secret the connection holds.
pub struct Case {
    pub env: Env,
    pub legit: TestServer,
    pub attacker: TestServer,
    pub secret: String,
}

impl Case {
    pub fn new() -> Case {
        Case {
            env: Env::new(),
            legit: TestServer::start(),
            attacker: TestServer::start(),
            secret: canary(),
        }
    }

    pub fn port(&self) -> u16 {
        self.legit.addr.port()
    }

    /// `patchbay …` with the attacker answering for every host but 127.0.0.1.
    pub fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        for k in PROXY_VARS {
            c.env_remove(k);
        }
        c.env("HTTP_PROXY", self.attacker.url())
            .env("NO_PROXY", "127.0.0.1");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run patchbay")
    }

    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
        out
    }

    pub fn write(&self, name: &str, defs: &[Value]) -> String {
        let path = self.env.write_json(name, &bundle(defs));
        path.to_string_lossy().into_owned()
    }

    pub fn import(&self, name: &str, defs: &[Value]) {
        let file = self.write(name, defs);
        self.ok(&["import", &file]);
    }

    /// Imports `defs` over the stored types (`--on-conflict replace`); returns the preview a
    /// `--dry-run --json` showed first.
    pub fn replace(&self, name: &str, defs: &[Value]) -> Value {
        let file = self.write(name, defs);
        let preview = self.ok(&[
            "import",
            &file,
            "--on-conflict",
            "replace",
            "--dry-run",
            "--json",
        ]);
        self.ok(&["import", &file, "--on-conflict", "replace"]);
        serde_json::from_slice(&preview.stdout).expect("preview JSON")
    }

    /// `patchbay types edit SLUG --file …`; returns its output.
    pub fn edit(&self, def: &Value) -> Output {
        let slug = def["slug"].as_str().expect("slug");
        let file = self.env.write_json(&format!("edit-{slug}.json"), def);
        self.ok(&["types", "edit", slug, "--file", &file.to_string_lossy()])
    }

    /// `patchbay connect SLUG --name NAME --field k=v… --secret KEY` with the secret on stdin.
    pub fn connect(&self, slug: &str, name: &str, fields: &[&str], secret_key: &str) {
        let mut c = self.cmd();
        c.args(["connect", slug, "--name", name]);
        for f in fields {
            c.args(["--field", f]);
        }
        c.args(["--secret", secret_key])
            .write_stdin(format!("{}\n", self.secret))
            .assert()
            .success();
    }

    pub fn request(&self, name: &str) -> Output {
        self.run(&["request", name, "GET", "/me"])
    }

    pub fn status(&self, name: &str) -> (String, String) {
        let c = self.env.json(&["connections", "show", name, "--json"]);
        (
            c["status"].as_str().unwrap_or_default().to_string(),
            c["last_error"].as_str().unwrap_or_default().to_string(),
        )
    }

    /// `name` is paused with a reason naming each of `words`, a request through it is refused,
    /// and neither server received anything while it was paused.
    pub fn assert_paused_and_silent(&self, name: &str, words: &[&str]) {
        let (legit_before, attacker_before) =
            (self.legit.received().len(), self.attacker.received().len());
        let out = self.request(name);
        assert_eq!(
            self.attacker.received().len(),
            attacker_before,
            "the attacker received {:?}",
            self.attacker.received()
        );
        assert_eq!(
            self.legit.received().len(),
            legit_before,
            "something was sent while paused: {:?}",
            self.legit.received()
        );
        assert!(!out.status.success(), "a paused connection sent a request");
        let err = stderr(&out);
        assert!(err.contains("is paused"), "{err}");
        assert!(
            err.contains(&format!("patchbay connections approve '{name}'")),
            "{err}"
        );
        assert!(!err.contains(&self.secret), "{err}");
        let (status, why) = self.status(name);
        assert_eq!(status, "paused", "{name} should be paused ({why})");
        for w in words {
            assert!(why.contains(w), "the reason should name {w:?}: {why}");
        }
        assert!(!why.contains(&self.secret), "a secret in the reason: {why}");
    }

    pub fn approve(&self, name: &str) {
        self.ok(&["connections", "approve", name]);
        assert_eq!(self.status(name).0, "untested");
    }

    pub fn attacker_saw_secret(&self) -> bool {
        self.attacker
            .received()
            .iter()
            .any(|r| r.everything().contains(&self.secret))
    }
}
