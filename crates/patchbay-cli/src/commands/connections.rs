//! `patchbay connect` and `patchbay connections …`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use patchbay_core::model::AuthType;
use patchbay_core::{ConnectRequest, LoginStart, Patchbay, Secret};
use serde::Serialize;

use super::oauth;
use crate::cli::{ConnectArgs, ConnectionsCommand};
use crate::input::{read_secret_file, read_secrets};
use crate::output;

pub fn connect(pb: &Patchbay, args: ConnectArgs) -> Result<()> {
    let auth_type = match &args.auth {
        None => None,
        Some(name) => Some(AuthType::parse(name).with_context(|| {
            format!(
                "unknown auth pattern type '{name}'; one of: {}",
                AuthType::ALL.map(|a| a.as_str()).join(", ")
            )
        })?),
    };
    let mut fields = BTreeMap::new();
    for pair in &args.fields {
        let (k, v) = split_pair(pair, "--field")?;
        if fields.insert(k.to_string(), v.to_string()).is_some() {
            bail!("--field {k} is given twice");
        }
    }
    // Fail on a bad type, name or locked vault before asking anyone to type a secret.
    pb.pattern_for(&args.slug, auth_type)?;
    pb.unlock()?;
    let mut secrets: BTreeMap<String, Secret> = BTreeMap::new();
    for pair in &args.secret_files {
        let (k, path) = split_pair(pair, "--secret-file")?;
        insert_secret(&mut secrets, k, read_secret_file(k, &PathBuf::from(path))?)?;
    }
    let prompted = read_secrets(&args.secrets, &format!("'{}'", args.name))?;
    for (k, v) in args.secrets.iter().zip(prompted) {
        insert_secret(&mut secrets, k, v)?;
    }
    let pattern = pb.pattern_for(&args.slug, auth_type)?;
    let req = ConnectRequest {
        type_slug: args.slug,
        name: args.name,
        auth_type,
        fields,
        secrets,
    };
    let c = match pattern.auth_type {
        AuthType::Oauth2AuthorizationCode => {
            oauth::login(pb, LoginStart::New(req), Duration::from_secs(args.timeout))?
        }
        AuthType::Oauth2ClientCredentials => oauth::client_credentials(pb, req)?,
        _ => pb.connect(req)?,
    };
    if args.json.json {
        return output::json(&c);
    }
    println!(
        "connected '{}' to {} ({}); variable {}",
        c.name, c.type_slug, c.auth_type, c.env_name
    );
    Ok(())
}

pub fn run(pb: &Patchbay, cmd: ConnectionsCommand) -> Result<()> {
    match cmd {
        ConnectionsCommand::List(flag) => list(pb, flag.json),
        ConnectionsCommand::Show { name, json } => show(pb, &name, json.json),
        ConnectionsCommand::Rename { name, new_name } => {
            let c = pb.rename_connection(&name, &new_name)?;
            println!("renamed '{name}' to '{}'; variable {}", c.name, c.env_name);
            Ok(())
        }
        ConnectionsCommand::SetSecret {
            name,
            key,
            from_file,
        } => {
            pb.get_connection(&name)?;
            pb.unlock()?;
            let value = match from_file {
                Some(path) => read_secret_file(&key, &path)?,
                None => read_secrets(std::slice::from_ref(&key), &format!("'{name}'"))?.remove(0),
            };
            pb.set_secret(&name, &key, value)?;
            println!("replaced secret '{key}' of '{name}'");
            Ok(())
        }
        ConnectionsCommand::Approve { name } => {
            let c = pb.approve_connection(&name)?;
            println!("approved '{}'; status {}", c.name, c.status.as_str());
            Ok(())
        }
        ConnectionsCommand::AgentWrites { name, state } => {
            let c = pb.set_agent_writes(&name, state == crate::cli::OnOff::On)?;
            if c.agent_writes {
                println!(
                    "agents may now send writes (POST, PUT, PATCH, DELETE) through '{}'",
                    c.name
                );
            } else {
                println!(
                    "agents may only read (GET, HEAD, OPTIONS) through '{}'",
                    c.name
                );
            }
            Ok(())
        }
        ConnectionsCommand::Delete { name } => {
            if let Some(warning) = oauth::revoke(pb, &name)? {
                eprintln!("warning: the provider did not revoke the grant: {warning}");
            }
            pb.delete_connection(&name)?;
            println!("deleted connection '{name}' and its secrets");
            Ok(())
        }
        ConnectionsCommand::Reauthorize { name, timeout } => {
            let c = pb.get_connection(&name)?;
            pb.unlock()?;
            let c = match c.auth_type {
                AuthType::Oauth2AuthorizationCode => oauth::login(
                    pb,
                    LoginStart::Reauthorize(name),
                    Duration::from_secs(timeout),
                )?,
                AuthType::Oauth2ClientCredentials => oauth::refetch_client_credentials(pb, &name)?,
                other => bail!(
                    "connection '{name}' uses {other}, which has no login to renew; replace its secret with `patchbay connections set-secret`"
                ),
            };
            println!("re-authorized '{}'; status {}", c.name, c.status.as_str());
            Ok(())
        }
    }
}

fn list(pb: &Patchbay, json: bool) -> Result<()> {
    let conns = pb.list_connections()?;
    if json {
        return output::json(&conns);
    }
    if conns.is_empty() {
        println!("No connections yet. Connect one with `patchbay connect SLUG --name NAME --secret KEY`.");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = conns
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.type_slug.clone(),
                c.auth_type.to_string(),
                c.status.as_str().to_string(),
                c.env_name.clone(),
                c.last_used_at.clone().unwrap_or_else(|| "never".into()),
            ]
        })
        .collect();
    output::table(
        &["NAME", "TYPE", "AUTH", "STATUS", "VARIABLE", "LAST USED"],
        &rows,
    );
    Ok(())
}

#[derive(Serialize)]
struct ShownConnection {
    #[serde(flatten)]
    connection: patchbay_core::model::Connection,
    secrets: Vec<patchbay_core::model::SecretSummary>,
}

fn show(pb: &Patchbay, name: &str, json: bool) -> Result<()> {
    let connection = pb.get_connection(name)?;
    let secrets = pb.masked_secrets(name)?;
    if json {
        return output::json(&ShownConnection {
            connection,
            secrets,
        });
    }
    let c = &connection;
    println!("name:       {}", c.name);
    println!("id:         {}", c.id);
    println!("type:       {}", c.type_slug);
    println!("auth:       {}", c.auth_type);
    println!("status:     {}", c.status.as_str());
    if let Some(e) = &c.last_error {
        println!("last error: {e}");
    }
    println!("variable:   {}", c.env_name);
    println!(
        "last used:  {}",
        c.last_used_at.as_deref().unwrap_or("never")
    );
    for (k, v) in &c.fields {
        println!("field:      {k} = {v}");
    }
    if let Some(o) = &c.oauth {
        if let Some(account) = &o.account {
            println!("account:    {account}");
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let expiry = match o.expires_at {
            Some(at) if at > now => format!("expires in {} s", at - now),
            Some(_) => "expired (refreshed on the next request)".to_string(),
            None => "expiry unknown (refreshed after a 401)".to_string(),
        };
        println!("token:      {}, {expiry}", o.token_type);
        if let Some(scope) = &o.scope {
            println!("scopes:     {scope}");
        }
    }
    for s in &secrets {
        println!("secret:     {} = {}", s.key, s.masked);
    }
    Ok(())
}

fn split_pair<'a>(pair: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    match pair.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim(), v)),
        // The value is not echoed: it may be a secret passed by mistake.
        _ => bail!("{flag} takes KEY=VALUE (with a '=' after a non-empty key)"),
    }
}

fn insert_secret(map: &mut BTreeMap<String, Secret>, key: &str, value: Secret) -> Result<()> {
    if map.insert(key.to_string(), value).is_some() {
        bail!("secret '{key}' is given twice");
    }
    Ok(())
}
