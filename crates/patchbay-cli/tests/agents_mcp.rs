//! Agents and scripts (issue 7), end to end with real parts: `patchbay mcp` driven by the
//! official MCP Python SDK (tests/mcp/client.py in tests/mcp/.venv, installed by
//! `scripts/setup.sh`) against a real HTTP server on 127.0.0.1; `patchbay run` and
//! `patchbay env --names`; and `patchbay mcp-upstream` against server-everything (the MCP
//! project's reference server, npm) behind a bearer check. Every transcript and output is
//! scanned for the secrets.
//!
//! Without the Python SDK or the npm packages the tests that need them are skipped with a
//! message, except under `CI`, where they fail.

mod request_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use patchbay_core::model::{AuthType, IntegrationDef};
use patchbay_core::request::MadeBy;
use patchbay_core::{ConnectRequest, Secret};
use request_support::server::TestServer;
use request_support::{Setup, API_KEY, CANARIES, TOKEN};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A tool under tests/mcp, or a skip (a failure under CI) naming what `make setup` installs.
fn tool_or_skip(test: &str, path: &Path, what: &str) -> Option<PathBuf> {
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

/// Adds a type `agents` with an API key in `X-API-Key`, a read action and a write action, and
/// connection `agent-key` holding [`API_KEY`].
fn add_agent_type(s: &Setup, base_url: &str) {
    let pb = s.core();
    let def: IntegrationDef = serde_json::from_value(json!({
        "slug": "agents", "display_name": "Agents API", "base_url": base_url,
        "docs_url": "https://docs.agents.example",
        "auth_patterns": [{"type": "api_key",
            "fields": [{"field_name": "api_key", "input_type": "password", "required": true}],
            "api_key": {"in": "header", "name": "X-API-Key"}}],
        "actions": [
            {"name": "get_item", "method": "GET", "path": "/items/{{item_id}}",
             "parameters": [{"name": "item_id", "in": "path", "required": true, "description": "The item"}]},
            {"name": "delete_item", "method": "DELETE", "path": "/items/{{item_id}}",
             "parameters": [{"name": "item_id", "in": "path", "required": true}]}
        ]
    }))
    .expect("definition");
    pb.create_type(def).expect("create");
    pb.connect(ConnectRequest {
        type_slug: "agents".into(),
        name: "agent-key".into(),
        auth_type: Some(AuthType::ApiKey),
        fields: Default::default(),
        secrets: [("api_key".to_string(), Secret::new(API_KEY))].into(),
    })
    .expect("connect");
}

/// The MCP client's Python, a server on 127.0.0.1, and a data folder with the agents type.
fn agent_world(test: &str) -> Option<(PathBuf, TestServer, Setup)> {
    let python = tool_or_skip(
        test,
        &repo().join("tests/mcp/.venv/bin/python"),
        "the MCP Python SDK",
    )?;
    let server = TestServer::start();
    let s = Setup::new(&format!("{}/api", server.url()));
    add_agent_type(&s, &format!("{}/api", server.url()));
    Some((python, server, s))
}

/// Runs the MCP client with `calls` and returns its transcript (stdout) and parsed JSON.
fn mcp_session(s: &Setup, python: &Path, calls: Value) -> (String, Value) {
    let out = Command::new(python)
        .arg(repo().join("tests/mcp/client.py"))
        .arg(assert_cmd::cargo::cargo_bin("patchbay"))
        .arg(calls.to_string())
        .env("PATCHBAY_DATA_DIR", s.data_dir())
        .env("PATCHBAY_VAULT_PASSPHRASE", request_support::PASSPHRASE)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/patchbay-test",
        )
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

fn call_text(transcript: &Value, n: usize) -> (String, bool) {
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

fn assert_no_secret(what: &str, text: &str) {
    for c in CANARIES {
        assert!(!text.contains(c), "{what} holds a secret ({c}):\n{text}");
    }
}

#[test]
fn an_mcp_client_lists_tools_and_calls_the_api_without_seeing_the_key() {
    let Some((python, server, s)) =
        agent_world("an_mcp_client_lists_tools_and_calls_the_api_without_seeing_the_key")
    else {
        return;
    };

    let (raw, t) = mcp_session(
        &s,
        &python,
        json!([
            ["list_integrations", {}],
            ["describe_integration", {"slug": "agents"}],
            ["call_api", {"connection": "agent-key", "path": "/echo", "query": {"q": "1"}}],
            ["agents__get_item", {"item_id": "42"}],
            ["agents__delete_item", {"item_id": "42"}],
            ["call_api", {"connection": "agent-key", "method": "POST", "path": "/items", "body": {"a": 1}}]
        ]),
    );
    assert_no_secret("the MCP client's transcript", &raw);

    let names: Vec<&str> = t["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|x| x["name"].as_str())
        .collect();
    for expected in [
        "list_integrations",
        "describe_integration",
        "call_api",
        "agents__get_item",
        "agents__delete_item",
        "acme__whoami",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }

    let (list, _) = call_text(&t, 0);
    let list: Value = serde_json::from_str(&list).expect("list_integrations answers JSON");
    let agents = list
        .as_array()
        .expect("types")
        .iter()
        .find(|i| i["slug"] == "agents")
        .expect("agents listed");
    assert_eq!(agents["docs_url"], "https://docs.agents.example");
    assert_eq!(agents["connections"][0]["name"], "agent-key");
    assert_eq!(agents["actions"][0]["tool"], "agents__get_item");

    let (detail, _) = call_text(&t, 1);
    assert!(
        detail.contains("\"api_key\""),
        "the auth kind is named: {detail}"
    );

    // The upstream received the real key; the agent got the answer with its mask.
    let (echo, is_error) = call_text(&t, 2);
    assert!(!is_error, "{echo}");
    let got = server.received();
    let first = got
        .iter()
        .find(|r| r.target == "/api/echo?q=1")
        .expect("the call reached the server");
    assert_eq!(first.header("x-api-key"), Some(API_KEY));
    assert!(
        echo.contains("••••"),
        "the echoed key is masked for the agent: {echo}"
    );

    let (item, is_error) = call_text(&t, 3);
    assert!(!is_error, "{item}");
    assert!(got
        .iter()
        .any(|r| r.target == "/api/items/42" && r.method == "GET"));

    // Writes are refused until the owner allows them; nothing is sent.
    for n in [4, 5] {
        let (text, is_error) = call_text(&t, n);
        assert!(is_error, "a write must be refused: {text}");
        assert!(text.contains("agent-writes 'agent-key' on"), "{text}");
    }
    assert!(!got
        .iter()
        .any(|r| r.method == "DELETE" || r.method == "POST"));

    // Every agent call is in history, marked as an agent's.
    let history = s.core().history(Some("agent-key"), 50).expect("history");
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history.iter().all(|h| h.made_by == MadeBy::Agent));
    assert_no_secret("the logs", &s.logs());

    // With writes allowed, the same call goes through.
    s.cmd()
        .args(["connections", "agent-writes", "agent-key", "on"])
        .assert()
        .success();
    let (_, t) = mcp_session(
        &s,
        &python,
        json!([["agents__delete_item", {"item_id": "7"}]]),
    );
    let (text, is_error) = call_text(&t, 0);
    assert!(!is_error, "{text}");
    assert!(server
        .received()
        .iter()
        .any(|r| r.method == "DELETE" && r.target == "/api/items/7"));
}

#[test]
fn a_failing_connection_is_refused_to_agents_with_the_reason() {
    let Some((python, server, s)) =
        agent_world("a_failing_connection_is_refused_to_agents_with_the_reason")
    else {
        return;
    };
    // A failing test marks the connection failing.
    let _ = s.cmd().args(["test", "agent-key", "/status/401"]).output();
    let (raw, t) = mcp_session(
        &s,
        &python,
        json!([["call_api", {"connection": "agent-key", "path": "/echo"}]]),
    );
    assert_no_secret("the transcript", &raw);
    let (text, is_error) = call_text(&t, 0);
    assert!(is_error && text.contains("is failing"), "{text}");
    assert!(!server.received().iter().any(|r| r.target == "/api/echo"));
}

#[test]
fn run_puts_the_variables_in_the_child_only() {
    let server = TestServer::start();
    let s = Setup::new(&format!("{}/api", server.url()));
    add_agent_type(&s, &format!("{}/api", server.url()));

    let names = s
        .cmd()
        .args(["env", "--names", "-c", "bearer", "-c", "agent-key"])
        .output()
        .expect("env");
    assert!(names.status.success());
    let names = String::from_utf8_lossy(&names.stdout).into_owned();
    assert_eq!(
        names.lines().collect::<Vec<_>>(),
        [
            "CUSTOM_API_BEARER",
            "CUSTOM_API_BEARER_BASE_URL",
            "CUSTOM_API_AGENT_KEY",
            "CUSTOM_API_AGENT_KEY_BASE_URL"
        ]
    );
    assert_no_secret("env --names", &names);

    let out = s
        .cmd()
        .args(["run", "-c", "bearer", "-c", "agent-key", "--", "env"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let child = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        child
            .lines()
            .any(|l| l == format!("CUSTOM_API_BEARER={TOKEN}")),
        "{child}"
    );
    assert!(child
        .lines()
        .any(|l| l == format!("CUSTOM_API_AGENT_KEY={API_KEY}")));
    assert!(child
        .lines()
        .any(|l| l == format!("CUSTOM_API_AGENT_KEY_BASE_URL={}/api", server.url())));
    assert!(
        !child.contains("CUSTOM_API_KEY="),
        "only the named connections"
    );

    // Not in this (the parent's) environment, and in no file of the data folder in plain text.
    assert!(std::env::vars()
        .all(|(k, v)| !k.starts_with("CUSTOM_API_") && CANARIES.iter().all(|c| !v.contains(c))));
    for file in walk(&s.data_dir()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for c in CANARIES {
            assert!(
                !bytes.windows(c.len()).any(|w| w == c.as_bytes()),
                "{} holds {c} in plain text",
                file.display()
            );
        }
    }

    // The child's exit code is passed on.
    let status = s
        .cmd()
        .args(["run", "-c", "bearer", "--", "sh", "-c", "exit 7"])
        .output()
        .expect("run")
        .status;
    assert_eq!(status.code(), Some(7));
    // Values are never printed by `env`.
    let refused = s.cmd().arg("env").output().expect("env");
    assert!(!refused.status.success());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A child process killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `node ARGS…` and waits for a stdout or stderr line containing `ready`; returns the
/// child and that line.
fn node(args: &[&str], env: &[(&str, &str)], ready: &str, on_stderr: bool) -> (Running, String) {
    let mut cmd = Command::new("node");
    cmd.args(args)
        .current_dir(repo().join("tests/mcp"))
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if on_stderr {
        cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    }
    let mut child = cmd.spawn().expect("start node");
    let stream: Box<dyn std::io::Read + Send> = if on_stderr {
        Box::new(child.stderr.take().expect("stderr"))
    } else {
        Box::new(child.stdout.take().expect("stdout"))
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(ready) => return (Running(child), line),
            Ok(_) => continue,
            Err(_) => panic!("node {args:?} never printed {ready:?}"),
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn an_upstream_mcp_server_is_reached_with_the_connections_bearer() {
    let test = "an_upstream_mcp_server_is_reached_with_the_connections_bearer";
    let everything =
        repo().join("tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    let Some(everything) = tool_or_skip(test, &everything, "server-everything from npm") else {
        return;
    };
    let port = free_port().to_string();
    let (_server, _) = node(
        &[
            "--import",
            "./loopback-only.mjs",
            &everything.display().to_string(),
            "streamableHttp",
        ],
        &[("PORT", &port)],
        "listening on port",
        true,
    );
    let target = format!("http://127.0.0.1:{port}");
    let (_proxy, line) = node(
        &["bearer-proxy.mjs"],
        &[("TARGET", &target), ("EXPECTED_TOKEN", TOKEN)],
        "listening",
        false,
    );
    let proxy_port = line.trim_start_matches("listening ").trim().to_string();

    let s = Setup::new("https://unused.example/api");
    let pb = s.core();
    let def: IntegrationDef = serde_json::from_value(json!({
        "slug": "everything", "display_name": "Everything MCP",
        "base_url": format!("http://127.0.0.1:{proxy_port}/mcp"),
        "auth_patterns": [{"type": "bearer", "is_mcp": true,
            "fields": [{"field_name": "token", "input_type": "password", "required": true}]}]
    }))
    .expect("definition");
    pb.create_type(def).expect("create");
    for (name, token) in [("mcp-good", TOKEN), ("mcp-wrong", API_KEY)] {
        pb.connect(ConnectRequest {
            type_slug: "everything".into(),
            name: name.into(),
            auth_type: Some(AuthType::Bearer),
            fields: Default::default(),
            secrets: [("token".to_string(), Secret::new(token))].into(),
        })
        .expect("connect");
    }

    let out = s
        .cmd()
        .args([
            "mcp-upstream",
            "mcp-good",
            "--call",
            "echo",
            "--args",
            r#"{"message": "hello from patchbay"}"#,
        ])
        .output()
        .expect("mcp-upstream");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret("the exchange", &stdout);
    for step in [
        "→ initialize",
        "→ notifications/initialized",
        "→ tools/list",
        "→ tools/call",
    ] {
        assert!(stdout.contains(step), "{step} missing:\n{stdout}");
    }
    assert!(
        stdout.contains("\"name\": \"echo\"") || stdout.contains("\"name\":\"echo\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("hello from patchbay"),
        "the tool answered: {stdout}"
    );

    // JSON for scripts: the same exchange.
    let out = s
        .cmd()
        .args(["mcp-upstream", "mcp-good", "--json"])
        .output()
        .expect("json");
    let exchanges: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(exchanges[0]["method"], "initialize");
    assert_eq!(exchanges[0]["status"], 200);

    // A wrong token is stopped by the bearer check, and the error says so.
    let out = s
        .cmd()
        .args(["mcp-upstream", "mcp-wrong"])
        .output()
        .expect("wrong");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.contains("401"), "{stderr}");
    assert_no_secret(
        "the refusal",
        &format!("{stderr}{}", String::from_utf8_lossy(&out.stdout)),
    );
}
