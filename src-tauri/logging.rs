//! Logging for the desktop app: `tracing` to stderr, level from `PATCHBAY_LOG` (default `info`),
//! e.g. `PATCHBAY_LOG=patchbay_core=debug`. The core never logs secret values (invariant 1), so
//! nothing here needs to filter them.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("PATCHBAY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // `try_init`: a second call (never expected) must not abort the app.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
