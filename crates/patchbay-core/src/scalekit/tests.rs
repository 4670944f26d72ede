use std::path::PathBuf;

use serde_json::{json, Value};

use super::*;
use crate::model::{AuthType, IntegrationDef};
use crate::validate::validate_def;

/// The eight ```json payloads of the `002_` seed, or `None` when the seeds folder is absent.
fn seed_payloads() -> Option<Vec<Value>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipping: ../shared/seeds not found");
        return None;
    };
    let file = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("002_"))
        })
        .expect("a 002_ seed in the seeds folder");
    let text = std::fs::read_to_string(file).unwrap();
    let mut payloads = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + "```json\n".len()..];
        let end = body.find("```").expect("closed json block");
        payloads.push(serde_json::from_str(&body[..end]).expect("seed block is JSON"));
        rest = &body[end + 3..];
    }
    assert_eq!(payloads.len(), 8, "the 002_ seed has eight payloads");
    Some(payloads)
}

fn one(value: &Value) -> IntegrationDef {
    let mut defs = from_scalekit("test.json", value).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(defs.len(), 1);
    defs.remove(0)
}

fn problems(result: Result<Vec<IntegrationDef>>) -> Vec<(String, String)> {
    match result {
        Err(CoreError::Validation(v)) => {
            assert_eq!(v.subject, "test.json");
            v.problems
                .into_iter()
                .map(|p| (p.path, p.message))
                .collect()
        }
        Err(CoreError::Parse {
            file,
            path,
            message,
        }) => {
            assert_eq!(file, "test.json");
            vec![(path, message)]
        }
        other => panic!("expected a validation or parse error, got {other:?}"),
    }
}

fn has(found: &[(String, String)], path: &str, fragment: &str) -> bool {
    found.iter().any(|(p, m)| p == path && m.contains(fragment))
}

fn bearer() -> Value {
    json!({
        "display_name": "My Bearer",
        "description": "d",
        "auth_patterns": [{"type": "BEARER", "display_name": "Bearer", "description": "",
            "fields": [{"field_name": "token", "label": "Token", "input_type": "password",
                        "hint": "", "required": true}]}],
        "proxy_url": "https://api.example.com",
        "proxy_enabled": true
    })
}

#[test]
fn every_seed_payload_maps_validates_and_round_trips() {
    let Some(payloads) = seed_payloads() else {
        return;
    };
    for payload in &payloads {
        let def = one(payload);
        validate_def(&def).unwrap_or_else(|e| panic!("{e}"));
        let back = to_scalekit(&[&def]).unwrap();
        assert_eq!(&back, payload, "round trip of {}", def.display_name);
    }
}

#[test]
fn the_list_form_maps_to_eight_defs_and_writes_a_list_back() {
    let Some(payloads) = seed_payloads() else {
        return;
    };
    let list = Value::Array(payloads);
    let defs = from_scalekit("test.json", &list).unwrap();
    assert_eq!(defs.len(), 8);
    let refs: Vec<&IntegrationDef> = defs.iter().collect();
    assert_eq!(to_scalekit(&refs).unwrap(), list);
}

#[test]
fn seed_payloads_map_to_the_expected_model() {
    let Some(payloads) = seed_payloads() else {
        return;
    };
    let defs = from_scalekit("test.json", &Value::Array(payloads)).unwrap();
    let by_slug = |s: &str| {
        defs.iter()
            .find(|d| d.slug == s)
            .unwrap_or_else(|| panic!("{s}"))
    };

    let asana = by_slug("my-asana");
    let p = &asana.auth_patterns[0];
    assert_eq!(p.auth_type, AuthType::Oauth2AuthorizationCode);
    let oc = p.oauth_config.as_ref().unwrap();
    assert_eq!(
        oc.token_uri.as_deref(),
        Some("https://app.asana.com/-/oauth_token")
    );
    assert_eq!(oc.available_scopes.len(), 2);
    assert!(oc.available_scopes.iter().all(|s| s.required));
    assert!(oc.pkce_enabled);

    let github = by_slug("github-mcp");
    let p = &github.auth_patterns[0];
    assert!(p.is_mcp && p.auth_type == AuthType::Oauth2AuthorizationCode);
    assert!(p.oauth_config.as_ref().unwrap().authorize_uri.is_none());

    let freshdesk = by_slug("my-freshdesk");
    assert_eq!(freshdesk.base_url, "https://{{domain}}/api");
    let fields = &freshdesk.auth_patterns[0].fields;
    assert!(fields
        .iter()
        .find(|f| f.field_name == "username")
        .unwrap()
        .is_secret());
    assert!(!fields
        .iter()
        .find(|f| f.field_name == "domain")
        .unwrap()
        .is_secret());

    let internal = by_slug("my-internal-mcp");
    let user = &internal.auth_patterns[0].fields[0];
    assert!(user.field_name == "username" && !user.is_secret());

    let attention = by_slug("my-attention");
    assert_eq!(attention.auth_patterns[0].auth_type, AuthType::ApiKey);
    assert!(attention.auth_patterns[0].api_key.is_none());
    assert!(attention.auth_patterns[0].fields[0].is_secret());

    assert_eq!(
        by_slug("apify-mcp").auth_patterns[0].auth_type,
        AuthType::Bearer
    );
}

#[test]
fn header_override_mutations_and_pkce_off_round_trip() {
    let payload = json!({
        "display_name": "Keyed",
        "description": "",
        "auth_patterns": [
            {"type": "API_KEY", "display_name": "Key", "description": "",
             "fields": [{"field_name": "api_key", "label": "Key", "input_type": "password",
                         "hint": "", "required": true}],
             "auth_header_key_override": "X-API-Key",
             "auth_field_mutations": [{"field_name": "api_key", "prefix": "Key "}]},
            {"type": "OAUTH", "display_name": "OAuth", "description": "", "fields": [],
             "account_fields": [{"field_name": "tenant", "label": "Tenant", "input_type": "text",
                                 "hint": "", "required": false}],
             "oauth_config": {"authorize_uri": "https://id.example.com/authorize",
                              "token_uri": "https://id.example.com/token",
                              "pkce_enabled": false}}
        ],
        "proxy_url": "https://api.example.com",
        "proxy_enabled": true
    });
    let def = one(&payload);
    validate_def(&def).unwrap();
    assert_eq!(
        def.auth_patterns[0].api_key.as_ref().unwrap().name,
        "X-API-Key"
    );
    assert!(
        !def.auth_patterns[1]
            .oauth_config
            .as_ref()
            .unwrap()
            .pkce_enabled
    );
    assert_eq!(to_scalekit(&[&def]).unwrap(), payload);
}

#[test]
fn slugs_are_made_from_display_names() {
    assert_eq!(slugify("My Asana"), "my-asana");
    assert_eq!(slugify("  Über API v2!! "), "ber-api-v2");
    assert_eq!(slugify("???"), "");
    assert_eq!(slugify(&"a ".repeat(50)).len(), 63);
}

#[test]
fn a_wrong_type_names_its_path() {
    let mut v = bearer();
    v["auth_patterns"][0]["type"] = json!("OAUTH2");
    let found = problems(from_scalekit("test.json", &v));
    assert!(
        has(&found, "auth_patterns[0].type", "unknown variant `OAUTH2`"),
        "{found:?}"
    );
}

#[test]
fn a_missing_display_name_is_reported() {
    let mut v = bearer();
    v.as_object_mut().unwrap().remove("display_name");
    let found = problems(from_scalekit("test.json", &v));
    assert!(
        has(&found, "$", "missing field `display_name`"),
        "{found:?}"
    );
}

#[test]
fn fields_as_a_string_and_unknown_keys_name_their_path() {
    let mut v = bearer();
    v["auth_patterns"][0]["fields"] = json!("token");
    let found = problems(from_scalekit("test.json", &v));
    assert!(
        has(&found, "auth_patterns[0].fields", "expected a sequence"),
        "{found:?}"
    );

    let mut v = bearer();
    v["auth_patterns"][0]["feilds"] = json!([]);
    let found = problems(from_scalekit("test.json", &v));
    assert!(found[0].0.starts_with("auth_patterns[0]"), "{found:?}");
    assert!(found[0].1.contains("unknown field `feilds`"), "{found:?}");
}

#[test]
fn a_list_reports_every_bad_entry_by_index() {
    let mut bad_type = bearer();
    bad_type["display_name"] = json!("Bad type");
    bad_type["auth_patterns"][0]["type"] = json!("TOKEN");
    let mut insecure = bearer();
    insecure["display_name"] = json!("Insecure");
    insecure["auth_patterns"][0]["fields"][0]["input_type"] = json!("text");
    let mut second = bearer();
    second["display_name"] = json!("Second");
    let list = json!([bearer(), second, insecure, bad_type, 42]);
    let found = problems(from_scalekit("test.json", &list));
    assert!(
        has(
            &found,
            "[3].auth_patterns[0].type",
            "unknown variant `TOKEN`"
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "[2].auth_patterns[0].fields", "must be secret"),
        "{found:?}"
    );
    assert!(has(&found, "[4]", "found a number"), "{found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn payload_level_rules_use_payload_names() {
    let mut v = bearer();
    v["proxy_url"] = json!("ftp://{{domain}}/x");
    v["proxy_enabled"] = json!(false);
    v["display_name"] = json!("!!!");
    let found = problems(from_scalekit("test.json", &v));
    assert!(has(&found, "proxy_enabled", "must be true"), "{found:?}");
    assert!(has(&found, "proxy_url", "https or http"), "{found:?}");
    assert!(
        has(&found, "proxy_url", "no field 'domain'")
            || has(&found, "auth_patterns[0].fields", "proxy_url uses"),
        "{found:?}"
    );
    assert!(has(&found, "display_name", "slug"), "{found:?}");

    let list = json!([bearer(), bearer()]);
    let found = problems(from_scalekit("test.json", &list));
    assert!(
        has(&found, "[1].display_name", "already used by entry [0]"),
        "{found:?}"
    );
}

#[test]
fn non_object_json_is_a_parse_error() {
    for v in [json!("text"), json!(3), json!(null), json!([])] {
        let found = problems(from_scalekit("test.json", &v));
        assert_eq!(found[0].0, "$", "{v}");
    }
}

#[test]
fn patterns_scalekit_cannot_express_are_refused_by_name() {
    let mut def = one(&bearer());
    def.auth_patterns[0].auth_type = AuthType::Hmac;
    def.auth_patterns[0].display_name = "Signed".into();
    let Err(CoreError::Validation(e)) = to_scalekit(&[&def]) else {
        panic!("expected an error")
    };
    let text = e.to_string();
    assert!(
        text.contains("auth_patterns[0].type") && text.contains("'my-bearer'"),
        "{text}"
    );
    assert!(text.contains("'Signed' (hmac)"), "{text}");

    let ok = one(&bearer());
    let Err(CoreError::Validation(e)) = to_scalekit(&[&ok, &def]) else {
        panic!()
    };
    assert_eq!(e.problems[0].path, "[1].auth_patterns[0].type");
}

#[test]
fn a_secret_text_field_is_written_as_a_password_input() {
    let mut def = one(&bearer());
    def.auth_patterns[0].fields[0].input_type = crate::model::InputType::Text;
    def.auth_patterns[0].fields[0].secret = Some(true);
    let out = to_scalekit(&[&def]).unwrap();
    assert_eq!(
        out["auth_patterns"][0]["fields"][0]["input_type"],
        "password"
    );
    assert_eq!(to_scalekit(&[]).unwrap(), json!([]));
}
