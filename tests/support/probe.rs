//! Helpers that drive the page by `data-testid`, and the IPC probe.
//!
//! The probe wraps the page's `fetch` (Tauri's IPC travels over it, to `ipc://localhost/<cmd>`)
//! to keep a copy of every IPC response for the canary scan, and answers the native file
//! dialogs' commands (`plugin:dialog|open`/`save`) with the paths the test queued — the OS
//! dialog is the one surface WebDriver cannot drive. Everything else goes to the real core.

use std::time::Duration;

use thirtyfour::prelude::*;

use super::wait;

const PROBE: &str = r#"
if (!window.__pbProbe) {
  const probe = { responses: [], dialogs: [] };
  window.__pbProbe = probe;
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const cmd = decodeURIComponent(url.replace(/^[a-z]+:\/\/[^/]+\//, ''));
    if (cmd.startsWith('plugin:dialog|')) {
      const answer = probe.dialogs.length ? probe.dialogs.shift() : null;
      return new Response(JSON.stringify(answer), {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Tauri-Response': 'ok' },
      });
    }
    const response = await original(input, init);
    if (url.startsWith('ipc:') || url.startsWith('http://ipc.localhost')) {
      response.clone().text().then((text) => probe.responses.push(cmd + ' ' + text));
    }
    return response;
  };
}
"#;

/// Installs the probe (idempotent; lost on a page reload).
pub async fn install(window: &WebDriver) {
    window
        .execute(PROBE, Vec::new())
        .await
        .expect("install the IPC probe");
}

/// Queues the path the next file dialog answers with.
pub async fn answer_next_dialog(window: &WebDriver, path: &str) {
    window
        .execute(
            "window.__pbProbe.dialogs.push(arguments[0]);",
            vec![serde_json::Value::String(path.to_string())],
        )
        .await
        .expect("queue a dialog answer");
}

/// Every IPC response seen since the probe was installed, as `<command> <body>`.
pub async fn responses(window: &WebDriver) -> Vec<String> {
    ask(
        window,
        "the IPC probe",
        "return window.__pbProbe ? window.__pbProbe.responses : [];",
    )
    .await
}

/// The page's markup plus every input's current value (a password input's value is not in
/// the markup).
pub async fn page_text(window: &WebDriver) -> String {
    ask(
        window,
        "the page",
        "return document.documentElement.outerHTML + '\\n' +
           Array.from(document.querySelectorAll('input, textarea, select'))
             .map((e) => e.value).join('\\n');",
    )
    .await
}

/// The value `script` returns in the page (`what` names it in a failure).
pub async fn ask<T: serde::de::DeserializeOwned>(
    window: &WebDriver,
    what: &str,
    script: &str,
) -> T {
    window
        .execute(script, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("read {what}: {e}"))
        .convert()
        .unwrap_or_else(|e| panic!("read {what}: unexpected value: {e}"))
}

pub fn css(testid: &str) -> By {
    By::Css(format!("[data-testid=\"{testid}\"]"))
}

/// Waits for the element with `testid` to be shown, then returns it.
pub async fn find(window: &WebDriver, testid: &str, timeout: Duration) -> WebElement {
    wait::until(&format!("[data-testid={testid}]"), timeout, || async {
        let element = window.find(css(testid)).await.map_err(|e| e.to_string())?;
        if element.is_displayed().await.unwrap_or(false) {
            Ok(element)
        } else {
            Err("present but hidden".to_string())
        }
    })
    .await
}

pub async fn click(window: &WebDriver, testid: &str, timeout: Duration) {
    find(window, testid, timeout)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click [data-testid={testid}]: {e}"));
}

/// Replaces the text of an input.
pub async fn fill(window: &WebDriver, testid: &str, text: &str, timeout: Duration) {
    let input = find(window, testid, timeout).await;
    input.clear().await.expect("clear an input");
    input
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into [data-testid={testid}]: {e}"));
}

/// Waits until the element's text contains `needle`; returns the text.
pub async fn text_contains(
    window: &WebDriver,
    testid: &str,
    needle: &str,
    timeout: Duration,
) -> String {
    wait::until(
        &format!("[data-testid={testid}] to contain {needle:?}"),
        timeout,
        || async {
            let element = window.find(css(testid)).await.map_err(|e| e.to_string())?;
            let text = element.text().await.map_err(|e| e.to_string())?;
            if text.contains(needle) {
                Ok(text)
            } else {
                Err(text)
            }
        },
    )
    .await
}

/// Scrolls the element with `testid` to the top of its scroll container (for screenshots).
pub async fn scroll_to(window: &WebDriver, testid: &str) {
    window
        .execute(
            "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
             if (e) e.scrollIntoView({ block: 'start' });",
            vec![serde_json::Value::String(testid.to_string())],
        )
        .await
        .expect("scroll the page");
}

/// Waits until no element with `testid` is shown.
pub async fn gone(window: &WebDriver, testid: &str, timeout: Duration) {
    wait::until(&format!("no [data-testid={testid}]"), timeout, || async {
        let left = window
            .find_all(css(testid))
            .await
            .map_err(|e| e.to_string())?
            .len();
        if left == 0 {
            Ok(())
        } else {
            Err(format!("{left} left"))
        }
    })
    .await
}
