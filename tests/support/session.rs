//! One window test's world: a seeded throwaway data folder, `tauri-driver`, and a WebDriver
//! session on the app. Dropping it ends the driver (and with it the app) and deletes the folder.
//!
//! The app's native dialogs (opened by Rust, never by the page) are answered from a folder of
//! this session: a debug build started with `PATCHBAY_TEST_DIALOGS` takes each answer from
//! `<folder>/answers` and records what it asked in `<folder>/asked` (src-tauri/dialogs.rs).

use std::path::{Path, PathBuf};

use thirtyfour::WebDriver;

use super::{driver::TauriDriver, seed};

pub struct Session {
    pub window: WebDriver,
    /// The app's data folder (`PATCHBAY_DATA_DIR`).
    pub data_dir: PathBuf,
    /// A scratch folder for the test's own files (exports, saved bodies).
    pub files: PathBuf,
    /// Where the app's scripted dialogs read their answers and record what they asked.
    pub dialogs: PathBuf,
    // Dropped after `window`, in this order: the driver's process group, then the data folder.
    _driver: TauriDriver,
    _scratch: tempfile::TempDir,
}

/// Opens the app on a data folder seeded with [`seed::TYPES`]; `None` when the test is skipped
/// (see [`super::tools_or_skip`]).
pub async fn open_seeded(test: &str) -> Option<Session> {
    open_with(test, seed::seed_two_types).await
}

/// [`open_seeded`] with extra environment variables for the app (`GTK_THEME`, …).
pub async fn open_seeded_with_env(test: &str, env: &[(&str, &str)]) -> Option<Session> {
    open_with_env(test, seed::seed_two_types, env).await
}

/// Opens the app on a data folder that `seed` prepared (it may leave it empty).
pub async fn open_with(test: &str, seed: impl FnOnce(&Path)) -> Option<Session> {
    open_with_env(test, seed, &[]).await
}

async fn open_with_env(
    test: &str,
    seed: impl FnOnce(&Path),
    env: &[(&str, &str)],
) -> Option<Session> {
    let tools = super::tools_or_skip(test)?;
    let app = super::app_binary();
    let scratch = tempfile::tempdir().expect("temp dir");
    let data_dir = scratch.path().join("data");
    let files = scratch.path().join("files");
    let dialogs = scratch.path().join("dialogs");
    std::fs::create_dir_all(&files).expect("create the scratch folder");
    std::fs::create_dir_all(&dialogs).expect("create the dialog answers folder");
    seed(&data_dir);
    let mut vars: Vec<(&str, &Path)> = vec![
        ("PATCHBAY_DATA_DIR", data_dir.as_path()),
        ("PATCHBAY_TEST_DIALOGS", dialogs.as_path()),
    ];
    vars.extend(env.iter().map(|(k, v)| (*k, Path::new(*v))));
    let driver = TauriDriver::start(&tools, &vars, scratch.path().join("tauri-driver.log")).await;
    let window = driver.session(&app).await;
    Some(Session {
        window,
        data_dir,
        files,
        dialogs,
        _driver: driver,
        _scratch: scratch,
    })
}

impl Session {
    /// Queues the answer of the next native dialog: a path for a file dialog, `""` to cancel
    /// it, `"yes"` to confirm a question.
    pub fn answer_next_dialog(&self, answer: &str) {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dialogs.join("answers"))
            .expect("open the dialog answers");
        writeln!(file, "{answer}").expect("queue a dialog answer");
    }

    /// Every dialog the app showed so far, oldest first (`kind`, `title`, `message`, `answer`, …).
    pub fn dialogs_asked(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dialogs.join("asked"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a recorded dialog is JSON"))
            .collect()
    }
}
