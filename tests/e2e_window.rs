//! End-to-end tests of the real desktop window: the built `patchbay-app`, driven through
//! `tauri-driver` and WebKitWebDriver under Xvfb (`make test-e2e`). They prove the whole path —
//! data folder → core → IPC command → capability → Svelte page — with nothing mocked.
//!
//! Needs `tauri-driver` and `WebKitWebDriver` (`make setup`); without them each test is skipped
//! with a message, except under `CI`, where it fails. The catalog test also takes the README's
//! screenshot, `docs/screenshots/catalog.png` (see `support::save_screenshot`).

mod support;

use std::time::Duration;

use support::{probe, seed, session, wait};
use thirtyfour::prelude::*;

/// How long the window may take to start and show data (a cold debug build under Xvfb on two
/// cores takes a few seconds).
const LOAD: Duration = Duration::from_secs(30);
const UPDATE: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_lists_seeded_types_and_filters_them() {
    let Some(session) =
        session::open_seeded("the_catalog_lists_seeded_types_and_filters_them").await
    else {
        return;
    };
    let window = &session.window;

    assert_eq!(window.title().await.expect("title"), "Patchbay");
    let rows = wait::until("both seeded types in the catalog", LOAD, || {
        catalog(window, 2)
    })
    .await;
    let expected: Vec<(String, String)> = seed::TYPES
        .iter()
        .map(|(name, slug)| (name.to_string(), slug.to_string()))
        .collect();
    assert_eq!(rows, expected, "catalog rows (display name, slug)");
    // The shell handed the page the catalog before its scripts ran (its first frame needs no
    // IPC round trip), and the page is marked for its per-platform fonts.
    let first_screen: Vec<String> = probe::ask(
        window,
        "the injected catalog",
        "return (window.__PATCHBAY_FIRST_TYPES__ || []).map((t) => t.slug);",
    )
    .await;
    let mut seeded: Vec<String> = seed::TYPES.iter().map(|(_, s)| s.to_string()).collect();
    seeded.sort();
    let mut injected = first_screen.clone();
    injected.sort();
    assert_eq!(injected, seeded, "the injected first-screen catalog");
    let platform: String = probe::ask(
        window,
        "the platform mark",
        "return document.documentElement.dataset.platform;",
    )
    .await;
    assert_eq!(platform, "linux");
    let vault = text_of(window, "[data-testid=vault-mode]").await;
    assert!(!vault.trim().is_empty(), "the vault badge names a mode");

    let png = tokio::time::timeout(UPDATE * 3, window.screenshot_as_png())
        .await
        .expect("the screenshot command did not answer in time")
        .expect("screenshot");
    support::save_screenshot("catalog.png", &png);

    let search = window
        .find(By::Css("[data-testid=search]"))
        .await
        .expect("search box");
    search.send_keys("globex").await.expect("type in search");
    let rows = wait::until("the search to leave one type", UPDATE, || {
        catalog(window, 1)
    })
    .await;
    assert_eq!(rows[0].1, "globex-crm");

    search.clear().await.expect("clear search");
    search
        .send_keys("no such api")
        .await
        .expect("type in search");
    wait::until("the no-match message", UPDATE, || async {
        let text = text_of(window, "[data-testid=search-empty]").await;
        if text.contains("no such api") {
            Ok(())
        } else {
            Err(text)
        }
    })
    .await;

    session.window.quit().await.expect("close the window");
}

/// At the window's minimum size (900x600, tauri.conf.json) no view scrolls sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_fits_the_minimum_window_size() {
    let Some(session) = session::open_seeded("every_view_fits_the_minimum_window_size").await
    else {
        return;
    };
    let window = &session.window;
    wait::until("the catalog", LOAD, || catalog(window, 2)).await;

    window
        .set_window_rect(0, 0, 900, 600)
        .await
        .expect("resize the window");
    // (how to reach it, what shows it is there)
    let views = [
        ("nav-catalog", "type-list"),
        ("type-open", "type-editor"),
        ("nav-connections", "connections"),
        ("nav-tester", "tester"),
        ("nav-sharing", "sharing"),
    ];
    for (open, shown) in views {
        probe::click(window, open, UPDATE).await;
        probe::find(window, shown, UPDATE).await;
        let widths = wait::until("the page to lay out at 900px", UPDATE, || async {
            let ret = window
                .execute(
                    "const main = document.querySelector('main');
                     return [window.innerWidth, document.documentElement.scrollWidth,
                             main.clientWidth, main.scrollWidth];",
                    Vec::new(),
                )
                .await
                .map_err(|e| e.to_string())?;
            let widths: Vec<u32> = ret.convert().map_err(|e| e.to_string())?;
            if widths[0] == 900 {
                Ok(widths)
            } else {
                Err(format!("{widths:?}"))
            }
        })
        .await;
        let [viewport, page, main, main_content] = widths[..] else {
            panic!("unexpected widths {widths:?}");
        };
        assert!(
            page <= viewport,
            "{shown}: the page is {page}px wide in a {viewport}px window"
        );
        assert!(
            main_content <= main,
            "{shown}: the view is {main_content}px wide in {main}px"
        );
    }

    session.window.quit().await.expect("close the window");
}

/// Dark mode follows the system: with GTK's dark preference the page's colours are dark.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_theme_follows_the_system_dark_preference() {
    let Some(session) = session::open_seeded_with_env(
        "the_theme_follows_the_system_dark_preference",
        &[("GTK_THEME", "Adwaita:dark")],
    )
    .await
    else {
        return;
    };
    let window = &session.window;
    wait::until("the catalog", LOAD, || catalog(window, 2)).await;
    let dark: bool = probe::ask(
        window,
        "the colour scheme",
        "return window.matchMedia('(prefers-color-scheme: dark)').matches;",
    )
    .await;
    assert!(dark, "the page sees the system's dark preference");
    let background: String = probe::ask(
        window,
        "the background colour",
        "return getComputedStyle(document.body).backgroundColor;",
    )
    .await;
    let channels: Vec<u32> = background
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    assert!(
        channels.len() == 3 && channels.iter().all(|c| *c < 80),
        "a dark background, not {background}"
    );
    let png = tokio::time::timeout(UPDATE * 3, window.screenshot_as_png())
        .await
        .expect("the screenshot command did not answer in time")
        .expect("screenshot");
    support::save_screenshot("catalog-dark.png", &png);
    session.window.quit().await.expect("close the window");
}

/// The catalog's (display name, slug) pairs once exactly `count` rows show.
async fn catalog(window: &WebDriver, count: usize) -> Result<Vec<(String, String)>, String> {
    let rows = window
        .find_all(By::Css("[data-testid=type-row]"))
        .await
        .map_err(|e| e.to_string())?;
    let mut seen = Vec::new();
    for row in rows {
        let name = child_text(&row, "[data-testid=type-name]").await?;
        let slug = child_text(&row, "[data-testid=type-slug]").await?;
        seen.push((name, slug));
    }
    if seen.len() == count && seen.iter().all(|(name, _)| !name.is_empty()) {
        Ok(seen)
    } else {
        let body = text_of(window, "main").await;
        Err(format!("{} rows {seen:?}; page: {body}", seen.len()))
    }
}

async fn child_text(row: &WebElement, css: &str) -> Result<String, String> {
    let element = row.find(By::Css(css)).await.map_err(|e| e.to_string())?;
    element.text().await.map_err(|e| e.to_string())
}

async fn text_of(window: &WebDriver, css: &str) -> String {
    match window.find(By::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}
