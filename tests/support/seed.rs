//! Seeds a throwaway data folder through the core's own API, exactly as the CLI would.

use std::path::Path;

use patchbay_core::model::{AuthType, IntegrationDef};
use patchbay_core::{ConnectRequest, OpenOptions, Patchbay, Secret};

/// The two types the window tests expect: (display name, slug).
pub const TYPES: [(&str, &str); 2] = [
    ("Acme billing", "acme-billing"),
    ("Globex CRM", "globex-crm"),
];

pub fn seed_two_types(data_dir: &Path) {
    let patchbay = Patchbay::open(OpenOptions::new(data_dir.to_path_buf())).expect("open data dir");
    for def in [acme(), globex()] {
        patchbay.create_type(def).expect("create a type");
    }
}

/// A type `acme-local` pointing at `base_url` (a local API) and an API-key connection
/// `acme-test` holding `key`, sent as `X-API-Key`.
pub fn api_key_connection(dir: &Path, base_url: &str, key: &str) {
    let pb = Patchbay::open(OpenOptions::new(dir.to_path_buf())).expect("open data dir");
    pb.create_type(def(serde_json::json!({
        "slug": "acme-local",
        "display_name": "Acme local",
        "base_url": base_url,
        "auth_patterns": [{
            "type": "api_key",
            "fields": [{"field_name": "api_key", "label": "API key", "input_type": "password", "required": true}],
            "api_key": {"in": "header", "name": "X-API-Key"}
        }]
    })))
    .expect("create the type");
    pb.connect(ConnectRequest {
        type_slug: "acme-local".into(),
        name: "acme-test".into(),
        auth_type: Some(AuthType::ApiKey),
        fields: Default::default(),
        secrets: [("api_key".to_string(), Secret::new(key))].into(),
    })
    .expect("connect");
}

fn acme() -> IntegrationDef {
    def(serde_json::json!({
        "slug": "acme-billing",
        "display_name": "Acme billing",
        "description": "Invoices, customers and payouts on the Acme platform.",
        "base_url": "https://{{domain}}/api/v1",
        "auth_patterns": [{
            "type": "api_key",
            "fields": [
                {"field_name": "domain", "label": "Domain", "required": true},
                {"field_name": "api_key", "label": "API key", "input_type": "password", "required": true}
            ],
            "api_key": {"in": "header", "name": "Authorization", "prefix": "Api-Key "}
        }],
        "actions": [{"name": "list_invoices", "method": "GET", "path": "/invoices"}]
    }))
}

fn globex() -> IntegrationDef {
    def(serde_json::json!({
        "slug": "globex-crm",
        "display_name": "Globex CRM",
        "description": "The partner CRM: contacts and deals, with OAuth login or a bearer token.",
        "base_url": "https://api.globex.example/v2",
        "auth_patterns": [
            {
                "type": "oauth2_authorization_code",
                "oauth_config": {
                    "authorize_uri": "https://login.globex.example/oauth/authorize",
                    "token_uri": "https://login.globex.example/oauth/token",
                    "available_scopes": [{"scope": "contacts.read", "required": true}]
                }
            },
            {
                "type": "bearer",
                "fields": [{"field_name": "token", "label": "Token", "input_type": "password", "required": true}]
            }
        ]
    }))
}

fn def(value: serde_json::Value) -> IntegrationDef {
    serde_json::from_value(value).expect("a valid integration type")
}
