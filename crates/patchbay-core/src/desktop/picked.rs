//! Files the person picked or saved to in a native dialog that Rust opened, in shapes the page
//! may hold (DESIGN.md invariant 6: the web view never chooses a path).
//!
//! An import is two steps in the window — pick a file, look at the dry run (again after every
//! change of format or policy), then import — so the page needs a handle on the picked file
//! between calls. It gets an opaque random token instead of the path: [`PickedFiles`] keeps the
//! path on the Rust side, and a command that reads the file again looks the token up. A token
//! the page made up, or one from another session, names nothing.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::{CoreError, Result};

/// How many picked files stay addressable; older tokens are forgotten (the page then asks the
/// person to pick again).
pub const KEPT_PICKS: usize = 16;

/// A file picked in the native dialog: the token the page sends back, and names to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PickedFile {
    /// Opaque and random; only [`PickedFiles`] turns it back into a path.
    pub token: String,
    /// The file's name (`team.patchbay.json`).
    pub name: String,
    /// The whole path, for a tooltip; the page cannot send it anywhere that reads files.
    pub path: String,
}

/// What was written to a file the person chose in a native save dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SavedFile {
    pub path: String,
    pub bytes: u64,
}

/// The paths behind the tokens handed to the page, newest last, at most [`KEPT_PICKS`].
#[derive(Debug, Default)]
pub struct PickedFiles {
    picks: Mutex<VecDeque<(String, PathBuf)>>,
}

impl PickedFiles {
    pub fn new() -> PickedFiles {
        PickedFiles::default()
    }

    /// Keeps `path` (returned by a native dialog) under a new random token.
    pub fn keep(&self, path: PathBuf) -> PickedFile {
        let token = crate::ids::new_id("pick_");
        let picked = PickedFile {
            token: token.clone(),
            name: file_name(&path),
            path: path.display().to_string(),
        };
        let mut picks = self.picks.lock().unwrap_or_else(|e| e.into_inner());
        picks.push_back((token, path));
        while picks.len() > KEPT_PICKS {
            picks.pop_front();
        }
        picked
    }

    /// The path behind `token`; an unknown token is refused (nothing is read).
    pub fn path(&self, token: &str) -> Result<PathBuf> {
        self.picks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                CoreError::Invalid(
                    "that file is no longer known to Patchbay (only files picked in its own dialog are read); choose it again".to_string(),
                )
            })
    }
}

/// The last component of `path`, or the whole path when it has none.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_only_the_path_it_was_given_for() {
        let picks = PickedFiles::new();
        let a = picks.keep(PathBuf::from("/home/ada/team.patchbay.json"));
        assert_eq!(a.name, "team.patchbay.json");
        assert_eq!(
            picks.path(&a.token).unwrap(),
            Path::new("/home/ada/team.patchbay.json")
        );
        assert!(picks.path("/etc/passwd").is_err());
        assert!(picks.path("pick_00000000000000000000000000").is_err());
        assert!(picks.path("").is_err());
    }

    #[test]
    fn old_tokens_are_forgotten() {
        let picks = PickedFiles::new();
        let first = picks.keep(PathBuf::from("/tmp/0.json"));
        for i in 1..=KEPT_PICKS {
            picks.keep(PathBuf::from(format!("/tmp/{i}.json")));
        }
        assert!(picks.path(&first.token).is_err());
    }
}
