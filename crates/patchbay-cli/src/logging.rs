//! Logging: `tracing` to a daily-rotated file in the data folder (last 7 kept), and to stderr
//! with `-v`. Nothing logged anywhere carries a secret value: the core logs names and keys only.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

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
    // The appender prunes old files before it creates the folder; create it first.
    let log_dir = data_dir.join("logs");
    let file = std::fs::create_dir_all(&log_dir).ok().and_then(|()| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("patchbay")
            .filename_suffix("log")
            .max_log_files(7)
            .build(&log_dir)
            .ok()
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
