//! `patchbay`: the terminal face of Patchbay's core. Every command is a thin call into
//! `patchbay_core`; what a command prints is decided here, what it does is decided there.
//!
//! Exit codes: 0 success, 1 a user-facing error (bad file, unknown name, locked vault…),
//! 2 a usage error (clap).

mod cli;
mod commands;
mod input;
mod logging;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before anything else (and before any thread): children must never get the vault.
    patchbay_core::process_env::harden_at_start();
    let cli = cli::Cli::parse();
    let data_dir = match patchbay_core::data_dir::resolve(cli.data_dir.clone()) {
        Ok(dir) => dir,
        Err(e) => return fail(&e.to_string()),
    };
    let _log_guard = logging::init(&data_dir, cli.verbose);
    match commands::run(cli.command, data_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole chain ("cannot read x.json: No such file or directory").
            let message = format!("{e:#}");
            tracing::warn!(error = %message, "command failed");
            fail(&message)
        }
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}
