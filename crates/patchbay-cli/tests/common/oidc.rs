//! The real authorization server of the OAuth tests: `tests/oidc-provider/server.mjs`
//! (oidc-provider from npm) started on 127.0.0.1 for one test, and its scripted browser.
//!
//! Without Node.js or the server's npm packages (`make setup` installs them) a test skips with a
//! message; with `CI` set it fails instead, so CI cannot pass without running them.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub struct OidcServer {
    child: Child,
    pub issuer: String,
}

/// `tests/oidc-provider` in the workspace (this file is compiled into the CLI's tests and the
/// root package's window tests, whose manifests sit at different depths).
pub fn dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|d| d.join("tests/oidc-provider"))
        .find(|d| d.join("server.mjs").is_file())
        .unwrap_or_else(|| manifest.join("tests/oidc-provider"))
}

/// The scripted browser, to be set as `PATCHBAY_BROWSER`.
pub fn browser() -> PathBuf {
    dir().join("browser.mjs")
}

impl OidcServer {
    /// Starts the server with extra environment (`OIDC_CLIENT_SECRET`, `OIDC_ACCESS_TTL`,
    /// `OIDC_ROTATE_REFRESH`); `None` (after saying why) when it cannot run here.
    pub fn start(env: &[(&str, &str)]) -> Option<OidcServer> {
        let ready = dir()
            .join("node_modules/oidc-provider/package.json")
            .exists()
            && Command::new("node").arg("--version").output().is_ok();
        if !ready {
            let msg = "the OAuth test server is not installed (Node.js and `npm ci` in tests/oidc-provider; `make setup` does both)";
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("skipped: {msg}");
            return None;
        }
        let mut cmd = Command::new("node");
        cmd.arg(dir().join("server.mjs"))
            .current_dir(dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .expect("start node tests/oidc-provider/server.mjs");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's first line");
        let issuer = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("the OAuth server did not start: {line:?}"))
            .to_string();
        assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
        Some(OidcServer { child, issuer })
    }

    pub fn get(&self, path: &str) -> Value {
        http("GET", &format!("{}{path}", self.issuer), "")
    }

    pub fn post(&self, path: &str) -> Value {
        http("POST", &format!("{}{path}", self.issuer), "")
    }

    /// A token request with a form body, as a client would send it; the JSON answer.
    pub fn token(&self, form: &str) -> Value {
        http("POST", &format!("{}/token", self.issuer), form)
    }

    /// How many times the token endpoint granted `grant_type`.
    pub fn grants(&self, grant_type: &str) -> u64 {
        self.get("/test/stats")["grants"][grant_type]
            .as_u64()
            .unwrap_or(0)
    }

    /// Every token and authorization code value the server has issued.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.get("/test/tokens")
            .as_array()
            .expect("token list")
            .iter()
            .map(|v| v.as_str().expect("token").to_string())
            .collect()
    }

    /// An integration type for this server: authorization code (or client credentials) with
    /// userinfo and revocation, API at `/api`.
    pub fn type_def(&self, slug: &str, auth_type: &str, client_auth: &str) -> Value {
        serde_json::json!({
            "slug": slug,
            "display_name": format!("{slug} (test OIDC provider)"),
            "base_url": format!("{}/api", self.issuer),
            "auth_patterns": [{
                "type": auth_type,
                "oauth_config": {
                    "authorize_uri": format!("{}/auth", self.issuer),
                    "token_uri": format!("{}/token", self.issuer),
                    "user_info_uri": format!("{}/me", self.issuer),
                    "revocation_uri": format!("{}/token/revocation", self.issuer),
                    "available_scopes": if auth_type == "oauth2_client_credentials" {
                        serde_json::json!([{"scope": "api:read", "required": true}])
                    } else {
                        serde_json::json!([
                            {"scope": "openid", "required": true},
                            {"scope": "email"},
                            {"scope": "api:read"}
                        ])
                    },
                    "client_auth": client_auth,
                    "pkce_enabled": true,
                    "redirect_style": "loopback"
                }
            }],
            "actions": [{"name": "me", "method": "GET", "path": "/me"}]
        })
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.0 request (so the answer is not chunked) with plain std networking; a non-empty
/// `form` goes as an `application/x-www-form-urlencoded` body.
fn http(method: &str, url: &str, form: &str) -> Value {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').expect("path");
    let mut s = std::net::TcpStream::connect(host).expect("connect to the OAuth server");
    write!(
        s,
        "{method} /{path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .expect("send");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{method} {url}: {e}: {raw}"))
}
