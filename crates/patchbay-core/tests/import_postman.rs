//! The Postman Collection v2.1 importer, on an exported collection (fixtures/postman/): auth at
//! collection, folder and request level with `inherit` resolved, `{{baseUrl}}` → the base URL,
//! other variables → fields, credential-looking variables → secret fields whose values are never
//! imported, requests → actions.

use patchbay_core::import::{convert, ImportFormat, NoteKind};
use patchbay_core::model::AuthType;

const COLLECTION: &str = include_str!("fixtures/postman/acme-crm.postman_collection.json");

#[test]
fn an_exported_collection_becomes_one_type() {
    let c = convert(
        "acme.postman_collection.json",
        COLLECTION,
        ImportFormat::Auto,
    )
    .unwrap();
    assert_eq!(c.format, ImportFormat::Postman);
    let def = &c.defs[0];
    assert_eq!(
        (def.slug.as_str(), def.display_name.as_str()),
        ("acme-crm", "Acme CRM")
    );
    assert_eq!(def.base_url, "https://api.acme-crm.example/v2");

    let types: Vec<AuthType> = def.auth_patterns.iter().map(|p| p.auth_type).collect();
    assert_eq!(
        types,
        [AuthType::Bearer, AuthType::ApiKey],
        "collection bearer, folder apikey"
    );
    let api_key = def.auth_patterns[1].api_key.as_ref().unwrap();
    assert_eq!(api_key.name, "X-Webhook-Key");
    for p in &def.auth_patterns {
        let tenant = p
            .fields
            .iter()
            .find(|f| f.field_name == "tenant_id")
            .expect("tenant field");
        assert!(!tenant.is_secret());
        assert_eq!(tenant.label, "tenant-id");
    }

    let names: Vec<&str> = def.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "list_contacts",
            "get_contact",
            "create_contact",
            "upload_avatar",
            "health",
            "list_webhooks"
        ]
    );
    let list = &def.actions[0];
    assert_eq!(
        list.query.len(),
        1,
        "the disabled cursor parameter is left out"
    );
    assert!(
        list.headers.iter().all(|h| h.name != "X-Request-Id"),
        "{{$guid}} dropped with its header"
    );
    let get = &def.actions[1];
    assert_eq!(get.path, "/contacts/{{contact_id}}");
    assert_eq!(get.parameters[0].name, "contact_id");
    let create = &def.actions[2];
    assert_eq!(create.headers[0].value, "{{tenant_id}}");
    assert_eq!(
        create.body.as_ref().unwrap().content_type,
        "application/json"
    );
    assert!(
        !def.actions[4].requires_auth,
        "the Public folder has noauth"
    );
    assert!(def.actions[5].requires_auth);

    // Credential values never come along, anywhere in the definition.
    let text = serde_json::to_string(def).unwrap();
    for secret in [
        "pm_live_8f3a2b1c9d7e6f5a4b3c2d1e",
        "whk_5d4c3b2a1f0e9d8c7b6a",
    ] {
        assert!(!text.contains(secret), "a credential value was imported");
    }
    let dropped: Vec<&str> = c
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::Dropped)
        .map(|n| n.message.as_str())
        .collect();
    assert!(
        dropped.iter().any(|m| m.contains("'formdata' bodies")),
        "{dropped:?}"
    );
    assert!(
        dropped
            .iter()
            .any(|m| m.contains("does not start with the base URL")),
        "{dropped:?}"
    );
    assert!(c
        .notes
        .iter()
        .any(|n| n.path == "variable.accessToken" && n.message.contains("not imported")));
}

#[test]
fn broken_collections_are_clear_errors() {
    for (text, expected) in [
        (
            r#"{"info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": []}"#,
            "info.name",
        ),
        (
            r#"{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v1.0.0/collection.json"}}"#,
            "not a Postman Collection v2",
        ),
    ] {
        let err = convert("c.json", text, ImportFormat::Auto)
            .expect_err("an error")
            .to_string();
        assert!(
            err.contains(expected) && err.contains("c.json"),
            "{text}\n=> {err}"
        );
    }
    let err = convert(
        "c.json",
        r#"{"info": {"name": "x"}}"#,
        ImportFormat::Postman,
    )
    .expect_err("an error")
    .to_string();
    assert!(err.contains("not a Postman Collection v2"), "{err}");
}
