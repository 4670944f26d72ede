//! `patchbay vault …`

use anyhow::Result;
use patchbay_core::Patchbay;

use crate::cli::VaultCommand;
use crate::output;

pub fn run(pb: &Patchbay, cmd: VaultCommand) -> Result<()> {
    match cmd {
        VaultCommand::Status(flag) => {
            let status = pb.vault_status()?;
            if flag.json {
                return output::json(&status);
            }
            println!("vault: {}", status.description);
            println!("data folder: {}", pb.data_dir().display());
            if let Some(warning) = &status.warning {
                println!("warning: {warning}");
            }
            Ok(())
        }
    }
}
