//! DESIGN.md invariant 3 against re-points by indirection, through the `patchbay` command: an
//! import (bundle, OpenAPI, Scalekit) or `types edit` that leaves the base URL's text alone but
//! changes where an existing connection's credentials go — a field mutation's suffix, prefix or
//! default on the field in the host position, a renamed host field with or without a default —
//! pauses that connection. While paused, `patchbay request` is refused and nothing at all is
//! sent; after `connections approve` it works. OAuth endpoints and settings: cli_repoint_oauth.rs.
//!
//! The attacker's server answers for every host but 127.0.0.1 (see repoint_support), so a request
//! re-pointed to `127.0.0.1.attacker.invalid` arrives there.

mod common;
mod repoint_support;

use common::{secret_field, stderr, stdout, text_field};
use repoint_support::Case;
use serde_json::{json, Value};

/// An API-key type whose base URL is `base` and whose pattern has `fields` and `mutations`.
fn key_type(base: &str, fields: Value, mutations: Value) -> Value {
    json!({
        "slug": "acme",
        "display_name": "Acme",
        "description": "v1",
        "base_url": base,
        "auth_patterns": [{
            "type": "api_key",
            "fields": fields,
            "api_key": {"in": "header", "name": "X-API-Key"},
            "auth_field_mutations": mutations
        }],
        "actions": [{"name": "whoami", "method": "GET", "path": "/me"}]
    })
}

fn optional_field(name: &str) -> Value {
    json!({"field_name": name, "label": name, "required": false})
}

/// `http://{{domain}}:PORT/v1` with a `domain` field and an API key.
fn domain_type(c: &Case, mutations: Value) -> Value {
    key_type(
        &format!("http://{{{{domain}}}}:{}/v1", c.port()),
        json!([text_field("domain"), secret_field("api_key")]),
        mutations,
    )
}

/// Connects `Acme` with `domain=127.0.0.1` and checks it reaches the legitimate server.
fn connected_to_legit(c: &Case, v1: &Value) {
    c.import("v1.json", std::slice::from_ref(v1));
    c.connect("acme", "Acme", &["domain=127.0.0.1"], "api_key");
    c.ok(&["request", "Acme", "GET", "/me"]);
    let got = c.legit.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("x-api-key"), Some(c.secret.as_str()));
    c.legit.clear();
}

#[test]
fn a_suffix_on_the_host_field_pauses_until_approved() {
    let c = Case::new();
    let v1 = domain_type(&c, json!([]));
    connected_to_legit(&c, &v1);
    let v2 = domain_type(
        &c,
        json!([{"field_name": "domain", "suffix": ".attacker.invalid"}]),
    );
    let preview = c.replace("v2.json", &[v2]);
    let from = format!("http://127.0.0.1:{}", c.port());
    let to = format!("http://127.0.0.1.attacker.invalid:{}", c.port());
    c.assert_paused_and_silent("Acme", &[&from, &to, "v2.json"]);
    let paused = preview["items"][0]["paused_connections"].to_string();
    assert!(
        paused.contains("Acme") && paused.contains(&from) && paused.contains(&to),
        "{paused}"
    );

    c.approve("Acme");
    c.ok(&["request", "Acme", "GET", "/me"]);
    let got = c.attacker.received();
    assert_eq!(
        got.len(),
        1,
        "after approval the request goes to the new host"
    );
    assert_eq!(got[0].target, format!("{to}/v1/me"));
    assert!(c.legit.received().is_empty());
}

#[test]
fn a_prefix_on_the_tenant_field_pauses_until_approved() {
    // `{{tenant}}.patchbay-test.invalid`: a prefix moves the key to another tenant of the same
    // provider. Every host here is answered by the attacker's server (the proxy).
    let c = Case::new();
    let base = "http://{{tenant}}.patchbay-test.invalid/v1";
    let fields = json!([text_field("tenant"), secret_field("api_key")]);
    c.import("v1.json", &[key_type(base, fields.clone(), json!([]))]);
    c.connect("acme", "Acme", &["tenant=acme"], "api_key");
    c.ok(&["request", "Acme", "GET", "/me"]);
    assert_eq!(
        c.attacker.received()[0].target,
        "http://acme.patchbay-test.invalid/v1/me"
    );
    c.attacker.clear();

    let v2 = key_type(
        base,
        fields,
        json!([{"field_name": "tenant", "prefix": "evil-"}]),
    );
    c.replace("v2.json", &[v2]);
    c.assert_paused_and_silent(
        "Acme",
        &[
            "http://acme.patchbay-test.invalid",
            "http://evil-acme.patchbay-test.invalid",
        ],
    );
    assert!(!c.attacker_saw_secret());
    c.approve("Acme");
    c.ok(&["request", "Acme", "GET", "/me"]);
    assert_eq!(
        c.attacker.received()[0].target,
        "http://evil-acme.patchbay-test.invalid/v1/me"
    );
}

#[test]
fn a_changed_default_of_the_host_field_pauses_only_the_connections_that_use_it() {
    let c = Case::new();
    let v = |default: &str| {
        key_type(
            &format!("http://{{{{domain}}}}:{}/v1", c.port()),
            json!([optional_field("domain"), secret_field("api_key")]),
            json!([{"field_name": "domain", "default_value": default}]),
        )
    };
    c.import("v1.json", &[v("127.0.0.1")]);
    c.connect("acme", "Defaulted", &[], "api_key");
    c.connect("acme", "Pinned", &["domain=127.0.0.1"], "api_key");
    c.ok(&["request", "Defaulted", "GET", "/me"]);
    assert_eq!(c.legit.received().len(), 1);
    c.legit.clear();

    let preview = c.replace("v2.json", &[v("attacker.invalid")]);
    c.assert_paused_and_silent(
        "Defaulted",
        &[
            &format!("http://127.0.0.1:{}", c.port()),
            &format!("http://attacker.invalid:{}", c.port()),
        ],
    );
    let paused = preview["items"][0]["paused_connections"]
        .as_array()
        .expect("a list")
        .clone();
    assert_eq!(paused.len(), 1, "{paused:?}");
    assert!(paused[0].as_str().unwrap().starts_with("Defaulted:"));
    // Its own value wins over the default: it still goes where it went.
    assert_eq!(c.status("Pinned").0, "untested");
    c.ok(&["request", "Pinned", "GET", "/me"]);
    assert_eq!(c.legit.received().len(), 1);
    assert!(!c.attacker_saw_secret());

    c.approve("Defaulted");
    c.ok(&["request", "Defaulted", "GET", "/me"]);
    assert_eq!(
        c.attacker.received()[0].target,
        format!("http://attacker.invalid:{}/v1/me", c.port())
    );
}

#[test]
fn renaming_the_host_field_pauses_with_a_default_and_without_one() {
    let c = Case::new();
    connected_to_legit(&c, &domain_type(&c, json!([])));
    let renamed = |mutations: Value, host: Value| {
        key_type(
            &format!("http://{{{{host}}}}:{}/v1", c.port()),
            json!([host, secret_field("api_key")]),
            mutations,
        )
    };
    let v2 = renamed(
        json!([{"field_name": "host", "default_value": "attacker.invalid"}]),
        optional_field("host"),
    );
    c.replace("v2.json", &[v2]);
    c.assert_paused_and_silent("Acme", &[&format!("http://attacker.invalid:{}", c.port())]);
    c.approve("Acme");
    c.ok(&["request", "Acme", "GET", "/me"]);
    assert_eq!(c.attacker.received().len(), 1);
    c.attacker.clear();

    // Renamed again without a default: the connection has no value for it and cannot render.
    let v3 = renamed(json!([]), text_field("server"));
    let v3 = {
        let mut v = v3;
        v["base_url"] = json!(format!("http://{{{{server}}}}:{}/v1", c.port()));
        v
    };
    c.replace("v3.json", &[v3]);
    c.assert_paused_and_silent("Acme", &["no longer renders", "'server'"]);
    c.approve("Acme");
    let out = c.request("Acme");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("'server'"), "{}", stderr(&out));
    assert!(c.attacker.received().is_empty() && c.legit.received().is_empty());
}

#[test]
fn types_edit_pauses_like_an_import() {
    let c = Case::new();
    c.env.create_type(&domain_type(&c, json!([])));
    c.connect("acme", "Acme", &["domain=127.0.0.1"], "api_key");
    let suffixed = domain_type(
        &c,
        json!([{"field_name": "domain", "suffix": ".attacker.invalid"}]),
    );
    let out = c.edit(&suffixed);
    c.assert_paused_and_silent(
        "Acme",
        &[
            &format!("http://127.0.0.1.attacker.invalid:{}", c.port()),
            "an edit of the type 'acme'",
        ],
    );
    assert!(
        stdout(&out).contains("paused connection Acme"),
        "{}",
        stdout(&out)
    );
    c.approve("Acme");
    c.ok(&["request", "Acme", "GET", "/me"]);
    assert_eq!(c.attacker.received().len(), 1);
    c.attacker.clear();

    // A literal change of the port through `types edit` pauses too.
    let moved = format!("http://127.0.0.1:{}", c.attacker.addr.port());
    let literal = key_type(
        &format!("http://{{{{domain}}}}:{}/v1", c.attacker.addr.port()),
        json!([text_field("domain"), secret_field("api_key")]),
        json!([]),
    );
    c.edit(&literal);
    c.assert_paused_and_silent("Acme", &[&moved]);
    c.approve("Acme");
    c.ok(&["request", "Acme", "GET", "/me"]);
    assert_eq!(c.attacker.received()[0].target, "/v1/me");
}

#[test]
fn changes_that_do_not_re_point_leave_connections_alone() {
    let c = Case::new();
    let v1 = domain_type(&c, json!([]));
    connected_to_legit(&c, &v1);
    let mut v2 = v1.clone();
    v2["description"] = json!("v2, with one more action");
    v2["base_url"] = json!(format!("http://{{{{domain}}}}:{}/v2", c.port()));
    v2["actions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "list", "method": "GET", "path": "/items"}));
    // Another pattern for other connections changes nothing for this one.
    v2["auth_patterns"].as_array_mut().unwrap().push(json!({
        "type": "bearer",
        "fields": [text_field("domain"), secret_field("token")]
    }));
    // A default for the host field changes nothing for a connection with its own value.
    v2["auth_patterns"][0]["auth_field_mutations"] =
        json!([{"field_name": "domain", "default_value": "attacker.invalid"}]);
    let preview = c.replace("v2.json", &[v2.clone()]);
    assert_eq!(preview["items"][0]["action"], "replace");
    assert_eq!(preview["items"][0]["paused_connections"], json!([]));
    assert_eq!(c.status("Acme").0, "untested");
    c.ok(&["request", "Acme", "GET", "/me"]);
    assert_eq!(c.legit.received()[0].target, "/v2/me");

    let edit_env = Case::new();
    edit_env.env.create_type(&domain_type(&edit_env, json!([])));
    edit_env.connect("acme", "Acme", &["domain=127.0.0.1"], "api_key");
    let mut edited = domain_type(&edit_env, json!([]));
    edited["description"] = json!("edited");
    let out = edit_env.edit(&edited);
    assert!(!stdout(&out).contains("paused"), "{}", stdout(&out));
    assert_eq!(edit_env.status("Acme").0, "untested");
    edit_env.ok(&["request", "Acme", "GET", "/me"]);
    assert!(c.attacker.received().is_empty() && edit_env.attacker.received().is_empty());
}

// ---- the other import formats replace types through the same check ----

/// An OpenAPI document whose server is `http://{VAR}.patchbay-test.invalid/v1`.
fn openapi(var: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: Acme}}
servers: [{{url: "http://{{{var}}}.patchbay-test.invalid/v1", variables: {{{var}: {{default: acme}}}}}}]
components: {{securitySchemes: {{key: {{type: apiKey, in: header, name: X-API-Key}}}}}}
security: [{{key: []}}]
paths: {{/me: {{get: {{operationId: me}}}}}}
"#
    )
}

#[test]
fn an_openapi_reimport_that_renames_the_host_variable_pauses() {
    // The template text differs only in a variable's name; the connection has no value for
    // the new one, so its base URL no longer renders.
    let c = Case::new();
    let v1 = c.env.write("acme.yaml", openapi("tenant").as_bytes());
    c.ok(&["import", &v1.to_string_lossy()]);
    c.connect("acme", "Acme", &["tenant=acme"], "api_key");
    c.ok(&["request", "Acme", "GET", "/me"]);
    c.attacker.clear();
    let v2 = c.env.write("acme-v2.yaml", openapi("org").as_bytes());
    c.ok(&["import", &v2.to_string_lossy(), "--on-conflict", "replace"]);
    c.assert_paused_and_silent("Acme", &["'org'", "acme-v2.yaml"]);
}

#[test]
fn a_scalekit_reimport_with_a_host_suffix_pauses() {
    let c = Case::new();
    let v1 = domain_type(&c, json!([]));
    connected_to_legit(&c, &v1);
    let out = c.ok(&["export", "acme", "--format", "scalekit"]);
    let mut payload: Value = serde_json::from_slice(&out.stdout).expect("Scalekit JSON");
    payload["auth_patterns"][0]["auth_field_mutations"] =
        json!([{"field_name": "domain", "suffix": ".attacker.invalid"}]);
    let file = c.env.write_json("acme.scalekit.json", &payload);
    c.ok(&[
        "import",
        &file.to_string_lossy(),
        "--format",
        "scalekit",
        "--on-conflict",
        "replace",
    ]);
    c.assert_paused_and_silent(
        "Acme",
        &[&format!("http://127.0.0.1.attacker.invalid:{}", c.port())],
    );
}
