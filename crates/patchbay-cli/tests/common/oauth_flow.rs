//! Browser logins driven from the CLI's OAuth tests: `patchbay connect` with the scripted
//! browser of tests/oidc-provider, the same with the browser stopping at the provider's redirect
//! (so a test can deliver it, or a tampered copy, itself), and plain requests to the loopback
//! listener.

use std::process::Command as StdCommand;

use super::oidc;
use super::{Env, NO_BUS, PASSPHRASE};

/// Connects `name` with a browser login as `alice`; returns the command's output.
pub fn login(
    env: &Env,
    slug: &str,
    name: &str,
    client: &str,
    secret: &str,
    extra: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = env.cmd();
    cmd.args(["connect", slug, "--name", name, "--field"])
        .arg(format!("client_id={client}"))
        .env("PATCHBAY_BROWSER", oidc::browser())
        .timeout(std::time::Duration::from_secs(60));
    if !secret.is_empty() {
        cmd.args(["--secret", "client_secret"])
            .write_stdin(format!("{secret}\n"));
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().expect("run connect")
}

/// `patchbay request NAME GET /me`.
pub fn request_me(env: &Env, name: &str) -> std::process::Output {
    env.cmd()
        .args(["request", name, "GET", "/me"])
        .output()
        .expect("run request")
}

/// Starts `patchbay connect SLUG --name NAME` (public client) in the background with a browser
/// that signs in and consents but only captures the provider's redirect; returns the running
/// command and that redirect, which the test then delivers (or a tampered copy) itself.
pub fn captured_login(env: &Env, slug: &str, name: &str) -> (std::process::Child, String) {
    let capture = env.path().join(format!("callback-{slug}-{name}.txt"));
    let _ = std::fs::remove_file(&capture);
    let child = process(env)
        .args([
            "connect",
            slug,
            "--name",
            name,
            "--field",
            "client_id=patchbay-public",
            "--timeout",
            "30",
        ])
        .env("PATCHBAY_BROWSER", oidc::browser())
        .env("BROWSER_CAPTURE", &capture)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !capture.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the browser never reached the redirect"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let real = std::fs::read_to_string(&capture).unwrap();
    (child, real)
}

/// `redirect` with its `iss` parameter replaced by `iss` (`None`: removed).
pub fn with_iss(redirect: &str, iss: Option<&str>) -> String {
    let mut url = url::Url::parse(redirect).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = url.query_pairs_mut();
        q.clear().extend_pairs(kept);
        if let Some(iss) = iss {
            q.append_pair("iss", iss);
        }
    }
    url.to_string()
}

/// `patchbay --data-dir …` as a plain process (to run many at once, or one in the background),
/// with the same environment as [`Env::cmd`].
pub fn process(env: &Env) -> StdCommand {
    let mut c = StdCommand::new(env!("CARGO_BIN_EXE_patchbay"));
    c.arg("--data-dir")
        .arg(env.data_dir())
        .env("PATCHBAY_VAULT_PASSPHRASE", PASSPHRASE)
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .env("HOME", env.path().join("home"))
        .env("XDG_RUNTIME_DIR", env.path().join("run"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    c
}

/// GET on the loopback listener: (status, body).
pub fn get(url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let u = url::Url::parse(url).unwrap();
    let mut s = std::net::TcpStream::connect((u.host_str().unwrap(), u.port().unwrap())).unwrap();
    let target = format!("{}?{}", u.path(), u.query().unwrap_or(""));
    write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, raw)
}
