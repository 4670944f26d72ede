//! Connecting accounts: creating connections, replacing secrets in place, renaming, removing.

use std::collections::BTreeMap;

use crate::envname::env_name;
use crate::ids::{new_id, CONNECTION_PREFIX};
use crate::model::{
    AuthPattern, AuthType, Connection, ConnectionStatus, IntegrationType, SecretSummary,
};
use crate::store::{self, connections, types};
use crate::vault;
use crate::{CoreError, Result, Secret};

use super::type_ops::type_not_found;
use super::{secret_aad, Patchbay};

/// What `connect` needs: the type, a name, which auth pattern, and the values.
pub struct ConnectRequest {
    pub type_slug: String,
    pub name: String,
    /// Required when the type has more than one auth pattern.
    pub auth_type: Option<AuthType>,
    /// Non-secret values (`domain`, `username`, `client_id`, ...).
    pub fields: BTreeMap<String, String>,
    /// Secret values, by field name.
    pub secrets: BTreeMap<String, Secret>,
}

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("type_slug", &self.type_slug)
            .field("name", &self.name)
            .field("auth_type", &self.auth_type)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Patchbay {
    /// The auth pattern a new connection of `slug` would use, so a caller can ask for exactly the
    /// fields it needs before calling [`Patchbay::connect`].
    pub fn pattern_for(&self, slug: &str, auth_type: Option<AuthType>) -> Result<AuthPattern> {
        let t = self.get_type(slug)?;
        choose_pattern(&t, auth_type).cloned()
    }

    pub fn connect(&self, req: ConnectRequest) -> Result<Connection> {
        let t = self.get_type(&req.type_slug)?;
        let pattern = choose_pattern(&t, req.auth_type)?.clone();
        let name = req.name.trim().to_string();
        let env = checked_env_name(&name)?;
        check_values(&t, &pattern, &req.fields, &req.secrets)?;
        let secrets: Vec<(&str, &Secret)> =
            req.secrets.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let conn = self.insert_connection(
            &t,
            pattern.auth_type,
            (name, env),
            req.fields,
            &secrets,
            |_, _| Ok(()),
        )?;
        tracing::info!(connection = %conn.name, slug = %conn.type_slug, auth = %conn.auth_type, "connected");
        Ok(conn)
    }

    /// Writes a new connection with its secrets (sealed here, after the vault is unlocked, so a
    /// wrong passphrase changes nothing) in one transaction; `also` runs in the same transaction
    /// with the new connection's id (the OAuth token information).
    pub(super) fn insert_connection(
        &self,
        t: &IntegrationType,
        auth_type: AuthType,
        (name, env_name): (String, String),
        fields: BTreeMap<String, String>,
        secrets: &[(&str, &Secret)],
        also: impl FnOnce(&rusqlite::Connection, &str) -> Result<()>,
    ) -> Result<Connection> {
        let key = self.master_key()?;
        let now = store::now();
        let mut secret_keys: Vec<String> = secrets.iter().map(|(k, _)| k.to_string()).collect();
        secret_keys.sort();
        let conn = Connection {
            id: new_id(CONNECTION_PREFIX),
            name,
            env_name,
            type_id: t.id.clone(),
            type_slug: t.def.slug.clone(),
            auth_type,
            fields,
            secret_keys,
            status: ConnectionStatus::Untested,
            last_error: None,
            last_used_at: None,
            oauth: None,
            agent_writes: false,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        let sealed = secrets
            .iter()
            .map(|(k, v)| {
                vault::seal(key, &secret_aad(&conn.id, k), v.expose().as_bytes()).map(|e| (*k, e))
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        self.store().write(|tx| {
            ensure_name_free(tx, &conn.name, &conn.env_name)?;
            connections::insert(tx, &conn)?;
            for (k, envelope) in &sealed {
                connections::put_secret(tx, &conn.id, k, envelope, &now)?;
            }
            also(tx, &conn.id)
        })?;
        Ok(conn)
    }

    pub fn list_connections(&self) -> Result<Vec<Connection>> {
        connections::all(self.store().conn())
    }

    pub fn get_connection(&self, name: &str) -> Result<Connection> {
        connections::by_name(self.store().conn(), name)?.ok_or_else(|| connection_not_found(name))
    }

    /// The connection's secrets as masks (`••••` plus at most the last four characters).
    /// Unlocks the vault.
    pub fn masked_secrets(&self, name: &str) -> Result<Vec<SecretSummary>> {
        let c = self.get_connection(name)?;
        // Unlocked even for a connection without secrets: a wrong passphrase is said here.
        self.master_key()?;
        let mut out = Vec::with_capacity(c.secret_keys.len());
        for k in &c.secret_keys {
            if let Some(secret) = self.open_secret(&c.id, k)? {
                out.push(SecretSummary {
                    key: k.clone(),
                    masked: secret.masked(),
                });
            }
        }
        Ok(out)
    }

    /// A secret's value, for the request engine and `patchbay run` only: never for display.
    pub fn reveal_secret(&self, name: &str, key: &str) -> Result<Secret> {
        let c = self.get_connection(name)?;
        self.open_secret(&c.id, key)?
            .ok_or_else(|| CoreError::not_found("secret", format!("{key}' of connection '{name}")))
    }

    /// One secret of a connection, opened from the vault (unlocking it only when there is one
    /// to open); `None` when the connection holds none under `key`.
    pub(super) fn open_secret(&self, connection_id: &str, key: &str) -> Result<Option<Secret>> {
        match connections::secret_envelope(self.store().conn(), connection_id, key)? {
            Some(env) => Ok(Some(vault::open(
                self.master_key()?,
                &secret_aad(connection_id, key),
                &env,
            )?)),
            None => Ok(None),
        }
    }

    pub fn rename_connection(&self, name: &str, new_name: &str) -> Result<Connection> {
        let new_name = new_name.trim().to_string();
        let env = checked_env_name(&new_name)?;
        self.store().write(|tx| {
            let c = connections::by_name(tx, name)?.ok_or_else(|| connection_not_found(name))?;
            if let Some(other) = connections::by_env_name(tx, &env)? {
                if other != c.name {
                    return Err(name_taken(&new_name, &env, &other));
                }
            }
            if c.name != new_name && connections::by_name(tx, &new_name)?.is_some() {
                return Err(name_taken(&new_name, &env, &new_name));
            }
            connections::rename(tx, &c.id, &new_name, &env, &store::now())
        })?;
        tracing::info!(from = name, to = %new_name, "renamed connection");
        self.get_connection(&new_name)
    }

    /// Replaces one secret of a connection in place (the connection and its other values stay).
    pub fn set_secret(&self, name: &str, key: &str, value: Secret) -> Result<()> {
        let c = self.get_connection(name)?;
        let t = types::by_id(self.store().conn(), &c.type_id)?
            .ok_or_else(|| type_not_found(&c.type_slug))?;
        let pattern = choose_pattern(&t, Some(c.auth_type))?;
        let spec = pattern
            .connection_fields()
            .into_iter()
            .find(|f| f.field_name == key);
        match spec {
            Some(f) if f.is_secret() => {}
            Some(_) => {
                return Err(CoreError::Invalid(format!(
                    "field '{key}' of connection '{name}' is not secret; it is set when connecting"
                )))
            }
            None if is_token_key(key) => {}
            None => {
                return Err(CoreError::Invalid(format!(
                    "connection '{name}' has no secret field '{key}'; its secret fields are: {}",
                    secret_field_names(pattern).join(", ")
                )))
            }
        }
        if value.is_empty() {
            return Err(CoreError::Invalid(format!(
                "the new value of '{key}' is empty"
            )));
        }
        let envelope = vault::seal(
            self.master_key()?,
            &secret_aad(&c.id, key),
            value.expose().as_bytes(),
        )?;
        self.store().write(|tx| {
            let now = store::now();
            connections::put_secret(tx, &c.id, key, &envelope, &now)?;
            // A new credential has not been checked yet.
            connections::set_status(tx, &c.id, ConnectionStatus::Untested, None, &now)
        })?;
        tracing::info!(connection = name, key, "replaced a secret");
        Ok(())
    }

    /// Disconnects: removes the connection and every secret it holds.
    pub fn delete_connection(&self, name: &str) -> Result<()> {
        self.store().write(|tx| {
            let c = connections::by_name(tx, name)?.ok_or_else(|| connection_not_found(name))?;
            connections::delete(tx, &c.id)
        })?;
        tracing::info!(connection = name, "deleted connection");
        Ok(())
    }

    /// Resumes a connection paused by a re-import that changed its type's host or auth.
    /// Turns agent writes on or off for `name` (see [`Connection::agent_writes`]).
    pub fn set_agent_writes(&self, name: &str, allowed: bool) -> Result<Connection> {
        let c = self.get_connection(name)?;
        self.store()
            .write(|tx| connections::set_agent_writes(tx, &c.id, allowed, &store::now()))?;
        self.get_connection(name)
    }

    pub fn approve_connection(&self, name: &str) -> Result<Connection> {
        self.store().write(|tx| {
            let c = connections::by_name(tx, name)?.ok_or_else(|| connection_not_found(name))?;
            if c.status != ConnectionStatus::Paused {
                return Err(CoreError::Invalid(format!(
                    "connection '{name}' is not paused (status: {}); there is nothing to approve",
                    c.status.as_str()
                )));
            }
            connections::set_status(tx, &c.id, ConnectionStatus::Untested, None, &store::now())
        })?;
        tracing::info!(connection = name, "approved a paused connection");
        self.get_connection(name)
    }
}

/// OAuth tokens are stored under these keys by the OAuth flows, not collected as fields.
fn is_token_key(key: &str) -> bool {
    matches!(key, "access_token" | "refresh_token")
}

pub(crate) fn connection_not_found(name: &str) -> CoreError {
    CoreError::NotFound {
        kind: "connection",
        name: name.to_string(),
        hint: "; `patchbay connections list` shows the names".to_string(),
    }
}

pub(super) fn choose_pattern(
    t: &IntegrationType,
    wanted: Option<AuthType>,
) -> Result<&AuthPattern> {
    let available = || {
        t.def
            .auth_patterns
            .iter()
            .map(|p| p.auth_type.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(a) => t.def.pattern(a).ok_or_else(|| {
            CoreError::Invalid(format!(
                "integration type '{}' has no '{a}' auth pattern; it offers: {}",
                t.def.slug,
                available()
            ))
        }),
        None if t.def.auth_patterns.len() == 1 => Ok(&t.def.auth_patterns[0]),
        None => Err(CoreError::Invalid(format!(
            "integration type '{}' offers several auth patterns ({}); choose one with --auth",
            t.def.slug,
            available()
        ))),
    }
}

fn secret_field_names(p: &AuthPattern) -> Vec<String> {
    p.connection_fields()
        .into_iter()
        .filter(|f| f.is_secret())
        .map(|f| f.field_name)
        .collect()
}

/// Every value must belong to the pattern, on the right side of the secret line, and every
/// required field must be present. All problems are reported together.
pub(super) fn check_values(
    t: &IntegrationType,
    p: &AuthPattern,
    fields: &BTreeMap<String, String>,
    secrets: &BTreeMap<String, Secret>,
) -> Result<()> {
    let specs = p.connection_fields();
    let mut problems = Vec::new();
    for key in fields.keys() {
        match specs.iter().find(|f| &f.field_name == key) {
            None => problems.push(format!("unknown field '{key}'")),
            Some(f) if f.is_secret() => problems.push(format!(
                "field '{key}' is secret: pass it with --secret {key} (read from a prompt or stdin), never as a plain value"
            )),
            Some(_) => {}
        }
    }
    for key in secrets.keys() {
        match specs.iter().find(|f| &f.field_name == key) {
            None => problems.push(format!("unknown field '{key}'")),
            Some(f) if !f.is_secret() => problems.push(format!(
                "field '{key}' is not secret: pass it with --field {key}=VALUE"
            )),
            Some(_) => {}
        }
    }
    for f in specs.iter().filter(|f| f.required) {
        let present = if f.is_secret() {
            secrets.get(&f.field_name).is_some_and(|s| !s.is_empty())
        } else {
            fields
                .get(&f.field_name)
                .is_some_and(|v| !v.trim().is_empty())
        };
        if !present {
            let how = if f.is_secret() {
                format!("--secret {}", f.field_name)
            } else {
                format!("--field {}=VALUE", f.field_name)
            };
            problems.push(format!(
                "required field '{}' is missing ({how})",
                f.field_name
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = specs
        .iter()
        .map(|f| {
            format!(
                "{}{}{}",
                f.field_name,
                if f.is_secret() { " (secret)" } else { "" },
                if f.required { " (required)" } else { "" }
            )
        })
        .collect();
    Err(CoreError::Invalid(format!(
        "cannot connect to '{}' with the {} pattern:\n  {}\nfields of this pattern: {}",
        t.def.slug,
        p.auth_type,
        problems.join("\n  "),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )))
}

pub(super) fn checked_env_name(name: &str) -> Result<String> {
    if name.is_empty() {
        return Err(CoreError::Invalid(
            "a connection name must not be empty".into(),
        ));
    }
    if name.chars().count() > 100 {
        return Err(CoreError::Invalid(
            "a connection name must be at most 100 characters".into(),
        ));
    }
    env_name(name).ok_or_else(|| {
        CoreError::Invalid(format!(
            "connection name '{name}' needs at least one ASCII letter or digit (it becomes the CUSTOM_API_… variable name)"
        ))
    })
}

pub(super) fn ensure_name_free(db: &rusqlite::Connection, name: &str, env: &str) -> Result<()> {
    if connections::by_name(db, name)?.is_some() {
        return Err(name_taken(name, env, name));
    }
    if let Some(other) = connections::by_env_name(db, env)? {
        return Err(name_taken(name, env, &other));
    }
    Ok(())
}

fn name_taken(name: &str, env: &str, other: &str) -> CoreError {
    if name == other {
        CoreError::Conflict(format!("a connection named '{name}' already exists"))
    } else {
        CoreError::Conflict(format!(
            "connection name '{name}' would use the variable {env}, which connection '{other}' already uses; choose a more distinct name"
        ))
    }
}
