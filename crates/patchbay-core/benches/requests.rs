//! The request engine's overhead: 1,000 sequential GETs against a server on 127.0.0.1, through
//! the core (`request::execute` on a prepared bearer request: auth material, redirect loop,
//! timing probe, capped and masked body, hop records) versus bare reqwest with the same header
//! and the same kind of client. A third case adds what `patchbay request` does around it per
//! request: prepare (store, vault, render) and record (a history row, one SQLite transaction).
//!
//! Each iteration is the whole run of 1,000 requests on one current-thread runtime, so the
//! medians compare directly. Results go to docs/BENCHMARKS.md ("Request engine").

#[path = "../tests/support/server.rs"]
mod server;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use patchbay_core::model::IntegrationDef;
use patchbay_core::request::{execute, CancellationToken, ExecuteOptions, MadeBy, RequestSpec};
use patchbay_core::vault::VaultConfig;
use patchbay_core::{ConnectRequest, OpenOptions, Patchbay, Secret};
use serde_json::json;

const REQUESTS: usize = 1_000;
const TOKEN: &str = "tok_bench_0123456789abcdef";

fn setup(base_url: &str, dir: &std::path::Path) -> Patchbay {
    let pb = Patchbay::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        vault: VaultConfig {
            passphrase: Some(Secret::new("bench")),
            prompt: None,
            use_keyring: false,
        },
    })
    .expect("open");
    let def: IntegrationDef = serde_json::from_value(json!({
        "slug": "bench", "display_name": "Bench", "base_url": base_url,
        "auth_patterns": [{"type": "bearer",
            "fields": [{"field_name": "token", "input_type": "password", "required": true}]}]
    }))
    .expect("definition");
    pb.create_type(def).expect("create");
    pb.connect(ConnectRequest {
        type_slug: "bench".into(),
        name: "bench".into(),
        auth_type: None,
        fields: Default::default(),
        secrets: [("token".to_string(), Secret::new(TOKEN))]
            .into_iter()
            .collect(),
    })
    .expect("connect");
    pb
}

fn requests(c: &mut Criterion) {
    let server = server::TestServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let pb = setup(&server.url(), dir.path());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = format!("{}/status/200", server.url());

    let mut group = c.benchmark_group("requests_1000_sequential");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(30));

    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    group.bench_function("bare_reqwest", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..REQUESTS {
                    let resp = bare
                        .get(&url)
                        .header("authorization", format!("Bearer {TOKEN}"))
                        .send()
                        .await
                        .expect("send");
                    black_box(resp.bytes().await.expect("body"));
                }
            })
        })
    });

    // The same, with the per-request time-out every Patchbay request has (a tokio timer).
    group.bench_function("bare_reqwest_with_timeout", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..REQUESTS {
                    let resp = bare
                        .get(&url)
                        .header("authorization", format!("Bearer {TOKEN}"))
                        .timeout(Duration::from_secs(30))
                        .send()
                        .await
                        .expect("send");
                    black_box(resp.bytes().await.expect("body"));
                }
            })
        })
    });

    let prepared = pb
        .prepare_request("bench", RequestSpec::new("GET", "/status/200"))
        .expect("prepare");
    let opts = ExecuteOptions::default();
    let cancel = CancellationToken::new();
    group.bench_function("core_execute", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..REQUESTS {
                    let outcome = execute(&prepared, &opts, &cancel).await;
                    assert!(outcome.is_success());
                    black_box(outcome);
                }
            })
        })
    });

    group.sample_size(10);
    group.bench_function("core_prepare_execute_record", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..REQUESTS {
                    let prepared = pb
                        .prepare_request("bench", RequestSpec::new("GET", "/status/200"))
                        .expect("prepare");
                    let outcome = execute(&prepared, &opts, &cancel).await;
                    pb.record_outcome(&prepared, &outcome, MadeBy::User)
                        .expect("record");
                }
            })
        })
    });
    group.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);
