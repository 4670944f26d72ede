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
        TypesCommand::Show { slug } => {
            let t = pb.get_type(&slug)?;
            output::json(&t)?;
            print_redirect_uris(&t.def);
            Ok(())
        }
        TypesCommand::Create { file, json } => {
            let (name, text) = read_input(&file)?;
            let t = pb.create_type(parse_definition(&name, &text)?)?;
            report(&t, "created", json.json)
        }
        TypesCommand::Edit { slug, file, json } => {
            let (name, text) = read_input(&file)?;
            let edit = pb.update_type_with_report(&slug, parse_definition(&name, &text)?)?;
            report(&edit.updated, "updated", json.json)?;
            // Under --json stdout stays the type alone; the pauses go to stderr.
            for paused in &edit.paused_connections {
                if json.json {
                    eprintln!("paused connection {paused}");
                } else {
                    println!("    paused connection {paused}");
                }
            }
            Ok(())
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

/// For each OAuth login pattern, the redirect URI to register with the provider (to stderr, so
/// stdout stays the type's JSON).
fn print_redirect_uris(def: &patchbay_core::model::IntegrationDef) {
    use patchbay_core::model::{AuthType, RedirectStyle};
    for p in def
        .auth_patterns
        .iter()
        .filter(|p| p.auth_type == AuthType::Oauth2AuthorizationCode)
    {
        let config = p.oauth_config.clone().unwrap_or_default();
        let loopback = match config.loopback_port {
            Some(port) => format!("http://127.0.0.1:{port}/oauth/callback"),
            None => "http://127.0.0.1/oauth/callback (any port, RFC 8252)".to_string(),
        };
        match config.redirect_style {
            RedirectStyle::DeepLink => eprintln!(
                "redirect URI to register: {} (the desktop app); {loopback} for `patchbay connect` in a terminal",
                patchbay_core::model::DEEP_LINK_REDIRECT_URI
            ),
            RedirectStyle::Loopback => eprintln!("redirect URI to register: {loopback}"),
        }
    }
}
