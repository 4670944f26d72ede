//! Reading and writing the files a person picks (bundles to import, exports, saved response
//! bodies), with the same rules for the CLI and the window.

use std::io::Write;
use std::path::Path;

use crate::import::MAX_IMPORT_BYTES;
use crate::{CoreError, Result};

/// Writes through a temporary file in the same folder and renames it into place, so a reader
/// (or a crash) never sees half a file. The temporary file is new (created exclusively under a
/// random name, so a symlink planted beside the target is never followed) and `0600`; the
/// written file keeps that mode.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| CoreError::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    if path.file_name().is_none() {
        return Err(CoreError::Invalid(format!(
            "{} is not a file name",
            path.display()
        )));
    }
    let mut tmp = crate::private_fs::temp_beside(path)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Reads a file chosen for import, refusing files beyond the importers' size limit before
/// reading them whole.
pub fn read_import_file(path: &Path) -> Result<String> {
    let io = |source| CoreError::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    check_import_size(&path.display().to_string(), size)?;
    std::fs::read_to_string(path).map_err(io)
}

/// Refuses an import of `bytes` beyond the importers' limit, naming the file: the same words for
/// a file read from disk and one dropped on the window.
pub fn check_import_size(name: &str, bytes: u64) -> Result<()> {
    if bytes > MAX_IMPORT_BYTES as u64 {
        return Err(CoreError::Invalid(format!(
            "{name}: the file is {} MiB; imports are limited to {} MiB",
            bytes / (1024 * 1024),
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}
