//! The owner's approval of a paused connection, asked in a native confirmation dialog.
//!
//! A connection is paused when its type was re-pointed (its credentials would now go somewhere
//! else). Approving it is the owner's decision, so the page cannot make it: the window's
//! `approve_connection` command shows [`ApprovalPrompt`] in a dialog opened by Rust, naming the
//! connection, why it was paused and every origin its credentials would go to, and approves only
//! when the person confirms — and only if nothing changed while the dialog was open.

use url::Url;

use crate::model::{AuthPattern, Connection, ConnectionStatus, IntegrationType};
use crate::{CoreError, Patchbay, Result};

/// What the confirmation dialog says, and what it was said about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalPrompt {
    pub connection: String,
    pub title: String,
    pub message: String,
    /// The label of the button that approves.
    pub approve: &'static str,
    /// The label of the button that keeps the connection paused (also Escape / closing).
    pub keep: &'static str,
    /// The state the person saw: approving is refused when it is not the state any more.
    seen: Seen,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    updated_at: String,
    reason: Option<String>,
    destinations: Vec<String>,
}

impl ApprovalPrompt {
    /// The prompt for connection `name`; refused (no dialog to show) when it is not paused.
    pub fn of(pb: &Patchbay, name: &str) -> Result<ApprovalPrompt> {
        let c = pb.get_connection(name)?;
        if c.status != ConnectionStatus::Paused {
            return Err(CoreError::Invalid(format!(
                "connection '{name}' is not paused (status: {}); there is nothing to approve",
                c.status.as_str()
            )));
        }
        let seen = seen(pb, &c)?;
        let mut message = format!(
            "Patchbay paused “{}” because its type “{}” changed where its credentials go.",
            c.name, c.type_slug
        );
        if let Some(reason) = &seen.reason {
            message.push_str(&format!("\n\n{reason}"));
        }
        message.push_str("\n\nIf you approve, its credentials are sent to:");
        for d in &seen.destinations {
            message.push_str(&format!("\n  • {d}"));
        }
        message.push_str(
            "\n\nApprove only if you trust these hosts with this account. Until then nothing is sent.",
        );
        Ok(ApprovalPrompt {
            connection: c.name.clone(),
            title: format!("Approve “{}”?", c.name),
            message,
            approve: "Approve",
            keep: "Keep paused",
            seen,
        })
    }

    /// Approves the connection the person confirmed; refused when its type or status changed
    /// since the prompt was made (the person approved what they saw, not something newer).
    pub fn approve(&self, pb: &Patchbay) -> Result<Connection> {
        let now = pb.get_connection(&self.connection)?;
        if now.status != ConnectionStatus::Paused || seen(pb, &now)? != self.seen {
            return Err(CoreError::Invalid(format!(
                "connection '{}' changed while the approval was open; nothing was approved, look again",
                self.connection
            )));
        }
        pb.approve_connection(&self.connection)
    }
}

fn seen(pb: &Patchbay, c: &Connection) -> Result<Seen> {
    let t = pb.get_type(&c.type_slug)?;
    Ok(Seen {
        updated_at: c.updated_at.clone(),
        reason: c
            .last_error
            .as_deref()
            .map(|e| e.strip_prefix("paused: ").unwrap_or(e).to_string()),
        destinations: destinations(c, &t),
    })
}

/// Where the connection's credentials go under its type's current definition: the base URL's
/// origin with the connection's fields filled in, and each OAuth endpoint's origin.
fn destinations(c: &Connection, t: &IntegrationType) -> Vec<String> {
    let pattern = t
        .def
        .auth_patterns
        .iter()
        .find(|p| p.auth_type == c.auth_type);
    let mut out = Vec::new();
    // The same rendering the re-point check compared; the template itself when it does not
    // render for this connection.
    let base = pattern
        .and_then(|p| crate::patchbay::base_origin(c, &t.def.base_url, p).ok())
        .unwrap_or_else(|| origin(&t.def.base_url));
    out.push(format!("{base} (the API)"));
    if let Some(p) = pattern {
        out.extend(oauth_destinations(p));
    }
    out
}

fn oauth_destinations(p: &AuthPattern) -> Vec<String> {
    let Some(config) = &p.oauth_config else {
        return Vec::new();
    };
    [
        ("sign-in page", &config.authorize_uri),
        ("token endpoint", &config.token_uri),
        ("user info endpoint", &config.user_info_uri),
        ("revocation endpoint", &config.revocation_uri),
    ]
    .into_iter()
    .filter_map(|(what, uri)| {
        let uri = uri.as_deref().map(str::trim).filter(|u| !u.is_empty())?;
        Some(format!("{} (OAuth {what})", origin(uri)))
    })
    .collect()
}

/// `scheme://host[:port]` of `url`, or the text itself when it is not a URL.
fn origin(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) if u.has_host() => u.origin().ascii_serialization(),
        _ => url.to_string(),
    }
}
