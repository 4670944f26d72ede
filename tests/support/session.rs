//! One window test's world: a seeded throwaway data folder, `tauri-driver`, and a WebDriver
//! session on the app. Dropping it ends the driver (and with it the app) and deletes the folder.

use thirtyfour::WebDriver;

use super::{driver::TauriDriver, seed};

pub struct Session {
    pub window: WebDriver,
    // Dropped after `window`, in this order: the driver's process group, then the data folder.
    _driver: TauriDriver,
    _scratch: tempfile::TempDir,
}

/// Opens the app on a data folder seeded with [`seed::TYPES`]; `None` when the test is skipped
/// (see [`super::tools_or_skip`]).
pub async fn open_seeded(test: &str) -> Option<Session> {
    let tools = super::tools_or_skip(test)?;
    let app = super::app_binary();
    let scratch = tempfile::tempdir().expect("temp dir");
    let data_dir = scratch.path().join("data");
    seed::seed_two_types(&data_dir);
    let driver = TauriDriver::start(
        &tools,
        &[("PATCHBAY_DATA_DIR", data_dir.as_path())],
        scratch.path().join("tauri-driver.log"),
    )
    .await;
    let window = driver.session(&app).await;
    Some(Session {
        window,
        _driver: driver,
        _scratch: scratch,
    })
}
