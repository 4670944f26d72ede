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
    /// Send a request through a connection; the response body goes to stdout
    Request(RequestArgs),
    /// Test a connection with one of its type's actions or a path; sets its status
    Test(TestArgs),
    /// Requests made through connections, newest first
    History(HistoryArgs),
    /// Serve Patchbay to AI agents over MCP (stdio): the catalog, call_api and one tool per
    /// saved action; secrets stay here
    Mcp,
    /// Run a command with CUSTOM_API_<NAME> variables for connections (only in its environment)
    Run(RunArgs),
    /// The CUSTOM_API_* variables `patchbay run` would set (names only, never values)
    Env(EnvArgs),
    /// Talk to an upstream MCP server through a connection (is_mcp types): initialize, list its
    /// tools, call one; prints the JSON-RPC exchange, masked
    McpUpstream(McpUpstreamArgs),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// A connection whose variables to set (repeat for several)
    #[arg(
        long = "connection",
        short = 'c',
        value_name = "NAME",
        required_unless_present = "all"
    )]
    pub connections: Vec<String>,
    /// Set the variables of every usable connection (named on stderr) instead of naming them
    #[arg(long, conflicts_with = "connections")]
    pub all: bool,
    /// The command and its arguments, after `--`
    #[arg(required = true, last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Args, Debug)]
pub struct EnvArgs {
    /// Print the variable names (the only thing this command prints)
    #[arg(long)]
    pub names: bool,
    /// Only these connections (repeat for several)
    #[arg(long = "connection", short = 'c', value_name = "NAME")]
    pub connections: Vec<String>,
}

#[derive(Args, Debug)]
pub struct McpUpstreamArgs {
    /// The connection to the MCP server
    pub connection: String,
    /// Call this tool after listing the tools
    #[arg(long, value_name = "TOOL")]
    pub call: Option<String>,
    /// The tool's arguments as a JSON object
    #[arg(long, value_name = "JSON", default_value = "{}")]
    pub args: String,
    #[command(flatten)]
    pub json: JsonFlag,
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
    /// A bundle, Scalekit payloads, an OpenAPI/Swagger document (JSON or YAML) or a Postman
    /// collection, or - for stdin
    #[arg(required_unless_present = "curl")]
    pub file: Option<PathBuf>,
    /// A curl command to turn into a type with one action: - reads it from stdin, @FILE from a
    /// file (both keep a credential in it out of your shell history), else the command itself
    #[arg(long, value_name = "CMD|-|@FILE", conflicts_with = "file")]
    pub curl: Option<String>,
    /// With --curl: also connect NAME with the credential the command carried (into the vault)
    #[arg(long, value_name = "NAME", requires = "curl")]
    pub connect: Option<String>,
    /// What the file is (auto: decided from its content)
    #[arg(long, value_enum, default_value = "auto")]
    pub format: ImportFormatArg,
    /// What to do when a slug already exists with a different definition
    #[arg(long, value_enum, default_value = "fail")]
    pub on_conflict: OnConflict,
    /// Show what would happen without changing anything
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormatArg {
    Auto,
    Bundle,
    Scalekit,
    Openapi,
    Postman,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormatArg {
    Bundle,
    Scalekit,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Slugs to export (default: all)
    pub slugs: Vec<String>,
    /// A Patchbay bundle, or Scalekit custom-provider payloads (one object, or a list)
    #[arg(long, value_enum, default_value = "bundle")]
    pub format: ExportFormatArg,
    /// Write to this file instead of stdout
    #[arg(short, long, value_name = "FILE", conflicts_with = "split")]
    pub output: Option<PathBuf>,
    /// Write one file per type into DIR (SLUG.bundle.json or SLUG.scalekit.json), for a folder
    /// of types kept in git
    #[arg(long, value_name = "DIR")]
    pub split: Option<PathBuf>,
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
    /// OAuth browser login: how many seconds to wait for the browser to come back
    #[arg(long, value_name = "SECS", default_value = "300")]
    pub timeout: u64,
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
    /// Resume a connection paused because an import or an edit of its type changed where its
    /// credentials go
    Approve { name: String },
    /// Let agents (patchbay mcp) send writes — POST, PUT, PATCH, DELETE — through a connection,
    /// or stop them (reads are always allowed)
    AgentWrites {
        name: String,
        #[arg(value_enum)]
        state: OnOff,
    },
    /// Disconnect: delete the connection and its secrets
    Delete { name: String },
    /// OAuth: log in again (browser) or fetch a new client-credentials token
    Reauthorize {
        name: String,
        /// How many seconds to wait for the browser to come back
        #[arg(long, value_name = "SECS", default_value = "300")]
        timeout: u64,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpVersionArg {
    /// HTTP/2 when the server offers it over TLS, else HTTP/1.1
    Auto,
    #[value(name = "1.1")]
    Http1,
    /// HTTP/2 only (prior knowledge on plain http)
    #[value(name = "2")]
    Http2,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Exit status: 0 when a response arrived (whatever its HTTP status), 1 when the request could not be made or failed in transport (DNS, connection, TLS, timeout, connection closed).\n\nThe body printed and every header, URL and error are masked: secrets show as •••• (plus their last 4 characters when at least 16 long)."
)]
pub struct RequestArgs {
    /// The connection to send through
    pub connection: String,
    /// GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, …
    pub method: String,
    /// Path relative to the type's base URL (may hold {{field}} templates and a ?query)
    pub path: String,
    /// A header, 'Name: value' (the value may hold {{field}} templates)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// A query parameter
    #[arg(short = 'q', long = "query", value_name = "KEY=VALUE")]
    pub query: Vec<String>,
    /// Body: @FILE, - for stdin, or text
    #[arg(long, value_name = "@FILE|-|TEXT", conflicts_with_all = ["body_json", "form"])]
    pub body: Option<String>,
    /// JSON body (checked, sent as application/json)
    #[arg(long, value_name = "JSON", conflicts_with = "form")]
    pub body_json: Option<String>,
    /// A form field (application/x-www-form-urlencoded body)
    #[arg(long, value_name = "KEY=VALUE")]
    pub form: Vec<String>,
    /// Give up after this many seconds (redirects and body included)
    #[arg(long, value_name = "SECS", default_value = "30")]
    pub timeout: f64,
    /// Keep at most this many bytes of the response body (the rest is counted, not kept)
    #[arg(long, value_name = "BYTES", default_value_t = patchbay_core::request::DEFAULT_MAX_BODY_BYTES)]
    pub max_body: usize,
    /// HTTP version
    #[arg(long = "http", value_enum, default_value = "auto")]
    pub http_version: HttpVersionArg,
    /// Print one JSON object: request preview, response, hops, timing, error
    #[arg(long)]
    pub json: bool,
    /// Print the request as a curl command (secrets masked) instead of sending it
    #[arg(long)]
    pub as_curl: bool,
    /// With --as-curl: print the real secret values. Anyone who sees the output sees them.
    #[arg(long, requires = "as_curl")]
    pub reveal: bool,
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// The connection to test
    pub connection: String,
    /// An action of its type, or a path starting with '/' (default: the first GET action
    /// without parameters, else the base URL)
    pub action: Option<String>,
    /// Give up after this many seconds
    #[arg(long, value_name = "SECS", default_value = "30")]
    pub timeout: f64,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Only this connection's requests
    pub connection: Option<String>,
    /// How many entries, newest first
    #[arg(long, default_value = "20")]
    pub limit: u32,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Subcommand, Debug)]
pub enum VaultCommand {
    /// Which protection is active: the OS keyring or a passphrase
    Status(JsonFlag),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnOff {
    On,
    Off,
}
