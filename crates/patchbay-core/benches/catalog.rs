//! Catalog at scale: importing a 10,000-type bundle into a fresh database, listing 10,000
//! types (warm), and exporting them. Results go to docs/BENCHMARKS.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use patchbay_core::vault::VaultConfig;
use patchbay_core::{ConflictPolicy, OpenOptions, Patchbay, Secret};
use serde_json::json;

const TYPES: usize = 10_000;

/// A bundle of `n` realistic types (two auth patterns, a templated base URL, two actions).
pub fn big_bundle(n: usize) -> String {
    let integrations: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "slug": format!("svc-{i:05}"),
                "display_name": format!("Service {i}"),
                "description": "An internal service used by the benchmark",
                "base_url": "https://{{domain}}/api/v1",
                "docs_url": "https://docs.example.com/",
                "auth_patterns": [
                    {"type": "api_key", "display_name": "API key",
                     "fields": [
                        {"field_name": "domain", "label": "Domain", "required": true},
                        {"field_name": "api_key", "label": "API key", "input_type": "password", "required": true}],
                     "api_key": {"in": "header", "name": "X-API-Key"}},
                    {"type": "basic", "fields": [
                        {"field_name": "domain", "label": "Domain", "required": true},
                        {"field_name": "username", "label": "User", "required": true},
                        {"field_name": "password", "label": "Password", "input_type": "password"}]}
                ],
                "actions": [
                    {"name": "list_items", "method": "GET", "path": "/items"},
                    {"name": "create_item", "method": "POST", "path": "/items",
                     "body": {"content_type": "application/json", "template": "{\"name\": \"x\"}"}}
                ]
            })
        })
        .collect();
    json!({"format": "patchbay.bundle", "version": 1, "integrations": integrations}).to_string()
}

fn open(dir: &std::path::Path) -> Patchbay {
    Patchbay::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        vault: VaultConfig {
            passphrase: Some(Secret::new("bench")),
            prompt: None,
            use_keyring: false,
        },
    })
    .expect("open")
}

fn catalog(c: &mut Criterion) {
    let text = big_bundle(TYPES);
    let mut group = c.benchmark_group("catalog_10k");
    group.sample_size(10);
    group.bench_function("import_10k_bundle", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |dir| {
                let pb = open(dir.path());
                pb.import_bundle("bench.json", &text, ConflictPolicy::Fail, false)
                    .expect("import");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let pb = open(dir.path());
    pb.import_bundle("bench.json", &text, ConflictPolicy::Fail, false)
        .expect("import");
    group.bench_function("list_10k_types_json", |b| {
        b.iter(|| black_box(serde_json::to_string(&pb.list_types().expect("list")).expect("json")))
    });
    group.bench_function("export_10k_types", |b| {
        b.iter(|| black_box(pb.export_bundle(&[]).expect("export")))
    });
    group.finish();
}

criterion_group!(benches, catalog);
criterion_main!(benches);
