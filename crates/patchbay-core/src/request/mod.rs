//! The request engine: everything between "send GET /me through connection 'Acme prod'" and a
//! masked outcome a person, a script or an agent may see.
//!
//! 1. **Prepare** (sync, by the facade: `Patchbay::prepare_request`): render the base URL and
//!    path safely (`render`), apply the auth pattern (`auth`), build the body (`body`), the
//!    redactor that knows every secret of the connection (`redact`) and the masked preview
//!    (`preview`) into a [`PreparedRequest`].
//! 2. **Execute** (async, no database): [`execute`] sends it with reqwest through Patchbay's own
//!    redirect loop, capturing status, headers, a capped body and timing into an [`Outcome`].
//! 3. **Record** (sync, by the facade: `Patchbay::record_outcome`): a history row and the
//!    connection's status.
//!
//! Every string that leaves this module — previews, outcomes, history, errors, logs, curl
//! commands — has passed through the redactor.

mod auth;
mod body;
mod caller;
mod capture;
mod classify;
mod curl;
mod engine;
mod error;
mod execute;
mod history;
mod outcome;
mod prepared;
mod preview;
mod redact;
mod render;
mod spec;
mod timing;
mod values;

pub use auth::canonical_string as hmac_canonical_string;
pub use body::MAX_REQUEST_BODY;
pub use caller::{Caller, Delegate, DelegateKind, METHOD_OVERRIDE_HEADERS, READ_METHODS};
pub use curl::{to_curl, Reveal};
pub use engine::Engine;
pub use error::RequestError;
pub use execute::execute;
pub use history::{HistoryEntry, DEFAULT_HISTORY_RETENTION, HISTORY_BODY_CAP};
pub use outcome::{
    BodyEncoding, CapturedBody, FailureKind, Hop, Outcome, RequestFailure, ResponseCapture,
};
pub use prepared::{PreparedRequest, USER_AGENT};
pub use preview::{BodyPreview, HeaderLine, RequestPreview, PREVIEW_TEXT_CAP};
pub use redact::Redactor;
pub use spec::{
    ExecuteOptions, HttpVersionPref, MadeBy, Purpose, RequestBody, RequestSpec,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT,
};
pub use timing::{HopTiming, Timing};

pub(crate) use history::new_entry as history_entry;
pub(crate) use prepared::{prepare, Inputs};
/// Re-exported for callers that cancel requests (the CLI on Ctrl-C, the desktop app's stop button).
pub use tokio_util::sync::CancellationToken;

/// A type's base URL with a connection's values filled in (`CUSTOM_API_<NAME>_BASE_URL`).
pub fn render_base_url(
    connection: &str,
    template: &str,
    pattern: &crate::model::AuthPattern,
    fields: &std::collections::BTreeMap<String, String>,
    secrets: &std::collections::BTreeMap<String, crate::Secret>,
) -> Result<String, RequestError> {
    let vars = std::collections::BTreeMap::new();
    let values = values::Values::new(connection, pattern, fields, secrets, &vars);
    Ok(render::render_base(template, &values)?.to_string())
}

#[cfg(test)]
mod tests {
    use ts_rs::{Config, TS};

    use super::*;

    /// Every type the web view will receive renders as TypeScript (the UI's bindings are
    /// generated from these; see tests/ts_bindings.rs).
    #[test]
    fn ipc_types_render_as_typescript() {
        let cfg = Config::default();
        macro_rules! render {
            ($($ty:ty),* $(,)?) => {$(
                let text = <$ty as TS>::export_to_string(&cfg)
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($ty)));
                assert!(text.contains("export type"), "{text}");
            )*};
        }
        render!(
            RequestPreview,
            HeaderLine,
            BodyPreview,
            Outcome,
            ResponseCapture,
            CapturedBody,
            BodyEncoding,
            Hop,
            HopTiming,
            Timing,
            RequestFailure,
            FailureKind,
            HistoryEntry,
            MadeBy,
            Purpose,
            HttpVersionPref,
        );
        let history = HistoryEntry::export_to_string(&cfg).unwrap();
        assert!(history.contains("response_size?: number"), "{history}");
    }
}
