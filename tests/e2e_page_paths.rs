//! DESIGN.md invariant 6, "no command takes a file path chosen by the page", and the owner's
//! approval of a re-pointed connection, checked in the real window.
//!
//! A script in a compromised page calls the commands directly (`__TAURI_INTERNALS__.invoke`, run
//! through WebDriver) with paths of its choosing — a private file to read, a file in the home
//! folder to write — and approves a paused connection on its own. None of it works: the
//! commands open the native dialog from Rust and use only its answer (the session's scripted
//! dialogs stand in for the person: no answer is Cancel), and approving asks the owner. The
//! same commands still work the normal way, through the buttons and the dialog's answer.
//!
//! Skipped like the other window tests without `tauri-driver`/a display, except under `CI`.

mod support;

use std::path::Path;
use std::time::Duration;

use patchbay_core::model::ConnectionStatus;
use patchbay_core::{ConflictPolicy, OpenOptions, Patchbay};
use support::api_server::ApiServer;
use support::probe::{self, click, fill, find, invoke, text_contains};
use support::session::{self, Session};

const LOAD: Duration = Duration::from_secs(30);
const UPDATE: Duration = Duration::from_secs(10);
const KEY: &str = "sk_live_page_paths_5b0c9e1d";
/// In the private files the attacker wants to read; never in what the page receives.
const MARKER: &str = "private-marker-7d2f";

/// A request the page script sends itself, so that a body exists to save.
const EVIL_REQUEST: &str = r#"{
    requestId: "evil",
    request: { connection: "acme-test", method: "GET", path: "/me", query: [], headers: [],
               body: { kind: "none" }, vars: {} }
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_cannot_choose_which_file_is_read_or_written() {
    let api = ApiServer::start();
    let base = api.base_url();
    let Some(session) = session::open_with(
        "the_page_cannot_choose_which_file_is_read_or_written",
        |dir| support::seed::api_key_connection(dir, &base, KEY),
    )
    .await
    else {
        return;
    };
    let w = &session.window;
    find(w, "type-row", LOAD).await;
    let home = session.files.join("home");
    std::fs::create_dir_all(&home).expect("create the home folder");
    let openapi = home.join("private-openapi.yaml");
    std::fs::write(&openapi, openapi_doc(MARKER)).expect("write a private document");
    let bundle = home.join("private.patchbay.json");
    std::fs::write(&bundle, private_bundle(&session.data_dir)).expect("write a private bundle");
    let notes = home.join("notes.txt");
    std::fs::write(&notes, "mine").expect("write a file to overwrite");
    let bashrc = home.join(".bashrc");
    let js = |p: &Path| serde_json::to_string(&p.display().to_string()).expect("a JSON string");

    // Write: a saved body and an export, each to a path the page chose.
    let sent = invoke(w, "send_request", EVIL_REQUEST).await;
    assert!(
        sent.starts_with("ok"),
        "the page may send a request: {sent}"
    );
    for target in [&bashrc, &notes] {
        let saved = invoke(
            w,
            "save_body",
            &format!(r#"{{requestId: "evil", path: {}}}"#, js(target)),
        )
        .await;
        assert_eq!(
            saved, "ok null",
            "save_body took no path, the dialog was cancelled"
        );
        let exported = invoke(
            w,
            "export_types",
            &format!(
                r#"{{slugs: ["acme-local"], format: "bundle", path: {}}}"#,
                js(target)
            ),
        )
        .await;
        assert_eq!(
            exported, "ok null",
            "export_types took no path, the dialog was cancelled"
        );
    }
    assert!(!bashrc.exists(), "the page wrote a file of its choosing");
    assert_eq!(std::fs::read_to_string(&notes).expect("notes"), "mine");
    // The dialogs the page made Rust open offered Rust's own file names, not the page's path.
    let asked = session.dialogs_asked();
    let names: Vec<_> = asked.iter().map(|d| d["file_name"].clone()).collect();
    assert_eq!(
        names,
        [
            "response.json",
            "acme-local.patchbay.json",
            "response.json",
            "acme-local.patchbay.json"
        ]
        .map(serde_json::Value::from)
        .to_vec(),
        "{asked:?}"
    );

    // Read: an OpenAPI document and an import source, each from a path the page chose.
    for target in [js(&openapi), js(&bundle), "\"/etc/passwd\"".to_string()] {
        let read = invoke(w, "read_openapi", &format!("{{path: {target}}}")).await;
        assert_eq!(read, "ok null", "read_openapi took no path: {read}");
        for source in [
            format!(r#"{{kind: "file", path: {target}}}"#),
            format!(r#"{{kind: "picked", token: "x", path: {target}}}"#),
            format!(r#"{{kind: "picked", token: {target}}}"#),
            format!(r#"{{kind: "dropped", name: "a.json", text: "{{}}", path: {target}}}"#),
        ] {
            for command in ["preview_import", "apply_import"] {
                let args = format!(r#"{{source: {source}, format: "auto", policy: "replace"}}"#);
                let outcome = invoke(w, command, &args).await;
                assert!(
                    outcome.starts_with("refused"),
                    "{command} with {source}: {outcome}"
                );
                assert!(
                    !outcome.contains(MARKER) && !outcome.contains("root:"),
                    "{outcome}"
                );
            }
        }
    }
    let pb = Patchbay::open(OpenOptions::new(session.data_dir.clone())).expect("open");
    assert!(
        pb.get_type(MARKER).is_err(),
        "the private bundle was imported"
    );
    for response in probe::responses(w).await {
        assert!(!response.contains(MARKER), "the page received: {response}");
    }

    // The normal ways still work: the buttons, the dialog's answer.
    click(w, "nav-tester", UPDATE).await;
    fill(w, "tester-path", "/me", UPDATE).await;
    click(w, "send", UPDATE).await;
    text_contains(w, "response-status", "200", LOAD).await;
    let saved = session.files.join("response.json");
    session.answer_next_dialog(&saved.display().to_string());
    click(w, "save-body", UPDATE).await;
    text_contains(w, "save-result", "response.json", UPDATE).await;
    let body = std::fs::read_to_string(&saved).expect("the saved body");
    assert!(body.contains("x-api-key") && !body.contains(KEY), "{body}");

    click(w, "nav-catalog", UPDATE).await;
    click(w, "type-open", UPDATE).await;
    session.answer_next_dialog(&openapi.display().to_string());
    click(w, "import-schema", UPDATE).await;
    text_contains(
        w,
        "schema-summary",
        "private-openapi.yaml: 1 action added",
        UPDATE,
    )
    .await;

    session
        .window
        .clone()
        .quit()
        .await
        .expect("close the window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_connection_is_approved_only_by_its_owner_in_a_native_dialog() {
    let api = ApiServer::start();
    let base = api.base_url();
    let Some(session) = session::open_with(
        "a_paused_connection_is_approved_only_by_its_owner_in_a_native_dialog",
        |dir| {
            support::seed::api_key_connection(dir, &base, KEY);
            repoint(dir, "https://collector.attacker.example/api");
        },
    )
    .await
    else {
        return;
    };
    let w = &session.window;
    find(w, "type-row", LOAD).await;
    assert_eq!(status(&session), ConnectionStatus::Paused);

    // The page approves on its own, twice: the owner is asked each time and did not confirm.
    for _ in 0..2 {
        let outcome = invoke(w, "approve_connection", r#"{name: "acme-test"}"#).await;
        assert!(outcome.contains(r#""status":"paused""#), "{outcome}");
        assert_eq!(status(&session), ConnectionStatus::Paused);
    }
    let asked = session.dialogs_asked();
    assert_eq!(asked.len(), 2, "{asked:?}");
    let question = &asked[0];
    assert_eq!(question["kind"], "confirm");
    assert_eq!(question["answer"], "cancelled");
    let message = question["message"].as_str().expect("a message");
    assert!(
        question["title"]
            .as_str()
            .is_some_and(|t| t.contains("acme-test"))
            && message.contains("https://collector.attacker.example (the API)"),
        "the question names the connection and the new host: {question}"
    );

    // Through the button: declined, still paused; confirmed, approved.
    click(w, "nav-connections", UPDATE).await;
    session.answer_next_dialog("no");
    click(w, "connection-approve", UPDATE).await;
    text_contains(w, "connection-notice", "Still paused", UPDATE).await;
    assert_eq!(status(&session), ConnectionStatus::Paused);
    session.answer_next_dialog("yes");
    click(w, "connection-approve", UPDATE).await;
    text_contains(w, "connection-notice", "Approved", UPDATE).await;
    assert_ne!(status(&session), ConnectionStatus::Paused);

    session
        .window
        .clone()
        .quit()
        .await
        .expect("close the window");
}

fn status(session: &Session) -> ConnectionStatus {
    Patchbay::open(OpenOptions::new(session.data_dir.clone()))
        .expect("open the data folder")
        .get_connection("acme-test")
        .expect("the connection")
        .status
}

/// Imports a bundle that moves `acme-local` to `base_url`, which pauses its connection.
fn repoint(dir: &Path, base_url: &str) {
    let pb = Patchbay::open(OpenOptions::new(dir.to_path_buf())).expect("open data dir");
    let mut def = pb.get_type("acme-local").expect("the type").def;
    def.base_url = base_url.into();
    let text = patchbay_core::bundle::write_bundle(&[&def]).expect("a bundle");
    pb.import(
        "moved.patchbay.json",
        &text,
        patchbay_core::import::ImportFormat::Auto,
        ConflictPolicy::Replace,
        false,
    )
    .expect("import the re-pointed type");
}

/// A bundle with a type whose slug is [`MARKER`].
fn private_bundle(data_dir: &Path) -> String {
    let pb = Patchbay::open(OpenOptions::new(data_dir.to_path_buf())).expect("open data dir");
    let mut def = pb.get_type("acme-local").expect("the type").def;
    def.slug = MARKER.into();
    patchbay_core::bundle::write_bundle(&[&def]).expect("a bundle")
}

/// A small OpenAPI document titled `title`.
fn openapi_doc(title: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo:\n  title: {title}\n  version: '1'\nservers:\n  - url: https://api.example.com\npaths:\n  /me:\n    get:\n      operationId: who_am_i\n      responses:\n        '200':\n          description: ok\n"
    )
}
