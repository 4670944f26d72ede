//! The IPC commands the web view may call. Each one is a one-line adapter into
//! `patchbay_core` (DESIGN.md, "Layout"): if a command needs logic, that logic belongs in the
//! core (mostly `patchbay_core::desktop`), where the CLI and the tests reach it too.
//!
//! Commands are `async` so Tauri runs them off the main thread: a slow keyring probe or a
//! request to a slow server must not freeze the window. Errors cross IPC as
//! [`patchbay_core::desktop::IpcError`] (the core's message, which never contains a secret, plus
//! field problems). No command returns a secret value (invariant 1). Every command here must also
//! be listed in `build.rs` and allowed in `capabilities/default.json`.

pub mod connections;
pub mod sharing;
pub mod tester;
pub mod types;
pub mod vault;
