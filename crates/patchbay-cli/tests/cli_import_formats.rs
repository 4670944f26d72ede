//! `patchbay import --format …` and `patchbay export --format scalekit`, as a user runs them.

mod common;

use common::{stderr, stdout, Env};
use serde_json::Value;

const OPENAPI: &str = r#"openapi: 3.0.3
info: {title: Pets, description: A pet store.}
servers: [{url: "https://pets.example/v1"}, {url: "https://staging.pets.example/v1"}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://pets.example/.well-known/openid-configuration"}
paths:
  /pets:
    get: {operationId: listPets, summary: List pets}
"#;

#[test]
fn an_openapi_document_imports_with_a_report_of_what_was_dropped() {
    let env = Env::new();
    let file = env.write("pets.yaml", OPENAPI.as_bytes());
    let out = env.cmd().arg("import").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("imported 1 new"), "{}", stdout(&out));
    assert!(stdout(&out).contains("(openapi)"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("dropped: components.securitySchemes.oidc: openIdConnect"),
        "{err}"
    );
    assert!(err.contains("dropped: servers[1..]"), "{err}");

    let t = env.json(&["types", "show", "pets"]);
    assert_eq!(t["base_url"], "https://pets.example/v1");
    assert_eq!(t["auth_patterns"][0]["api_key"]["name"], "X-Api-Key");
    assert_eq!(t["actions"][0]["name"], "list_pets");
    assert_eq!(t["origin"], "imported");

    // Re-importing the same document changes nothing; --json carries the notes.
    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["format"], "openapi");
    assert_eq!(report["items"][0]["action"], "unchanged");
    assert!(report["notes"].as_array().unwrap().len() >= 2);

    // Told the wrong format, the error says what the file is not.
    let out = env
        .cmd()
        .args(["import", "--format", "bundle"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("pets.yaml"), "{}", stderr(&out));
}

#[test]
fn scalekit_export_round_trips_through_import() {
    let env = Env::new();
    env.create_type(&common::api_key_type("acme", "api.acme.example"));
    let out = env
        .cmd()
        .args(["export", "acme", "--format", "scalekit"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let payload: Value = serde_json::from_slice(&out.stdout).expect("Scalekit JSON");
    assert!(payload.is_object(), "one type is one payload: {payload}");
    assert!(payload.get("auth_patterns").is_some(), "{payload}");

    let other = Env::new();
    let file = other.write("acme.scalekit.json", &out.stdout);
    let report = other.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["format"], "scalekit");
    // Scalekit payloads carry no slug: the importer derives one from the display name.
    let slug = report["items"][0]["stored_as"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(slug, "acme-api");
    let original = env.json(&["types", "show", "acme"]);
    let imported = other.json(&["types", "show", &slug]);
    for key in ["display_name", "base_url", "auth_patterns"] {
        assert_eq!(original[key], imported[key], "{key}");
    }
}

#[test]
fn split_export_writes_one_bundle_per_type_and_postman_imports() {
    let env = Env::new();
    let collection = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../patchbay-core/tests/fixtures/postman/acme-crm.postman_collection.json");
    let out = env.cmd().arg("import").arg(&collection).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(postman)"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("variable.accessToken: looks like a credential"),
        "{}",
        stderr(&out)
    );
    env.create_type(&common::api_key_type("billing", "api.billing.example"));

    let dir = env.path().join("types");
    let out = env
        .cmd()
        .args(["export", "--split"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["acme-crm.bundle.json", "billing.bundle.json"]);
    // Each file is a bundle of its one type, importable on its own.
    let other = Env::new();
    for name in &names {
        let out = other
            .cmd()
            .arg("import")
            .arg(dir.join(name))
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
    assert_eq!(other.slugs(), ["acme-crm", "billing"]);
}

#[test]
fn a_curl_command_becomes_a_type_and_its_credential_goes_to_the_vault_only() {
    let env = Env::new();
    let key = common::canary();
    let command = format!(
        "curl -X POST 'https://api.acme.example/v1/invoices?limit=5' \\\n  -H 'Authorization: Bearer {key}' \\\n  -H 'Content-Type: application/json' -d '{{\"amount\": 10}}'"
    );
    let out = env
        .cmd()
        .args(["import", "--curl", "-", "--connect", "Acme from curl"])
        .write_stdin(command.clone())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(curl)"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("connected 'Acme from curl'"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("shell history"), "stdin is not argv");
    let t = env.json(&["types", "show", "api-acme-example"]);
    assert_eq!(t["auth_patterns"][0]["type"], "bearer");
    assert_eq!(t["actions"][0]["path"], "/v1/invoices");
    let shown = env.connection("Acme from curl");
    assert_eq!(shown["secret_keys"], serde_json::json!(["token"]));

    // The key is nowhere but sealed in the vault: not in the type, an export, or any file.
    let export = env.cmd().arg("export").output().unwrap();
    assert!(export.status.success(), "{}", stderr(&export));
    for text in [stdout(&out), stderr(&out), stdout(&export)] {
        assert!(!text.contains(&key));
    }
    for f in common::files_below(&env.data_dir()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !common::contains_bytes(&bytes, key.as_bytes()),
            "{}",
            f.display()
        );
    }

    // Given on the command line, it works but warns about shell history.
    let other = Env::new();
    let out = other
        .cmd()
        .args(["import", "--curl", &command])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("shell history") && err.contains("--connect NAME"),
        "{err}"
    );
    assert!(!err.contains(&key), "{err}");
}

#[test]
fn a_single_type_file_imports_as_a_bundle_of_one() {
    let env = Env::new();
    let file = env.write_json(
        "acme.json",
        &common::api_key_type("acme", "api.acme.example"),
    );
    let report = env.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["format"], "bundle");
    assert_eq!(report["items"][0]["action"], "create");
    assert_eq!(env.slugs(), ["acme"]);
    // A broken one names the field at fault.
    let mut bad = common::api_key_type("bad", "b.example");
    bad["base_url"] = serde_json::json!("not a url");
    let file = env.write_json("bad.json", &bad);
    let out = env.cmd().arg("import").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad.json") && stderr(&out).contains("base_url"),
        "{}",
        stderr(&out)
    );
}

/// `n` copies of `item`, comma-separated (a flow list's contents).
fn repeat(item: &str, n: usize) -> String {
    vec![item; n].join(",")
}

#[test]
fn tiny_hostile_files_are_refused_or_bounded_within_a_gigabyte() {
    let env = Env::new();
    let head =
        "openapi: 3.0.0\ninfo: {title: Bomb}\nservers: [{url: 'https://b.example'}]\npaths: {}\n";
    // A few kilobytes of YAML whose aliases expand to gigabytes.
    let bombs = [
        (
            "wide.yaml",
            format!(
                "{head}x-a: &a [{}]\nx-b: &b [{}]\nx-c: [{}]\n",
                repeat("lol", 3000),
                repeat("*a", 3000),
                repeat("*b", 3000)
            ),
        ),
        (
            "string.yaml",
            format!(
                "{head}x-s: &s {}\nx-l: &l [{}]\nx-m: [{}]\n",
                "z".repeat(8 * 1024),
                repeat("*s", 2000),
                repeat("*l", 2000)
            ),
        ),
    ];
    for (name, text) in &bombs {
        let file = env.write(name, text.as_bytes());
        for dry_run in [true, false] {
            let mut cmd = env.cmd_within_memory(1024);
            cmd.arg("import").arg(&file);
            if dry_run {
                cmd.arg("--dry-run");
            }
            let out = cmd.output().unwrap();
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name}: not a clean refusal: {err}"
            );
            assert!(
                err.contains(*name) && err.contains("too many alias expansions"),
                "{name}: {err}"
            );
        }
    }
    assert!(env.slugs().is_empty(), "nothing was stored");

    // 30 properties of a schema referring to itself: a bounded example body.
    let node = "{$ref: '#/components/schemas/Node'}";
    let props: Vec<String> = (1..=30).map(|i| format!("p{i}: {node}")).collect();
    let text = format!(
        "openapi: 3.0.0\ninfo: {{title: Rec}}\nservers: [{{url: 'https://r.example'}}]\ncomponents:\n  schemas:\n    Node: {{type: object, properties: {{{}}}}}\npaths:\n  /r:\n    post:\n      requestBody: {{content: {{application/json: {{schema: {node}}}}}}}\n",
        props.join(", ")
    );
    assert!(text.len() < 2 * 1024, "{} bytes", text.len());
    let file = env.write("rec.yaml", text.as_bytes());
    for dry_run in [true, false] {
        let mut cmd = env.cmd_within_memory(1024);
        cmd.arg("import").arg(&file);
        if dry_run {
            cmd.arg("--dry-run");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let t = env.json(&["types", "show", "rec"]);
    let body: Value =
        serde_json::from_str(t["actions"][0]["body"]["template"].as_str().unwrap()).unwrap();
    assert_eq!(body.as_object().unwrap().len(), 30, "{body}");
    assert!(body["p1"].is_null(), "the repeated $ref stops: {body}");
}

#[test]
fn credentials_written_into_a_postman_collection_never_reach_the_type() {
    let env = Env::new();
    let [bearer, key, query_key, access_token, cookie, client_secret, authed, basic_pw] =
        std::array::from_fn(|_| common::canary());
    let basic = base64_of(&format!("ada:{basic_pw}"));
    let collection = serde_json::json!({
        "info": {"name": "Leaky", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": "https://api.leaky.example"}],
        "item": [
            {"name": "List invoices", "request": {
                "method": "GET",
                "header": [
                    {"key": "Authorization", "value": format!("Bearer {bearer}")},
                    {"key": "X-API-Key", "value": key},
                    {"key": "Cookie", "value": format!("session={cookie}")},
                    {"key": "Accept", "value": "application/json"}
                ],
                "url": {"raw": format!("{{{{baseUrl}}}}/invoices?api_key={query_key}&access_token={access_token}&limit=5"),
                        "host": ["{{baseUrl}}"], "path": ["invoices"],
                        "query": [{"key": "api_key", "value": query_key}, {"key": "access_token", "value": access_token}, {"key": "limit", "value": "5"}]}
            }},
            {"name": "Get token", "request": {
                "method": "POST",
                "header": [{"key": "Authorization", "value": format!("Basic {basic}")}],
                "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "client_credentials"}, {"key": "client_secret", "value": client_secret}]},
                "url": {"raw": "{{baseUrl}}/token", "host": ["{{baseUrl}}"], "path": ["token"]}
            }},
            {"name": "Me", "request": {
                "method": "GET",
                "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
                "header": [{"key": "Authorization", "value": format!("Bearer {authed}")}],
                "url": {"raw": "{{baseUrl}}/me", "host": ["{{baseUrl}}"], "path": ["me"]}
            }}
        ]
    });
    let secrets = [
        &bearer,
        &key,
        &query_key,
        &access_token,
        &cookie,
        &client_secret,
        &authed,
        &basic_pw,
        &basic,
    ];
    let file = env.write_json("leaky.postman_collection.json", &collection);
    let dry = env
        .cmd()
        .args(["import", "--dry-run"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(dry.status.success(), "{}", stderr(&dry));
    let out = env.cmd().arg("import").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The report names each request and header or parameter it took a credential from.
    let report = stderr(&out);
    for (request, place) in [
        ("List invoices", "header.Authorization"),
        ("List invoices", "header.X-API-Key"),
        ("List invoices", "header.Cookie"),
        ("List invoices", "query.api_key"),
        ("List invoices", "query.access_token"),
        ("Get token", "header.Authorization"),
        ("Get token", "urlencoded.client_secret"),
        ("Me", "header.Authorization"),
    ] {
        assert!(
            report
                .lines()
                .any(|l| l.contains(place) && l.contains(&format!("request '{request}'"))),
            "{request} {place}:\n{report}"
        );
    }

    // The type sends secret fields in their place, which a connection fills.
    let t = env.json(&["types", "show", "leaky"]);
    let list = &t["actions"][0];
    assert_eq!(list["headers"][0]["name"], "X-API-Key");
    assert_eq!(list["headers"][0]["value"], "{{x_api_key}}");
    assert_eq!(list["query"][0]["value"], "{{api_key}}");
    assert_eq!(list["query"][1]["value"], "{{access_token}}");
    assert_eq!(list["query"][2]["value"], "5");
    assert_eq!(list["requires_auth"], true);
    let patterns: Vec<&str> = t["auth_patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert!(
        patterns.contains(&"bearer") && patterns.contains(&"basic"),
        "{patterns:?}"
    );
    for field in ["x_api_key", "api_key", "access_token", "client_secret"] {
        let f = t["auth_patterns"][0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field_name"] == field)
            .unwrap_or_else(|| panic!("{field}: {t}"));
        assert_eq!(f["input_type"], "password", "{field} is a secret field");
    }

    // None of the values is anywhere: output, the type, an export, or any file of the data dir.
    let export = env.cmd().arg("export").output().unwrap();
    assert!(export.status.success(), "{}", stderr(&export));
    let texts = [
        stdout(&dry),
        stderr(&dry),
        stdout(&out),
        report,
        t.to_string(),
        stdout(&export),
    ];
    for secret in secrets {
        for text in &texts {
            assert!(!text.contains(secret.as_str()), "{secret} in {text}");
        }
        for f in common::files_below(&env.data_dir()) {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !common::contains_bytes(&bytes, secret.as_bytes()),
                "{secret} in {}",
                f.display()
            );
        }
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}
