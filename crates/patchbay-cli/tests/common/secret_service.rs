//! A private, real Secret Service for the `patchbay` children of one test: its own D-Bus session
//! bus (`dbus-daemon`) and an unlocked gnome-keyring on it, with HOME, XDG_DATA_HOME and
//! XDG_RUNTIME_DIR in a throwaway folder. Nothing of the person running the tests is touched:
//! not their session bus, not their keyring.
//!
//! The bus gets its own minimal configuration without service directories, so nothing is ever
//! started by D-Bus activation: when the test stops gnome-keyring, the Secret Service is really
//! gone (instead of a locked one being activated behind the test's back and waiting for a
//! password prompt nobody can answer).
//!
//! Both daemons are children of the test (`--nofork`, `--foreground`), killed and reaped on drop.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const NAME: &str = "org.freedesktop.secrets";
/// The password of the throwaway login collection (created and unlocked by `--unlock`).
const KEYRING_PASSWORD: &[u8] = b"pw";

pub struct SecretService {
    /// The private bus's address, for DBUS_SESSION_BUS_ADDRESS.
    pub address: String,
    storage: PathBuf,
    /// What gnome-keyring printed as `NAME=value` lines (passed on to every child).
    env: Vec<(String, String)>,
    keyring: Option<Child>,
    bus: Child,
    // Kept open: the bus must never get SIGPIPE for writing to a closed stdout.
    _bus_stdout: BufReader<ChildStdout>,
    _bus_dir: tempfile::TempDir,
}

/// Whether the daemons this fixture needs are installed. Missing tools fail the test when `CI`
/// is set (CI must run the keyring tests for real) and skip it, with a message, elsewhere.
pub fn available(test: &str) -> bool {
    let mut missing: Vec<&str> = ["dbus-daemon", "gnome-keyring-daemon"]
        .into_iter()
        .filter(|t| which(t).is_none())
        .collect();
    if which("gdbus").is_none() && which("dbus-send").is_none() {
        missing.push("gdbus or dbus-send");
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{test}: needs a real Secret Service, but {} not installed (Debian/Ubuntu: apt-get install dbus-daemon dbus-bin gnome-keyring libglib2.0-bin)",
        missing.join(", ")
            + if missing.len() == 1 { " is" } else { " are" }
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("skipping {message}");
    false
}

fn which(tool: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

impl SecretService {
    /// Starts a bus and an unlocked gnome-keyring whose files live below `storage`. Starting
    /// again on the same `storage` finds the same keyring files (and so the same entries).
    pub fn start(storage: &Path) -> SecretService {
        let (home, data, runtime) = dirs(storage);
        for d in [&home, &data, &runtime] {
            std::fs::create_dir_all(d).expect("keyring folders");
        }
        set_mode(&runtime, 0o700);
        // A short path of its own: unix socket paths are limited to about 100 bytes.
        let bus_dir = tempfile::Builder::new()
            .prefix("pb-bus-")
            .tempdir_in("/tmp")
            .expect("bus folder");
        let config = bus_dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                bus_dir.path().display()
            ),
        )
        .expect("bus config");
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .env_clear()
            .envs(base_env(storage))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file(&bus_dir.path().join("dbus-daemon.log")))
            .spawn()
            .expect("start dbus-daemon");
        // The address is printed once the bus listens.
        let mut bus_stdout = BufReader::new(bus.stdout.take().expect("bus stdout"));
        let mut address = String::new();
        bus_stdout
            .read_line(&mut address)
            .expect("read the bus address");
        let address = address.trim().to_string();
        if address.is_empty() {
            let _ = bus.kill();
            let _ = bus.wait();
            panic!(
                "dbus-daemon printed no address: {}",
                std::fs::read_to_string(bus_dir.path().join("dbus-daemon.log")).unwrap_or_default()
            );
        }
        let mut service = SecretService {
            address,
            storage: storage.to_path_buf(),
            env: Vec::new(),
            keyring: None,
            bus,
            _bus_stdout: bus_stdout,
            _bus_dir: bus_dir,
        };
        service.start_keyring();
        service
    }

    fn start_keyring(&mut self) {
        let env_file = self.storage.join("gnome-keyring.env");
        let log = self.storage.join("gnome-keyring.log");
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env_clear()
            .envs(base_env(&self.storage))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(log_file(&env_file))
            .stderr(log_file(&log))
            .spawn()
            .expect("start gnome-keyring-daemon");
        // `--unlock` reads the login collection's password from stdin, up to end of file.
        let mut stdin = keyring.stdin.take().expect("keyring stdin");
        stdin
            .write_all(KEYRING_PASSWORD)
            .expect("give gnome-keyring its password");
        drop(stdin);
        self.keyring = Some(keyring);
        self.wait_for_name(&log);
        self.env = std::fs::read_to_string(&env_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(k, _)| !k.is_empty() && !k.contains(' '))
            .collect();
    }

    /// Blocks until gnome-keyring owns `org.freedesktop.secrets` on the bus.
    fn wait_for_name(&mut self, log: &Path) {
        let fail = |why: &str| -> ! {
            panic!(
                "gnome-keyring did not come up on the private bus ({why}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        };
        if which("gdbus").is_some() {
            // `gdbus wait` watches NameOwnerChanged: no polling, no activation.
            let status = Command::new("gdbus")
                .args(["wait", "--address", &self.address, "--timeout", "30", NAME])
                .stdin(Stdio::null())
                .status()
                .expect("run gdbus wait");
            if !status.success() {
                fail("gdbus wait timed out");
            }
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = Command::new("dbus-send")
                .arg(format!("--bus={}", self.address))
                .args([
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                ])
                .arg(format!("string:{NAME}"))
                .output()
                .expect("run dbus-send");
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            if let Some(status) = self
                .keyring
                .as_mut()
                .and_then(|k| k.try_wait().ok().flatten())
            {
                fail(&format!("it exited with {status}"));
            }
            if Instant::now() > deadline {
                fail("timed out");
            }
            // Polling a condition (dbus-send cannot block on a name), not a timed guess.
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops gnome-keyring; the bus stays up, with no Secret Service on it.
    pub fn stop_keyring(&mut self) {
        if let Some(mut k) = self.keyring.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
    }

    /// Points `cmd` at this Secret Service: the bus address, the fixture's HOME and runtime
    /// folder, gnome-keyring's printed variables, and no vault passphrase.
    pub fn apply<'a>(&self, cmd: &'a mut assert_cmd::Command) -> &'a mut assert_cmd::Command {
        cmd.env_remove("PATCHBAY_VAULT_PASSPHRASE")
            .envs(base_env(&self.storage))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        self.stop_keyring();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn dirs(storage: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        storage.join("home"),
        storage.join("data"),
        storage.join("run"),
    )
}

fn base_env(storage: &Path) -> Vec<(String, String)> {
    let (home, data, runtime) = dirs(storage);
    vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("HOME".into(), home.display().to_string()),
        ("XDG_DATA_HOME".into(), data.display().to_string()),
        ("XDG_RUNTIME_DIR".into(), runtime.display().to_string()),
    ]
}

fn log_file(path: &Path) -> Stdio {
    Stdio::from(File::create(path).expect("log file"))
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}
