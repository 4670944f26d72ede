//! The `patchbay://oauth/callback` deep link: the OS starts the app with the redirect as its only
//! argument; when the app already runs, tauri-plugin-single-instance forwards it here over D-Bus
//! and the second process exits. Each URL is handed to the core's login broker on a thread of its
//! own (finishing a login is a network call). The broker checks everything: a malformed link, or
//! one with an unknown, used or expired `state`, is refused and nothing is stored — and the app
//! keeps running.

use tauri::{App, AppHandle, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

/// Registers the scheme with the desktop in development builds (packages register it through
/// their desktop file; `PATCHBAY_REGISTER_SCHEME=0` skips it, as the window tests do so they
/// leave the desktop's handlers alone) and finishes a redirect the app was started with.
pub fn setup(app: &App) {
    #[cfg(all(debug_assertions, any(target_os = "linux", windows)))]
    if std::env::var_os("PATCHBAY_REGISTER_SCHEME").is_none_or(|v| v != "0") {
        if let Err(e) = app.deep_link().register_all() {
            tracing::warn!("could not register the patchbay:// scheme with the desktop: {e}");
        }
    }
    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            finish(&handle, url.as_str());
        }
    });
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            finish(app.handle(), url.as_str());
        }
    }
}

fn finish(app: &AppHandle, url: &str) {
    let Ok(broker) = app.state::<AppState>().broker() else {
        return tracing::warn!("a deep link arrived but the data folder is not open");
    };
    let url = url.to_string();
    std::thread::spawn(move || broker.finish(&url));
}
