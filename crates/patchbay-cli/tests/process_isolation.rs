//! What a process Patchbay starts can reach, and what Patchbay leaves on disk: a `run` child
//! tries every way to the vault it can (inherited variables, its parent's `/proc` entry, a
//! second `patchbay` with a guessed data folder), the data folder's files are owner-only, and a
//! new vault refuses an obviously weak passphrase.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{api_key_type, canary, files_below, stderr, Env, PASSPHRASE};

/// `nobody`: the attack must run as an ordinary user, since root may read any process's memory.
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// The test's folder handed to `nobody` with a copy of the binary inside it, when running as
/// root (CI); as an ordinary user, the folder and binary as they are.
fn as_ordinary_user(env: &Env) -> (PathBuf, Vec<String>) {
    let built = PathBuf::from(env!("CARGO_BIN_EXE_patchbay"));
    if !is_root() {
        return (built, Vec::new());
    }
    let copy = env.path().join("patchbay-bin");
    std::fs::copy(&built, &copy).expect("copy the binary");
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    chown_tree(env.path());
    let wrapper = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
    ];
    (copy, wrapper.iter().map(|s| s.to_string()).collect())
}

fn chown_tree(dir: &Path) {
    std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY)).expect("chown");
    for entry in std::fs::read_dir(dir).expect("list").flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            chown_tree(&path);
        } else {
            std::os::unix::fs::lchown(&path, Some(NOBODY), Some(NOBODY)).expect("chown");
        }
    }
}

#[test]
fn a_run_child_gets_its_variables_and_no_way_into_the_vault() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    let mine = canary();
    let other = canary();
    env.connect_api_key("acme", "mine", &mine);
    env.connect_api_key("acme", "other", &other);
    let (binary, wrapper) = as_ordinary_user(&env);
    let data = env.data_dir();

    // Everything a hostile child can try, in one script: its own environment, its parent's
    // environment through /proc, and a second patchbay with and without the data folder named.
    let script = r#"
        echo "== env"; env
        echo "== parent"; tr '\0' '\n' < "/proc/$PPID/environ" 2>&1 || echo "parent environ unreadable"
        echo "== request"; "$PB" request other GET / --as-curl --reveal 2>&1
        echo "== request with the data folder"; "$PB" --data-dir "$DATA" request other GET / --as-curl --reveal 2>&1
        echo "== vault"; "$PB" --data-dir "$DATA" run -c other -- env 2>&1
        exit 0
    "#;
    let argv: Vec<std::ffi::OsString> = wrapper
        .iter()
        .map(Into::into)
        .chain([binary.clone().into_os_string()])
        .collect();
    let mut cmd = std::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .args(["run", "-c", "mine", "--", "sh", "-c", script])
        .env("PATCHBAY_VAULT_PASSPHRASE", PASSPHRASE)
        .env("PATCHBAY_DATA_DIR", &data)
        .env("PATCHBAY_BROWSER", "/bin/true")
        .env("CUSTOM_API_INHERITED", "from the parent's parent")
        .env("PB", &binary)
        .env("DATA", &data)
        .env("DBUS_SESSION_BUS_ADDRESS", common::NO_BUS)
        .env("HOME", env.path().join("home"))
        .env("XDG_RUNTIME_DIR", env.path().join("run"))
        .current_dir(env.path());
    let out = cmd.output().expect("patchbay run");
    let transcript = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{transcript}");
    let section = |name: &str| -> String {
        transcript
            .split("== ")
            .find(|s| s.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };

    let child_env = section("env");
    assert!(
        child_env
            .lines()
            .any(|l| l == format!("CUSTOM_API_MINE={mine}")),
        "the named connection's key is given: {child_env}"
    );
    for withheld in [
        "PATCHBAY_VAULT_PASSPHRASE",
        "PATCHBAY_DATA_DIR",
        "PATCHBAY_BROWSER",
        "CUSTOM_API_INHERITED",
        "CUSTOM_API_OTHER",
    ] {
        assert!(
            !child_env
                .lines()
                .any(|l| l.starts_with(&format!("{withheld}="))),
            "the child inherited {withheld}: {child_env}"
        );
    }
    assert!(
        section("parent").contains("parent environ unreadable"),
        "the child read its parent's environment: {}",
        section("parent")
    );
    // Without the data folder's name the child finds nothing; with it, the vault stays shut.
    assert!(
        section("request").contains("error:"),
        "{}",
        section("request")
    );
    for attempt in ["request with the data folder", "vault"] {
        let said = section(attempt);
        assert!(
            said.contains("protected by a passphrase and none was given"),
            "{attempt}: {said}"
        );
    }
    assert!(!transcript.contains(PASSPHRASE), "{transcript}");
    assert!(!transcript.contains(&other), "{transcript}");
}

#[test]
fn run_names_its_connections_or_says_which_it_injects() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "mine", &canary());
    let out = env.cmd().args(["run", "--", "true"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--connection"), "{}", stderr(&out));

    let out = env
        .cmd()
        .args(["run", "--all", "--", "true"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("injecting 1 connection(s): mine"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_file_in_the_data_folder_is_owner_only() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "mine", &canary());
    // The database's -wal and -shm files exist while a process has it open: `run` keeps it
    // open while its child looks.
    let data = env.data_dir();
    let out = env
        .cmd()
        .args(["-v", "run", "-c", "mine", "--", "sh", "-c"])
        .arg(r#"for f in "$DATA"/patchbay.db* "$DATA"/logs/* "$DATA"/logs; do stat -c '%a %n' "$f"; done"#)
        .env("DATA", &data)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = common::stdout(&out);
    for needed in ["/patchbay.db-wal", "/patchbay.db-shm", "/logs/patchbay."] {
        assert!(listing.contains(needed), "{needed} in {listing}");
    }
    for line in listing.lines() {
        let (mode, file) = line.split_once(' ').expect("mode and name");
        let want = if file.ends_with("/logs") {
            "700"
        } else {
            "600"
        };
        assert_eq!(mode, want, "{file}");
    }
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for f in files_below(&data) {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}

#[test]
fn a_data_folder_made_readable_by_others_is_made_private_again() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    let data = env.data_dir();
    for f in files_below(&data) {
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    env.cmd().args(["types", "list"]).assert().success();
    assert_eq!(
        std::fs::metadata(env.db_path())
            .expect("db")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(&data).expect("dir").permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn exports_are_written_through_a_private_temporary_file_that_follows_no_symlink() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    let target = env.path().join("out.json");
    // An attacker who can write to the folder plants links at the names a predictable writer
    // would use (`.NAME.tmp-<pid>`, with the next few process ids); none may be followed.
    let victim = env.path().join("victim");
    std::fs::write(&victim, b"precious").expect("victim");
    let last_pid: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    for pid_guess in last_pid..last_pid + 400 {
        let _ = std::os::unix::fs::symlink(
            &victim,
            env.path().join(format!(".out.json.tmp-{pid_guess}")),
        );
    }
    env.cmd()
        .args(["export", "acme", "-o"])
        .arg(&target)
        .assert()
        .success();
    assert_eq!(std::fs::read(&victim).expect("victim"), b"precious");
    assert!(std::fs::read_to_string(&target)
        .expect("export")
        .contains("patchbay.bundle"));
    assert_eq!(
        std::fs::metadata(&target)
            .expect("export")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let leftovers: Vec<_> = std::fs::read_dir(env.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_new_vault_refuses_an_obviously_weak_passphrase_and_creates_nothing() {
    for (weak, why) in [
        ("hunter2", "at least 12"),
        ("Password123!", "common password"),
        ("123456789012", "consecutive"),
        ("aaaaaaaaaaaaaaaa", "different characters"),
    ] {
        let env = Env::new();
        env.create_type(&api_key_type("acme", "api.acme.example"));
        let out = env
            .cmd()
            .env("PATCHBAY_VAULT_PASSPHRASE", weak)
            .args(["connect", "acme", "--name", "mine", "--secret", "api_key"])
            .write_stdin(format!("{}\n", canary()))
            .output()
            .expect("connect");
        assert_eq!(out.status.code(), Some(1), "{weak}");
        let said = stderr(&out);
        assert!(
            said.contains("too weak") && said.contains(why),
            "{weak}: {said}"
        );
        assert!(!said.contains(weak), "the passphrase is echoed: {said}");
        assert!(env.vault_rows().meta.is_empty(), "{weak}: a vault was made");
        assert!(env.vault_rows().secrets.is_empty());
    }
}

#[test]
fn the_browser_for_an_oauth_login_gets_no_patchbay_variables() {
    let env = Env::new();
    env.create_type(&serde_json::json!({
        "slug": "idp",
        "display_name": "IdP",
        "base_url": "https://api.idp.example",
        "auth_patterns": [{
            "type": "oauth2_authorization_code",
            "oauth_config": {
                "authorize_uri": "https://login.idp.example/authorize",
                "token_uri": "https://login.idp.example/token",
                "redirect_style": "loopback"
            }
        }]
    }));
    // The "browser" writes down what it was given and never comes back.
    let seen = env.path().join("browser-env");
    let browser = env.write(
        "browser.sh",
        format!("#!/bin/sh\nenv > '{}'\n", seen.display()).as_bytes(),
    );
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = env
        .cmd()
        .env("PATCHBAY_BROWSER", &browser)
        .env("PATCHBAY_DATA_DIR", env.data_dir())
        .env("CUSTOM_API_INHERITED", "x")
        .args([
            "connect",
            "idp",
            "--name",
            "me",
            "--auth",
            "oauth2_authorization_code",
        ])
        .args(["--field", "client_id=cli-1", "--timeout", "2"])
        .output()
        .expect("connect");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let mut browser_env = String::new();
    for _ in 0..50 {
        browser_env = std::fs::read_to_string(&seen).unwrap_or_default();
        if !browser_env.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        browser_env.contains("PATH="),
        "the browser ran: {browser_env}"
    );
    for line in browser_env.lines() {
        assert!(
            !line.starts_with("PATCHBAY_") && !line.starts_with("CUSTOM_API_"),
            "the browser inherited {line}"
        );
    }
    assert!(!browser_env.contains(PASSPHRASE));
}
