//! DESIGN.md invariant 3 against re-points by indirection, through the `patchbay` command: a
//! bundle import (or `types edit`) that leaves the base URL's text alone but changes where an
//! existing connection's credentials go — a field mutation's suffix, prefix or default on the
//! field in the host position, a renamed host field with a default, an OAuth endpoint or an
//! OAuth setting — pauses that connection. While paused, `patchbay request` is refused and
//! nothing at all is sent (no token refresh either); after `connections approve` it works.
//!
//! Two real servers on 127.0.0.1: `legit` (the API and its token endpoint) and `attacker`. The
//! attacker stands for whoever answers for a host other than 127.0.0.1: every command runs with
//! `HTTP_PROXY` pointing at it and `NO_PROXY=127.0.0.1`, so a request re-pointed to
//! `127.0.0.1.attacker.invalid` arrives there (nothing is ever resolved or sent off the machine).

mod common;
#[path = "../../patchbay-core/tests/support/server.rs"]
mod server;

use std::process::Output;

use assert_cmd::Command;
use common::{bundle, canary, secret_field, stderr, stdout, text_field, Env};
use serde_json::{json, Value};
use server::TestServer;

const PROXY_VARS: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// A data folder, the two servers and the secret the connection holds.
struct Case {
    env: Env,
    legit: TestServer,
    attacker: TestServer,
    secret: String,
}

impl Case {
    fn new() -> Case {
        Case {
            env: Env::new(),
            legit: TestServer::start(),
            attacker: TestServer::start(),
            secret: canary(),
        }
    }

    fn port(&self) -> u16 {
        self.legit.addr.port()
    }

    /// `patchbay …` with the attacker answering for every host but 127.0.0.1.
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        for k in PROXY_VARS {
            c.env_remove(k);
        }
        c.env("HTTP_PROXY", self.attacker.url())
            .env("NO_PROXY", "127.0.0.1");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run patchbay")
    }

    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
        out
    }

    fn write(&self, name: &str, defs: &[Value]) -> String {
        let path = self.env.write_json(name, &bundle(defs));
        path.to_string_lossy().into_owned()
    }

    fn import(&self, name: &str, defs: &[Value]) {
        let file = self.write(name, defs);
        self.ok(&["import", &file]);
    }

    /// Imports `defs` over the stored types (`--on-conflict replace`); returns the preview a
    /// `--dry-run --json` showed first.
    fn replace(&self, name: &str, defs: &[Value]) -> Value {
        let file = self.write(name, defs);
        let preview = self.ok(&[
            "import",
            &file,
            "--on-conflict",
            "replace",
            "--dry-run",
            "--json",
        ]);
        self.ok(&["import", &file, "--on-conflict", "replace"]);
        serde_json::from_slice(&preview.stdout).expect("preview JSON")
    }

    /// `patchbay types edit SLUG --file …`; returns its output.
    fn edit(&self, def: &Value) -> Output {
        let slug = def["slug"].as_str().expect("slug");
        let file = self.env.write_json(&format!("edit-{slug}.json"), def);
        self.ok(&["types", "edit", slug, "--file", &file.to_string_lossy()])
    }

    /// `patchbay connect SLUG --name NAME --field k=v… --secret KEY` with the secret on stdin.
    fn connect(&self, slug: &str, name: &str, fields: &[&str], secret_key: &str) {
        let mut c = self.cmd();
        c.args(["connect", slug, "--name", name]);
        for f in fields {
            c.args(["--field", f]);
        }
        c.args(["--secret", secret_key])
            .write_stdin(format!("{}\n", self.secret))
            .assert()
            .success();
    }

    fn request(&self, name: &str) -> Output {
        self.run(&["request", name, "GET", "/me"])
    }

    fn status(&self, name: &str) -> (String, String) {
        let c = self.env.json(&["connections", "show", name, "--json"]);
        (
            c["status"].as_str().unwrap_or_default().to_string(),
            c["last_error"].as_str().unwrap_or_default().to_string(),
        )
    }

    /// `name` is paused with a reason naming each of `words`, a request through it is refused,
    /// and neither server received anything while it was paused.
    fn assert_paused_and_silent(&self, name: &str, words: &[&str]) {
        let (legit_before, attacker_before) =
            (self.legit.received().len(), self.attacker.received().len());
        let out = self.request(name);
        assert_eq!(
            self.attacker.received().len(),
            attacker_before,
            "the attacker received {:?}",
            self.attacker.received()
        );
        assert_eq!(
            self.legit.received().len(),
            legit_before,
            "something was sent while paused: {:?}",
            self.legit.received()
        );
        assert!(!out.status.success(), "a paused connection sent a request");
        let err = stderr(&out);
        assert!(err.contains("is paused"), "{err}");
        assert!(
            err.contains(&format!("patchbay connections approve '{name}'")),
            "{err}"
        );
        assert!(!err.contains(&self.secret), "{err}");
        let (status, why) = self.status(name);
        assert_eq!(status, "paused", "{name} should be paused ({why})");
        for w in words {
            assert!(why.contains(w), "the reason should name {w:?}: {why}");
        }
        assert!(!why.contains(&self.secret), "a secret in the reason: {why}");
    }

    fn approve(&self, name: &str) {
        self.ok(&["connections", "approve", name]);
        assert_eq!(self.status(name).0, "untested");
    }

    fn attacker_saw_secret(&self) -> bool {
        self.attacker
            .received()
            .iter()
            .any(|r| r.everything().contains(&self.secret))
    }
}

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

// ---- OAuth (client credentials against the legitimate server's scripted token endpoint) ----

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
