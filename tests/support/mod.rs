//! Shared set-up for the end-to-end tests of the real desktop window: finding the WebDriver
//! tools, seeding a throwaway data folder through `patchbay_core`, running `tauri-driver`, and
//! waiting for the page without fixed sleeps.
//!
//! Each `tests/e2e_*.rs` file compiles this module into its own binary and uses only part of it.
#![allow(dead_code)]

pub mod api_server;
pub mod driver;
pub mod probe;
pub mod seed;
pub mod session;
pub mod wait;

use std::path::{Path, PathBuf};

/// The tools a window test needs: `tauri-driver` and the platform's native WebDriver.
pub struct Tools {
    pub tauri_driver: PathBuf,
    pub native_driver: PathBuf,
}

/// Finds the tools and checks there is a display, or says what is missing. Under `CI` that fails
/// the test (CI must run the window tests); elsewhere the test is skipped with a message, so a
/// plain `cargo test` works on a machine without a display stack.
pub fn tools_or_skip(test: &str) -> Option<Tools> {
    let native_name = if cfg!(windows) {
        "msedgedriver"
    } else {
        "WebKitWebDriver"
    };
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .map(|home| home.join("bin"));
    let tauri_driver = find_program("tauri-driver", cargo_bin.as_deref());
    let native_driver = find_program(native_name, None);
    let mut missing = Vec::new();
    if tauri_driver.is_none() {
        missing.push("tauri-driver (`make setup` installs it)");
    }
    if native_driver.is_none() {
        missing.push("WebKitWebDriver (`make setup` installs webkit2gtk-driver)");
    }
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        missing.push("a display (`make test-e2e` runs the tests under Xvfb)");
    }
    match (tauri_driver, native_driver) {
        (Some(tauri_driver), Some(native_driver)) if missing.is_empty() => Some(Tools {
            tauri_driver,
            native_driver,
        }),
        _ => {
            let message = format!("{test}: missing {}", missing.join(", "));
            if std::env::var_os("CI").is_some() {
                panic!("{message}; CI must run the window tests");
            }
            eprintln!("SKIPPED {message}");
            None
        }
    }
}

/// `name` on `PATH`, else in `extra_dir`.
fn find_program(name: &str, extra_dir: Option<&Path>) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra_dir.map(Path::to_path_buf))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The desktop app under test. Cargo builds a package's binaries before its integration tests
/// (nextest too) and names the result here, whatever the target folder is.
pub fn app_binary() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_BIN_EXE_patchbay-app"));
    assert!(
        path.is_file(),
        "{} is missing; build it with `cargo build -p patchbay-app`",
        path.display()
    );
    path
}

/// Where a screenshot goes. Always into the target folder (`target/tmp/screenshots/`), to look
/// at after a run; into `docs/screenshots/` (the README's pictures) only when that file is
/// missing or `UPDATE_SCREENSHOTS=1`, because WebKit's antialiasing differs by a few pixels from
/// run to run and every test run would otherwise modify a committed file.
pub fn save_screenshot(name: &str, png: &[u8]) {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&scratch).expect("create target/tmp/screenshots");
    std::fs::write(scratch.join(name), png).expect("write a screenshot");

    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    let committed = docs.join(name);
    if !committed.exists() || std::env::var_os("UPDATE_SCREENSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&docs).expect("create docs/screenshots");
        std::fs::write(&committed, png).expect("write a screenshot");
    }
}
