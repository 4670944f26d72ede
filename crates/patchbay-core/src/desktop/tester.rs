//! The test request tool's state between calls: requests in flight (so Cancel can reach them)
//! and the bodies of recent responses (so the viewer can page, search and save them).

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use ts_rs::TS;

use super::body_view::{BodyDocument, BodyMode, BodyPage, BodySearch};
use super::forms::TesterRequest;
use super::worker::{run_detached, Opener};
use crate::request::{CancellationToken, ExecuteOptions, MadeBy, Outcome};
use crate::{CoreError, Result, Sent};

/// Bytes of a response body the tester keeps (the engine's default cap is 10 MiB).
pub const TESTER_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Bodies up to this size are displayed; larger ones are offered "Save to file".
pub const DISPLAY_LIMIT_BYTES: u64 = 32 * 1024 * 1024;
/// Response bodies kept for the viewer (the newest ones).
const KEPT_BODIES: usize = 8;

/// What the viewer needs to know of a body; its lines come from [`Tester::page`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct BodyInfo {
    pub is_text: bool,
    pub has_pretty: bool,
    pub raw_lines: u32,
    pub pretty_lines: u32,
    /// Too large to display: offer "Save to file".
    pub too_large: bool,
}

/// A sent request as the tool shows it. `outcome.response.body.data` is empty: the body is
/// paged from the tester by `request_id`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct TesterResult {
    pub request_id: String,
    pub outcome: Outcome,
    #[ts(optional)]
    pub body: Option<BodyInfo>,
    /// Why the history row could not be written (the response is still shown).
    pub history_warnings: Vec<String>,
}

#[derive(Default)]
pub struct Tester {
    in_flight: Mutex<HashMap<String, CancellationToken>>,
    bodies: Mutex<VecDeque<(String, Arc<BodyDocument>)>>,
}

impl Tester {
    pub fn new() -> Tester {
        Tester::default()
    }

    /// Sends `req` on a worker (see [`run_detached`]) and keeps its body for the viewer.
    /// `request_id` is chosen by the window so that it can cancel before the answer arrives.
    pub async fn send(
        &self,
        opener: Opener,
        request_id: String,
        req: TesterRequest,
    ) -> Result<TesterResult> {
        let cancel = CancellationToken::new();
        self.lock_in_flight()
            .insert(request_id.clone(), cancel.clone());
        let spec = req.to_spec();
        let name = req.connection.clone();
        let sent = run_detached(opener, move |pb| {
            Box::pin(async move {
                let opts = ExecuteOptions {
                    max_body_bytes: TESTER_MAX_BODY_BYTES,
                    ..ExecuteOptions::default()
                };
                pb.send(&name, spec, &opts, &cancel, MadeBy::User).await
            })
        })
        .await;
        self.lock_in_flight().remove(&request_id);
        Ok(self.keep(request_id, sent?))
    }

    /// Cancels a request in flight; `false` when it already ended (or never started).
    pub fn cancel(&self, request_id: &str) -> bool {
        match self.lock_in_flight().remove(request_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    fn keep(&self, request_id: String, sent: Sent) -> TesterResult {
        let mut outcome = sent.outcome;
        let body = outcome.response.as_mut().map(|r| {
            let size = r.body.size;
            let doc = BodyDocument::new(std::mem::take(&mut r.body.data));
            let info = BodyInfo {
                is_text: doc.is_text(),
                has_pretty: doc.has_pretty(),
                raw_lines: doc.line_count(BodyMode::Raw),
                pretty_lines: doc.line_count(BodyMode::Pretty),
                too_large: size > DISPLAY_LIMIT_BYTES,
            };
            let mut bodies = self.lock_bodies();
            bodies.push_back((request_id.clone(), Arc::new(doc)));
            while bodies.len() > KEPT_BODIES {
                bodies.pop_front();
            }
            info
        });
        TesterResult {
            request_id,
            outcome,
            body,
            history_warnings: sent.history_warnings,
        }
    }

    fn body(&self, request_id: &str) -> Result<Arc<BodyDocument>> {
        self.lock_bodies()
            .iter()
            .find(|(id, _)| id == request_id)
            .map(|(_, doc)| Arc::clone(doc))
            .ok_or_else(|| {
                CoreError::Invalid(format!(
                    "the body of request {request_id} is no longer kept (only the last {KEPT_BODIES} are); send it again"
                ))
            })
    }

    pub fn page(
        &self,
        request_id: &str,
        mode: BodyMode,
        start: u32,
        count: u32,
    ) -> Result<BodyPage> {
        Ok(self.body(request_id)?.page(mode, start, count.min(2_000)))
    }

    pub fn search(&self, request_id: &str, mode: BodyMode, query: &str) -> Result<BodySearch> {
        Ok(self.body(request_id)?.search(mode, query))
    }

    /// The name the save dialog starts with (`response.json` for JSON, else `response.txt`);
    /// refused, before any dialog opens, when the body is no longer kept.
    pub fn save_name(&self, request_id: &str) -> Result<&'static str> {
        Ok(if self.body(request_id)?.has_pretty() {
            "response.json"
        } else {
            "response.txt"
        })
    }

    /// Writes the body (masked, as shown) to `path`, through a temporary file renamed into
    /// place so a failed save never leaves half a file.
    pub fn save(&self, request_id: &str, path: &Path) -> Result<u64> {
        let doc = self.body(request_id)?;
        crate::files::write_atomically(path, doc.bytes())?;
        Ok(doc.bytes().len() as u64)
    }

    fn lock_in_flight(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_bodies(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, Arc<BodyDocument>)>> {
        self.bodies.lock().unwrap_or_else(|e| e.into_inner())
    }
}
