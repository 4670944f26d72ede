//! Helpers that drive the page by `data-testid`, and the IPC probe.
//!
//! The probe wraps the page's `fetch` (Tauri's IPC travels over it, to `ipc://localhost/<cmd>`)
//! to keep a copy of every IPC response for the canary scan; every call goes to the real core.
//! Native dialogs are opened by Rust, out of the page's reach: tests answer them through the
//! session (`Session::answer_next_dialog`).

use std::time::Duration;

use thirtyfour::prelude::*;

use super::wait;

const PROBE: &str = r#"
if (!window.__pbProbe) {
  const probe = { responses: [] };
  window.__pbProbe = probe;
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const cmd = decodeURIComponent(url.replace(/^[a-z]+:\/\/[^/]+\//, ''));
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

/// Runs `body` as an async page script, as a script injected into the page would; it reports
/// with `done(text)`.
pub async fn run_async(window: &WebDriver, body: &str) -> String {
    let script = format!("const done = arguments[arguments.length - 1];\n{body}");
    let ret = window
        .execute_async(&script, Vec::new())
        .await
        .expect("run a page script");
    ret.convert().expect("the page script reports a string")
}

/// Calls an IPC command from page script the way `@tauri-apps/api` does (what a script in a
/// compromised page can do): `ok <result as JSON>` or `refused: <error>`. `args` is a JS object.
pub async fn invoke(window: &WebDriver, command: &str, args: &str) -> String {
    run_async(
        window,
        &format!(
            "window.__TAURI_INTERNALS__.invoke({command:?}, {args}).then(
                 (r) => done('ok ' + JSON.stringify(r)),
                 (e) => done('refused: ' + (typeof e === 'string' ? e : JSON.stringify(e))));"
        ),
    )
    .await
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
