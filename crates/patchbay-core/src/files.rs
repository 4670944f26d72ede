//! Reading and writing the files a person picks (bundles to import, exports, saved response
//! bodies), with the same rules for the CLI and the window.

use std::io::Write;
use std::path::Path;

use crate::import::MAX_IMPORT_BYTES;
use crate::{CoreError, Result};

/// Writes through a temporary file in the same folder and renames it into place, so a reader
/// (or a crash) never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| CoreError::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .ok_or_else(|| CoreError::Invalid(format!("{} is not a file name", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
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
