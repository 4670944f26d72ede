//! One module per command group; each function opens the core and makes one call into it.

mod agents;
mod bundle;
mod connections;
mod mcp_server;
mod oauth;
mod request;
mod types;
mod vault;

use std::path::PathBuf;

use anyhow::Result;
use patchbay_core::vault::VaultConfig;
use patchbay_core::{OpenOptions, Patchbay};

use crate::cli::Command;
use crate::input::TerminalPrompt;

pub fn run(command: Command, data_dir: PathBuf) -> Result<()> {
    let pb = open(data_dir)?;
    match command {
        Command::Types(cmd) => types::run(&pb, cmd),
        Command::Import(args) => bundle::import(&pb, args),
        Command::Export(args) => bundle::export(&pb, args),
        Command::Connect(args) => connections::connect(&pb, args),
        Command::Connections(cmd) => connections::run(&pb, cmd),
        Command::Vault(cmd) => vault::run(&pb, cmd),
        Command::Request(args) => request::request(&pb, args),
        Command::Test(args) => request::test(&pb, args),
        Command::History(args) => request::history(&pb, args),
        // It reads requests from stdin, so it never prompts: it opens the folder per call with
        // the environment's vault settings (see mcp_server.rs).
        Command::Mcp => mcp_server::serve(pb.data_dir().to_path_buf()),
        Command::Run(args) => agents::run(&pb, args),
        Command::Env(args) => agents::env(&pb, args),
        Command::McpUpstream(args) => agents::mcp_upstream(&pb, args),
    }
}

/// Runs `f` to completion on a current-thread runtime (the core's futures borrow the one
/// `Patchbay`, which is not `Sync`, so they never move between threads).
pub(crate) fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    use anyhow::Context;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(rt.block_on(f))
}

fn open(data_dir: PathBuf) -> Result<Patchbay> {
    let mut vault = VaultConfig::from_env();
    vault.prompt = Some(Box::new(TerminalPrompt));
    Ok(Patchbay::open(OpenOptions { data_dir, vault })?)
}

/// Reads a file named on the command line, `-` meaning stdin.
pub(crate) fn read_input(path: &std::path::Path) -> Result<(String, String)> {
    use anyhow::Context;
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading stdin")?;
        return Ok(("<stdin>".to_string(), text));
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), text))
}
