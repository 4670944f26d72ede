//! Native dialogs, opened by Rust inside the commands that need them (DESIGN.md invariant 6).
//!
//! The page never sends a file path and cannot open a dialog itself (the dialog plugin's
//! commands are not in the capability file): a command that reads or writes a file asks the
//! person here and uses only the path the OS dialog returned. The owner's approval of a
//! re-pointed connection is asked here too, so a script in the page cannot give it.
//!
//! Window tests cannot click an OS dialog, so a debug build started with
//! `PATCHBAY_TEST_DIALOGS=<folder>` answers from that folder instead (see [`scripted`]). Release
//! builds do not contain that code, and the variable is read once at start, from the
//! environment the app was started with — nothing the page can set.

use std::path::PathBuf;

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// A file type offered in an open dialog: its name and extensions (without dots).
pub type Filter = (&'static str, &'static [&'static str]);

/// What a command asks the person.
#[derive(Debug)]
pub enum Ask<'a> {
    /// Choose a file to read.
    Open {
        title: &'a str,
        filters: &'a [Filter],
    },
    /// Choose where to write, starting with `file_name` (made by Rust, never by the page).
    Save { title: &'a str, file_name: &'a str },
    /// A yes/no decision; `yes` and `no` label the buttons, closing the dialog is `no`.
    Confirm {
        title: &'a str,
        message: &'a str,
        yes: &'a str,
        no: &'a str,
    },
}

/// The person's answer: a path for `Open`/`Save`, `Yes` for a confirmed `Confirm`.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Path(PathBuf),
    Yes,
    Cancelled,
}

pub struct Dialogs {
    #[cfg(debug_assertions)]
    scripted: Option<scripted::Script>,
}

impl Dialogs {
    /// Native dialogs; in a debug build started with `PATCHBAY_TEST_DIALOGS`, scripted ones.
    pub fn from_env() -> Dialogs {
        Dialogs {
            #[cfg(debug_assertions)]
            scripted: scripted::Script::from_env(),
        }
    }

    /// A path the person chose in an open dialog; `None` when they cancelled.
    pub async fn open_file(
        &self,
        app: &AppHandle,
        title: &str,
        filters: &[Filter],
    ) -> Option<PathBuf> {
        path(self.ask(app, Ask::Open { title, filters }).await)
    }

    /// A path the person chose in a save dialog; `None` when they cancelled.
    pub async fn save_file(
        &self,
        app: &AppHandle,
        title: &str,
        file_name: &str,
    ) -> Option<PathBuf> {
        path(self.ask(app, Ask::Save { title, file_name }).await)
    }

    /// Whether the person pressed `yes`.
    pub async fn confirm(
        &self,
        app: &AppHandle,
        title: &str,
        message: &str,
        yes: &str,
        no: &str,
    ) -> bool {
        let ask = Ask::Confirm {
            title,
            message,
            yes,
            no,
        };
        self.ask(app, ask).await == Answer::Yes
    }

    async fn ask(&self, app: &AppHandle, ask: Ask<'_>) -> Answer {
        #[cfg(debug_assertions)]
        if let Some(script) = &self.scripted {
            return script.answer(&ask);
        }
        native(app, ask).await
    }
}

fn path(answer: Answer) -> Option<PathBuf> {
    match answer {
        Answer::Path(p) => Some(p),
        Answer::Yes | Answer::Cancelled => None,
    }
}

/// Shows the OS dialog (the plugin runs it on the main thread) and waits for its answer without
/// blocking this command's thread.
async fn native(app: &AppHandle, ask: Ask<'_>) -> Answer {
    let (tx, mut rx) = tauri::async_runtime::channel::<Answer>(1);
    let answered = tx.clone();
    let to_path = move |picked: Option<tauri_plugin_dialog::FilePath>| {
        let answer = picked
            .and_then(|p| p.into_path().ok())
            .map_or(Answer::Cancelled, Answer::Path);
        let _ = answered.try_send(answer);
    };
    let main = app.get_webview_window("main");
    match ask {
        Ask::Open { title, filters } => {
            let mut dialog = app.dialog().file().set_title(title);
            for (name, extensions) in filters {
                dialog = dialog.add_filter(*name, extensions);
            }
            if let Some(w) = &main {
                dialog = dialog.set_parent(w);
            }
            dialog.pick_file(to_path);
        }
        Ask::Save { title, file_name } => {
            let mut dialog = app
                .dialog()
                .file()
                .set_title(title)
                .set_file_name(file_name)
                .set_can_create_directories(true);
            if let Some(w) = &main {
                dialog = dialog.set_parent(w);
            }
            dialog.save_file(to_path);
        }
        Ask::Confirm {
            title,
            message,
            yes,
            no,
        } => {
            let mut dialog = app
                .dialog()
                .message(message)
                .title(title)
                .kind(MessageDialogKind::Warning)
                .buttons(MessageDialogButtons::OkCancelCustom(yes.into(), no.into()));
            if let Some(w) = &main {
                dialog = dialog.parent(w);
            }
            dialog.show(move |yes| {
                let _ = tx.try_send(if yes { Answer::Yes } else { Answer::Cancelled });
            });
        }
    }
    rx.recv().await.unwrap_or(Answer::Cancelled)
}

/// Test answers for debug builds: `PATCHBAY_TEST_DIALOGS=<folder>` makes every dialog take the
/// first line of `<folder>/answers` (a path for a file dialog — empty for Cancel —, `yes` to
/// confirm; no line left is Cancel) and append what it asked, as one JSON line, to
/// `<folder>/asked`, so a test can check what the person would have been shown.
#[cfg(debug_assertions)]
mod scripted {
    use std::io::Write;
    use std::path::PathBuf;

    use super::{Answer, Ask};

    pub const VAR: &str = "PATCHBAY_TEST_DIALOGS";

    pub struct Script {
        folder: PathBuf,
    }

    impl Script {
        pub fn from_env() -> Option<Script> {
            let folder = PathBuf::from(std::env::var_os(VAR)?);
            tracing::warn!(folder = %folder.display(), "{VAR} is set: dialogs are answered from files (debug build)");
            Some(Script { folder })
        }

        pub fn answer(&self, ask: &Ask<'_>) -> Answer {
            let line = self.next_line();
            let answer = match (ask, line.as_deref().map(str::trim)) {
                (_, None | Some("")) => Answer::Cancelled,
                (Ask::Confirm { .. }, Some("yes")) => Answer::Yes,
                (Ask::Confirm { .. }, Some(_)) => Answer::Cancelled,
                (_, Some(path)) => Answer::Path(PathBuf::from(path)),
            };
            self.record(ask, &answer);
            answer
        }

        /// Takes the first line of `answers` (the file keeps the rest).
        fn next_line(&self) -> Option<String> {
            let file = self.folder.join("answers");
            let text = std::fs::read_to_string(&file).ok()?;
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            if first.is_empty() && rest.is_empty() {
                return None;
            }
            if let Err(error) = std::fs::write(&file, rest) {
                tracing::error!("could not update the scripted dialog answers: {error}");
            }
            Some(first.to_string())
        }

        fn record(&self, ask: &Ask<'_>, answer: &Answer) {
            let answered = match answer {
                Answer::Path(p) => p.display().to_string(),
                Answer::Yes => "yes".to_string(),
                Answer::Cancelled => "cancelled".to_string(),
            };
            let line = match ask {
                Ask::Open { title, .. } => {
                    serde_json::json!({"kind": "open", "title": title, "answer": answered})
                }
                Ask::Save { title, file_name } => serde_json::json!({
                    "kind": "save", "title": title, "file_name": file_name, "answer": answered
                }),
                Ask::Confirm {
                    title,
                    message,
                    yes,
                    no,
                } => serde_json::json!({
                    "kind": "confirm", "title": title, "message": message,
                    "yes": yes, "no": no, "answer": answered
                }),
            };
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.folder.join("asked"))
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(error) = written {
                tracing::error!("could not record a scripted dialog: {error}");
            }
        }
    }
}
