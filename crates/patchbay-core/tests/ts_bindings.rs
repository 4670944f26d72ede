//! The UI's TypeScript types are generated from the Rust types that cross IPC, never written by
//! hand, so the web view and the core cannot drift apart silently.
//!
//! This test renders every IPC/model type with ts-rs and compares the result with the committed
//! files in `ui/src/bindings/`. A difference fails the test and names the stale file; run
//! `make bindings` (this test with `UPDATE_BINDINGS=1`) to rewrite them. The folder also gets an
//! `index.ts` re-exporting every type, and files no type produces any more are reported (and
//! removed on update).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use patchbay_core::agent::McpExchange;
use patchbay_core::desktop::{
    BodyInfo, BodyMode, BodyPage, BodySearch, ConnectForm, ExportFormat, ImportSource, IpcError,
    McpCall, McpProbe, McpToolInfo, PatternInputs, PickedFile, SavedFile, SchemaImport, TesterBody,
    TesterRequest, TesterResult, TypeCheck, VaultView,
};
use patchbay_core::import::{ImportFormat, ImportNote, NoteKind};
use patchbay_core::model::{
    Action, ActionBody, ActionParameter, ApiKeyConfig, ApiKeyLocation, AuthPattern, AuthType,
    ClientAuthStyle, Connection, ConnectionStatus, FieldMutation, FieldSpec, HeaderTemplate,
    HmacConfig, HmacEncoding, HttpMethod, InputType, IntegrationDef, IntegrationType, KeyValue,
    OAuthConfig, OAuthScope, OAuthTokenInfo, Origin, ParameterLocation, RedirectStyle,
    SecretSummary, TypeSummary,
};
use patchbay_core::oauth::{LoginReport, LoginStarted, OAuthLoginRequest};
use patchbay_core::request::{
    BodyEncoding, BodyPreview, CapturedBody, FailureKind, HeaderLine, HistoryEntry, Hop, HopTiming,
    MadeBy, Outcome, Purpose, RequestFailure, RequestPreview, ResponseCapture, Timing,
};
use patchbay_core::validate::Problem;
use patchbay_core::vault::{VaultMode, VaultStatus};
use patchbay_core::{ConflictPolicy, FieldDiff, ImportAction, ImportItem, ImportReport};
use ts_rs::{Config, TS};

/// Generated file name (`TypeSummary.ts`) → its contents.
type Rendered = BTreeMap<String, String>;

/// Every type the web view receives or will send, handed to `$m!` (rendered by [`render_all`],
/// their references checked by [`check_dependencies`]). A type referenced by one of these but
/// missing here makes the test fail, so the list cannot fall behind.
macro_rules! every_ipc_type {
    ($m:ident) => {
        $m!(
            TypeSummary,
            Connection,
            ConnectionStatus,
            OAuthTokenInfo,
            AuthType,
            SecretSummary,
            IntegrationType,
            IntegrationDef,
            AuthPattern,
            FieldSpec,
            InputType,
            ApiKeyConfig,
            ApiKeyLocation,
            HeaderTemplate,
            HmacConfig,
            HmacEncoding,
            FieldMutation,
            OAuthConfig,
            OAuthScope,
            ClientAuthStyle,
            RedirectStyle,
            Action,
            ActionBody,
            ActionParameter,
            HttpMethod,
            KeyValue,
            ParameterLocation,
            Origin,
            VaultStatus,
            VaultMode,
            OAuthLoginRequest,
            LoginStarted,
            LoginReport,
            IpcError,
            Problem,
            TypeCheck,
            SchemaImport,
            PickedFile,
            SavedFile,
            ImportNote,
            NoteKind,
            ConnectForm,
            TesterRequest,
            TesterBody,
            TesterResult,
            BodyInfo,
            BodyMode,
            BodyPage,
            BodySearch,
            Outcome,
            ResponseCapture,
            CapturedBody,
            BodyEncoding,
            Hop,
            HopTiming,
            Timing,
            RequestFailure,
            FailureKind,
            RequestPreview,
            HeaderLine,
            BodyPreview,
            HistoryEntry,
            MadeBy,
            Purpose,
            ImportReport,
            ImportItem,
            ImportAction,
            ImportFormat,
            ConflictPolicy,
            ExportFormat,
            VaultView,
            PatternInputs,
            FieldDiff,
            ImportSource,
            McpExchange,
            McpCall,
            McpProbe,
            McpToolInfo,
        )
    };
}

/// Renders [`every_ipc_type`] plus the index file.
fn render_all(cfg: &Config) -> Rendered {
    let mut out = Rendered::new();
    macro_rules! render {
        ($($ty:ty),* $(,)?) => {$(
            render_one::<$ty>(cfg, &mut out);
        )*};
    }
    every_ipc_type!(render);
    check_dependencies(cfg, &out);
    let index = index_file(&out);
    out.insert("index.ts".to_string(), index);
    out
}

fn render_one<T: TS + 'static>(cfg: &Config, out: &mut Rendered) {
    let name = file_name::<T>();
    let text = T::export_to_string(cfg)
        .unwrap_or_else(|e| panic!("ts-rs could not render {}: {e}", T::ident(cfg)));
    out.insert(name, text);
}

fn file_name<T: TS + 'static + ?Sized>() -> String {
    let path = T::output_path().expect("model types derive TS and can be exported");
    path.to_string_lossy().into_owned()
}

/// Fails when a rendered type imports a type that has no file of its own.
fn check_dependencies(cfg: &Config, out: &Rendered) {
    let mut missing = Vec::new();
    macro_rules! deps_of {
        ($($ty:ty),* $(,)?) => {$(
            for dep in <$ty as TS>::dependencies(cfg) {
                let file = dep.output_path.to_string_lossy().into_owned();
                if !out.contains_key(&file) {
                    missing.push(format!("{} (used by {})", dep.ts_name, stringify!($ty)));
                }
            }
        )*};
    }
    every_ipc_type!(deps_of);
    assert!(
        missing.is_empty(),
        "add these types to render_all in {}: {}",
        file!(),
        missing.join(", ")
    );
}

/// `export type { X } from "./X";` for every type, so the UI imports from one place.
fn index_file(out: &Rendered) -> String {
    let mut text = String::from("// Generated by crates/patchbay-core/tests/ts_bindings.rs; run `make bindings`. Do not edit.\n\n");
    for file in out.keys() {
        let name = file.trim_end_matches(".ts");
        text.push_str(&format!("export type {{ {name} }} from \"./{name}\";\n"));
    }
    text
}

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

fn committed_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ts"))
        .collect();
    names.sort();
    names
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let dir = bindings_dir();
    let cfg = Config::new()
        .with_out_dir(&dir)
        // serde_json writes 64-bit integers as JSON numbers, which JavaScript reads as `number`.
        .with_large_int("number");
    let rendered = render_all(&cfg);

    if std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).expect("create ui/src/bindings");
        for stale in committed_files(&dir) {
            if !rendered.contains_key(&stale) {
                std::fs::remove_file(dir.join(&stale)).expect("remove a stale binding");
                eprintln!("removed ui/src/bindings/{stale}");
            }
        }
        for (file, text) in &rendered {
            let path = dir.join(file);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
                std::fs::write(&path, text).expect("write a binding");
                eprintln!("wrote ui/src/bindings/{file}");
            }
        }
        return;
    }

    let mut problems = Vec::new();
    for (file, text) in &rendered {
        match std::fs::read_to_string(dir.join(file)) {
            Ok(committed) if &committed == text => {}
            Ok(_) => problems.push(format!("ui/src/bindings/{file} is stale")),
            Err(_) => problems.push(format!("ui/src/bindings/{file} is missing")),
        }
    }
    for file in committed_files(&dir) {
        if !rendered.contains_key(&file) {
            problems.push(format!(
                "ui/src/bindings/{file} matches no Rust type any more"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the TypeScript bindings differ from the Rust types:\n  {}\nrun `make bindings` to regenerate them",
        problems.join("\n  ")
    );
}
