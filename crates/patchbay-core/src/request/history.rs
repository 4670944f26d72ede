//! History of requests, per connection: what was sent (masked), what came back (status, timing,
//! size, the first 64 KiB of a text body, masked), kept in SQLite with a retention limit.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::outcome::{BodyEncoding, Hop, Outcome, RequestFailure};
use super::prepared::PreparedRequest;
use super::preview::{text_prefix, HeaderLine};
use super::spec::{MadeBy, Purpose};
use super::timing::Timing;

/// How much of a response body a history row keeps.
pub const HISTORY_BODY_CAP: usize = 64 * 1024;

/// Rows kept per connection unless configured otherwise; older ones are removed in the same
/// transaction that adds a new one.
pub const DEFAULT_HISTORY_RETENTION: u32 = 200;

/// One stored request. Every text in it was masked before it was written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct HistoryEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub connection_id: String,
    pub connection: String,
    pub made_by: MadeBy,
    pub purpose: Purpose,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<HeaderLine>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RequestFailure>,
    pub timing: Timing,
    pub hops: Vec<Hop>,
    #[ts(optional, type = "number")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_size: Option<u64>,
    /// The first 64 KiB of a text response body.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    pub response_body_truncated: bool,
    pub created_at: String,
}

/// A row to insert (the id comes from the database).
pub(crate) fn new_entry(p: &PreparedRequest, o: &Outcome, made_by: MadeBy) -> HistoryEntry {
    let r = &p.redactor;
    let mask = |s: &str| r.mask_str(s).into_owned();
    let (body, truncated) = match &o.response {
        Some(resp) if resp.body.encoding == BodyEncoding::Utf8 => {
            match text_prefix(&resp.body.data, HISTORY_BODY_CAP) {
                Some((text, cut)) => (Some(mask(&text)), cut || resp.body.truncated),
                None => (None, resp.body.truncated),
            }
        }
        Some(resp) => (None, resp.body.truncated),
        None => (None, false),
    };
    HistoryEntry {
        id: 0,
        connection_id: p.connection_id.clone(),
        connection: p.connection_name.clone(),
        made_by,
        purpose: p.purpose,
        action: p.action.clone(),
        method: o.request.method.clone(),
        url: mask(&o.request.url),
        request_headers: o
            .request
            .headers
            .iter()
            .map(|h| HeaderLine {
                name: h.name.clone(),
                value: mask(&h.value),
            })
            .collect(),
        status: o.response.as_ref().map(|resp| resp.status),
        error: o.error.as_ref().map(|e| RequestFailure {
            kind: e.kind,
            message: mask(&e.message),
            hint: e.hint.clone(),
        }),
        timing: o.timing.clone(),
        hops: o
            .hops
            .iter()
            .map(|h| Hop {
                url: mask(&h.url),
                location: h.location.as_deref().map(mask),
                ..h.clone()
            })
            .collect(),
        response_size: o.response.as_ref().map(|resp| resp.body.size),
        response_body: body,
        response_body_truncated: truncated,
        created_at: o.started_at.clone(),
    }
}
