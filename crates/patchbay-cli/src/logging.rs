//! Logging: `tracing` to a daily-rotated file in the data folder (last 7 kept), and to stderr
//! with `-v`. Nothing logged anywhere carries a secret value: the core logs names and keys only.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Every file in the log folder `0600`: a log that cannot be made private is not written to.
fn restrict_log_files(dir: &Path) -> patchbay_core::Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| patchbay_core::CoreError::Io {
        action: "listing",
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            patchbay_core::private_fs::restrict_file(&entry.path())?;
        }
    }
    Ok(())
}

/// Sets up logging; keep the returned guard alive until exit so the file is flushed.
pub fn init(data_dir: &Path, verbose: u8) -> Option<WorkerGuard> {
    let stderr_level = match verbose {
        0 => "off",
        1 => "info",
        _ => "debug",
    };
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(EnvFilter::new(stderr_level));
    // The appender prunes old files before it creates the folder; create it first (0700; the
    // process's umask makes the files it creates 0600, and older ones are made so here).
    let log_dir = data_dir.join("logs");
    let file = patchbay_core::private_fs::create_dir(&log_dir)
        .ok()
        .and_then(|()| {
            let appender = tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("patchbay")
                .filename_suffix("log")
                .max_log_files(7)
                .build(&log_dir)
                .ok()?;
            restrict_log_files(&log_dir).ok()?;
            Some(appender)
        });
    match file {
        Some(appender) => {
            // The default queue pre-allocates 128,000 lines: a millisecond and more of start-up for
            // a command that logs a handful.
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(1024)
                .finish(appender);
            let file_layer = fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(EnvFilter::new("info"));
            let _ = tracing_subscriber::registry()
                .with(stderr)
                .with(file_layer)
                .try_init();
            Some(guard)
        }
        None => {
            // An unwritable data folder is reported by the command itself; log to stderr only.
            let _ = tracing_subscriber::registry().with(stderr).try_init();
            None
        }
    }
}
