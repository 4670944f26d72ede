//! DESIGN.md invariant 6, "the web view is untrusted", checked in the real window: the strict
//! CSP blocks injected and `eval`ed scripts and requests to other hosts, and the capability
//! file lets the page call Patchbay's own commands and nothing else (no shell plugin, not even
//! Tauri's core event commands). Each probe runs as page script through WebDriver.
//!
//! Skipped like the other window tests without `tauri-driver`/a display, except under `CI`.

mod support;

use std::time::Duration;

use support::{session, wait};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_confined_by_csp_and_capabilities() {
    let Some(session) = session::open_seeded("the_page_is_confined_by_csp_and_capabilities").await
    else {
        return;
    };
    let window = &session.window;
    wait::until("the page to load", Duration::from_secs(30), || async {
        match window.find(By::Css("[data-testid=type-row]")).await {
            Ok(_) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;

    let inline = probe(
        window,
        "window.__pbInline = 'blocked';
         const s = document.createElement('script');
         s.textContent = 'window.__pbInline = \"ran\"';
         document.head.appendChild(s);
         setTimeout(() => done(window.__pbInline), 200);",
    )
    .await;
    assert_eq!(inline, "blocked", "an injected inline script must not run");

    let eval = probe(
        window,
        "try { new Function('return 1')(); done('ran'); } catch (e) { done('blocked'); }",
    )
    .await;
    assert_eq!(eval, "blocked", "eval must be refused by the CSP");

    let fetch = probe(
        window,
        "fetch('https://example.com/').then(() => done('sent'), () => done('blocked'));",
    )
    .await;
    assert_eq!(fetch, "blocked", "connect-src must refuse other hosts");

    let ours = invoke(window, "list_types", "{}").await;
    assert!(ours.starts_with("ok"), "our own command is allowed: {ours}");
    for (command, args) in [
        ("plugin:shell|open", r#"{"path": "https://example.com"}"#),
        ("plugin:fs|read_text_file", r#"{"path": "/etc/hostname"}"#),
        (
            "plugin:event|listen",
            r#"{"event": "x", "target": {"kind": "Any"}, "handler": 1}"#,
        ),
        ("plugin:window|close", r#"{"label": "main"}"#),
    ] {
        let outcome = invoke(window, command, args).await;
        assert!(
            outcome.starts_with("refused"),
            "{command} must be refused: {outcome}"
        );
    }

    session.window.quit().await.expect("close the window");
}

/// Runs `body` as an async page script; it reports with `done(text)`.
async fn probe(window: &WebDriver, body: &str) -> String {
    let script = format!("const done = arguments[arguments.length - 1];\n{body}");
    let ret = window
        .execute_async(&script, Vec::new())
        .await
        .expect("run a page script");
    ret.convert().expect("the probe reports a string")
}

/// Calls an IPC command the way `@tauri-apps/api` does: `ok …` or `refused: <error>`.
async fn invoke(window: &WebDriver, command: &str, args: &str) -> String {
    probe(
        window,
        &format!(
            "window.__TAURI_INTERNALS__.invoke({command:?}, {args}).then(
                 () => done('ok'), (e) => done('refused: ' + e));"
        ),
    )
    .await
}
