//! Invariant 4: a crash (kill -9) at any moment of an import leaves the previous state or the
//! new one, never half. A child imports a 5,000-type bundle and is killed at spread-out moments;
//! after each kill the database opens, passes `PRAGMA integrity_check`, and holds all of the
//! import or none of it.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{api_key_type, bundle, Env};

const TYPES: usize = 5_000;
const RUNS: usize = 24;

fn count_types(data_dir: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(data_dir.join("patchbay.db")).expect("database opens");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok", "integrity_check after a kill");
    let fk: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("foreign_key_check");
    assert_eq!(fk, 0, "no dangling references");
    let types: i64 = conn
        .query_row("SELECT COUNT(*) FROM integration_types", [], |r| r.get(0))
        .unwrap();
    let defs: i64 = conn
        .query_row("SELECT COUNT(*) FROM type_definitions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(types, defs, "every type has its definition");
    types
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn an_import_killed_at_any_moment_is_all_or_nothing() {
    let env = Env::new();
    env.create_type(&api_key_type("existing-a", "a.example"));
    env.create_type(&api_key_type("existing-b", "b.example"));
    let before = env
        .json(&["types", "list", "--json"])
        .as_array()
        .unwrap()
        .len() as i64;
    let defs: Vec<_> = (0..TYPES)
        .map(|i| api_key_type(&format!("svc-{i:05}"), &format!("svc{i}.example")))
        .collect();
    let big = env.write_json("big.json", &bundle(&defs));
    let template = env.data_dir();

    // Calibrate: how long one full import takes on this machine.
    let calibrate = env.dir.path().join("calibrate");
    copy_dir(&template, &calibrate);
    let start = Instant::now();
    env.cmd_on(&calibrate)
        .arg("import")
        .arg(&big)
        .assert()
        .success();
    let full = start.elapsed();
    assert_eq!(count_types(&calibrate), before + TYPES as i64);

    let mut outcomes = (0, 0);
    for run in 0..RUNS {
        let dir = env.dir.path().join(format!("run-{run}"));
        copy_dir(&template, &dir);
        // Spread the kill moments from "at once" to "just past the expected end".
        let delay = full.mul_f64(run as f64 / (RUNS - 2) as f64);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("patchbay"))
            .arg("--data-dir")
            .arg(&dir)
            .arg("import")
            .arg(&big)
            .env("PATCHBAY_VAULT_PASSPHRASE", common::PASSPHRASE)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn import");
        std::thread::sleep(delay.min(Duration::from_secs(30)));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let n = count_types(&dir);
        assert!(
            n == before || n == before + TYPES as i64,
            "run {run}: {n} types after a kill at {delay:?}: half an import"
        );
        if n == before {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
        // The CLI still works on the survivor.
        env.cmd_on(&dir)
            .args(["types", "list", "--json"])
            .assert()
            .success();
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!(
        "{RUNS} kills: {} left the old state, {} the new one (full import {full:?})",
        outcomes.0, outcomes.1
    );
    assert!(outcomes.0 > 0, "some kills landed before the commit");
}
