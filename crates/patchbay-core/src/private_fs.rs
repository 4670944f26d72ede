//! Files and folders only their owner can read: everything in the data folder (the database and
//! its `-wal`/`-shm` files, logs, lock files) and every temporary file Patchbay writes.
//!
//! Folders are `0700` and files `0600` on Unix. A mode that cannot be set (a file system without
//! Unix permissions, a file owned by someone else) is an error naming the file — never a silent
//! downgrade. Temporary files are created exclusively (`O_CREAT | O_EXCL`, which also refuses to
//! follow a symlink planted at the name) under an unpredictable name.

use std::path::Path;

use crate::{CoreError, Result};

/// The mode of Patchbay's folders on Unix.
pub const DIR_MODE: u32 = 0o700;
/// The mode of Patchbay's files on Unix.
pub const FILE_MODE: u32 = 0o600;

fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> CoreError + 'a {
    move |source| CoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` (and missing parents) and makes it `0700`.
pub fn create_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder
        .create(dir)
        .map_err(io_error("creating the folder", dir))?;
    restrict(dir, DIR_MODE)
}

/// Makes an existing file `0600` (a database made by an older version, a log file).
pub fn restrict_file(path: &Path) -> Result<()> {
    restrict(path, FILE_MODE)
}

/// Sets `mode` on `path` and reads it back: a file system that ignores modes is an error.
fn restrict(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io_error("making private (owner-only permissions)", path))?;
        let actual = std::fs::metadata(path)
            .map_err(io_error("checking the permissions of", path))?
            .permissions()
            .mode()
            & 0o777;
        if actual != mode {
            return Err(CoreError::Io {
                action: "making private (owner-only permissions)",
                path: path.to_path_buf(),
                source: std::io::Error::other(format!(
                    "the file system keeps mode {actual:o} instead of {mode:o}; keep Patchbay's data on a file system with Unix permissions"
                )),
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates `path` empty and `0600` if it does not exist (the database before SQLite opens it,
/// so its `-wal` and `-shm` files inherit the mode), and makes it `0600`.
///
/// An existing file is never opened here: POSIX locks belong to the process, and closing any
/// descriptor of a database file drops the locks SQLite holds on it through another one (an
/// open `Patchbay` in the same process would then see "disk I/O error").
pub fn create_file_if_missing(path: &Path) -> Result<()> {
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(FILE_MODE);
        }
        match options.open(path) {
            Ok(_) => {}
            // Created meanwhile by another process: it is restricted below like any other.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_error("creating the private file", path)(e)),
        }
    }
    restrict_file(path)
}

/// A new, empty `0600` file next to `target` under a random name, created exclusively (an
/// existing file or symlink at that name is never opened). It is removed when dropped unless
/// persisted (renamed into place).
pub fn temp_beside(target: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{stem}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(FILE_MODE));
    }
    builder
        .tempfile_in(dir)
        .map_err(io_error("creating a temporary file in", dir))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_owner_only() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), DIR_MODE);
        let file = dir.join("f");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_file(&file).unwrap();
        assert_eq!(mode(&file), FILE_MODE);
        let db = dir.join("db");
        create_file_if_missing(&db).unwrap();
        assert_eq!(mode(&db), FILE_MODE);
    }

    #[test]
    fn temporary_files_are_new_private_and_unpredictable() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("export.json");
        let a = temp_beside(&target).unwrap();
        let b = temp_beside(&target).unwrap();
        assert_ne!(a.path(), b.path());
        assert_eq!(mode(a.path()), FILE_MODE);
        let name = a.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".export.json."), "{name}");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let e = restrict_file(Path::new("/nonexistent/patchbay/x")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/patchbay/x"), "{e}");
    }
}
