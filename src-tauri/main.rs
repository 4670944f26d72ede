//! Patchbay's desktop app: a Tauri window over `patchbay-core`.
//!
//! This binary is only glue (DESIGN.md, "Layout"): it sets up logging, opens the core on the
//! data folder and registers the IPC commands. All behaviour lives in the core; the page is
//! served from the bundled `ui/dist` (the `custom-protocol` feature), never from a dev server.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod deep_link;
mod dialogs;
mod logging;
mod state;
mod window;

fn main() {
    // Before anything else (and before any thread): children must never get the vault.
    patchbay_core::process_env::harden_at_start();
    logging::init();
    let state = state::AppState::open();
    // Listed while GTK and WebKit start; the window hands it to the page's first frame.
    let first_screen = state.first_screen();
    tauri::Builder::default()
        // First: a second start (a deep link while the app runs) forwards its URL and exits here.
        .plugin(tauri_plugin_single_instance::init(|_app, _argv, _cwd| {}))
        .plugin(tauri_plugin_deep_link::init())
        // Dialogs are opened from Rust only (src-tauri/dialogs.rs); the page has no dialog permission.
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            window::create_main(app, first_screen)?;
            deep_link::setup(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::types::list_types,
            commands::types::get_type,
            commands::types::check_type,
            commands::types::create_type,
            commands::types::update_type,
            commands::types::duplicate_type,
            commands::types::delete_type,
            commands::types::read_openapi,
            commands::connections::list_connections,
            commands::connections::connection_secrets,
            commands::connections::connect_inputs,
            commands::connections::env_name_for,
            commands::connections::connect,
            commands::connections::connect_client_credentials,
            commands::connections::start_oauth_login,
            commands::connections::oauth_logins,
            commands::connections::reauthorize_login,
            commands::connections::reauthorize_client_credentials,
            commands::connections::rename_connection,
            commands::connections::set_secret,
            commands::connections::approve_connection,
            commands::connections::set_agent_writes,
            commands::connections::disconnect,
            commands::tester::preview_request,
            commands::tester::curl_request,
            commands::tester::send_request,
            commands::tester::cancel_request,
            commands::tester::body_page,
            commands::tester::body_search,
            commands::tester::save_body,
            commands::tester::history,
            commands::tester::mcp_probe,
            commands::sharing::pick_import_file,
            commands::sharing::preview_import,
            commands::sharing::apply_import,
            commands::sharing::export_types,
            commands::vault::vault_status,
            commands::vault::unlock_vault,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            tracing::error!("the window could not start: {error}");
            std::process::exit(1);
        });
}
