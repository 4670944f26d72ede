//! OAuth through the `patchbay://oauth/callback` deep link into the real desktop app, exactly as
//! the OS does it: the window starts a login (the scripted browser signs in and consents at a
//! real oidc-provider on 127.0.0.1 and stops at the redirect), then the app binary is started a
//! second time with the redirect URL as its only argument, and tauri-plugin-single-instance
//! forwards it over D-Bus to the running app, which finishes the login.
//!
//! Malformed links, a wrong `state` and a replayed redirect are forwarded the same way: each is
//! refused, nothing is stored, and the app keeps running.

mod support;

// The CLI tests' harness for the same server; this test uses part of it.
#[allow(dead_code)]
#[path = "../crates/patchbay-cli/tests/common/oidc.rs"]
mod oidc;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use patchbay_core::model::IntegrationDef;
use patchbay_core::{OpenOptions, Patchbay};
use serde_json::Value;
use support::{driver::TauriDriver, wait};
use thirtyfour::prelude::*;

const LOAD: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_finishes_the_login_and_bad_links_are_refused() {
    let test = "a_deep_link_finishes_the_login_and_bad_links_are_refused";
    let Some(tools) = support::tools_or_skip(test) else {
        return;
    };
    let Some(server) = oidc::OidcServer::start(&[]) else {
        return;
    };
    let scratch = tempfile::tempdir().expect("temp dir");
    let data_dir = scratch.path().join("data");
    let mut def = server.type_def("acme", "oauth2_authorization_code", "basic_header");
    def["auth_patterns"][0]["oauth_config"]["redirect_style"] = "deep_link".into();
    let def: IntegrationDef = serde_json::from_value(def).expect("type");
    Patchbay::open(OpenOptions::new(data_dir.clone()))
        .expect("open data dir")
        .create_type(def)
        .expect("create the type");

    let capture = scratch.path().join("redirect.txt");
    let browser = oidc::browser();
    let driver = TauriDriver::start(
        &tools,
        &[
            ("PATCHBAY_DATA_DIR", data_dir.as_path()),
            ("PATCHBAY_BROWSER", browser.as_path()),
            ("BROWSER_CAPTURE", capture.as_path()),
        ],
        scratch.path().join("tauri-driver.log"),
    )
    .await;
    let app = support::app_binary();
    let window = driver.session(&app).await;
    wait::until("the page to load", LOAD, || async {
        window
            .find(By::Css("[data-testid=type-row]"))
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    })
    .await;

    let started = invoke(
        &window,
        "start_oauth_login",
        r#"{"request": {"slug": "acme", "name": "Acme alice",
            "fields": {"client_id": "patchbay-basic"}, "client_secret": "test-client-secret"}}"#,
    )
    .await;
    assert_eq!(
        started["redirect_uri"], "patchbay://oauth/callback",
        "{started}"
    );
    assert!(
        started["authorize_url"]
            .as_str()
            .unwrap()
            .contains("code_challenge_method=S256"),
        "{started}"
    );
    wait::until("the browser to reach the redirect", LOAD, || async {
        match std::fs::read_to_string(&capture) {
            Ok(s) if s.starts_with("patchbay://") => Ok(()),
            _ => Err("not yet".to_string()),
        }
    })
    .await;
    let real = std::fs::read_to_string(&capture).expect("captured redirect");
    let state = url::Url::parse(&real)
        .expect("redirect URL")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .expect("state")
        .1
        .into_owned();

    // Each forwarded link gets a report; the bad ones store nothing.
    let cases = [
        (
            "patchbay://oauth/callback?code=abc".to_string(),
            false,
            "no 'state'",
        ),
        (format!("{real}&code=second"), false, "more than once"),
        (
            "patchbay://elsewhere/callback?code=a&state=b".to_string(),
            false,
            "is not patchbay://oauth/callback",
        ),
        (
            real.replace(&state, "forged-state"),
            false,
            "does not belong",
        ),
        (real.clone(), true, "connected 'Acme alice'"),
        (real.clone(), false, "used already"),
    ];
    for (n, (link, ok, said)) in cases.iter().enumerate() {
        forward(&app, link);
        let reports = wait::until("the app to report on the link", LOAD, || async {
            let r = invoke(&window, "oauth_logins", "{}").await;
            match r.as_array() {
                Some(a) if a.len() > n => Ok(a.clone()),
                _ => Err(format!("{r}")),
            }
        })
        .await;
        let report = &reports[n];
        assert_eq!(report["ok"], *ok, "{link}: {report}");
        assert!(
            report["message"].as_str().unwrap_or("").contains(said),
            "{link}: {report}"
        );
        assert_eq!(
            connections(&data_dir).len(),
            usize::from(n >= 4),
            "after {link}"
        );
    }
    let c = &connections(&data_dir)[0];
    assert_eq!(c.name, "Acme alice");
    let info = c.oauth.as_ref().expect("token information");
    assert_eq!(info.account.as_deref(), Some("alice@example.test"));
    assert_eq!(
        server.grants("authorization_code"),
        1,
        "the replay reached no provider"
    );
    assert_eq!(
        window.title().await.expect("the app still runs"),
        "Patchbay"
    );

    window.quit().await.expect("close the window");
}

/// Starts the app binary a second time with `link` as its only argument, as the OS does for a
/// deep link; single-instance forwards it and the second process exits.
fn forward(app: &Path, link: &str) {
    let status = Command::new(app)
        .arg(link)
        .status()
        .expect("start the app with a deep link");
    assert!(status.success(), "the forwarding instance exits cleanly");
}

fn connections(data_dir: &Path) -> Vec<patchbay_core::model::Connection> {
    Patchbay::open(OpenOptions::new(data_dir.to_path_buf()))
        .expect("open data dir")
        .list_connections()
        .expect("list connections")
}

/// Calls an IPC command as the page does and returns its JSON result (a refusal fails the test).
async fn invoke(window: &WebDriver, command: &str, args: &str) -> Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke({command:?}, {args}).then(
             (r) => done(JSON.stringify(r)), (e) => done('refused: ' + e));"
    );
    let ret: String = window
        .execute_async(&script, Vec::new())
        .await
        .expect("run a page script")
        .convert()
        .expect("a string");
    serde_json::from_str(&ret).unwrap_or_else(|_| panic!("{command}: {ret}"))
}
