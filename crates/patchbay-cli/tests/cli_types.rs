//! `patchbay types …`, `import` and `export` as a user runs them.

mod common;

use common::{api_key_type, bundle, Env};
use predicates::prelude::*;
use serde_json::json;

#[test]
fn an_empty_catalog_says_how_to_add_types() {
    let env = Env::new();
    env.cmd()
        .args(["types", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("patchbay types create --file"));
    assert_eq!(env.json(&["types", "list", "--json"]), json!([]));
}

#[test]
fn create_list_show_edit_duplicate_delete() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.cmd()
        .args(["types", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("acme").and(predicate::str::contains("api_key")));
    let list = env.json(&["types", "list", "--json"]);
    assert_eq!(list[0]["slug"], "acme");
    assert_eq!(list[0]["editable"], true);
    assert!(list[0]["id"].as_str().unwrap().starts_with("it_"));

    let shown = env.json(&["types", "show", "acme"]);
    assert_eq!(shown["base_url"], "https://api.acme.example/v1");
    assert_eq!(shown["origin"], "created");

    let mut edited = api_key_type("acme", "api.acme.example");
    edited["description"] = json!("edited");
    let file = env.write_json("edited.json", &edited);
    env.cmd()
        .args(["types", "edit", "acme", "--file"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        env.json(&["types", "show", "acme"])["description"],
        "edited"
    );

    env.cmd()
        .args(["types", "duplicate", "acme", "--as", "acme-staging"])
        .assert()
        .success()
        .stdout(predicate::str::contains("acme-staging"));
    env.cmd()
        .args(["types", "delete", "acme-staging"])
        .assert()
        .success();
    assert_eq!(
        env.json(&["types", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_bad_definition_names_the_file_and_every_field_at_fault() {
    let env = Env::new();
    let mut def = api_key_type("acme", "api.acme.example");
    def["base_url"] = json!("ftp://acme.example");
    def["auth_patterns"][0]["api_key"]["name"] = json!("X API Key");
    let file = env.write_json("broken.json", &def);
    env.cmd()
        .args(["types", "create", "--file"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("broken.json")
                .and(predicate::str::contains("base_url: "))
                .and(predicate::str::contains("auth_patterns[0].api_key.name: ")),
        );
    let typo = env.write_json(
        "typo.json",
        &json!({"slug": "a", "display_name": "A", "basse_url": "x"}),
    );
    env.cmd()
        .args(["types", "create", "--file"])
        .arg(&typo)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("typo.json").and(predicate::str::contains("basse_url")));
    std::fs::write(env.dir.path().join("trunc.json"), "{\"slug\": \"a\",").unwrap();
    env.cmd()
        .args(["types", "create", "--file", "trunc.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("trunc.json").and(predicate::str::contains("line 1")));
    env.cmd()
        .args(["types", "create", "--file", "missing.json"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("missing.json").and(predicate::str::contains("No such file")),
        );
    assert_eq!(env.json(&["types", "list", "--json"]), json!([]));
}

#[test]
fn unknown_slugs_and_usage_errors() {
    let env = Env::new();
    env.cmd()
        .args(["types", "show", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no integration type named 'nope'"));
    env.cmd().args(["types", "frobnicate"]).assert().code(2);
    env.cmd().args(["types", "create"]).assert().code(2);
    env.cmd()
        .args(["import", "x.json", "--on-conflict", "merge"])
        .assert()
        .code(2);
}

#[test]
fn delete_is_refused_while_connections_depend_on_the_type() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    env.connect_api_key("acme", "Acme prod", "sk_live_0123456789abcdef");
    env.cmd()
        .args(["types", "delete", "acme"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Acme prod"));
    env.cmd()
        .args(["connections", "delete", "Acme prod"])
        .assert()
        .success();
    env.cmd()
        .args(["types", "delete", "acme"])
        .assert()
        .success();
}

#[test]
fn imported_types_are_read_only_until_duplicated() {
    let env = Env::new();
    let file = env.write_json(
        "team.json",
        &bundle(&[api_key_type("acme", "api.acme.example")]),
    );
    env.cmd()
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 new"));
    let list = env.json(&["types", "list", "--json"]);
    assert_eq!(list[0]["origin"], "imported");
    assert_eq!(list[0]["editable"], false);
    env.cmd()
        .args(["types", "list"])
        .assert()
        .stdout(predicate::str::contains("read-only"));
    let edit = env.write_json("edit.json", &api_key_type("acme", "other.example"));
    env.cmd()
        .args(["types", "edit", "acme", "--file"])
        .arg(&edit)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("read-only")
                .and(predicate::str::contains("types duplicate acme")),
        );
    env.cmd()
        .args(["types", "delete", "acme"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    env.cmd()
        .args(["types", "duplicate", "acme"])
        .assert()
        .success();
    let copy = env.json(&["types", "show", "acme-copy"]);
    assert_eq!(copy["editable"], true);
    env.cmd()
        .args(["types", "delete", "acme", "--force"])
        .assert()
        .success();
}

#[test]
fn import_is_all_or_nothing_and_reports_every_problem() {
    let env = Env::new();
    let mut bad = api_key_type("bad", "b.example");
    bad["auth_patterns"][0]["type"] = json!("kerberos");
    let mut worse = api_key_type("worse", "w.example");
    worse["base_url"] = json!("");
    let file = env.write_json(
        "mixed.json",
        &bundle(&[
            api_key_type("good", "g.example"),
            bad,
            worse,
            api_key_type("good", "h.example"),
        ]),
    );
    env.cmd().arg("import").arg(&file).assert().code(1).stderr(
        predicate::str::contains("mixed.json")
            .and(predicate::str::contains(
                "integrations[1].auth_patterns[0].type",
            ))
            .and(predicate::str::contains("integrations[2].base_url"))
            .and(predicate::str::contains(
                "integrations[3].slug: duplicate slug 'good'",
            )),
    );
    assert_eq!(env.json(&["types", "list", "--json"]), json!([]));
    // Told it is a bundle, a list is not one.
    std::fs::write(env.dir.path().join("h.json"), "[]").unwrap();
    env.cmd()
        .args(["import", "--format", "bundle", "h.json"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("h.json")
                .and(predicate::str::contains("expected a bundle object")),
        );
    for (text, needle) in [
        // Detected as Scalekit payloads (a list), of which there are none.
        ("[]", "an empty list"),
        (
            "{\"format\": \"patchbay.bundle\", \"version\": 7, \"integrations\": []}",
            "newer",
        ),
        (
            "{\"format\": \"other\", \"version\": 1, \"integrations\": []}",
            "format",
        ),
        (
            "{\"format\": \"patchbay.bundle\", \"version\": 1, \"integrations\": {}}",
            "expected a list",
        ),
    ] {
        std::fs::write(env.dir.path().join("h.json"), text).unwrap();
        env.cmd()
            .args(["import", "h.json"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("h.json").and(predicate::str::contains(needle)));
    }
}

#[test]
fn import_from_stdin_with_conflict_policies_and_dry_run() {
    let env = Env::new();
    env.create_type(&api_key_type("acme", "api.acme.example"));
    let mut changed = api_key_type("acme", "api.acme.example");
    changed["description"] = json!("from the team");
    let text = bundle(&[changed, api_key_type("beta", "b.example")]).to_string();

    env.cmd()
        .args(["import", "-"])
        .write_stdin(text.clone())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("acme").and(predicate::str::contains("--on-conflict")));
    let dry = env
        .cmd()
        .args([
            "import",
            "-",
            "--on-conflict",
            "replace",
            "--dry-run",
            "--json",
        ])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(report["items"][0]["action"], "replace");
    assert_eq!(report["items"][0]["changed_fields"], json!(["description"]));
    assert_eq!(
        env.json(&["types", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    env.cmd()
        .args(["import", "-", "--on-conflict", "skip"])
        .write_stdin(text.clone())
        .assert()
        .success();
    assert_eq!(env.json(&["types", "show", "acme"])["description"], "");
    env.cmd()
        .args(["import", "-", "--on-conflict", "rename"])
        .write_stdin(text.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("imported as 'acme-2'"));
    env.cmd()
        .args(["import", "-", "--on-conflict", "replace"])
        .write_stdin(text)
        .assert()
        .success();
    assert_eq!(
        env.json(&["types", "show", "acme"])["description"],
        "from the team"
    );
}

#[test]
fn export_is_deterministic_and_round_trips_byte_for_byte() {
    let env = Env::new();
    env.create_type(&api_key_type("zeta", "z.example"));
    env.create_type(&api_key_type("alpha", "a.example"));
    let first = env.cmd().arg("export").output().unwrap().stdout;
    let second = env.cmd().arg("export").output().unwrap().stdout;
    assert_eq!(first, second);
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(text.find("\"alpha\"").unwrap() < text.find("\"zeta\"").unwrap());

    env.cmd()
        .args(["export", "alpha", "-o", "alpha.json"])
        .assert()
        .success();
    let one: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.dir.path().join("alpha.json")).unwrap()).unwrap();
    assert_eq!(one["integrations"].as_array().unwrap().len(), 1);
    assert_eq!(
        one["integrations"][0]["requires"],
        json!({"api_key": ["api_key"]})
    );

    std::fs::write(env.dir.path().join("all.json"), &first).unwrap();
    env.cmd()
        .args(["types", "delete", "alpha"])
        .assert()
        .success();
    env.cmd()
        .args(["types", "delete", "zeta"])
        .assert()
        .success();
    env.cmd().args(["import", "all.json"]).assert().success();
    assert_eq!(env.cmd().arg("export").output().unwrap().stdout, first);
    env.cmd()
        .args(["export", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("'nope'"));
}
