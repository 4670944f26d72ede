//! Set-up of the OAuth tests against a scripted token endpoint (the in-test server's `/queued`):
//! an authorization-code or client-credentials type pointing at it, a login completed through
//! the core, and helpers to look at what the endpoint received.

use std::collections::BTreeMap;

use patchbay_core::model::IntegrationDef;
use patchbay_core::oauth::Callback;
use patchbay_core::request::{CancellationToken, ExecuteOptions, MadeBy, RequestSpec};
use patchbay_core::{ConnectRequest, LoginStart, Patchbay, Secret, Sent};
use serde_json::json;

use super::server::TestServer;

/// Type `scripted`: `auth` (an oauth2 pattern) with its token endpoint at `/queued`, an
/// authorize endpoint at `https://as.example` (never visited) and client auth in the body.
pub fn def(server: &TestServer, auth: &str) -> IntegrationDef {
    serde_json::from_value(json!({
        "slug": "scripted",
        "display_name": "Scripted provider",
        "base_url": format!("{}/api", server.url()),
        "auth_patterns": [{
            "type": auth,
            "oauth_config": {
                "authorize_uri": "https://as.example/authorize",
                "token_uri": format!("{}/queued", server.url()),
                "client_auth": "body"
            }
        }]
    }))
    .expect("type")
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

pub fn send(pb: &Patchbay, path: &str) -> patchbay_core::Result<Sent> {
    block_on(pb.send(
        "c",
        RequestSpec::new("GET", path),
        &ExecuteOptions::default(),
        &CancellationToken::new(),
        MadeBy::User,
    ))
}

pub fn token_posts(server: &TestServer) -> Vec<String> {
    server
        .received()
        .into_iter()
        .filter(|r| r.path() == "/queued")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

/// A new connection "c" of the scripted type (client `cid`, with these secrets) as a login start.
pub fn new_login(secrets: &[(&str, &str)]) -> LoginStart {
    LoginStart::New(ConnectRequest {
        type_slug: "scripted".into(),
        name: "c".into(),
        auth_type: None,
        fields: BTreeMap::from([("client_id".to_string(), "cid".to_string())]),
        secrets: secrets
            .iter()
            .map(|(k, v)| (k.to_string(), Secret::new(*v)))
            .collect(),
    })
}

/// The login of [`new_login`] begun, with the redirect a provider would send back for it.
pub fn begun_login(
    pb: &Patchbay,
    secrets: &[(&str, &str)],
) -> (patchbay_core::oauth::PendingLogin, Callback) {
    let pending = pb
        .begin_login(new_login(secrets), "http://127.0.0.1:9/oauth/callback")
        .expect("begin");
    let callback = Callback::parse(&format!(
        "/oauth/callback?code=the-code&state={}",
        pending.state
    ))
    .expect("callback");
    (pending, callback)
}

/// An authorization-code connection "c" whose login the scripted endpoint answered with `reply`.
pub fn logged_in(pb: &Patchbay, server: &TestServer, reply: &str) {
    pb.create_type(def(server, "oauth2_authorization_code"))
        .expect("create");
    let (pending, callback) = begun_login(pb, &[("client_secret", "csecret")]);
    server.queue_json(200, reply);
    block_on(pb.complete_login(pending, callback)).expect("login");
}

/// Sets the stored token expiry, as if time had passed.
pub fn set_expiry(data_dir: &std::path::Path, unix: i64) {
    rusqlite::Connection::open(data_dir.join("patchbay.db"))
        .and_then(|db| db.execute("UPDATE oauth_tokens SET expires_at = ?1", [unix]))
        .expect("update the expiry");
}

pub fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `def` with some `oauth_config` keys replaced.
pub fn def_with(server: &TestServer, auth: &str, config: serde_json::Value) -> IntegrationDef {
    let mut v = serde_json::to_value(def(server, auth)).expect("def as json");
    for (k, val) in config.as_object().expect("object") {
        v["auth_patterns"][0]["oauth_config"][k] = val.clone();
    }
    serde_json::from_value(v).expect("type")
}

pub fn service_request() -> ConnectRequest {
    ConnectRequest {
        type_slug: "scripted".into(),
        name: "c".into(),
        auth_type: None,
        fields: BTreeMap::from([("client_id".to_string(), "svc".to_string())]),
        secrets: BTreeMap::from([("client_secret".to_string(), Secret::new("svc-secret"))]),
    }
}
