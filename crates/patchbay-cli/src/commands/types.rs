//! `patchbay types …`

use anyhow::Result;
use patchbay_core::bundle::parse_definition;
use patchbay_core::model::{IntegrationType, Origin};
use patchbay_core::Patchbay;

use super::read_input;
use crate::cli::TypesCommand;
use crate::output;

pub fn run(pb: &Patchbay, cmd: TypesCommand) -> Result<()> {
    match cmd {
        TypesCommand::List(flag) => list(pb, flag.json),
        TypesCommand::Show { slug } => output::json(&pb.get_type(&slug)?),
        TypesCommand::Create { file, json } => {
            let (name, text) = read_input(&file)?;
            let t = pb.create_type(parse_definition(&name, &text)?)?;
            report(&t, "created", json.json)
        }
        TypesCommand::Edit { slug, file, json } => {
            let (name, text) = read_input(&file)?;
            let t = pb.update_type(&slug, parse_definition(&name, &text)?)?;
            report(&t, "updated", json.json)
        }
        TypesCommand::Duplicate {
            slug,
            new_slug,
            json,
        } => {
            let t = pb.duplicate_type(&slug, new_slug.as_deref())?;
            report(&t, "created", json.json)
        }
        TypesCommand::Delete { slug, force } => {
            pb.delete_type(&slug, force)?;
            println!("deleted integration type '{slug}'");
            Ok(())
        }
    }
}

fn report(t: &IntegrationType, verb: &str, json: bool) -> Result<()> {
    if json {
        return output::json(t);
    }
    println!("{verb} integration type '{}' ({})", t.def.slug, t.id);
    Ok(())
}

fn list(pb: &Patchbay, json: bool) -> Result<()> {
    let types = pb.list_types()?;
    if json {
        return output::json(&types);
    }
    if types.is_empty() {
        println!("No integration types yet. Create one with `patchbay types create --file TYPE.json` or import a bundle with `patchbay import FILE`.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = types
        .iter()
        .map(|t| {
            let mut flags = Vec::new();
            if t.origin == Origin::Imported {
                flags.push("imported");
            }
            if !t.editable {
                flags.push("read-only");
            }
            if t.has_oauth {
                flags.push("oauth");
            }
            if t.is_mcp {
                flags.push("mcp");
            }
            vec![
                t.slug.clone(),
                t.display_name.clone(),
                t.auth_types
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                t.connection_count.to_string(),
                flags.join(" "),
            ]
        })
        .collect();
    output::table(&["SLUG", "NAME", "AUTH", "CONNECTIONS", "FLAGS"], &rows);
    Ok(())
}
