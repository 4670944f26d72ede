//! The desktop window's operations (`patchbay_core::desktop`) against a real HTTP server on
//! 127.0.0.1 and real SQLite data folders: what the test request tool shows (masked, bodies paged
//! from Rust, cancel), the type editor's field-level errors, and import/export through files.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use patchbay_core::desktop::{
    self, BodyMode, ExportFormat, ImportSource, IpcError, Opener, PickedFiles, Tester, TesterBody,
    TesterRequest, TypeCheck,
};
use patchbay_core::import::ImportFormat;
use patchbay_core::model::{AuthType, IntegrationDef};
use patchbay_core::request::FailureKind;
use patchbay_core::{ConflictPolicy, ImportAction, Secret};
use support::server::TestServer;
use support::{assert_no_canary, connect, def_all_patterns, open, KeyIn, API_KEY};

fn opener(dir: &std::path::Path) -> Opener {
    Opener {
        data_dir: dir.to_path_buf(),
        passphrase: Some(Secret::new("correct horse battery staple")),
    }
}

/// The window's picked files: a path a native dialog returned, kept under a token.
static PICKS: std::sync::LazyLock<PickedFiles> = std::sync::LazyLock::new(PickedFiles::new);

/// `path` as the window sends it after the person picked it: a token, never the path.
fn src(path: &std::path::Path) -> ImportSource {
    ImportSource::Picked {
        token: PICKS.keep(path.to_path_buf()).token,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn request(connection: &str, method: &str, path: &str) -> TesterRequest {
    TesterRequest {
        connection: connection.into(),
        method: method.into(),
        path: path.into(),
        query: Vec::new(),
        headers: Vec::new(),
        body: TesterBody::None,
        action: None,
        vars: BTreeMap::new(),
    }
}

/// A data folder with an API-key connection `acme-key` pointing at `server`.
fn setup(server: &TestServer) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let pb = open(dir.path());
    pb.create_type(def_all_patterns(
        "acme",
        &format!("{}/api", server.url()),
        KeyIn::XApiKey,
    ))
    .expect("create type");
    connect(
        &pb,
        "acme",
        "acme-key",
        Some(AuthType::ApiKey),
        &[],
        &[("api_key", API_KEY)],
    );
    dir
}

#[test]
fn the_tester_sends_masked_and_pages_the_body_from_rust() {
    let server = TestServer::start();
    let dir = setup(&server);
    let tester = Tester::new();
    let mut req = request("acme-key", "POST", "/echo");
    req.body = TesterBody::Json {
        text: r#"{"hello": "world"}"#.into(),
    };
    let result = runtime()
        .block_on(tester.send(opener(dir.path()), "rq-1".into(), req))
        .expect("send");

    // The upstream got the key; nothing the window receives holds it.
    let got = server.received();
    assert_eq!(
        got.last().and_then(|r| r.header("x-api-key")),
        Some(API_KEY)
    );
    let json = serde_json::to_string(&result).expect("serialize");
    assert_no_canary("the tester's result", &json);

    let response = result.outcome.response.as_ref().expect("a response");
    assert_eq!(response.status, 200);
    assert!(
        response.body.data.is_empty(),
        "the body is paged, not sent whole"
    );
    let info = result.body.expect("body info");
    assert!(info.is_text && info.has_pretty && !info.too_large);

    let page = tester.page("rq-1", BodyMode::Pretty, 0, 500).expect("page");
    assert_eq!(page.total_lines, info.pretty_lines);
    let text = page.lines.join("\n");
    assert!(text.contains("\"method\": \"POST\""), "{text}");
    assert!(text.contains("••••"), "the echoed key is masked: {text}");
    assert_no_canary("a body page", &text);

    let found = tester
        .search("rq-1", BodyMode::Pretty, "x-api-key")
        .expect("search");
    assert!(found.total >= 1);

    // Saved as shown (masked), atomically.
    let saved = dir.path().join("response.json");
    tester.save("rq-1", &saved).expect("save");
    let on_disk = std::fs::read_to_string(&saved).expect("read saved body");
    assert!(on_disk.contains("\"method\":\"POST\""));
    assert_no_canary("the saved body", &on_disk);

    // The request is in the connection's history.
    let pb = open(dir.path());
    let history = pb.history(Some("acme-key"), 10).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].method, "POST");
}

#[test]
fn a_20_mb_body_is_kept_whole_and_served_in_pages() {
    let server = TestServer::start();
    let dir = setup(&server);
    let tester = Tester::new();
    let bytes = 20 * 1024 * 1024;
    let result = runtime()
        .block_on(tester.send(
            opener(dir.path()),
            "big".into(),
            request("acme-key", "GET", &format!("/big?bytes={bytes}")),
        ))
        .expect("send");
    let response = result.outcome.response.as_ref().expect("response");
    assert_eq!(response.body.size, bytes as u64);
    assert!(!response.body.truncated, "20 MB is under the tester's cap");
    let info = result.body.expect("info");
    assert!(!info.too_large);
    let page = tester.page("big", BodyMode::Raw, 100, 50).expect("page");
    assert_eq!(page.lines.len(), 50);
    assert_eq!(page.total_lines, info.raw_lines);
}

#[test]
fn cancel_stops_a_request_in_flight() {
    let server = TestServer::start();
    let dir = setup(&server);
    let tester = std::sync::Arc::new(Tester::new());
    let rt = runtime();
    let sending = {
        let tester = tester.clone();
        let opener = opener(dir.path());
        rt.spawn(async move {
            tester
                .send(
                    opener,
                    "slow".into(),
                    request("acme-key", "GET", "/slow?ms=10000"),
                )
                .await
        })
    };
    // Wait until the request is in flight, then cancel it.
    let started = std::time::Instant::now();
    while !tester.cancel("slow") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never in flight"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let result = rt.block_on(sending).expect("join").expect("send");
    let error = result.outcome.error.expect("a failure");
    assert_eq!(error.kind, FailureKind::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(
        !tester.cancel("slow"),
        "an ended request cannot be cancelled"
    );
}

#[test]
fn the_preview_and_curl_line_are_masked_and_invalid_json_is_named() {
    let server = TestServer::start();
    let dir = setup(&server);
    let pb = open(dir.path());
    let req = request("acme-key", "GET", "/me");
    let preview = desktop::preview(&pb, &req).expect("preview");
    assert!(preview.url.ends_with("/api/me"), "{}", preview.url);
    let all = serde_json::to_string(&preview).expect("json");
    assert!(all.contains("••••"));
    assert_no_canary("the preview", &all);
    let curl = desktop::curl_masked(&pb, &req).expect("curl");
    assert!(curl.starts_with("curl"), "{curl}");
    assert_no_canary("copy as curl", &curl);

    let mut bad = request("acme-key", "POST", "/items");
    bad.body = TesterBody::Json {
        text: "{\"a\": }".into(),
    };
    let error = IpcError::from(desktop::preview(&pb, &bad).expect_err("invalid JSON"));
    assert!(error.message.contains("JSON"), "{}", error.message);
    assert!(server.received().is_empty(), "nothing was sent");
}

#[test]
fn editor_errors_carry_field_paths_and_deletes_name_dependents() {
    let server = TestServer::start();
    let dir = setup(&server);
    let pb = open(dir.path());
    let mut def: IntegrationDef = def_all_patterns("broken", "ftp://{{domain}}/x", KeyIn::XApiKey);
    def.auth_patterns[1].api_key.as_mut().expect("api key").name = String::new();
    let check = TypeCheck::of(&def);
    assert_eq!(check.base_url_fields, vec!["domain".to_string()]);
    assert!(
        check.problems.iter().any(|p| p.path == "base_url"),
        "{check:?}"
    );

    let error = IpcError::from(pb.create_type(def).expect_err("invalid"));
    assert!(error.problems.iter().any(|p| p.path == "base_url"));
    assert!(
        error
            .problems
            .iter()
            .any(|p| p.path.starts_with("auth_patterns[1]")),
        "{:?}",
        error.problems
    );

    let error = IpcError::from(pb.delete_type("acme", false).expect_err("in use"));
    assert_eq!(error.dependents, vec!["acme-key".to_string()]);
}

#[test]
fn export_to_a_file_then_import_it_elsewhere_with_a_preview() {
    let server = TestServer::start();
    let dir = setup(&server);
    let pb = open(dir.path());
    let file = dir.path().join("acme.patchbay.json");
    let written = desktop::export_to_file(&pb, &["acme".into()], ExportFormat::Bundle, &file)
        .expect("export");
    assert_eq!(written, std::fs::metadata(&file).expect("file").len());
    assert_no_canary("the bundle", &std::fs::read_to_string(&file).expect("read"));

    let other = tempfile::tempdir().expect("tempdir");
    let pb2 = open(other.path());
    let preview = desktop::preview_import(
        &pb2,
        &PICKS,
        &src(&file),
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect("preview");
    assert!(preview.dry_run);
    assert_eq!(preview.items[0].action, ImportAction::Create);
    assert!(
        preview.items[0]
            .required_secrets
            .contains(&"api_key: api_key".to_string()),
        "{:?}",
        preview.items[0].required_secrets
    );
    assert!(
        pb2.list_types().expect("list").is_empty(),
        "a preview writes nothing"
    );

    desktop::apply_import(
        &pb2,
        &PICKS,
        &src(&file),
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect("import");
    assert_eq!(pb2.get_type("acme").expect("imported").def.slug, "acme");

    let missing = dir.path().join("missing.json");
    let error = desktop::preview_import(
        &pb2,
        &PICKS,
        &src(&missing),
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect_err("missing file");
    assert!(error.to_string().contains("missing.json"), "{error}");
}

#[test]
fn the_import_preview_lists_conflicts_that_applying_refuses() {
    let server = TestServer::start();
    let dir = setup(&server);
    let pb = open(dir.path());
    let file = dir.path().join("changed.patchbay.json");
    let mut def = pb.get_type("acme").expect("type").def;
    def.base_url = "https://elsewhere.example/api".into();
    std::fs::write(
        &file,
        patchbay_core::bundle::write_bundle(&[&def]).expect("bundle"),
    )
    .expect("write");
    let preview = desktop::preview_import(
        &pb,
        &PICKS,
        &src(&file),
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect("a preview, not a refusal");
    assert_eq!(preview.items[0].action, ImportAction::Conflict);
    assert!(preview.items[0]
        .changed_fields
        .contains(&"base_url".to_string()));
    let diff = &preview.items[0].field_diffs[0];
    assert_eq!(diff.path, "base_url");
    assert_eq!(
        diff.after.as_deref(),
        Some("\"https://elsewhere.example/api\"")
    );
    desktop::apply_import(
        &pb,
        &PICKS,
        &src(&file),
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect_err("fail refuses conflicts");
    let replace = desktop::preview_import(
        &pb,
        &PICKS,
        &src(&file),
        ImportFormat::Auto,
        ConflictPolicy::Replace,
    )
    .expect("preview");
    assert_eq!(replace.items[0].action, ImportAction::Replace);
    assert_eq!(replace.items[0].paused_connections.len(), 1);
}

/// Writes `def` as a bundle and imports it over the stored type, pausing its connections.
fn repoint(pb: &patchbay_core::Patchbay, dir: &std::path::Path, base_url: &str) {
    let mut def = pb.get_type("acme").expect("type").def;
    def.base_url = base_url.into();
    let file = dir.join(format!("repoint-{}.patchbay.json", base_url.len()));
    std::fs::write(
        &file,
        patchbay_core::bundle::write_bundle(&[&def]).expect("bundle"),
    )
    .expect("write");
    desktop::apply_import(
        pb,
        &PICKS,
        &src(&file),
        ImportFormat::Auto,
        ConflictPolicy::Replace,
    )
    .expect("replace");
}

#[test]
fn the_approval_prompt_names_the_new_host_and_approves_only_what_was_shown() {
    use patchbay_core::desktop::ApprovalPrompt;
    use patchbay_core::model::ConnectionStatus;
    let server = TestServer::start();
    let dir = setup(&server);
    let pb = open(dir.path());
    ApprovalPrompt::of(&pb, "acme-key").expect_err("not paused: nothing to ask");

    repoint(&pb, dir.path(), "https://collector.attacker.example/api");
    let prompt = ApprovalPrompt::of(&pb, "acme-key").expect("a prompt");
    assert!(prompt.title.contains("acme-key"), "{}", prompt.title);
    assert!(
        prompt
            .message
            .contains("https://collector.attacker.example (the API)"),
        "{}",
        prompt.message
    );

    // Re-pointed again while the dialog is open: the confirmation was for the old host.
    repoint(&pb, dir.path(), "https://other.attacker.example/api/v2");
    prompt.approve(&pb).expect_err("changed since shown");
    assert_eq!(
        pb.get_connection("acme-key").expect("connection").status,
        ConnectionStatus::Paused
    );

    let fresh = ApprovalPrompt::of(&pb, "acme-key").expect("a prompt");
    assert!(fresh.message.contains("https://other.attacker.example"));
    let approved = fresh.approve(&pb).expect("approved");
    assert_ne!(approved.status, ConnectionStatus::Paused);
}

#[test]
fn a_dropped_file_is_imported_from_its_text_with_the_same_limit() {
    let server = TestServer::start();
    let dir = setup(&server);
    let pb = open(dir.path());
    let text = pb.export_bundle(&["acme".into()]).expect("export");
    let other = tempfile::tempdir().expect("tempdir");
    let pb2 = open(other.path());
    let dropped = ImportSource::Dropped {
        name: "shared.patchbay.json".into(),
        text,
    };
    let report = desktop::apply_import(
        &pb2,
        &PICKS,
        &dropped,
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect("import");
    assert_eq!(report.source, "shared.patchbay.json");
    assert_eq!(
        pb2.get_type("acme")
            .expect("imported")
            .origin_source
            .as_deref(),
        Some("shared.patchbay.json")
    );

    let huge = ImportSource::Dropped {
        name: "huge.json".into(),
        text: " ".repeat(patchbay_core::import::MAX_IMPORT_BYTES + 1),
    };
    let error = desktop::preview_import(
        &pb2,
        &PICKS,
        &huge,
        ImportFormat::Auto,
        ConflictPolicy::Fail,
    )
    .expect_err("too large");
    assert!(
        error
            .to_string()
            .starts_with("huge.json: the file is 64 MiB"),
        "{error}"
    );
}

#[test]
fn the_first_screen_script_carries_the_catalog_and_no_secret() {
    let server = TestServer::start();
    let dir = setup(&server);
    let expected = open(dir.path()).list_types().expect("list");

    let script = desktop::FirstScreen::start(opener(dir.path()))
        .script()
        .expect("a small catalog is injected");
    let json = script
        .strip_prefix(&format!("window.{} = ", desktop::FIRST_SCREEN_GLOBAL))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("the script only defines the global");
    let injected: Vec<patchbay_core::model::TypeSummary> =
        serde_json::from_str(json).expect("the value is the catalog as JSON");
    assert_eq!(
        injected, expected,
        "the same summaries list_types answers over IPC"
    );
    assert_no_canary("the first-screen script", &script);

    // A catalog too large to be worth injecting is left to IPC.
    let many = vec![expected[0].clone(); desktop::FIRST_SCREEN_MAX_TYPES + 1];
    assert!(desktop::first_screen_script(&many).is_none());
    assert!(desktop::first_screen_script(&many[1..]).is_some());

    // A folder that cannot be opened injects nothing (the page asks over IPC and shows why).
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").expect("write");
    assert!(desktop::FirstScreen::start(Opener::new(file))
        .script()
        .is_none());
}
