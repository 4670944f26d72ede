//! Patchbay's desktop app: a Tauri window over `patchbay-core`.
//!
//! This binary is only glue (DESIGN.md, "Layout"): it sets up logging, opens the core on the
//! data folder and registers the IPC commands. All behaviour lives in the core; the page is
//! served from the bundled `ui/dist` (the `custom-protocol` feature), never from a dev server.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod deep_link;
mod logging;
mod state;

fn main() {
    logging::init();
    tauri::Builder::default()
        // First: a second start (a deep link while the app runs) forwards its URL and exits here.
        .plugin(tauri_plugin_single_instance::init(|_app, _argv, _cwd| {}))
        .plugin(tauri_plugin_deep_link::init())
        .manage(state::AppState::open())
        .setup(|app| {
            deep_link::setup(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::list_types,
            commands::list_connections,
            commands::vault_status,
            commands::start_oauth_login,
            commands::oauth_logins,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            tracing::error!("the window could not start: {error}");
            std::process::exit(1);
        });
}
