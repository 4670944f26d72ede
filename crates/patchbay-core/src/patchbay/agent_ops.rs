//! The parts of agent access that read the vault: the child environment of `patchbay run`, and
//! a connection's rendered base URL.

use std::collections::BTreeMap;

use crate::agent::{plan_env, ChildEnv, EnvVar, VarSource};
use crate::model::{Connection, ConnectionStatus};
use crate::request::RequestError;
use crate::store::types;
use crate::{CoreError, Result, Secret};

use super::type_ops::type_not_found;
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

    fn env_plan_of(&self, c: &Connection) -> Result<Vec<EnvVar>> {
        let t = types::by_id(self.store().conn(), &c.type_id)?
            .ok_or_else(|| type_not_found(&c.type_slug))?;
        let pattern = t.def.pattern(c.auth_type).ok_or_else(|| {
            CoreError::Invalid(format!(
                "connection '{}' uses the {} auth pattern, which its type '{}' no longer has",
                c.name, c.auth_type, t.def.slug
            ))
        })?;
        Ok(plan_env(c, pattern))
    }

    /// The variable names `patchbay run` would set for `names` (all connections when empty);
    /// never a value, and the vault stays locked.
    pub fn env_names(&self, names: &[String]) -> Result<Vec<String>> {
        let (conns, _) = self.env_connections(names)?;
        let mut out = Vec::new();
        for c in &conns {
            out.extend(self.env_plan_of(c)?.into_iter().map(|v| v.name));
        }
        Ok(out)
    }

    /// The variables with their values for a child process. OAuth tokens about to expire are
    /// refreshed first.
    pub async fn child_env(&self, names: &[String]) -> Result<ChildEnv> {
        let (conns, skipped) = self.env_connections(names)?;
        let mut env = ChildEnv {
            vars: Vec::new(),
            skipped,
        };
        for c in &conns {
            if c.auth_type.is_oauth() {
                self.ensure_fresh_token(&c.name, None).await?;
            }
            for var in self.env_plan_of(c)? {
                let value = match &var.source {
                    VarSource::Secret(key) => self.open_secret(&c.id, key)?,
                    VarSource::Field(key) => c.fields.get(key).map(|v| Secret::new(v.clone())),
                    VarSource::BaseUrl => Some(Secret::new(self.base_url_of(c)?)),
                };
                if let Some(value) = value {
                    env.vars.push((var.name, value));
                }
            }
        }
        Ok(env)
    }

    /// The type's base URL with the connection's fields filled in.
    pub fn base_url_of(&self, c: &Connection) -> Result<String> {
        let t = types::by_id(self.store().conn(), &c.type_id)?
            .ok_or_else(|| type_not_found(&c.type_slug))?;
        let pattern = t
            .def
            .pattern(c.auth_type)
            .cloned()
            .unwrap_or_else(|| crate::model::AuthPattern::new(c.auth_type));
        let no_secrets = BTreeMap::new();
        Ok(crate::request::render_base_url(
            &c.name,
            &t.def.base_url,
            &pattern,
            &c.fields,
            &no_secrets,
        )?)
    }
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
