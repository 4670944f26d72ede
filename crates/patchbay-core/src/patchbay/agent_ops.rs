//! The part of agent access that reads the vault: the child environment of `patchbay run`.

use std::collections::BTreeMap;

use crate::agent::{plan_env, ChildEnv, VarSource};
use crate::model::{AuthPattern, Connection, ConnectionStatus, IntegrationType};
use crate::request::RequestError;
use crate::{Result, Secret};

use super::Patchbay;

impl Patchbay {
    /// The connections `names` asks for (all when empty). Named connections that cannot be used
    /// are an error; unnamed ones are left out with the reason in the second list.
    fn env_connections(&self, names: &[String]) -> Result<(Vec<Connection>, Vec<String>)> {
        let all = self.list_connections()?;
        if names.is_empty() {
            let (usable, unusable): (Vec<_>, Vec<_>) =
                all.into_iter().partition(|c| unusable_reason(c).is_none());
            let skipped = unusable
                .iter()
                .map(|c| format!("{}: {}", c.name, unusable_reason(c).unwrap_or_default()))
                .collect();
            return Ok((usable, skipped));
        }
        let mut picked = Vec::new();
        for name in names {
            let c = self.get_connection(name)?;
            if let Some(reason) = unusable_reason(&c) {
                return Err(RequestError::NotUsable {
                    connection: c.name,
                    reason,
                }
                .into());
            }
            picked.push(c);
        }
        Ok((picked, Vec::new()))
    }

    /// The variable names `patchbay run` would set for `names` (all connections when empty);
    /// never a value, and the vault stays locked.
    pub fn env_names(&self, names: &[String]) -> Result<Vec<String>> {
        let (conns, _) = self.env_connections(names)?;
        let mut out = Vec::new();
        for c in &conns {
            let (_, pattern) = self.type_and_pattern(c)?;
            out.extend(plan_env(c, &pattern).into_iter().map(|v| v.name));
        }
        Ok(out)
    }

    /// The variables with their values for a child process. OAuth tokens about to expire are
    /// refreshed first.
    pub async fn child_env(&self, names: &[String]) -> Result<ChildEnv> {
        let (conns, skipped) = self.env_connections(names)?;
        let mut env = ChildEnv {
            vars: Vec::new(),
            connections: conns.iter().map(|c| c.name.clone()).collect(),
            skipped,
        };
        for c in &conns {
            if c.auth_type.is_oauth() {
                self.ensure_fresh_token(&c.name, None).await?;
            }
            let (t, pattern) = self.type_and_pattern(c)?;
            for var in plan_env(c, &pattern) {
                let value = match &var.source {
                    VarSource::Secret(key) => self.open_secret(&c.id, key)?,
                    VarSource::Field(key) => c.fields.get(key).map(|v| Secret::new(v.clone())),
                    VarSource::BaseUrl => Some(Secret::new(base_url(c, &t, &pattern)?)),
                };
                if let Some(value) = value {
                    env.vars.push((var.name, value));
                }
            }
        }
        Ok(env)
    }
}

/// The type's base URL with the connection's fields filled in (a base URL holds no secret).
fn base_url(c: &Connection, t: &IntegrationType, pattern: &AuthPattern) -> Result<String> {
    Ok(crate::request::render_base_url(
        &c.name,
        &t.def.base_url,
        pattern,
        &c.fields,
        &BTreeMap::new(),
    )?)
}

/// Why a connection's credentials may not be handed out, if so.
fn unusable_reason(c: &Connection) -> Option<String> {
    match c.status {
        ConnectionStatus::Paused => Some(format!(
            "is paused until its owner approves it (`patchbay connections approve '{}'`)",
            c.name
        )),
        ConnectionStatus::NeedsReauthorization => Some(format!(
            "needs re-authorization (`patchbay connections reauthorize '{}'`)",
            c.name
        )),
        _ => None,
    }
}
