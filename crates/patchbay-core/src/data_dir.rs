//! Which folder holds Patchbay's data: `--data-dir`, else `PATCHBAY_DATA_DIR`, else the
//! platform's data folder. The desktop app and the CLI use the same rule, so they see the same
//! types and connections.

use std::path::PathBuf;

use crate::{CoreError, Result};

pub const ENV_VAR: &str = "PATCHBAY_DATA_DIR";

pub fn resolve(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "patchbay", "Patchbay")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            CoreError::Invalid(format!(
                "no home folder found to keep Patchbay's data in; pass --data-dir DIR or set {ENV_VAR}"
            ))
        })
}
