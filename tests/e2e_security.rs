//! DESIGN.md invariant 6, "the web view is untrusted", checked in the real window: the strict
//! CSP blocks injected and `eval`ed scripts and requests to other hosts, and the capability
//! file lets the page call Patchbay's own commands and nothing else (no shell plugin, not even
//! Tauri's core event commands). Each probe runs as page script through WebDriver.
//!
//! Skipped like the other window tests without `tauri-driver`/a display, except under `CI`.

mod support;

use std::time::Duration;

use support::probe::{invoke, run_async as probe};
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

    // No remote images (the window shows none): an https: image is a CSP violation, not a load
    // that merely fails. Nothing listens on 127.0.0.1:9, so only the violation tells them apart.
    for src in [
        "https://127.0.0.1:9/pixel.png",
        "http://127.0.0.1:9/pixel.png",
    ] {
        let image = probe(
            window,
            &format!(
                "let reported = false;
                 const report = (v) => {{ if (!reported) {{ reported = true; done(v); }} }};
                 document.addEventListener('securitypolicyviolation', (e) => {{
                   if (e.blockedURI.includes('127.0.0.1:9')) report('blocked ' + e.effectiveDirective);
                 }});
                 const img = new Image();
                 img.onload = img.onerror = () => setTimeout(() => report('requested'), 500);
                 img.src = {src:?};"
            ),
        )
        .await;
        assert_eq!(image, "blocked img-src", "img-src must refuse {src}");
    }

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
        // Dialogs are opened by Rust inside the commands; the page cannot open one and get a path.
        ("plugin:dialog|open", r#"{"options": {}}"#),
        ("plugin:dialog|save", r#"{"options": {}}"#),
    ] {
        let outcome = invoke(window, command, args).await;
        assert!(
            outcome.starts_with("refused"),
            "{command} must be refused: {outcome}"
        );
    }

    session.window.quit().await.expect("close the window");
}
