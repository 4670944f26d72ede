//! The desktop app end to end, in the real window (tauri-driver + WebKitWebDriver under Xvfb),
//! the way a person uses it: create a type with an API-key pattern in the editor → connect an
//! account → send a test request to a local server → check the masked preview and the response
//! → export the type → delete it → import the file → the same type is back. A 20 MB response is
//! displayed and the window keeps answering.
//!
//! The canary: throughout, every IPC response (recorded by the probe, see `support::probe`) and
//! the page's DOM are scanned for the connection's secret value. The local API on 127.0.0.1
//! must receive it — that is the only place it may appear.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use patchbay_core::{OpenOptions, Patchbay};
use support::api_server::ApiServer;
use support::probe::{self, click, fill, find, text_contains};
use support::session;
use support::wait;
use thirtyfour::prelude::*;

const LOAD: Duration = Duration::from_secs(30);
const UPDATE: Duration = Duration::from_secs(10);
/// The secret typed into the connect dialog.
const CANARY: &str = "sk_live_CANARY_window_8c41e2f7a9d0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_connect_test_export_delete_import() {
    let api = ApiServer::start();
    let Some(session) =
        session::open_with("create_connect_test_export_delete_import", |_| {}).await
    else {
        return;
    };
    let w = &session.window;
    find(w, "catalog-empty", LOAD).await;
    probe::install(w).await;

    // Create the type in the editor.
    click(w, "new-type", UPDATE).await;
    fill(w, "editor-slug", "acme-local", UPDATE).await;
    fill(w, "editor-name", "Acme local", UPDATE).await;
    fill(w, "editor-base-url", "ftp://nowhere", UPDATE).await;
    // Live validation names the field before anything is saved.
    find(w, "field-error", UPDATE).await;
    fill(w, "editor-base-url", &api.base_url(), UPDATE).await;
    fill(w, "apikey-header-name", "X-API-Key", UPDATE).await;
    click(w, "editor-save", UPDATE).await;
    wait_for_count("the type to be saved", 1, || types_in(&session.data_dir)).await;
    // Saved: the editor shows the stored type, its live check clean.
    probe::gone(w, "field-error", UPDATE).await;
    probe::scroll_to(w, "type-editor").await;
    screenshot(w, "type-editor.png").await;

    // Connect an account to it.
    click(w, "nav-catalog", UPDATE).await;
    click(w, "type-connect", LOAD).await;
    find(w, "connect-dialog", UPDATE).await;
    screenshot(w, "connect.png").await;
    fill(w, "connect-name", "acme-test", UPDATE).await;
    fill(w, "connect-field-api_key", CANARY, UPDATE).await;
    click(w, "connect-submit", UPDATE).await;

    // The tester opens on the new connection: masked preview, then the response.
    fill(w, "tester-path", "/me", LOAD).await;
    text_contains(w, "preview-url", "/api/me", UPDATE).await;
    text_contains(w, "preview-headers", "••••", UPDATE).await;
    click(w, "send", UPDATE).await;
    text_contains(w, "response-status", "200", LOAD).await;
    wait::until("the echoed body", UPDATE, || async {
        let text = w
            .find(probe::css("body-view"))
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        if text.contains("x-api-key") {
            Ok(())
        } else {
            Err(text)
        }
    })
    .await;
    let got = api.seen();
    assert_eq!(
        got.last().and_then(|r| r.header("x-api-key")),
        Some(CANARY),
        "the upstream received the real key"
    );
    probe::scroll_to(w, "preview-url").await;
    screenshot(w, "tester.png").await;
    assert_no_canary(w, "after the test request").await;

    // Connections: masked, never the value.
    click(w, "nav-connections", UPDATE).await;
    text_contains(w, "connection-secret", "••••", UPDATE).await;
    screenshot(w, "connections.png").await;

    // Export the type to a file.
    let bundle = session.files.join("acme-local.patchbay.json");
    let original = Patchbay::open(OpenOptions::new(session.data_dir.clone()))
        .expect("open the data folder")
        .get_type("acme-local")
        .expect("the created type")
        .def;
    click(w, "nav-sharing", UPDATE).await;
    click_slug(w, "export-type", "acme-local").await;
    session.answer_next_dialog(&bundle.display().to_string());
    click(w, "export-submit", UPDATE).await;
    text_contains(w, "export-result", "acme-local.patchbay.json", UPDATE).await;
    let exported = std::fs::read_to_string(&bundle).expect("the exported bundle");
    assert!(!exported.contains(CANARY), "bundles never hold secrets");

    // Delete: refused while the connection exists, naming it; then disconnect and delete.
    click(w, "nav-catalog", UPDATE).await;
    click(w, "type-delete", UPDATE).await;
    click(w, "confirm-delete", UPDATE).await;
    text_contains(w, "delete-refused", "acme-test", UPDATE).await;
    click(w, "nav-connections", UPDATE).await;
    click(w, "connection-disconnect", UPDATE).await;
    click(w, "confirm-disconnect", UPDATE).await;
    wait_for_count("the connection to go", 0, || {
        connections_in(&session.data_dir)
    })
    .await;
    click(w, "nav-catalog", UPDATE).await;
    click(w, "type-delete", UPDATE).await;
    click(w, "confirm-delete", UPDATE).await;
    find(w, "catalog-empty", UPDATE).await;

    // Import the file: preview, then the same type is back.
    click(w, "nav-sharing", UPDATE).await;
    session.answer_next_dialog(&bundle.display().to_string());
    click(w, "import-choose", UPDATE).await;
    text_contains(w, "import-item", "acme-local", UPDATE).await;
    screenshot(w, "import.png").await;
    click(w, "import-apply", UPDATE).await;
    find(w, "import-result", UPDATE).await;
    let back = Patchbay::open(OpenOptions::new(session.data_dir.clone()))
        .expect("open the data folder")
        .get_type("acme-local")
        .expect("the imported type")
        .def;
    assert_eq!(back, original, "the same type came back");
    click(w, "nav-catalog", UPDATE).await;
    find(w, "type-row", UPDATE).await;

    assert_no_canary(w, "at the end").await;
    let responses = probe::responses(w).await;
    assert!(
        responses.iter().any(|r| r.starts_with("send_request")),
        "the probe saw the IPC traffic: {} responses",
        responses.len()
    );
    session
        .window
        .clone()
        .quit()
        .await
        .expect("close the window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_20_mb_response_is_shown_and_the_window_keeps_answering() {
    let api = ApiServer::start();
    let base = api.base_url();
    let Some(session) = session::open_with(
        "a_20_mb_response_is_shown_and_the_window_keeps_answering",
        |dir| seed_connection(dir, &base),
    )
    .await
    else {
        return;
    };
    let w = &session.window;
    find(w, "type-row", LOAD).await;
    click(w, "nav-tester", UPDATE).await;
    fill(w, "tester-path", "/big", UPDATE).await;
    click(w, "send", UPDATE).await;
    text_contains(w, "response-status", "200", LOAD).await;
    text_contains(w, "response-size", "MB", UPDATE).await;
    find(w, "body-line", LOAD).await;
    let lines = w
        .find_all(probe::css("body-line"))
        .await
        .expect("body lines");
    assert!(
        !lines.is_empty() && lines.len() < 500,
        "only the visible lines are in the page: {}",
        lines.len()
    );
    probe::scroll_to(w, "response").await;
    screenshot(w, "large-response.png").await;

    // The window still answers: a click on another view shows it within a second.
    let clicked = Instant::now();
    click(w, "nav-connections", UPDATE).await;
    find(w, "connection-row", UPDATE).await;
    let answered = clicked.elapsed();
    assert!(
        answered < Duration::from_secs(1),
        "the window took {answered:?} to answer a click with a 20 MB body loaded"
    );
    assert_no_canary(w, "with the large body").await;
    session
        .window
        .clone()
        .quit()
        .await
        .expect("close the window");
}

/// A type pointing at the local API and an API-key connection holding [`CANARY`].
fn seed_connection(dir: &Path, base_url: &str) {
    support::seed::api_key_connection(dir, base_url, CANARY);
}

/// Fails if the secret is in any IPC response seen so far or in the page.
async fn assert_no_canary(w: &WebDriver, when: &str) {
    for response in probe::responses(w).await {
        assert!(
            !response.contains(CANARY),
            "an IPC response holds the secret ({when}): {}",
            response.chars().take(300).collect::<String>()
        );
    }
    assert!(
        !probe::page_text(w).await.contains(CANARY),
        "the page holds the secret ({when})"
    );
}

async fn click_slug(w: &WebDriver, testid: &str, slug: &str) {
    let css = format!("[data-testid=\"{testid}\"][data-slug=\"{slug}\"]");
    wait::until(&css, UPDATE, || async {
        w.find(By::Css(css.clone()))
            .await
            .map_err(|e| e.to_string())?
            .click()
            .await
            .map_err(|e| e.to_string())
    })
    .await;
}

/// Waits until `count()` (read from the data folder) is `expected`.
async fn wait_for_count(what: &str, expected: usize, count: impl Fn() -> Result<usize, String>) {
    wait::until(what, UPDATE, || {
        let seen = count();
        async move {
            match seen? {
                n if n == expected => Ok(()),
                n => Err(format!("{n}, not {expected}")),
            }
        }
    })
    .await
}

fn types_in(dir: &Path) -> Result<usize, String> {
    let pb = Patchbay::open(OpenOptions::new(dir.to_path_buf())).map_err(|e| e.to_string())?;
    pb.list_types().map(|t| t.len()).map_err(|e| e.to_string())
}

fn connections_in(dir: &Path) -> Result<usize, String> {
    let pb = Patchbay::open(OpenOptions::new(dir.to_path_buf())).map_err(|e| e.to_string())?;
    pb.list_connections()
        .map(|c| c.len())
        .map_err(|e| e.to_string())
}

async fn screenshot(w: &WebDriver, name: &str) {
    let png = tokio::time::timeout(UPDATE * 3, w.screenshot_as_png())
        .await
        .expect("the screenshot command did not answer in time")
        .expect("screenshot");
    support::save_screenshot(name, &png);
}
