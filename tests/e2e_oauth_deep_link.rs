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
use support::{driver::TauriDriver, probe, wait};
use thirtyfour::prelude::*;

const LOAD: Duration = Duration::from_secs(30);

/// The app on a data folder with a deep-link OAuth type `acme` at a running oidc-provider, and
/// the scripted browser writing the redirect it reaches to `capture`.
struct World {
    window: WebDriver,
    app: std::path::PathBuf,
    data_dir: std::path::PathBuf,
    capture: std::path::PathBuf,
    server: oidc::OidcServer,
    // Dropped last: the driver (and with it the app), then the folder.
    _driver: TauriDriver,
    _scratch: tempfile::TempDir,
}

async fn world(test: &str) -> Option<World> {
    let tools = support::tools_or_skip(test)?;
    let server = oidc::OidcServer::start(&[])?;
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
    Some(World {
        window,
        app,
        data_dir,
        capture,
        server,
        _driver: driver,
        _scratch: scratch,
    })
}

/// Waits for the scripted browser to reach the provider's redirect, and returns it.
async fn captured_redirect(capture: &Path) -> String {
    wait::until("the browser to reach the redirect", LOAD, || async {
        match std::fs::read_to_string(capture) {
            Ok(s) if s.starts_with("patchbay://") => Ok(s),
            _ => Err("not yet".to_string()),
        }
    })
    .await
}

/// The connect dialog's "Connect in browser": the login finishes through the forwarded deep
/// link and the dialog hands over to the tester on the new connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connect_dialog_logs_in_through_the_browser_and_the_deep_link() {
    let Some(w) = world("the_connect_dialog_logs_in_through_the_browser_and_the_deep_link").await
    else {
        return;
    };
    let window = &w.window;
    let step = Duration::from_secs(10);
    probe::click(window, "type-connect", step).await;
    probe::find(window, "connect-dialog", step).await;
    probe::fill(window, "connect-name", "Acme bob", step).await;
    probe::fill(window, "connect-field-client_id", "patchbay-basic", step).await;
    probe::fill(
        window,
        "connect-field-client_secret",
        "test-client-secret",
        step,
    )
    .await;
    probe::click(window, "connect-browser", step).await;
    probe::text_contains(
        window,
        "oauth-redirect-uri",
        "patchbay://oauth/callback",
        step,
    )
    .await;
    let link = captured_redirect(&w.capture).await;
    forward(&w.app, &link);
    // Connected: the dialog closes and the tester opens on the new connection.
    wait::until("the connection in the tester", LOAD, || async {
        let picked = window
            .find(probe::css("tester-connection"))
            .await
            .map_err(|e| e.to_string())?
            .prop("value")
            .await
            .map_err(|e| e.to_string())?;
        match picked {
            Some(name) if name == "Acme bob" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert_eq!(connections(&w.data_dir)[0].name, "Acme bob");
    let page = probe::page_text(window).await;
    assert!(
        !page.contains("test-client-secret"),
        "the client secret left the page"
    );
    window.clone().quit().await.expect("close the window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_finishes_the_login_and_bad_links_are_refused() {
    let test = "a_deep_link_finishes_the_login_and_bad_links_are_refused";
    let Some(w) = world(test).await else {
        return;
    };
    let (window, app, data_dir, server) = (&w.window, &w.app, &w.data_dir, &w.server);
    let started = invoke(
        window,
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
    let real = captured_redirect(&w.capture).await;
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
        forward(app, link);
        let reports = wait::until("the app to report on the link", LOAD, || async {
            let r = invoke(window, "oauth_logins", "{}").await;
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
            connections(data_dir).len(),
            usize::from(n >= 4),
            "after {link}"
        );
    }
    let c = &connections(data_dir)[0];
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

    window.clone().quit().await.expect("close the window");
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
