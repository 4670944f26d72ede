//! DESIGN.md invariant 3 for OAuth connections, through the `patchbay` command: an import (or
//! `types edit`) that changes an OAuth endpoint or setting of a connection's pattern pauses it;
//! while paused no OAuth call is made (no refresh, no re-authorization, no revocation at the new
//! endpoint) and no request is sent; after `connections approve` it works. Client credentials
//! against the legitimate server's scripted token endpoint (`/queued`); the servers and the
//! command are set up by repoint_support.

mod common;
mod repoint_support;

use common::{canary, stderr};
use repoint_support::server::TestServer;
use repoint_support::Case;
use serde_json::{json, Value};

/// A client-credentials type named `slug`: token endpoint `{legit}/queued`, API `{legit}/v1`,
/// with `config` merged into its `oauth_config`.
fn oauth_type(c: &Case, slug: &str, config: Value) -> Value {
    let mut oauth = json!({"token_uri": format!("{}/queued", c.legit.url())});
    for (k, v) in config.as_object().expect("an object") {
        oauth[k] = v.clone();
    }
    json!({
        "slug": slug,
        "display_name": slug,
        "base_url": format!("{}/v1", c.legit.url()),
        "auth_patterns": [{"type": "oauth2_client_credentials", "oauth_config": oauth}]
    })
}

/// A token that expires within the refresh margin: every request fetches a new one first.
fn queue_token(server: &TestServer) {
    server.queue_json(
        200,
        &json!({"access_token": canary(), "token_type": "Bearer", "expires_in": 60}).to_string(),
    );
}

fn connect_oauth(c: &Case, slug: &str, name: &str) {
    queue_token(&c.legit);
    c.connect(slug, name, &["client_id=patchbay-svc"], "client_secret");
}

/// A request through `name` works: a token from `server`'s endpoint, then the API call.
fn works_after_approval(c: &Case, name: &str, token_server: &TestServer) {
    c.approve(name);
    queue_token(token_server);
    c.ok(&["request", name, "GET", "/me"]);
    assert!(c.legit.received().iter().any(|r| r.path() == "/v1/me"));
}

#[test]
fn a_changed_token_endpoint_pauses_and_nothing_is_refreshed_there() {
    let c = Case::new();
    c.import("v1.json", &[oauth_type(&c, "svc", json!({}))]);
    connect_oauth(&c, "svc", "Svc");
    c.legit.clear();
    let attacker_token = format!("{}/queued", c.attacker.url());
    let v2 = oauth_type(&c, "svc", json!({"token_uri": attacker_token}));
    let preview = c.replace("v2.json", &[v2]);
    c.assert_paused_and_silent("Svc", &["token endpoint", &attacker_token]);
    assert!(
        preview["items"][0]["paused_connections"]
            .to_string()
            .contains(&attacker_token),
        "{preview}"
    );
    // Nor a fresh token on demand.
    let out = c.run(&["connections", "reauthorize", "Svc"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is paused"), "{}", stderr(&out));
    assert!(c.attacker.received().is_empty() && c.legit.received().is_empty());

    works_after_approval(&c, "Svc", &c.attacker);
    assert!(
        c.attacker.received().iter().any(|r| r.path() == "/queued"),
        "approved: tokens now come from the new endpoint"
    );
}

#[test]
fn a_changed_token_endpoint_through_types_edit_pauses_too() {
    let c = Case::new();
    c.env.create_type(&oauth_type(&c, "svc", json!({})));
    connect_oauth(&c, "svc", "Svc");
    c.legit.clear();
    let attacker_token = format!("{}/queued", c.attacker.url());
    c.edit(&oauth_type(&c, "svc", json!({"token_uri": attacker_token})));
    c.assert_paused_and_silent("Svc", &[&attacker_token]);
    works_after_approval(&c, "Svc", &c.attacker);
}

#[test]
fn changed_authorize_userinfo_and_revocation_endpoints_pause_and_send_nothing() {
    let c = Case::new();
    let legit = c.legit.url();
    let v1 = json!({
        "authorize_uri": format!("{legit}/authorize"),
        "user_info_uri": format!("{legit}/userinfo"),
        "revocation_uri": format!("{legit}/revoke")
    });
    let evil = c.attacker.url();
    let changes = [
        (
            "authorize",
            json!({"authorize_uri": format!("{evil}/authorize")}),
        ),
        (
            "userinfo",
            json!({"user_info_uri": format!("{evil}/userinfo")}),
        ),
        (
            "revoke",
            json!({"revocation_uri": format!("{evil}/revoke")}),
        ),
    ];
    let with = |extra: &Value| {
        let mut cfg = v1.clone();
        for (k, v) in extra.as_object().unwrap() {
            cfg[k] = v.clone();
        }
        cfg
    };
    let v1_defs: Vec<Value> = changes
        .iter()
        .map(|(slug, _)| oauth_type(&c, slug, v1.clone()))
        .collect();
    c.import("v1.json", &v1_defs);
    for (slug, _) in &changes {
        connect_oauth(&c, slug, &format!("{slug}-conn"));
        connect_oauth(&c, slug, &format!("{slug}-kept"));
    }
    c.legit.clear();
    let v2_defs: Vec<Value> = changes
        .iter()
        .map(|(slug, change)| oauth_type(&c, slug, with(change)))
        .collect();
    c.replace("v2.json", &v2_defs);
    for (slug, change) in &changes {
        let (_, url) = change.as_object().unwrap().iter().next().unwrap();
        c.assert_paused_and_silent(&format!("{slug}-conn"), &[url.as_str().unwrap()]);
    }
    // Deleting a paused connection does not send its tokens to the new revocation endpoint.
    let out = c.run(&["connections", "delete", "revoke-conn"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("revocation skipped"),
        "{}",
        stderr(&out)
    );
    assert!(
        c.attacker.received().is_empty(),
        "{:?}",
        c.attacker.received()
    );
    assert!(c.legit.received().is_empty());
    for (slug, _) in &changes {
        works_after_approval(&c, &format!("{slug}-kept"), &c.legit);
    }
    assert!(!c.attacker_saw_secret());
}

#[test]
fn each_changed_oauth_setting_pauses_and_nothing_is_sent() {
    let c = Case::new();
    let loopback = json!({"redirect_style": "loopback"});
    let settings = [
        (
            "pkce",
            json!({}),
            json!({"pkce_enabled": false}),
            "pkce_enabled",
        ),
        ("redirect", json!({}), loopback.clone(), "redirect_style"),
        (
            "port",
            loopback.clone(),
            json!({"redirect_style": "loopback", "loopback_port": 8765}),
            "loopback_port",
        ),
        (
            "authparams",
            json!({}),
            json!({"authorize_params": {"prompt": "none"}}),
            "authorize_params",
        ),
        (
            "tokenparams",
            json!({}),
            json!({"token_params": {"audience": "https://attacker.invalid/"}}),
            "token_params",
        ),
        (
            "clientauth",
            json!({}),
            json!({"client_auth": "body"}),
            "client_auth",
        ),
        (
            "issuer",
            json!({}),
            json!({"issuer": "https://attacker.invalid"}),
            "issuer",
        ),
    ];
    let v1: Vec<Value> = settings
        .iter()
        .map(|(slug, before, _, _)| oauth_type(&c, slug, before.clone()))
        .collect();
    c.import("v1.json", &v1);
    for (slug, ..) in &settings {
        connect_oauth(&c, slug, &format!("{slug}-conn"));
    }
    c.legit.clear();
    let v2: Vec<Value> = settings
        .iter()
        .map(|(slug, _, after, _)| oauth_type(&c, slug, after.clone()))
        .collect();
    let preview = c.replace("v2.json", &v2);
    for (slug, _, _, setting) in &settings {
        c.assert_paused_and_silent(&format!("{slug}-conn"), &[setting]);
    }
    for (i, (slug, _, _, setting)) in settings.iter().enumerate() {
        let paused = preview["items"][i]["paused_connections"].to_string();
        assert!(
            paused.contains(&format!("{slug}-conn")) && paused.contains(setting),
            "{paused}"
        );
    }
    for (slug, ..) in &settings {
        works_after_approval(&c, &format!("{slug}-conn"), &c.legit);
    }
    assert!(c.attacker.received().is_empty());
}
