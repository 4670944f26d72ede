//! The main window, built from its entry in tauri.conf.json (`"create": false` there, so Tauri
//! leaves it to this) with the core's first-screen catalog as an initialization script: the
//! page's first frame shows the catalog without an IPC round trip
//! (`patchbay_core::desktop::FirstScreen` says why and when it is left out).

use patchbay_core::desktop::FirstScreen;
use tauri::{App, WebviewWindowBuilder};

pub fn create_main(app: &App, first_screen: Option<FirstScreen>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let mut builder = WebviewWindowBuilder::from_config(app.handle(), &config)?;
    if let Some(script) = first_screen.and_then(FirstScreen::script) {
        builder = builder.initialization_script(&script);
    }
    builder.build().map(|_| ())
}
