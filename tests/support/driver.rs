//! `tauri-driver` as a child process: on free ports, with the app's environment, killed on drop
//! so a failing test never leaves a window or a driver behind.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use thirtyfour::{Capabilities, WebDriver};

use super::{wait, Tools};

pub struct TauriDriver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl TauriDriver {
    /// Starts `tauri-driver`. `env` reaches the app: tauri-driver starts the native driver,
    /// which starts the app, each inheriting the environment.
    pub async fn start(tools: &Tools, env: &[(&str, &Path)], log: PathBuf) -> TauriDriver {
        let port = free_port();
        let native_port = free_port();
        let log_file = std::fs::File::create(&log).expect("create the tauri-driver log");
        let mut command = Command::new(&tools.tauri_driver);
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(&tools.native_driver)
            // WebKitGTK 2.50 answers WebDriver's screenshot command only in compositing mode (which
            // renders fine under Xvfb with Mesa's software GL); with compositing disabled the
            // command never returns. So the window tests always run with compositing on.
            .env_remove("WEBKIT_DISABLE_COMPOSITING_MODE")
            // A development build registers patchbay:// with the desktop at start; not in tests.
            .env("PATCHBAY_REGISTER_SCHEME", "0")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log handle"))
            .stderr(log_file);
        for (key, value) in env {
            command.env(key, value);
        }
        // Its own process group: the native driver and the app it starts join it, so drop can
        // end all three even when the test panics before closing the session.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().expect("start tauri-driver");
        let driver = TauriDriver { child, port, log };
        wait::port_open(port, Duration::from_secs(20)).await;
        driver
    }

    /// Opens a WebDriver session, which launches `app`. The capabilities name the app binary
    /// and no `browserName` (tauri-driver rejects sessions that ask for a browser).
    pub async fn session(&self, app: &Path) -> WebDriver {
        let mut caps = Capabilities::new();
        caps.set(
            "tauri:options",
            serde_json::json!({ "application": app.to_string_lossy() }),
        )
        .expect("capabilities are JSON");
        // WebKitWebDriver now and then never answers a new-session request (the app does not
        // start; seen under load, for a bare Tauri window too): that is the driver, not the app,
        // so the request is made again, at most three times, each bounded.
        let mut failures = Vec::new();
        for _ in 0..3 {
            let url = format!("http://127.0.0.1:{}", self.port);
            match tokio::time::timeout(Duration::from_secs(45), WebDriver::new(url, caps.clone()))
                .await
            {
                Ok(Ok(window)) => return window,
                Ok(Err(e)) => failures.push(e.to_string()),
                Err(_) => failures.push("no answer within 45 s".to_string()),
            }
            eprintln!(
                "retrying the WebDriver session: {}",
                failures.last().map(String::as_str).unwrap_or("")
            );
        }
        panic!(
            "could not open a WebDriver session on {}: {}\ntauri-driver log:\n{}",
            app.display(),
            failures.join("; "),
            self.log_text()
        )
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // The group's id is tauri-driver's pid (see `start`); `kill -KILL -PGID` ends the group.
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now (the OS picks it; the listener is closed at once).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}
