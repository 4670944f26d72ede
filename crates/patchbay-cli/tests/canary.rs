//! Invariant 1: secret values live in the vault only. Connections get unique canary secrets,
//! every command runs (successes, failures, verbose logging), and then every file under the
//! data folder, every export and everything printed is scanned: no canary appears anywhere.

mod common;

use base64::Engine as _;
use common::{files_below, Env};
use serde_json::json;

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
