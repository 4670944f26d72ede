//! Requests through connections: the two synchronous ends of the request engine.
//!
//! `prepare_request` reads the store and the vault and hands back a [`PreparedRequest`];
//! [`crate::request::execute`] sends it (async, no database, so the desktop app can release its
//! `Mutex<Patchbay>` while waiting); `record_outcome` writes the history row and the
//! connection's status. The split keeps `Patchbay` synchronous (rusqlite is not `Sync`).
//! [`Patchbay::send`] strings the three together for callers that own their `Patchbay` (the CLI,
//! the MCP server), adding OAuth's refresh before expiry and once after a 401.

use std::collections::BTreeMap;

use crate::model::{Action, ConnectionStatus, HttpMethod};
use crate::request::{
    self, CancellationToken, ExecuteOptions, FailureKind, HistoryEntry, MadeBy, Outcome,
    PreparedRequest, Purpose, RequestError, RequestSpec,
};
use crate::store::{self, connections, history, types};
use crate::{CoreError, Result, Secret};

use super::connection_ops::connection_not_found;
use super::type_ops::type_not_found;
use super::Patchbay;

impl Patchbay {
    /// Renders `spec` for connection `name`: URL, auth, body, masked preview. Refuses paused
    /// connections and those that need re-authorization. Unlocks the vault when the connection
    /// holds secrets. Nothing is sent.
    pub fn prepare_request(&self, name: &str, spec: RequestSpec) -> Result<PreparedRequest> {
        let mut c = self.get_connection(name)?;
        match c.status {
            ConnectionStatus::Paused => return Err(paused_error(&c)),
            ConnectionStatus::NeedsReauthorization => return Err(RequestError::NotUsable {
                connection: c.name.clone(),
                reason:
                    "needs re-authorization: the provider rejected its OAuth grant; log in again"
                        .into(),
            }
            .into()),
            _ => {}
        }
        let t = types::by_id(self.store().conn(), &c.type_id)?
            .ok_or_else(|| type_not_found(&c.type_slug))?;
        let pattern = t.def.pattern(c.auth_type).ok_or_else(|| {
            CoreError::Invalid(format!(
                "connection '{}' uses the {} auth pattern, which its type '{}' no longer has; reconnect it",
                c.name, c.auth_type, t.def.slug
            ))
        })?;
        let secrets = self.connection_secrets(&c.id, &c.secret_keys)?;
        // OAuth: the token type as the provider returned it (not a secret, so it is never
        // masked where it appears in a response), read by the oauth auth pattern.
        if let Some(info) = &c.oauth {
            c.fields
                .insert("token_type".to_string(), info.token_type.clone());
        }
        let prepared = request::prepare(
            request::Inputs {
                connection: &c,
                def: &t.def,
                pattern,
                secrets,
                now_unix: chrono::Utc::now().timestamp(),
            },
            spec,
        )?;
        tracing::debug!(connection = %c.name, method = %prepared.preview().method, url = %prepared.preview().url, "prepared a request");
        Ok(prepared)
    }

    /// Sends `spec` through connection `name` and records it: for OAuth connections the token
    /// is refreshed first when it is about to expire, and once more after a 401 (the first
    /// attempt is recorded too). Errors before anything is sent (templates, a paused connection,
    /// a rejected refresh) are `Err`; a transport failure is an `Outcome` with its error.
    pub async fn send(
        &self,
        name: &str,
        spec: RequestSpec,
        opts: &ExecuteOptions,
        cancel: &CancellationToken,
        made_by: MadeBy,
    ) -> Result<Sent> {
        let mut history_warnings = Vec::new();
        self.ensure_fresh_token(name, None).await?;
        let mut prepared = self.prepare_request(name, spec.clone())?;
        let mut outcome = request::execute(&prepared, opts, cancel).await;
        if outcome.response.as_ref().is_some_and(|r| r.status == 401) {
            if let Some(used) = self.current_access_token(name)? {
                if let Err(e) = self.record_outcome(&prepared, &outcome, made_by) {
                    history_warnings.push(e.to_string());
                }
                if self.ensure_fresh_token(name, Some(&used)).await? {
                    prepared = self.prepare_request(name, spec)?;
                    outcome = request::execute(&prepared, opts, cancel).await;
                }
            }
        }
        let history = match self.record_outcome(&prepared, &outcome, made_by) {
            Ok(h) => Some(h),
            Err(e) => {
                history_warnings.push(e.to_string());
                None
            }
        };
        Ok(Sent {
            prepared,
            outcome,
            history,
            history_warnings,
        })
    }

    /// The type-level test request of a connection (see [`Patchbay::test_spec`]), sent and
    /// recorded like [`Patchbay::send`].
    pub async fn send_test(
        &self,
        name: &str,
        target: Option<&str>,
        opts: &ExecuteOptions,
        cancel: &CancellationToken,
        made_by: MadeBy,
    ) -> Result<Sent> {
        let spec = self.test_spec(name, target)?;
        self.send(name, spec, opts, cancel, made_by).await
    }

    /// The stored OAuth access token of an OAuth connection (`None` for other patterns).
    fn current_access_token(&self, name: &str) -> Result<Option<Secret>> {
        let c = self.get_connection(name)?;
        if !c.auth_type.is_oauth() {
            return Ok(None);
        }
        self.open_secret(&c.id, "access_token")
    }

    /// Prepares the type-level test of a connection. `target` is an action name or a path
    /// (starting with `/`); without one, the type's first GET action that needs no parameter is
    /// used, else `GET` on the base URL.
    pub fn prepare_test(&self, name: &str, target: Option<&str>) -> Result<PreparedRequest> {
        let spec = self.test_spec(name, target)?;
        self.prepare_request(name, spec)
    }

    /// The request the type-level test sends; see [`Patchbay::prepare_test`].
    pub fn test_spec(&self, name: &str, target: Option<&str>) -> Result<RequestSpec> {
        let c = self.get_connection(name)?;
        let t = types::by_id(self.store().conn(), &c.type_id)?
            .ok_or_else(|| type_not_found(&c.type_slug))?;
        let mut spec = match target.map(str::trim) {
            Some(path) if path.starts_with('/') => RequestSpec::new("GET", path),
            Some(action) => {
                let found =
                    t.def
                        .actions
                        .iter()
                        .find(|a| a.name == action)
                        .ok_or_else(|| {
                            let names: Vec<&str> =
                                t.def.actions.iter().map(|a| a.name.as_str()).collect();
                            CoreError::NotFound {
                                kind: "action",
                                name: action.to_string(),
                                hint: format!(
                            " on type '{}'; its actions: {} (or give a path starting with '/')",
                            t.def.slug,
                            if names.is_empty() { "none".to_string() } else { names.join(", ") }
                        ),
                            }
                        })?;
                RequestSpec::from_action(found, BTreeMap::new())
            }
            None => match default_test_action(&t.def.actions) {
                Some(a) => RequestSpec::from_action(a, BTreeMap::new()),
                None => RequestSpec::new("GET", ""),
            },
        };
        spec.purpose = Purpose::Test;
        Ok(spec)
    }

    /// Writes the history row of an executed request (pruning the connection's history to the
    /// retention limit in the same transaction) and updates the connection: last used, and for a
    /// test its status (`ok`, or `failing` with the masked reason; a cancelled test changes none).
    pub fn record_outcome(
        &self,
        prepared: &PreparedRequest,
        outcome: &Outcome,
        made_by: MadeBy,
    ) -> Result<HistoryEntry> {
        let mut entry = request::history_entry(prepared, outcome, made_by);
        let keep = self.history_retention;
        let now = store::now();
        let reason = prepared
            .redactor()
            .mask_str(&outcome.summary())
            .into_owned();
        entry.id = self.store().write(|tx| {
            let id = history::insert(tx, &entry, keep)?;
            connections::set_last_used(tx, prepared.connection_id(), &now)?;
            // A cancelled test says nothing about the connection.
            let cancelled = outcome
                .error
                .as_ref()
                .is_some_and(|e| e.kind == FailureKind::Cancelled);
            if prepared.purpose() == Purpose::Test && !cancelled {
                let (status, error) = if outcome.is_success() {
                    (ConnectionStatus::Ok, None)
                } else {
                    (ConnectionStatus::Failing, Some(reason.as_str()))
                };
                connections::set_status(tx, prepared.connection_id(), status, error, &now)?;
            }
            Ok(id)
        })?;
        Ok(entry)
    }

    /// The newest `limit` history entries of one connection (by name) or of all, newest first.
    pub fn history(&self, connection: Option<&str>, limit: u32) -> Result<Vec<HistoryEntry>> {
        let id = match connection {
            Some(name) => Some(
                connections::by_name(self.store().conn(), name)?
                    .ok_or_else(|| connection_not_found(name))?
                    .id,
            ),
            None => None,
        };
        history::list(self.store().conn(), id.as_deref(), limit)
    }

    /// How many history rows to keep per connection (default 200; at least 1).
    pub fn set_history_retention(&mut self, keep: u32) {
        self.history_retention = keep.max(1);
    }

    /// Every secret of a connection, opened from the vault (which is unlocked only if there are
    /// any).
    fn connection_secrets(&self, id: &str, keys: &[String]) -> Result<BTreeMap<String, Secret>> {
        let mut out = BTreeMap::new();
        for k in keys {
            if let Some(secret) = self.open_secret(id, k)? {
                out.insert(k.clone(), secret);
            }
        }
        Ok(out)
    }
}

/// A request sent through [`Patchbay::send`]: what was sent, what came back, and its history
/// row (with the reasons, when history could not be written: the response is still shown).
#[derive(Debug)]
pub struct Sent {
    pub prepared: PreparedRequest,
    pub outcome: Outcome,
    pub history: Option<HistoryEntry>,
    pub history_warnings: Vec<String>,
}

/// The first GET action whose path and query need no parameter.
fn default_test_action(actions: &[Action]) -> Option<&Action> {
    actions.iter().find(|a| {
        a.method == HttpMethod::Get
            && !a.path.contains("{{")
            && !a.query.iter().any(|q| q.value.contains("{{"))
            && !a.headers.iter().any(|h| h.value.contains("{{"))
    })
}

/// The refusal for a paused connection: what paused it and how to approve it.
pub(super) fn paused_error(c: &crate::model::Connection) -> CoreError {
    RequestError::NotUsable {
        connection: c.name.clone(),
        reason: format!(
            "is paused: {}, so nothing is sent until you approve it (`patchbay connections approve '{}'`)",
            c.last_error
                .as_deref()
                .unwrap_or("an import changed its type's host or auth"),
            c.name
        ),
    }
    .into()
}
