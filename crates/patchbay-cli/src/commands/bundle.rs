//! `patchbay import` and `patchbay export`.

use anyhow::{Context, Result};
use patchbay_core::import::{ImportFormat, NoteKind};
use patchbay_core::{ConflictPolicy, ImportAction, Patchbay};

use super::read_input;
use crate::cli::{ExportArgs, ExportFormatArg, ImportArgs, ImportFormatArg, OnConflict};
use crate::output;

pub fn import(pb: &Patchbay, args: ImportArgs) -> Result<()> {
    let policy = match args.on_conflict {
        OnConflict::Fail => ConflictPolicy::Fail,
        OnConflict::Skip => ConflictPolicy::Skip,
        OnConflict::Replace => ConflictPolicy::Replace,
        OnConflict::Rename => ConflictPolicy::Rename,
    };
    if let Some(curl) = &args.curl {
        return import_curl(pb, curl, &args, policy);
    }
    let file = args.file.clone().context("a file to import, or --curl")?;
    let (name, text) = read_input(&file)?;
    let format = match args.format {
        ImportFormatArg::Auto => ImportFormat::Auto,
        ImportFormatArg::Bundle => ImportFormat::Bundle,
        ImportFormatArg::Scalekit => ImportFormat::Scalekit,
        ImportFormatArg::Openapi => ImportFormat::Openapi,
        ImportFormatArg::Postman => ImportFormat::Postman,
    };
    let report = pb.import(&name, &text, format, policy, args.dry_run)?;
    print_report(&report, args.json.json)
}

/// `import --curl`: the command from stdin (`-`), a file (`@FILE`) or the argument itself.
fn import_curl(pb: &Patchbay, curl: &str, args: &ImportArgs, policy: ConflictPolicy) -> Result<()> {
    let (source, command, in_argv) = if curl == "-" {
        let (_, text) = read_input(std::path::Path::new("-"))?;
        ("<stdin>".to_string(), text, false)
    } else if let Some(path) = curl.strip_prefix('@') {
        let (name, text) = read_input(std::path::Path::new(path))?;
        (name, text, false)
    } else {
        ("the --curl command".to_string(), curl.to_string(), true)
    };
    let (report, found) = pb.import_curl(&source, &command, policy, args.dry_run)?;
    print_report(&report, args.json.json)?;
    let Some(item) = report.items.first() else {
        return Ok(());
    };
    let keys: Vec<String> = found.secrets.keys().cloned().collect();
    if keys.is_empty() {
        return Ok(());
    }
    if in_argv {
        eprintln!("warning: the command line held a credential ({}); it may be in your shell history. Prefer `--curl -` or `--curl @FILE`.", keys.join(", "));
    }
    match (&args.connect, args.dry_run) {
        (Some(name), false) => {
            let c = pb.connect(patchbay_core::ConnectRequest {
                type_slug: item.stored_as.clone(),
                name: name.clone(),
                auth_type: None,
                fields: found.fields,
                secrets: found.secrets,
            })?;
            eprintln!(
                "connected '{}' with the credential from the command ({}); variable {}",
                c.name,
                keys.join(", "),
                c.env_name
            );
        }
        _ => eprintln!(
            "the command carried a credential ({}), which the type does not keep: store it with `patchbay import --curl … --connect NAME`, or `patchbay connect {} --name NAME{}`",
            keys.join(", "),
            item.stored_as,
            keys.iter().map(|k| format!(" --secret {k}")).collect::<String>()
        ),
    }
    Ok(())
}

fn print_report(report: &patchbay_core::ImportReport, json: bool) -> Result<()> {
    if json {
        return output::json(report);
    }
    for note in &report.notes {
        let kind = match note.kind {
            NoteKind::Mapped => "note",
            NoteKind::Dropped => "dropped",
        };
        eprintln!("{kind}: {}: {}", note.path, note.message);
    }
    for item in &report.items {
        let what = match item.action {
            ImportAction::Create => "new".to_string(),
            ImportAction::Unchanged => "unchanged".to_string(),
            ImportAction::Replace => format!("replaced ({})", item.changed_fields.join(", ")),
            ImportAction::Skip => format!("skipped, differs in {}", item.changed_fields.join(", ")),
            ImportAction::Rename => format!("imported as '{}'", item.stored_as),
            ImportAction::Conflict => "conflict".to_string(),
        };
        println!("{:<32} {what}", item.slug);
        for paused in &item.paused_connections {
            println!("    connection {paused}");
        }
    }
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    println!(
        "{verb} {} new, {} replaced, {} renamed, {} unchanged, {} skipped from {} ({})",
        report.count(ImportAction::Create),
        report.count(ImportAction::Replace),
        report.count(ImportAction::Rename),
        report.count(ImportAction::Unchanged),
        report.count(ImportAction::Skip),
        report.source,
        report.format.as_str()
    );
    Ok(())
}

pub fn export(pb: &Patchbay, args: ExportArgs) -> Result<()> {
    let render = |slugs: &[String]| match args.format {
        ExportFormatArg::Bundle => pb.export_bundle(slugs),
        ExportFormatArg::Scalekit => pb.export_scalekit(slugs),
    };
    if let Some(dir) = &args.split {
        let slugs: Vec<String> = if args.slugs.is_empty() {
            pb.list_types()?.into_iter().map(|t| t.slug).collect()
        } else {
            args.slugs.clone()
        };
        // Every file is rendered (and scanned for secrets) before the first one is written.
        let files = slugs
            .iter()
            .map(|slug| Ok((slug, render(std::slice::from_ref(slug))?)))
            .collect::<Result<Vec<_>>>()?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let suffix = match args.format {
            ExportFormatArg::Bundle => "bundle.json",
            ExportFormatArg::Scalekit => "scalekit.json",
        };
        for (slug, text) in &files {
            patchbay_core::files::write_atomically(
                &dir.join(format!("{slug}.{suffix}")),
                text.as_bytes(),
            )?;
        }
        eprintln!("wrote {} file(s) into {}", files.len(), dir.display());
        return Ok(());
    }
    let text = render(&args.slugs)?;
    match args.output {
        None => print!("{text}"),
        Some(path) => {
            patchbay_core::files::write_atomically(&path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}
