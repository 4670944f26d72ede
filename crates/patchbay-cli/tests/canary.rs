//! Invariant 1: secret values live in the vault only. Connections get unique canary secrets,
//! every command runs (successes, failures, verbose logging), and then every file under the
//! data folder, every export and everything printed is scanned: no canary appears anywhere.

mod common;
mod request_support;

use base64::Engine as _;
use common::{files_below, Env};
use request_support::server::TestServer;
use serde_json::{json, Value};

fn canary(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "canary-{tag}-{:08x}{:016x}",
        nanos,
        (std::process::id() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    )
}

#[test]
fn no_secret_value_reaches_a_file_an_export_or_the_terminal() {
    let env = Env::new();
    let secret_field = |name: &str| json!({"field_name": name, "label": name, "input_type": "password", "required": true});
    let text_field = |name: &str| json!({"field_name": name, "label": name, "required": true});
    let def = json!({
        "slug": "everything",
        "display_name": "Every pattern",
        "base_url": "https://{{domain}}/api",
        "auth_patterns": [
            {"type": "api_key", "fields": [text_field("domain"), secret_field("api_key")],
             "api_key": {"in": "query", "name": "key"}},
            {"type": "bearer", "fields": [text_field("domain"), secret_field("token")]},
            {"type": "basic", "fields": [text_field("domain"), text_field("username"), secret_field("password")]},
            {"type": "custom_headers", "fields": [text_field("domain"), secret_field("tenant_secret")],
             "headers": [{"name": "X-Tenant-Secret", "value": "{{tenant_secret}}"}]},
            {"type": "hmac", "fields": [text_field("domain"), secret_field("secret")], "hmac": {}},
            {"type": "oauth2_client_credentials", "fields": [text_field("domain")],
             "oauth_config": {"token_uri": "https://auth.example.com/token"}}
        ]
    });
    let type_file = env.write_json("everything.json", &def);
    let mut transcript: Vec<u8> = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let out = env
            .cmd()
            .args(args)
            .write_stdin(stdin.to_string())
            .output()
            .expect("run");
        transcript.extend_from_slice(&out.stdout);
        transcript.extend_from_slice(&out.stderr);
        out.status.code()
    };
    assert_eq!(
        run(
            &["types", "create", "--file", type_file.to_str().unwrap()],
            ""
        ),
        Some(0)
    );

    let secrets: Vec<(&str, &str, String)> = vec![
        ("api_key", "api_key", canary("apikey")),
        ("bearer", "token", canary("bearer")),
        ("basic", "password", canary("basicpw")),
        ("custom_headers", "tenant_secret", canary("header")),
        ("hmac", "secret", canary("hmac")),
        (
            "oauth2_client_credentials",
            "client_secret",
            canary("client"),
        ),
    ];
    for (auth, key, value) in &secrets {
        let name = format!("conn {auth}");
        let mut args = vec![
            "-vv",
            "connect",
            "everything",
            "--name",
            &name,
            "--auth",
            auth,
            "--field",
            "domain=api.example.com",
            "--secret",
            key,
        ];
        if *auth == "basic" {
            args.extend(["--field", "username=agent"]);
        }
        if *auth == "oauth2_client_credentials" {
            args.extend(["--field", "client_id=my-client"]);
        }
        // Client credentials fetch a token before anything is stored; this type's token
        // endpoint has no DNS here, so the connect fails, and its error is scanned too.
        let expected = if *auth == "oauth2_client_credentials" {
            Some(1)
        } else {
            Some(0)
        };
        assert_eq!(
            run(&args, &format!("{value}\n")),
            expected,
            "connect {auth}"
        );
    }
    // A secret passed the wrong way round (as a field) is refused, and not echoed.
    let misplaced = canary("misplaced");
    let field = format!("token={misplaced}");
    assert_eq!(
        run(
            &[
                "connect",
                "everything",
                "--name",
                "bad",
                "--auth",
                "bearer",
                "--field",
                "domain=x.example",
                "--field",
                &field
            ],
            ""
        ),
        Some(1)
    );

    let replacement = canary("replaced");
    let export_path = env.dir.path().join("export.json");
    let commands: Vec<Vec<&str>> = vec![
        vec!["-v", "types", "list"],
        vec!["types", "list", "--json"],
        vec!["types", "show", "everything"],
        vec!["-vv", "connections", "list"],
        vec!["connections", "list", "--json"],
        vec!["-vv", "connections", "show", "conn bearer"],
        vec!["connections", "show", "conn basic", "--json"],
        vec!["connections", "show", "conn hmac"],
        vec!["vault", "status", "--json"],
        vec!["-vv", "export"],
        vec!["export", "-o", export_path.to_str().unwrap()],
        vec![
            "import",
            export_path.to_str().unwrap(),
            "--dry-run",
            "--on-conflict",
            "replace",
        ],
        vec!["types", "duplicate", "everything"],
        vec!["types", "delete", "everything"],
        vec!["connections", "rename", "conn bearer", "renamed bearer"],
        vec!["connections", "approve", "conn basic"],
        vec!["connections", "set-secret", "nope", "token"],
        vec![
            "-vv",
            "connections",
            "set-secret",
            "renamed bearer",
            "token",
        ],
    ];
    for args in &commands {
        run(args, &format!("{replacement}\n"));
    }
    assert_eq!(
        run(&["connections", "show", "conn basic", "--json"], ""),
        Some(0)
    );
    assert_eq!(run(&["connections", "delete", "conn hmac"], ""), Some(0));
    // A wrong passphrase must not print anything secret either.
    let out = env
        .cmd()
        .env("PATCHBAY_VAULT_PASSPHRASE", "wrong")
        .args(["connections", "show", "conn basic"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    transcript.extend_from_slice(&out.stderr);

    // A `run` child tries the vault for the other connections' secrets: a second patchbay
    // pointed at the data folder, revealing; and it prints its environment but its own value.
    let out = env
        .cmd()
        .args(["run", "-c", "conn api_key", "--", "sh", "-c"])
        .arg(concat!(
            r#""$PB" --data-dir "$DATA" request 'renamed bearer' GET /x --as-curl --reveal; "#,
            r#""$PB" --data-dir "$DATA" run -c 'conn basic' -- env; "#,
            r#"env | grep -v '^CUSTOM_API_CONN_API_KEY'"#
        ))
        .env("PB", env!("CARGO_BIN_EXE_patchbay"))
        .env("DATA", env.data_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    let child =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        child.contains("protected by a passphrase and none was given"),
        "{child}"
    );
    assert!(
        !child.lines().any(|l| l.starts_with("PATCHBAY_")),
        "{child}"
    );
    transcript.extend_from_slice(child.as_bytes());

    let db = env.data_dir().join("patchbay.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let sealed: i64 = conn
        .query_row("SELECT COUNT(*) FROM secrets", [], |r| r.get(0))
        .unwrap();
    // api_key, bearer, basic, custom_headers (hmac was deleted, client credentials never
    // stored); OAuth tokens have their own canary scan in oauth_cli.rs.
    assert!(
        sealed >= 4,
        "the vault holds sealed secrets ({sealed}), so the scan is not vacuous"
    );
    drop(conn);

    let mut needles: Vec<String> = secrets.iter().map(|(_, _, v)| v.clone()).collect();
    needles.push(misplaced);
    needles.push(replacement);
    needles
        .push(base64::engine::general_purpose::STANDARD.encode(format!("agent:{}", secrets[2].2)));
    let mut scanned = vec![("terminal output".to_string(), transcript)];
    for path in files_below(env.dir.path()) {
        if path == type_file {
            continue;
        }
        scanned.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    assert!(
        scanned.iter().any(|(p, _)| p.contains("logs")),
        "logs were written and scanned"
    );
    assert!(
        scanned.iter().any(|(p, _)| p.ends_with("export.json")),
        "the export was scanned"
    );
    for (what, bytes) in &scanned {
        let hay = String::from_utf8_lossy(bytes);
        for needle in &needles {
            assert!(
                !hay.contains(needle.as_str()),
                "a secret value appears in {what}"
            );
        }
    }
}

/// Invariant 7 under the same scan: an agent (the official MCP client) names every kind of
/// secret in every place it can write — header, query, query name, path, body — and has the
/// server reflect the auth material whole, cut short and split over two headers. Nothing it
/// gets, no file and no log holds a canary or the first 12 characters of one.
#[test]
fn agent_placeholders_and_reflections_never_show_a_canary() {
    let test = "agent_placeholders_and_reflections_never_show_a_canary";
    let Some(python) = common::mcp::python_or_skip(test) else {
        return;
    };
    let server = TestServer::start();
    let env = Env::new();
    let secret_field = |name: &str| json!({"field_name": name, "label": name, "input_type": "password", "required": true});
    let text_field = |name: &str| json!({"field_name": name, "label": name, "required": true});
    env.create_type(&json!({
        "slug": "reflected",
        "display_name": "Reflecting server",
        "base_url": format!("{}/api", server.url()),
        "auth_patterns": [
            {"type": "api_key", "fields": [secret_field("api_key")],
             "api_key": {"in": "header", "name": "X-API-Key"}},
            {"type": "bearer", "fields": [secret_field("token")]},
            {"type": "basic", "fields": [text_field("username"), secret_field("password")]},
            {"type": "custom_headers", "fields": [secret_field("tenant_secret")],
             "headers": [{"name": "X-Tenant-Secret", "value": "{{tenant_secret}}"}]},
            {"type": "hmac", "fields": [secret_field("secret")], "hmac": {}},
            {"type": "oauth2_client_credentials",
             "oauth_config": {"token_uri": format!("{}/queued", server.url()), "client_auth": "body"}}
        ]
    }));
    let access = canary("access");
    let refresh = canary("refresh");
    server.queue_json(
        200,
        &json!({"access_token": access, "refresh_token": refresh, "expires_in": 3600}).to_string(),
    );
    // (auth, secret key, value, the request header that carries it, its text before the secret)
    let connections: Vec<(&str, &str, String, &str, &str)> = vec![
        ("api_key", "api_key", canary("apikey"), "x-api-key", ""),
        (
            "bearer",
            "token",
            canary("bearer"),
            "authorization",
            "Bearer ",
        ),
        (
            "basic",
            "password",
            canary("basicpw"),
            "authorization",
            "Basic ",
        ),
        (
            "custom_headers",
            "tenant_secret",
            canary("header"),
            "x-tenant-secret",
            "",
        ),
        ("hmac", "secret", canary("hmac"), "", ""),
        (
            "oauth2_client_credentials",
            "client_secret",
            canary("client"),
            "authorization",
            "Bearer ",
        ),
    ];
    for (auth, key, value, _, _) in &connections {
        let name = format!("r-{auth}");
        let mut args = vec![
            "connect",
            "reflected",
            "--name",
            &name,
            "--auth",
            auth,
            "--secret",
            key,
        ];
        if *auth == "basic" {
            args.extend(["--field", "username=agent"]);
        }
        if *auth == "oauth2_client_credentials" {
            args.extend(["--field", "client_id=agent-client"]);
        }
        env.cmd()
            .args(&args)
            .write_stdin(format!("{value}\n"))
            .assert()
            .success();
        env.cmd()
            .args(["connections", "agent-writes", &name, "on"])
            .assert()
            .success();
    }

    // The names each connection has a value for, secret or credential.
    let names_of = |auth: &str| -> &'static [&'static str] {
        match auth {
            "api_key" => &["api_key"],
            "bearer" => &["token"],
            "basic" => &["password", "username"],
            "custom_headers" => &["tenant_secret"],
            "hmac" => &["secret"],
            _ => &["client_secret", "access_token", "refresh_token"],
        }
    };
    let mut calls: Vec<Value> = Vec::new();
    for (auth, _, value, header, lead) in &connections {
        let connection = format!("r-{auth}");
        for n in names_of(auth) {
            let p = format!("{{{{{n}}}}}");
            for args in [
                json!({"path": "/echo", "headers": {"X-Echo": p}}),
                json!({"path": "/echo", "query": {"q": p}}),
                json!({"path": "/echo", "query": {p.clone(): "1"}}),
                json!({"path": format!("/echo/{p}")}),
                json!({"method": "POST", "path": "/echo", "body": {"x": p}}),
            ] {
                let mut args = args;
                args["connection"] = json!(connection);
                calls.push(json!(["call_api", args]));
            }
        }
        // The server echoes the whole request, then the auth header cut short (from the
        // shortest prefix that is masked to one character short of the whole).
        calls.push(json!(["call_api", {"connection": connection, "path": "/echo"}]));
        if !header.is_empty() {
            for secret_chars in [12, 16, value.len() - 1] {
                let chars = lead.len() + secret_chars;
                calls.push(
                    json!(["call_api", {"connection": connection, "path": "/reflect",
                    "query": {"header": header, "chars": chars.to_string()}}]),
                );
            }
        }
    }
    let (raw, t) = common::mcp::session(&python, &env.data_dir(), &Value::Array(calls.clone()));
    let reflections = server
        .received()
        .iter()
        .filter(|r| r.path() == "/api/reflect")
        .count();
    assert_eq!(reflections, 3 * 5, "every reflection reached the server");
    assert_eq!(
        t["calls"].as_array().map(Vec::len),
        Some(calls.len()),
        "every call was answered"
    );

    for (n, c) in calls.iter().enumerate() {
        if c.to_string().contains("{{") {
            let (text, is_error) = common::mcp::call_text(&t, n);
            assert!(is_error, "call {n} ({c}) must be refused: {text}");
        }
    }

    let mut needles: Vec<String> = connections
        .iter()
        .map(|(_, _, v, _, _)| v.clone())
        .collect();
    needles.extend([access, refresh]);
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("agent:{}", connections[2].2));
    needles.push(basic);
    let mut scanned = vec![("the MCP transcript".to_string(), raw.into_bytes())];
    for path in files_below(env.dir.path()) {
        if path.extension().is_some_and(|e| e == "json")
            && path.starts_with(env.path())
            && !path.starts_with(env.data_dir())
        {
            continue;
        }
        scanned.push((
            path.display().to_string(),
            std::fs::read(&path).unwrap_or_default(),
        ));
    }
    assert!(
        scanned.iter().any(|(p, _)| p.contains("logs")),
        "logs were scanned"
    );
    for (what, bytes) in &scanned {
        let hay = String::from_utf8_lossy(bytes);
        for needle in &needles {
            let prefix: String = needle.chars().take(12).collect();
            assert!(
                !hay.contains(prefix.as_str()),
                "{what} holds a secret or its first 12 characters ({prefix}…)"
            );
        }
    }
}
