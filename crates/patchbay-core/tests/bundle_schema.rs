//! docs/schema/bundle-v1.schema.json must be what the Rust types generate (`make schema`
//! rewrites it) and describes the bundle shape.

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema/bundle-v1.schema.json")
}

#[test]
fn the_committed_bundle_schema_is_current() {
    let generated = patchbay_core::bundle::bundle_schema();
    let path = committed_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale or missing: run `make schema` and commit it",
        path.display()
    );
}

#[test]
fn the_schema_describes_the_bundle_shape() {
    let schema: serde_json::Value =
        serde_json::from_str(&patchbay_core::bundle::bundle_schema()).expect("schema is JSON");
    let required = schema["required"].as_array().expect("required list");
    for key in ["format", "version", "integrations"] {
        assert!(required.iter().any(|k| k == key), "{key} is required");
    }
    let text = schema.to_string();
    for needle in [
        "auth_patterns",
        "oauth_config",
        "oauth2_client_credentials",
        "requires",
        "field_name",
    ] {
        assert!(text.contains(needle), "schema mentions {needle}");
    }
    assert!(
        !text.contains("client_secret\":{"),
        "no secret values in the schema"
    );
}
