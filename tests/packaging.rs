//! The Linux package's desktop entry: the OS starts Patchbay with a `patchbay://` link as its
//! argument only if the entry declares the scheme and passes the URL (`%u`). Checks the template
//! `tauri.conf.json` names, rendered the way the bundler renders it, with `desktop-file-validate`.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_deb_desktop_entry_handles_patchbay_links() {
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("tauri.conf.json")).unwrap())
            .expect("tauri.conf.json is JSON");
    assert_eq!(
        conf["plugins"]["deep-link"]["desktop"]["schemes"],
        serde_json::json!(["patchbay"])
    );
    let template = conf["bundle"]["linux"]["deb"]["desktopTemplate"]
        .as_str()
        .expect("a desktop template is configured");
    let text = std::fs::read_to_string(root().join(template)).expect("the template exists");

    // Render as tauri-bundler does: fill the variables, keep {{#if}} blocks that have a value.
    let rendered: String = text
        .lines()
        .filter(|l| !l.starts_with("{{#if") && !l.starts_with("{{/if"))
        .map(|l| {
            l.replace("{{categories}}", "Development;")
                .replace("{{comment}}", "Custom API integrations, local-first")
                .replace("{{exec}}", "patchbay-app")
                .replace("{{icon}}", "patchbay-app")
                .replace("{{name}}", "Patchbay")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        !rendered.contains("{{"),
        "every variable is known: {rendered}"
    );
    assert!(
        rendered.lines().any(|l| l == "Exec=patchbay-app %u"),
        "{rendered}"
    );
    assert!(
        rendered
            .lines()
            .any(|l| l.starts_with("MimeType=") && l.contains("x-scheme-handler/patchbay;")),
        "{rendered}"
    );

    let file = tempfile::Builder::new()
        .suffix(".desktop")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), &rendered).expect("write the entry");
    match Command::new("desktop-file-validate")
        .arg(file.path())
        .output()
    {
        Ok(out) => assert!(
            out.status.success() && out.stdout.is_empty(),
            "desktop-file-validate: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped desktop-file-validate ({e}); `make setup` installs desktop-file-utils"
            )
        }
        Err(e) => panic!("desktop-file-validate is needed in CI: {e}"),
    }
}
