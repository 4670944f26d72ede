//! Patchbay's core: everything the desktop app, the `patchbay` CLI and the MCP server do, with no
//! dependency on Tauri or on a display.
//!
//! The entry point is [`Patchbay`]: open it on a data folder and call its methods. Secrets enter
//! as [`Secret`] values and never come back out of this crate in readable form.

pub mod agent;
pub mod bundle;
pub mod data_dir;
pub mod desktop;
pub mod envname;
mod error;
pub mod files;
pub mod ids;
pub mod import;
mod json_input;
pub mod model;
pub mod oauth;
pub mod private_fs;
pub mod process_env;
pub mod request;
pub mod scalekit;
mod secret;
pub mod store;
pub mod template;
pub mod validate;
pub mod vault;

mod patchbay;

pub use error::{CoreError, Result};
pub use patchbay::{
    ConflictPolicy, ConnectRequest, FieldDiff, ImportAction, ImportItem, ImportReport, LoginStart,
    OpenOptions, Patchbay, Sent, TypeUpdate, REFRESH_MARGIN_SECS,
};
pub use secret::Secret;
