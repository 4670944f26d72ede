//! The command line, as clap derives it. Usage errors exit with 2 (clap's default).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "patchbay",
    version,
    about = "Custom API integrations from the terminal: types, connections and an encrypted vault",
    long_about = "Custom API integrations from the terminal: define integration types, connect accounts whose secrets stay in an encrypted vault, and share types as bundle files.\n\nSecrets are read from a prompt, from stdin or from a file, never from the command line."
)]
pub struct Cli {
    /// Folder holding Patchbay's data (default: PATCHBAY_DATA_DIR, else the platform data folder)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Log to the terminal as well (-v info, -vv debug)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Integration types: list, show, create, edit, duplicate, delete
    #[command(subcommand)]
    Types(TypesCommand),
    /// Import integration types from a bundle file (all or nothing)
    Import(ImportArgs),
    /// Export integration types as a bundle (every type when none is named)
    Export(ExportArgs),
    /// Connect an account to an integration type
    Connect(ConnectArgs),
    /// Connections: list, show, rename, replace a secret, approve, delete
    #[command(subcommand)]
    Connections(ConnectionsCommand),
    /// The encrypted vault
    #[command(subcommand)]
    Vault(VaultCommand),
}

#[derive(Args, Debug, Clone, Copy)]
pub struct JsonFlag {
    /// Print JSON for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum TypesCommand {
    /// List every integration type
    List(JsonFlag),
    /// Show one type's full definition (JSON)
    Show { slug: String },
    /// Create a type from a JSON definition file
    Create {
        #[arg(long, value_name = "TYPE.json")]
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Replace an editable type's definition from a JSON file
    Edit {
        slug: String,
        #[arg(long, value_name = "TYPE.json")]
        file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Copy a type under a new slug (how you get an editable copy of an imported type)
    Duplicate {
        slug: String,
        /// The new slug (default: SLUG-copy)
        #[arg(long = "as", value_name = "NEW")]
        new_slug: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Delete a type no connection depends on
    Delete {
        slug: String,
        /// Also remove an imported (read-only) type
        #[arg(long)]
        force: bool,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    Fail,
    Skip,
    Replace,
    Rename,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Bundle file, or - for stdin
    pub file: PathBuf,
    /// What to do when a slug already exists with a different definition
    #[arg(long, value_enum, default_value = "fail")]
    pub on_conflict: OnConflict,
    /// Show what would happen without changing anything
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Slugs to export (default: all)
    pub slugs: Vec<String>,
    /// Write to this file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ConnectArgs {
    /// The integration type's slug
    pub slug: String,
    /// A name for this connection (it also names the CUSTOM_API_<NAME> variable)
    #[arg(long)]
    pub name: String,
    /// Which auth pattern to use when the type offers several
    #[arg(long, value_name = "PATTERN_TYPE")]
    pub auth: Option<String>,
    /// A non-secret field value
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// A secret field, read from the terminal without echo, or from stdin (one line per --secret, in order)
    #[arg(long = "secret", value_name = "KEY")]
    pub secrets: Vec<String>,
    /// A secret field read from a file (one trailing newline is dropped)
    #[arg(long = "secret-file", value_name = "KEY=PATH")]
    pub secret_files: Vec<String>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Subcommand, Debug)]
pub enum ConnectionsCommand {
    /// List every connection
    List(JsonFlag),
    /// Show one connection, its secrets masked
    Show {
        name: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Rename a connection (its CUSTOM_API_ variable follows)
    Rename { name: String, new_name: String },
    /// Replace one secret in place, read from the terminal, stdin or --from-file
    SetSecret {
        name: String,
        key: String,
        #[arg(long, value_name = "PATH")]
        from_file: Option<PathBuf>,
    },
    /// Resume a connection paused because its type's host or auth changed on import
    Approve { name: String },
    /// Disconnect: delete the connection and its secrets
    Delete { name: String },
}

#[derive(Subcommand, Debug)]
pub enum VaultCommand {
    /// Which protection is active: the OS keyring or a passphrase
    Status(JsonFlag),
}
