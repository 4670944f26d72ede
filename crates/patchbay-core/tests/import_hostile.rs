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

/// The most memory this test process has used so far (VmHWM), in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kib * 1024
}

const MEMORY_BOUND: u64 = 1024 * 1024 * 1024;

/// `n` copies of `item`, comma-separated (a flow list's contents).
fn repeat(item: &str, n: usize) -> String {
    vec![item; n].join(",")
}

/// "Billion laughs" documents of a few kilobytes, in the shapes that defeat a limit on how many
/// aliases are followed: wide anchors referenced many times, one long string repeated, the
/// classic nine levels of nine.
fn yaml_bombs() -> Vec<(&'static str, String)> {
    let head =
        "openapi: 3.0.0\ninfo: {title: Bomb}\nservers: [{url: 'https://b.example'}]\npaths: {}\n";
    let mut classic = format!("{head}x-0: &a0 [{}]\n", repeat("lol", 9));
    for i in 1..10 {
        classic.push_str(&format!(
            "x-{i}: &a{i} [{}]\n",
            repeat(&format!("*a{}", i - 1), 9)
        ));
    }
    vec![
        (
            "wide",
            format!(
                "{head}x-a: &a [{}]\nx-b: &b [{}]\nx-c: [{}]\n",
                repeat("x", 2000),
                repeat("*a", 2000),
                repeat("*b", 2000)
            ),
        ),
        (
            "wide mapping",
            format!(
                "{head}x-a: &a {{{}}}\nx-b: &b [{}]\nx-c: {{{}}}\n",
                (0..1500)
                    .map(|i| format!("k{i}: v"))
                    .collect::<Vec<_>>()
                    .join(", "),
                repeat("*a", 1500),
                (0..1500)
                    .map(|i| format!("c{i}: *b"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (
            "long string",
            format!(
                "{head}x-s: &s {}\nx-l: &l [{}]\nx-m: [{}]\n",
                "z".repeat(16 * 1024),
                repeat("*s", 1000),
                repeat("*l", 1000)
            ),
        ),
        ("classic", classic),
    ]
}

#[test]
fn yaml_alias_bombs_are_refused_in_every_format_within_a_memory_bound() {
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    for (shape, text) in yaml_bombs() {
        assert!(text.len() < 40 * 1024, "{shape}: {} bytes", text.len());
        for (i, format) in [
            ImportFormat::Auto,
            ImportFormat::Openapi,
            ImportFormat::Bundle,
            ImportFormat::Postman,
            ImportFormat::Scalekit,
        ]
        .into_iter()
        .enumerate()
        {
            let started = std::time::Instant::now();
            let err = pb
                .import("bomb.yaml", &text, format, ConflictPolicy::Fail, i % 2 == 0)
                .expect_err("refused")
                .to_string();
            assert!(
                err.contains("bomb.yaml") && err.contains("too many alias expansions"),
                "{shape} as {format:?}: {err}"
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "{shape}: {:?}",
                started.elapsed()
            );
        }
        // The window's import preview (a dropped file) and its OpenAPI schema import read
        // documents through the same parser.
        let dropped = patchbay_core::desktop::ImportSource::Dropped {
            name: "bomb.yaml".into(),
            text: text.clone(),
        };
        let err = patchbay_core::desktop::preview_import(
            &pb,
            &patchbay_core::desktop::PickedFiles::new(),
            &dropped,
            ImportFormat::Auto,
            ConflictPolicy::Fail,
        )
        .expect_err("refused")
        .to_string();
        assert!(err.contains("too many alias expansions"), "{shape}: {err}");
        let file = dir.path().join("bomb.yaml");
        std::fs::write(&file, &text).unwrap();
        let err = patchbay_core::desktop::SchemaImport::read(&file)
            .expect_err("refused")
            .to_string();
        assert!(err.contains("too many alias expansions"), "{shape}: {err}");
        assert!(
            peak_memory() < MEMORY_BOUND,
            "{shape}: {} MB",
            peak_memory() >> 20
        );
    }
    assert!(pb.list_types().unwrap().is_empty(), "nothing was stored");
}

/// An OpenAPI document whose one operation posts `schema` (with `components.schemas` given).
fn openapi_posting(schemas: &str, schema: &str) -> String {
    format!(
        "openapi: 3.0.0\ninfo: {{title: Rec}}\nservers: [{{url: 'https://r.example'}}]\ncomponents:\n  schemas:\n{schemas}paths:\n  /r:\n    post:\n      requestBody: {{content: {{application/json: {{schema: {schema}}}}}}}\n"
    )
}

/// `n` properties `{prefix}1…` each being `value`, as a YAML flow mapping.
fn properties(prefix: &str, n: usize, value: &str) -> String {
    let list: Vec<String> = (1..=n).map(|i| format!("{prefix}{i}: {value}")).collect();
    format!("{{{}}}", list.join(", "))
}

#[test]
fn self_referencing_schemas_get_bounded_example_bodies() {
    let node = "{$ref: '#/components/schemas/Node'}";
    let cases: Vec<(&str, String)> = vec![
        // 30 properties referring to their own schema: 30⁶ values followed blindly.
        (
            "properties",
            format!("    Node: {{type: object, properties: {}}}\n", properties("p", 30, node)),
        ),
        (
            "allOf",
            format!("    Node: {{allOf: [{{type: object, properties: {}}}]}}\n", properties("p", 30, node)),
        ),
        (
            "items",
            format!(
                "    Node: {{type: object, properties: {}}}\n",
                properties("p", 30, &format!("{{type: array, items: {node}}}"))
            ),
        ),
        (
            "additionalProperties",
            format!(
                "    Node: {{type: object, additionalProperties: {node}, properties: {}}}\n",
                properties("p", 30, node)
            ),
        ),
        (
            "mutual A→B→A",
            format!(
                "    Node: {{type: object, properties: {}}}\n    Other: {{type: object, properties: {}}}\n",
                properties("a", 30, "{$ref: '#/components/schemas/Other'}"),
                properties("b", 30, node)
            ),
        ),
        (
            "deep finite chain",
            (0..8)
                .map(|i| {
                    let next = if i == 7 {
                        "{type: string}".to_string()
                    } else {
                        format!("{{$ref: '#/components/schemas/S{}'}}", i + 1)
                    };
                    let name = if i == 0 { "Node".to_string() } else { format!("S{i}") };
                    format!("    {name}: {{type: object, properties: {}}}\n", properties("p", 30, &next))
                })
                .collect(),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let pb = support::open(dir.path());
    for (shape, schemas) in &cases {
        let text = openapi_posting(schemas, node);
        assert!(text.len() < 16 * 1024, "{shape}: {} bytes", text.len());
        let started = std::time::Instant::now();
        let converted = patchbay_core::import::convert("rec.yaml", &text, ImportFormat::Openapi)
            .unwrap_or_else(|e| panic!("{shape}: {e}"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{shape}"
        );
        let body = converted.defs[0].actions[0]
            .body
            .as_ref()
            .unwrap_or_else(|| panic!("{shape}: a body"));
        assert!(
            body.template.len() <= 256 * 1024,
            "{shape}: {}",
            body.template.len()
        );
        let example: serde_json::Value = serde_json::from_str(&body.template).unwrap();
        assert!(example.is_object(), "{shape}: {example}");
        if *shape == "properties" {
            // The repeated $ref stops the recursion at once.
            assert_eq!(example["p1"], serde_json::Value::Null, "{example}");
            assert_eq!(example.as_object().unwrap().len(), 30);
        }
        if shape.starts_with("mutual") {
            assert!(
                example["a1"].is_object() && example["a1"]["b1"].is_null(),
                "{example}"
            );
        }
        // The window's schema import gives the same bounded body.
        let file = dir.path().join("rec.yaml");
        std::fs::write(&file, &text).unwrap();
        let schema = patchbay_core::desktop::SchemaImport::read(&file).unwrap();
        assert_eq!(schema.actions[0].body.as_ref(), Some(body), "{shape}");
        pb.import(
            "rec.yaml",
            &text,
            ImportFormat::Auto,
            ConflictPolicy::Replace,
            false,
        )
        .unwrap_or_else(|e| panic!("{shape}: {e}"));
        assert!(
            peak_memory() < MEMORY_BOUND,
            "{shape}: {} MB",
            peak_memory() >> 20
        );
    }
    // A fan-out too large for one example is cut short, with a note.
    let text = openapi_posting(&cases[5].1, node);
    let converted =
        patchbay_core::import::convert("rec.yaml", &text, ImportFormat::Openapi).unwrap();
    assert!(
        converted
            .notes
            .iter()
            .any(|n| n.message.contains("cut short")),
        "{:?}",
        converted.notes
    );
}

#[test]
fn one_large_example_referenced_by_every_operation_is_bounded() {
    // A 300 KB example, on a shared schema and on a shared request body, each used by 200
    // operations: 240 MB of bodies if copied into every action.
    let big = format!(
        "[{}]",
        repeat(
            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
            5000
        )
    );
    let mut text = format!(
        "{{\"openapi\": \"3.0.0\", \"info\": {{\"title\": \"Big\"}}, \"servers\": [{{\"url\": \"https://b.example\"}}], \"components\": {{\"schemas\": {{\"Big\": {{\"type\": \"array\", \"example\": {big}}}}}, \"requestBodies\": {{\"Big\": {{\"content\": {{\"application/json\": {{\"example\": {big}}}}}}}}}}}, \"paths\": {{"
    );
    let ops: Vec<String> = (0..400)
        .map(|i| {
            let body = if i % 2 == 0 {
                r##"{"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Big"}}}}"##
            } else {
                r##"{"$ref": "#/components/requestBodies/Big"}"##
            };
            format!("\"/r{i}\": {{\"post\": {{\"requestBody\": {body}}}}}")
        })
        .collect();
    text.push_str(&ops.join(","));
    text.push_str("}}");
    let converted =
        patchbay_core::import::convert("big.json", &text, ImportFormat::Openapi).expect("bounded");
    let total: usize = converted.defs[0]
        .actions
        .iter()
        .filter_map(|a| a.body.as_ref())
        .map(|b| b.template.len())
        .sum();
    assert!(total < 16 * 1024 * 1024, "{total} bytes of bodies");
    for said in ["cut short", "not kept"] {
        assert!(
            converted.notes.iter().any(|n| n.message.contains(said)),
            "{said}: {:?}",
            &converted.notes[..3]
        );
    }
    // Many more operations than that add up past the document's budget: refused, not stored.
    let many: Vec<String> = (0..300)
        .map(|i| format!("\"/m{i}\": {{\"post\": {{\"requestBody\": {{\"$ref\": \"#/components/requestBodies/Big\"}}}}}}"))
        .collect();
    let text = format!("{},{}}}}}", &text[..text.len() - 2], many.join(","));
    let err = patchbay_core::import::convert("big.json", &text, ImportFormat::Openapi)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("big.json") && err.contains("example bodies add up"),
        "{err}"
    );
}
