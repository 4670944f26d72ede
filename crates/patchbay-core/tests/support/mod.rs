//! Shared set-up of the request engine's tests: a data folder in passphrase mode, integration
//! types with every auth pattern pointing at an in-test server, connections holding canary
//! secrets, and a helper that prepares, executes and records one request.

#![allow(dead_code)]

pub mod oauth;
pub mod server;

use std::collections::BTreeMap;
use std::path::Path;

use patchbay_core::model::{AuthType, IntegrationDef};
use patchbay_core::request::{
    execute, CancellationToken, ExecuteOptions, MadeBy, Outcome, PreparedRequest, RequestSpec,
};
use patchbay_core::vault::VaultConfig;
use patchbay_core::{ConnectRequest, OpenOptions, Patchbay, Secret};
use serde_json::json;

/// Canary secrets: distinctive, at least 16 characters, never expected in any output.
pub const API_KEY: &str = "sk_live_CANARY_apikey_7f3a9c2e41";
pub const TOKEN: &str = "tok_CANARY_bearer_5b8d0e6f7a91";
pub const PASSWORD: &str = "pw_CANARY_basic_c4e2a8b19d73";
pub const HEADER_TOKEN: &str = "hdr_CANARY_custom_93b1f05c2ad8";
pub const HMAC_KEY: &str = "whsec_CANARY_hmac_1e7c4b9a0f52";
pub const ACCESS_TOKEN: &str = "ya29_CANARY_oauth_8d2f6a1c3e90";
pub const CLIENT_SECRET: &str = "cs_CANARY_client_4a9e7d2b6c18";
pub const ALL_CANARIES: &[&str] = &[
    API_KEY,
    TOKEN,
    PASSWORD,
    HEADER_TOKEN,
    HMAC_KEY,
    ACCESS_TOKEN,
    CLIENT_SECRET,
];

pub fn open(dir: &Path) -> Patchbay {
    Patchbay::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        vault: VaultConfig {
            passphrase: Some(Secret::new("correct horse battery staple")),
            prompt: None,
            use_keyring: false,
        },
    })
    .expect("open data dir")
}

/// Where an `api_key` pattern puts the key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum KeyIn {
    /// `Authorization: Api-Key <key>`
    AuthorizationPrefixed,
    /// `X-API-Key: <key>`
    XApiKey,
    /// `?api_key=<key>`
    Query,
}

/// A type at `base_url` offering every static auth pattern plus OAuth client credentials.
pub fn def_all_patterns(slug: &str, base_url: &str, key_in: KeyIn) -> IntegrationDef {
    let api_key_block = match key_in {
        KeyIn::AuthorizationPrefixed => {
            json!({"in": "header", "name": "Authorization", "prefix": "Api-Key "})
        }
        KeyIn::XApiKey => json!({"in": "header", "name": "X-API-Key"}),
        KeyIn::Query => json!({"in": "query", "name": "api_key"}),
    };
    serde_json::from_value(json!({
        "slug": slug,
        "display_name": format!("{slug} API"),
        "base_url": base_url,
        "auth_patterns": [
            {"type": "none"},
            {"type": "api_key",
             "fields": [{"field_name": "api_key", "input_type": "password", "required": true}],
             "api_key": api_key_block},
            {"type": "bearer",
             "fields": [{"field_name": "token", "input_type": "password", "required": true}]},
            {"type": "basic",
             "fields": [
                {"field_name": "username", "required": true},
                {"field_name": "password", "input_type": "password"}],
             "auth_field_mutations": [{"field_name": "password", "default_value": "X"}]},
            {"type": "custom_headers",
             "fields": [
                {"field_name": "tenant_id", "required": true},
                {"field_name": "api_token", "input_type": "password", "required": true}],
             "headers": [
                {"name": "X-Tenant", "value": "{{tenant_id}}"},
                {"name": "X-Api-Token", "value": "Token {{api_token}}"},
                {"name": "X-Static", "value": "patchbay-static"}]},
            {"type": "hmac",
             "fields": [
                {"field_name": "secret", "input_type": "password", "required": true},
                {"field_name": "key_id", "required": true}],
             "hmac": {"key_id_header": "X-Key-Id", "key_id_field": "key_id", "signature_prefix": "sha256="}},
            {"type": "oauth2_client_credentials",
             "oauth_config": {"token_uri": "https://auth.example.com/token"}}
        ],
        "actions": [
            {"name": "whoami", "method": "GET", "path": "/me"},
            {"name": "create_item", "method": "POST", "path": "/items/{{item_id}}",
             "parameters": [{"name": "item_id", "in": "path", "required": true}],
             "body": {"content_type": "application/json", "template": "{\"name\": \"{{item_name}}\"}"}}
        ]
    }))
    .expect("valid test definition")
}

/// Connects one connection per auth pattern of `slug`, named `<prefix>-<pattern>`, and returns
/// the names by pattern.
pub fn connect_all(pb: &Patchbay, slug: &str, prefix: &str) -> BTreeMap<AuthType, String> {
    let mut names = BTreeMap::new();
    type Values<'a> = Vec<(&'a str, &'a str)>;
    let plan: Vec<(AuthType, Values, Values)> = vec![
        (AuthType::None, vec![], vec![]),
        (AuthType::ApiKey, vec![], vec![("api_key", API_KEY)]),
        (AuthType::Bearer, vec![], vec![("token", TOKEN)]),
        (
            AuthType::Basic,
            vec![("username", "alice")],
            vec![("password", PASSWORD)],
        ),
        (
            AuthType::CustomHeaders,
            vec![("tenant_id", "acme-tenant")],
            vec![("api_token", HEADER_TOKEN)],
        ),
        (
            AuthType::Hmac,
            vec![("key_id", "key-1")],
            vec![("secret", HMAC_KEY)],
        ),
        (
            AuthType::Oauth2ClientCredentials,
            vec![("client_id", "client-123")],
            vec![("client_secret", CLIENT_SECRET)],
        ),
    ];
    for (auth, fields, secrets) in plan {
        let name = format!("{prefix}-{auth}");
        connect(pb, slug, &name, Some(auth), &fields, &secrets);
        if auth == AuthType::Oauth2ClientCredentials {
            pb.set_secret(&name, "access_token", Secret::new(ACCESS_TOKEN))
                .expect("store token");
        }
        names.insert(auth, name);
    }
    names
}

pub fn connect(
    pb: &Patchbay,
    slug: &str,
    name: &str,
    auth: Option<AuthType>,
    fields: &[(&str, &str)],
    secrets: &[(&str, &str)],
) {
    pb.connect(ConnectRequest {
        type_slug: slug.into(),
        name: name.into(),
        auth_type: auth,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        secrets: secrets
            .iter()
            .map(|(k, v)| (k.to_string(), Secret::new(*v)))
            .collect(),
    })
    .expect("connect");
}

/// Sends a prepared request on a fresh current-thread runtime (what the CLI does).
pub fn send(prepared: &PreparedRequest, opts: &ExecuteOptions) -> Outcome {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(execute(prepared, opts, &CancellationToken::new()))
}

/// Prepares, sends and records one request.
pub fn run(pb: &Patchbay, connection: &str, spec: RequestSpec) -> (PreparedRequest, Outcome) {
    let prepared = pb.prepare_request(connection, spec).expect("prepare");
    let outcome = send(&prepared, &ExecuteOptions::default());
    pb.record_outcome(&prepared, &outcome, MadeBy::User)
        .expect("record");
    (prepared, outcome)
}

/// Fails naming the canary and where it was found.
pub fn assert_no_canary(what: &str, text: &str) {
    for c in ALL_CANARIES {
        assert!(!text.contains(c), "{what} contains canary {c}:\n{text}");
    }
}
