//! When an agent may use a connection: never while it is paused, needs re-authorization or is
//! failing (the agent gets the reason and what the owner must do), and only for reads unless its
//! owner turned agent writes on.
//!
//! This is the check before anything is prepared. The request engine checks the request as it
//! will be sent as well (`request::Caller`): for a read-only connection it also refuses
//! method-override headers (`X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override`), a
//! `_method` query parameter and a body on GET, HEAD or OPTIONS; and it never fills a secret
//! into the agent's own path, query, headers or body.

use crate::model::{Connection, ConnectionStatus};
use crate::request::{RequestError, READ_METHODS};
use crate::{CoreError, Result};

/// `Ok` when an agent may send `method` through `c`; else why not, in words an agent can relay.
pub fn check_agent_may(c: &Connection, method: &str) -> Result<()> {
    let refuse = |reason: String| -> Result<()> {
        Err(RequestError::NotUsable {
            connection: c.name.clone(),
            reason,
        }
        .into())
    };
    match c.status {
        ConnectionStatus::Paused => {
            return refuse(format!(
                "is paused{}; its owner must approve it first (`patchbay connections approve '{}'`)",
                c.last_error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default(),
                c.name
            ))
        }
        ConnectionStatus::NeedsReauthorization => {
            return refuse(format!(
                "needs re-authorization: the provider rejected its OAuth grant; its owner must log in again (`patchbay connections reauthorize '{}'`)",
                c.name
            ))
        }
        ConnectionStatus::Failing => {
            return refuse(format!(
                "is failing{}; its owner must fix it and run `patchbay test '{}'`",
                c.last_error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default(),
                c.name
            ))
        }
        ConnectionStatus::Ok | ConnectionStatus::Untested => {}
    }
    let method = method.trim().to_ascii_uppercase();
    if !READ_METHODS.contains(&method.as_str()) && !c.agent_writes {
        return Err(CoreError::Invalid(format!(
            "agents may only read through connection '{}' ({} is a write); its owner can allow writes with `patchbay connections agent-writes '{}' on`",
            c.name,
            method,
            c.name
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthType;

    fn connection(status: ConnectionStatus, agent_writes: bool) -> Connection {
        Connection {
            id: "cn_1".into(),
            name: "acme".into(),
            env_name: "CUSTOM_API_ACME".into(),
            type_id: "it_1".into(),
            type_slug: "acme".into(),
            auth_type: AuthType::Bearer,
            fields: Default::default(),
            secret_keys: vec!["token".into()],
            status,
            last_error: Some("HTTP 401 Unauthorized".into()),
            last_used_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            oauth: None,
            agent_writes,
        }
    }

    #[test]
    fn reads_pass_writes_need_the_switch() {
        let c = connection(ConnectionStatus::Ok, false);
        assert!(check_agent_may(&c, "get").is_ok());
        let e = check_agent_may(&c, "POST").expect_err("a write");
        assert!(e.to_string().contains("agent-writes 'acme' on"), "{e}");
        assert!(check_agent_may(&connection(ConnectionStatus::Ok, true), "DELETE").is_ok());
    }

    #[test]
    fn paused_failing_and_expired_connections_are_refused_with_the_reason() {
        for (status, said) in [
            (ConnectionStatus::Paused, "is paused"),
            (
                ConnectionStatus::Failing,
                "is failing (HTTP 401 Unauthorized)",
            ),
            (
                ConnectionStatus::NeedsReauthorization,
                "needs re-authorization",
            ),
        ] {
            let e = check_agent_may(&connection(status, true), "GET").expect_err("refused");
            assert!(e.to_string().contains(said), "{e}");
        }
    }
}
