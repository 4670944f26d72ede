//! The OpenAPI / Swagger importer, on real vendor documents and on broken and hostile ones.
//!
//! Real documents: every file in `../shared/corpus/openapi/` (read in place, never copied) is
//! converted and compared with its expected summary in `tests/fixtures/openapi/` — the slug,
//! base URL, auth patterns, every action's method and path, and the report's notes.
//! `UPDATE_FIXTURES=1` rewrites the summaries (review the diff). Without `../shared` the test
//! says so and skips, except under `CI`.

use std::path::{Path, PathBuf};

use patchbay_core::import::{convert, ImportFormat, NoteKind};
use patchbay_core::model::IntegrationDef;
use serde_json::{json, Value};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/openapi");
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "{} is absent: the OpenAPI corpus tests need ../shared",
        dir.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

/// What a person checks after an import, in a stable form.
fn summary(def: &IntegrationDef, notes: &[patchbay_core::import::ImportNote]) -> Value {
    json!({
        "slug": def.slug,
        "display_name": def.display_name,
        "base_url": def.base_url,
        "docs_url": def.docs_url,
        "auth_patterns": def.auth_patterns.iter().map(|p| {
            let v = serde_json::to_value(p).unwrap();
            json!({
                "type": v["type"],
                "fields": p.fields.iter().map(|f| format!("{}{}", f.field_name, if f.is_secret() { " (secret)" } else { "" })).collect::<Vec<_>>(),
                "api_key": v.get("api_key"),
                "oauth": v.get("oauth_config").map(|o| json!({
                    "authorize_uri": o.get("authorize_uri"),
                    "token_uri": o.get("token_uri"),
                    "scopes": o["available_scopes"].as_array().map(|s| s.len()),
                })),
                "headers": v.get("headers"),
            })
        }).collect::<Vec<_>>(),
        "actions": def.actions.iter().map(|a| format!(
            "{} {} {}{}{}",
            a.name,
            a.method.as_str(),
            a.path,
            if a.body.is_some() { " +body" } else { "" },
            if a.requires_auth { "" } else { " (no auth)" }
        )).collect::<Vec<_>>(),
        "notes": notes.iter().map(|n| format!("{:?} {}: {}", n.kind, n.path, n.message)).collect::<Vec<_>>(),
    })
}

#[test]
fn real_vendor_documents_import_as_their_expected_types() {
    let Some(dir) = corpus() else { return };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some_and(|v| v == "1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        let converted =
            convert(&name, &text, ImportFormat::Auto).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(converted.format, ImportFormat::Openapi, "{name}");
        assert_eq!(converted.defs.len(), 1);
        let got = summary(&converted.defs[0], &converted.notes);
        let expected_file = fixtures.join(format!("{name}.expected.json"));
        if update {
            std::fs::create_dir_all(&fixtures).unwrap();
            std::fs::write(
                &expected_file,
                serde_json::to_string_pretty(&got).unwrap() + "\n",
            )
            .unwrap();
            continue;
        }
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_file).unwrap_or_else(|_| {
                panic!(
                    "{} is missing; run with UPDATE_FIXTURES=1",
                    expected_file.display()
                )
            }),
        )
        .unwrap();
        if got != expected {
            failures.push(format!(
                "{name}: got\n{}",
                serde_json::to_string_pretty(&got).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn import_err(text: &str) -> String {
    convert("doc.yaml", text, ImportFormat::Auto)
        .expect_err("an error")
        .to_string()
}

fn import_ok(text: &str) -> (IntegrationDef, Vec<patchbay_core::import::ImportNote>) {
    let c = convert("doc.yaml", text, ImportFormat::Auto).unwrap_or_else(|e| panic!("{e}"));
    (c.defs.into_iter().next().unwrap(), c.notes)
}

#[test]
fn mapping_details_security_servers_parameters_and_bodies() {
    let (def, notes) = import_ok(
        r##"
openapi: 3.1.0
info: {title: "Acme Billing API", description: "Invoices."}
servers:
  - url: https://{tenant}.acme.example/v1
    variables: {tenant: {default: demo, description: Your tenant}}
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: cookie, name: session}
    basic: {type: http, scheme: basic}
    digest: {type: http, scheme: digest}
    oauth:
      type: oauth2
      flows:
        authorizationCode: {authorizationUrl: "https://acme.example/oauth/authorize", tokenUrl: "https://acme.example/oauth/token", scopes: {"invoices:read": Read}}
        implicit: {authorizationUrl: "https://acme.example/oauth/authorize", scopes: {}}
  schemas:
    Invoice:
      type: object
      properties:
        amount: {type: integer}
        lines: {type: array, items: {$ref: "#/components/schemas/Line"}}
    Line: {type: object, properties: {sku: {type: string, example: "SKU-1"}}}
paths:
  /invoices/{invoiceId}:
    parameters: [{name: invoiceId, in: path, required: true}]
    get:
      operationId: getInvoice
      parameters:
        - {name: "expand[]", in: query, required: true}
        - {name: X-Request-Id, in: header}
        - {name: tracking, in: cookie}
  /invoices:
    post:
      summary: Create an invoice
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Invoice"}}}
  /health:
    get: {security: [], responses: {200: {description: ok}}}
"##,
    );
    assert_eq!(def.slug, "acme-billing-api");
    assert_eq!(def.base_url, "https://{{tenant}}.acme.example/v1");
    let types: Vec<&str> = def
        .auth_patterns
        .iter()
        .map(|p| p.auth_type.as_str())
        .collect();
    assert_eq!(
        types,
        ["custom_headers", "basic", "oauth2_authorization_code"]
    );
    for p in &def.auth_patterns {
        assert!(
            p.fields
                .iter()
                .any(|f| f.field_name == "tenant" && !f.is_secret()),
            "{p:?}"
        );
    }
    let cookie = &def.auth_patterns[0].headers[0];
    assert_eq!(
        (cookie.name.as_str(), cookie.value.as_str()),
        ("Cookie", "session={{api_key}}")
    );
    let get = &def.actions[0];
    assert_eq!(get.name, "get_invoice");
    assert_eq!(get.path, "/invoices/{{invoice_id}}");
    assert_eq!(get.query[0].name, "expand[]");
    assert_eq!(get.query[0].value, "{{expand}}");
    assert!(
        get.headers.is_empty(),
        "optional headers are parameters, not templates"
    );
    let post = &def.actions[1];
    assert_eq!(post.name, "post_invoices");
    let body: Value = serde_json::from_str(&post.body.as_ref().unwrap().template).unwrap();
    assert_eq!(body, json!({"amount": 0, "lines": [{"sku": "SKU-1"}]}));
    assert!(!def.actions[2].requires_auth, "security: [] needs no auth");
    assert!(def.actions[0].requires_auth);
    let dropped: Vec<&str> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::Dropped)
        .map(|n| n.path.as_str())
        .collect();
    assert!(
        dropped.contains(&"components.securitySchemes.digest"),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&"components.securitySchemes.oauth.flows.implicit"),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&"paths./invoices/{invoiceId}.get.parameters.tracking"),
        "{dropped:?}"
    );
}

#[test]
fn broken_and_hostile_documents_are_clear_errors() {
    for (doc, expected) in [
        ("openapi: 4.0.0\ninfo: {title: x}\npaths: {}\n", "unsupported OpenAPI version"),
        ("openapi: 3.0.0\ninfo: {}\npaths: {}\n", "info.title"),
        ("openapi: 3.0.0\ninfo: {title: x}\nservers: [{url: 'https://a.example'}]\npaths:\n  /a: {$ref: '#/paths/~1b'}\n  /b: {$ref: '#/paths/~1a'}\n", "a cycle?"),
        ("openapi: 3.0.0\ninfo: {title: x}\nservers: [{url: 'https://a.example'}]\npaths:\n  /a: {$ref: 'other.yaml#/x'}\n", "external $ref 'other.yaml#/x'"),
        ("openapi: 3.0.0\ninfo: {title: x}\nservers: [{url: 'https://a.example'}]\npaths:\n  /a: {$ref: '#/nowhere'}\n", "points to nothing"),
        ("openapi: 3.0.0\ninfo: {title: [unclosed\n", "not valid JSON or YAML"),
        ("{\"openapi\": \"3.0.0\", \"info\": ", "not valid JSON"),
    ] {
        let err = import_err(doc);
        assert!(err.contains(expected), "{doc}\n=> {err}");
        assert!(err.contains("doc.yaml"), "the error names the file: {err}");
    }
    // 10,000 levels of nesting, in JSON and in YAML: an error, not a stack overflow.
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(import_err(&deep_json).contains("doc.yaml"));
    let deep_yaml = format!(
        "openapi: 3.0.0\ninfo: {{title: x}}\nx: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(import_err(&deep_yaml).contains("doc.yaml"));
    // A schema that refers to itself still gets a finite example body.
    let (def, _) = import_ok(
        "openapi: 3.0.0\ninfo: {title: Tree}\nservers: [{url: 'https://t.example'}]\ncomponents:\n  schemas:\n    Node: {type: object, properties: {child: {$ref: '#/components/schemas/Node'}}}\npaths:\n  /n:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}\n",
    );
    assert!(def.actions[0]
        .body
        .as_ref()
        .unwrap()
        .template
        .contains("child"));
}

/// Export → import → export is byte-identical, over every type the importers produce from the
/// corpus and the Postman fixture (real-world shapes: templates, every auth pattern, bodies).
#[test]
fn export_import_export_is_byte_identical() {
    use patchbay_core::vault::VaultConfig;
    use patchbay_core::{ConflictPolicy, OpenOptions, Patchbay, Secret};
    let open = |dir: &Path| {
        Patchbay::open(OpenOptions {
            data_dir: dir.to_path_buf(),
            vault: VaultConfig {
                passphrase: Some(Secret::new("pw")),
                prompt: None,
                use_keyring: false,
            },
        })
        .expect("open")
    };
    let mut sources: Vec<(String, String)> = vec![(
        "acme-crm.postman_collection.json".into(),
        include_str!("fixtures/postman/acme-crm.postman_collection.json").into(),
    )];
    if let Some(dir) = corpus() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            sources.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = open(a.path());
    for (name, text) in &sources {
        first
            .import(
                name,
                text,
                ImportFormat::Auto,
                ConflictPolicy::Rename,
                false,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let exported = first.export_bundle(&[]).unwrap();
    let second = open(b.path());
    let report = second
        .import(
            "exported.bundle.json",
            &exported,
            ImportFormat::Auto,
            ConflictPolicy::Fail,
            false,
        )
        .unwrap();
    assert_eq!(report.items.len(), sources.len());
    assert_eq!(
        second.export_bundle(&[]).unwrap(),
        exported,
        "byte-identical"
    );
}
