//! `patchbay request`, `test` and `history` as a black box, against a server on 127.0.0.1:
//! exit codes, what goes to stdout and stderr, `--json`, `--as-curl [--reveal]`, bodies, proxies
//! from the environment, Ctrl-C, the body cap's memory bound, and a canary scan of every output
//! and the log files.

mod request_support;

use std::time::{Duration, Instant};

use request_support::server::TestServer;
use request_support::*;
use serde_json::Value;

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn request_prints_the_body_and_exits_0_for_any_status() {
    let server = TestServer::start();
    let s = Setup::new(&format!("{}/api", server.url()));
    let out = s
        .cmd()
        .args([
            "request",
            "bearer",
            "GET",
            "/echo",
            "-H",
            "X-Trace: t1",
            "-q",
            "page=2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r = &server.received()[0];
    assert_eq!(r.target, "/api/echo?page=2");
    assert_eq!(r.header("x-trace"), Some("t1"));
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    // The echo holds the token; what is printed holds its mask.
    let body = text(&out.stdout);
    assert!(
        body.contains("\"method\":\"GET\"") && body.contains("Bearer ••••"),
        "{body}"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("HTTP/1.1 200 OK") && err.contains(" ms"),
        "{err}"
    );
    assert_no_canary("stdout", &body);

    let out = s
        .cmd()
        .args(["request", "key", "GET", "/status/404"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("404 Not Found"));
    assert!(text(&out.stdout).contains("status as requested"));
}

#[test]
fn bodies_from_json_files_stdin_and_forms() {
    let server = TestServer::start();
    let s = Setup::new(&server.url());
    let file = s.path().join("item.json");
    std::fs::write(&file, br#"{"from":"file"}"#).unwrap();
    // (flags, stdin, body the server gets, its content type)
    type Case<'a> = (Vec<String>, Option<&'a str>, &'a [u8], &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["--body-json".into(), r#"{"a":1}"#.into()],
            None,
            br#"{"a":1}"#,
            "application/json",
        ),
        (
            vec!["--body".into(), format!("@{}", file.display())],
            None,
            br#"{"from":"file"}"#,
            "application/json",
        ),
        (
            vec!["--body".into(), "-".into()],
            Some("raw stdin"),
            b"raw stdin",
            "application/octet-stream",
        ),
        (
            vec!["--body".into(), "plain text".into()],
            None,
            b"plain text",
            "text/plain; charset=utf-8",
        ),
        (
            vec![
                "--form".into(),
                "a=1 2".into(),
                "--form".into(),
                "b=&".into(),
            ],
            None,
            b"a=1+2&b=%26",
            "application/x-www-form-urlencoded",
        ),
    ];
    for (args, stdin, body, ct) in cases {
        server.clear();
        let mut cmd = s.cmd();
        cmd.args(["request", "bearer", "POST", "/items"])
            .args(&args);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let r = &server.received()[0];
        assert_eq!(r.body, body, "{args:?}");
        assert_eq!(r.header("content-type"), Some(ct), "{args:?}");
    }
    let out = s
        .cmd()
        .args(["request", "bearer", "POST", "/x", "--body-json", "{nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not valid JSON"));
    let out = s
        .cmd()
        .args([
            "request",
            "bearer",
            "POST",
            "/x",
            "--body",
            "@/nonexistent/body.bin",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/body.bin"));
}

#[test]
fn json_output_is_one_masked_object() {
    let server = TestServer::start();
    let s = Setup::new(&server.url());
    let out = s
        .cmd()
        .args(["request", "key", "GET", "/echo", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v = json_of(&out);
    assert_eq!(v["response"]["status"], 200);
    assert!(v["request"]["url"]
        .as_str()
        .unwrap()
        .contains("api_key=••••"));
    assert!(v["timing"]["total_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(v["hops"].as_array().unwrap().len(), 1);
    assert!(
        out.stderr.is_empty(),
        "--json prints nothing else: {}",
        text(&out.stderr)
    );
    assert_no_canary("--json", &text(&out.stdout));
}

#[test]
fn as_curl_masks_unless_revealed_and_sends_nothing() {
    let server = TestServer::start();
    let s = Setup::new(&server.url());
    let out = s
        .cmd()
        .args([
            "request",
            "key",
            "POST",
            "/items",
            "--body-json",
            "{}",
            "--as-curl",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let curl = text(&out.stdout);
    assert!(
        curl.starts_with("curl ") && curl.contains("api_key=••••"),
        "{curl}"
    );
    assert_no_canary("--as-curl", &curl);
    let out = s
        .cmd()
        .args(["request", "key", "GET", "/x", "--as-curl", "--reveal"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains(API_KEY));
    let out = s
        .cmd()
        .args(["request", "key", "GET", "/x", "--reveal"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--reveal needs --as-curl");
    assert!(server.received().is_empty());
}

#[test]
fn transport_errors_exit_1_with_masked_classified_messages() {
    let plain = TestServer::start();
    let port = plain.addr.port();
    for (base, word) in [
        ("http://patchbay-test.invalid".to_string(), "DNS"),
        (format!("https://127.0.0.1:{port}"), "TLS"),
        (format!("http://127.0.0.1:{port}/close-base"), ""),
    ] {
        let s = Setup::new(&base);
        let path = if word.is_empty() { "/../close" } else { "/me" };
        let out = s
            .cmd()
            .args(["-vv", "request", "key", "GET", path])
            .output()
            .unwrap();
        let err = text(&out.stderr);
        if word.is_empty() {
            assert!(err.contains("closed the connection"), "{err}");
        } else {
            assert!(err.contains(word) && err.contains("what to check"), "{err}");
        }
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_no_canary("stderr", &err);
        let json = s
            .cmd()
            .args(["request", "key", "GET", path, "--json"])
            .output()
            .unwrap();
        assert_eq!(json.status.code(), Some(1));
        assert!(json_of(&json)["error"]["kind"].is_string());
        assert_no_canary("--json", &text(&json.stdout));
        assert_no_canary("--json stderr", &text(&json.stderr));
        let history = s.cmd().args(["history", "--json"]).output().unwrap();
        assert_eq!(json_of(&history).as_array().unwrap().len(), 2);
        assert_no_canary("history", &text(&history.stdout));
        assert_no_canary("logs", &s.logs());
        assert!(s.logs().contains("request failed"), "{}", s.logs());
    }
}

#[test]
fn test_sets_the_status_and_history_lists_requests() {
    let server = TestServer::start();
    let s = Setup::new(&format!("{}/api", server.url()));
    let out = s.cmd().args(["test", "key"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("ok: 'key' answered 200 OK"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(server.received()[0].path(), "/api/me");

    let out = s
        .cmd()
        .args(["test", "key", "/status/401"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("HTTP 401 Unauthorized: Invalid API key"),
        "{err}"
    );
    let shown = s
        .cmd()
        .args(["connections", "show", "key", "--json"])
        .output()
        .unwrap();
    let c = json_of(&shown);
    assert_eq!(c["status"], "failing");
    assert_eq!(c["last_error"], "HTTP 401 Unauthorized: Invalid API key");

    let out = s
        .cmd()
        .args(["test", "key", "whoami", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_of(&out)["connection"]["status"], "ok");

    let out = s
        .cmd()
        .args(["history", "key", "--limit", "2", "--json"])
        .output()
        .unwrap();
    let entries = json_of(&out);
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["purpose"], "test");
    assert_eq!(entries[1]["status"], 401);
    let table = s.cmd().args(["history"]).output().unwrap();
    let table = text(&table.stdout);
    assert!(
        table.starts_with("WHEN") && table.contains("401"),
        "{table}"
    );
    assert_no_canary("history table", &table);
    let out = s.cmd().args(["history", "nobody"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cross_origin_redirects_are_reported_on_stderr() {
    let origin = TestServer::start();
    let other = TestServer::start();
    let s = Setup::new(&origin.url());
    let to = format!("{}/landing", other.url());
    let out = s
        .cmd()
        .args([
            "request",
            "bearer",
            "GET",
            "/redirect",
            "-q",
            &format!("to={to}"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("credentials dropped at hop 2"), "{err}");
    assert!(other.received()[0].header("authorization").is_none());
    let history = text(&s.cmd().args(["history"]).output().unwrap().stdout);
    assert!(history.contains("credentials dropped"), "{history}");
}

#[test]
fn proxy_from_the_environment_is_used() {
    let proxy = TestServer::start();
    let s = Setup::new("http://api.patchbay-test.invalid/v1");
    let out = s
        .cmd()
        .env("HTTP_PROXY", proxy.url())
        .args(["request", "bearer", "GET", "/me"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r = &proxy.received()[0];
    assert_eq!(r.target, "http://api.patchbay-test.invalid/v1/me");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[test]
fn ctrl_c_cancels_a_request() {
    let server = TestServer::start();
    let s = Setup::new(&server.url());
    let start = Instant::now();
    let child = s
        .std_cmd()
        .args(["request", "bearer", "GET", "/slow", "-q", "ms=20000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the request reached the server (the vault unlock comes first).
    while server.received().is_empty() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(15));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cancelled"),
        "{}",
        text(&out.stderr)
    );
    let history = json_of(&s.cmd().args(["history", "--json"]).output().unwrap());
    assert_eq!(history[0]["error"]["kind"], "cancelled");
}

/// The child's peak resident memory (`VmHWM`), polled from /proc until it exits. (`wait4`'s
/// `ru_maxrss` would not do: a spawned child is charged the test process's own peak at `exec`.)
fn peak_rss_of(mut child: std::process::Child) -> (u64, std::process::ExitStatus) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    loop {
        let hwm = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        });
        match hwm {
            Some(kib) => peak_kib = peak_kib.max(kib),
            // Gone, or a zombie whose memory is already released.
            None => break,
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (peak_kib * 1024, status);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    (peak_kib * 1024, child.wait().unwrap())
}

#[test]
fn a_50_mb_response_is_capped_without_memory_above_twice_the_cap() {
    let server = TestServer::start();
    let s = Setup::new(&server.url());
    const CAP: u64 = 32 * 1024 * 1024;
    // `open` has no secrets, so the vault stays locked: in passphrase mode its unlock (Argon2id,
    // 64 MiB) would otherwise set the peak, whatever the body.
    let mut peaks = Vec::new();
    for path in [
        "/big?bytes=1",
        "/big?bytes=50000000",
        "/big?bytes=50000000&length=1",
    ] {
        let child = s
            .std_cmd()
            .args([
                "request",
                "open",
                "GET",
                path,
                "--max-body",
                &CAP.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let (peak, status) = peak_rss_of(child);
        assert!(status.success(), "{path}: {status}");
        assert!(
            peak < 2 * CAP,
            "{path}: peak RSS {peak} bytes for a {CAP}-byte cap"
        );
        eprintln!(
            "{path}: peak RSS {:.1} MiB with a {} MiB cap",
            peak as f64 / 1048576.0,
            CAP / 1048576
        );
        peaks.push(peak);
    }
    // What the body adds over a one-byte response stays close to the cap itself.
    for p in &peaks[1..] {
        assert!(
            p.saturating_sub(peaks[0]) < CAP + CAP / 4,
            "body overhead {}",
            p - peaks[0]
        );
    }
    let history = json_of(&s.cmd().args(["history", "--json"]).output().unwrap());
    assert_eq!(history[0]["response_size"], 50_000_000);
    assert_eq!(history[0]["response_body_truncated"], true);
    let out = s
        .cmd()
        .args([
            "request",
            "bearer",
            "GET",
            "/big?bytes=300000",
            "--max-body",
            "1000",
        ])
        .output()
        .unwrap();
    assert_eq!(out.stdout.len(), 1000);
    assert!(
        text(&out.stderr).contains("300000 bytes (body cut at 1000 bytes"),
        "{}",
        text(&out.stderr)
    );
}
