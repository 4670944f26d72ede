//! For scripts and agents: `run` (a command with CUSTOM_API_* variables), `env --names`, and
//! `mcp-upstream` (talk to an upstream MCP server through a connection).

use anyhow::{bail, Context, Result};
use patchbay_core::agent::{McpExchange, McpUpstream};
use patchbay_core::Patchbay;

use crate::cli::{EnvArgs, McpUpstreamArgs, RunArgs};
use crate::output;

use super::block_on;

/// Runs the command with the connections' variables in its environment only, and exits with
/// its exit code. OAuth tokens about to expire are refreshed first.
///
/// The child gets only what it was given: Patchbay's own variables (the vault's passphrase, the
/// data folder) and inherited `CUSTOM_API_*` variables are removed, so it cannot open the vault
/// and read other connections' secrets. Connections are named with `-c`; `--all` hands out every
/// usable one and says which.
pub fn run(pb: &Patchbay, args: RunArgs) -> Result<()> {
    let env = block_on(pb.child_env(&args.connections))??;
    if args.all {
        if env.connections.is_empty() {
            eprintln!("patchbay run: no usable connection to inject");
        } else {
            eprintln!(
                "patchbay run: injecting {} connection(s): {}",
                env.connections.len(),
                env.connections.join(", ")
            );
        }
    }
    for skipped in &env.skipped {
        eprintln!("patchbay run: left out {skipped}");
    }
    let Some((program, rest)) = args.command.split_first() else {
        bail!("give the command to run after `--`, e.g. `patchbay run -- env`");
    };
    let mut command = std::process::Command::new(program);
    patchbay_core::process_env::scrub(&mut command).args(rest);
    for (name, value) in &env.vars {
        command.env(name, value.expose());
    }
    tracing::info!(program = %program, variables = env.vars.len(), "running a command with connection variables");
    let status = command
        .status()
        .with_context(|| format!("cannot start '{program}'"))?;
    drop(env);
    std::process::exit(exit_code(status));
}

#[cfg(unix)]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}

#[cfg(not(unix))]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(1)
}

/// The variable names `run` would set; never a value.
pub fn env(pb: &Patchbay, args: EnvArgs) -> Result<()> {
    if !args.names {
        bail!("`patchbay env` prints variable names only: add --names (values go to a child process with `patchbay run -- CMD`)");
    }
    for name in pb.env_names(&args.connections)? {
        println!("{name}");
    }
    Ok(())
}

/// initialize → tools/list → (tools/call) against the connection's MCP server, printing every
/// exchange (masked) even when a step fails.
pub fn mcp_upstream(pb: &Patchbay, args: McpUpstreamArgs) -> Result<()> {
    let arguments: serde_json::Value = serde_json::from_str(&args.args)
        .with_context(|| "--args must be a JSON object".to_string())?;
    if !arguments.is_object() {
        bail!("--args must be a JSON object, like '{{\"message\": \"hi\"}}'");
    }
    let mut upstream = McpUpstream::new(args.connection.clone());
    let result = block_on(async {
        upstream.initialize(pb).await?;
        upstream.list_tools(pb).await?;
        if let Some(tool) = &args.call {
            upstream.call_tool(pb, tool, arguments).await?;
        }
        Ok::<_, patchbay_core::CoreError>(())
    })?;
    if args.json.json {
        output::json(&upstream.exchanges)?;
    } else {
        print_exchanges(&upstream.exchanges);
    }
    Ok(result?)
}

fn print_exchanges(exchanges: &[McpExchange]) {
    for e in exchanges {
        println!("→ {}", e.method);
        println!("{}", e.request);
        match e.status {
            Some(status) => println!("← {status}"),
            None => println!("← no response"),
        }
        if !e.response.trim().is_empty() {
            println!("{}", e.response.trim_end());
        }
        println!();
    }
}
