//! Hostile and broken inputs to every importer: each is a clear error that names the file (and,
//! where it applies, the JSON path), nothing panics, and nothing is stored.

mod support;

use patchbay_core::import::ImportFormat;
use patchbay_core::ConflictPolicy;

fn bundle_of(entry: &str) -> String {
    format!(r#"{{"format": "patchbay.bundle", "version": 1, "integrations": [{entry}]}}"#)
}

#[test]
fn every_broken_input_is_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    let good = r#"{"slug": "a", "display_name": "A", "base_url": "https://a.example", "auth_patterns": [{"type": "none"}]}"#;
    let cases: Vec<(String, &str)> = vec![
        // Truncated, in each format.
        (bundle_of(good)[..60].to_string(), "not valid JSON"),
        (r#"{"display_name": "X", "auth_patterns": [{"type": "API_"#.into(), "not valid JSON"),
        ("openapi: 3.0.0\ninfo:\n  title: [".into(), "not valid JSON or YAML"),
        (r#"{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"#.into(), "not valid JSON"),
        // Wrong types at every level.
        (r#"{"format": "patchbay.bundle", "version": "1", "integrations": []}"#.into(), "version"),
        (bundle_of(r#""a string""#), "integrations[0]"),
        (bundle_of(&good.replace(r#""slug": "a""#, r#""slug": 7"#)), "integrations[0].slug"),
        (bundle_of(&good.replace(r#"[{"type": "none"}]"#, r#"{"type": "none"}"#)), "integrations[0].auth_patterns"),
        (bundle_of(&good.replace(r#"{"type": "none"}"#, r#"{"type": "none", "fields": [{"field_name": 1}]}"#)), "integrations[0].auth_patterns[0].fields[0].field_name"),
        // Huge numbers.
        (r#"{"format": "patchbay.bundle", "version": 1e400, "integrations": []}"#.into(), "not valid JSON"),
        (r#"{"format": "patchbay.bundle", "version": 184467440737095516160, "integrations": []}"#.into(), "version"),
        // Duplicate slugs.
        (bundle_of(&format!("{good}, {good}")), "duplicate slug 'a'"),
        // Unknown versions.
        (r#"{"format": "patchbay.bundle", "version": 2, "integrations": []}"#.into(), "newer"),
        ("swagger: '1.2'\ninfo: {title: x}\n".into(), "Swagger 2.0"),
    ];
    for (text, expected) in &cases {
        let err = pb
            .import(
                "input.json",
                text,
                ImportFormat::Auto,
                ConflictPolicy::Fail,
                false,
            )
            .expect_err("refused")
            .to_string();
        assert!(
            err.contains("input.json") && err.contains(expected),
            "{text}\n=> {err}"
        );
    }
    // 100 MB: refused by size before parsing.
    let huge = format!("{{\"x\": \"{}\"}}", "a".repeat(100 * 1024 * 1024));
    let err = pb
        .import(
            "huge.json",
            &huge,
            ImportFormat::Auto,
            ConflictPolicy::Fail,
            false,
        )
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("huge.json") && err.contains("at most 64 MiB"),
        "{err}"
    );
    assert!(pb.list_types().unwrap().is_empty(), "nothing was stored");
}
