//! The environment `patchbay run` gives a child process: for each connection
//! `CUSTOM_API_<NAME>` (its credential: the API key, token or OAuth access token),
//! `CUSTOM_API_<NAME>_<FIELD>` for each value of a multi-field credential (basic's username and
//! password, a tenant id beside a key), and `CUSTOM_API_<NAME>_BASE_URL`. The values exist only
//! in the child's environment: nothing is written, the parent's environment is untouched.
//!
//! An OAuth connection's refresh token and client secret are never handed out: a script needs
//! the access token, not the means to mint more.

use crate::envname::env_name;
use crate::model::{AuthPattern, Connection};
use crate::Secret;

/// Where a variable's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarSource {
    Secret(String),
    Field(String),
    BaseUrl,
}

/// One variable of a connection, before its value is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub source: VarSource,
}

/// The variables for a child, with their values; `connections` names the connections they come
/// from, `skipped` says which connections were left out and why. `Debug` shows names only.
#[derive(Default)]
pub struct ChildEnv {
    pub vars: Vec<(String, Secret)>,
    pub connections: Vec<String>,
    pub skipped: Vec<String>,
}

impl std::fmt::Debug for ChildEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChildEnv")
            .field(
                "vars",
                &self.vars.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("connections", &self.connections)
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// OAuth secrets a child never gets.
const WITHHELD: &[&str] = &["refresh_token", "client_secret"];

/// The variables of connection `c` (which uses `pattern`), in a stable order.
pub fn plan(c: &Connection, pattern: &AuthPattern) -> Vec<EnvVar> {
    let specs = pattern.connection_fields();
    let mut secrets: Vec<String> = if c.auth_type.is_oauth() {
        vec!["access_token".to_string()]
    } else {
        // In the pattern's order, so "the" credential is the first one it asks for.
        let mut ordered: Vec<String> = specs
            .iter()
            .filter(|f| f.is_secret() && c.secret_keys.contains(&f.field_name))
            .map(|f| f.field_name.clone())
            .collect();
        for k in &c.secret_keys {
            if !ordered.contains(k) {
                ordered.push(k.clone());
            }
        }
        ordered
    };
    secrets.retain(|k| !WITHHELD.contains(&k.as_str()));
    let fields: Vec<&String> = c.fields.keys().collect();
    let mut out = Vec::new();
    if let Some(primary) = secrets.first() {
        out.push(EnvVar {
            name: c.env_name.clone(),
            source: VarSource::Secret(primary.clone()),
        });
    }
    if secrets.len() + fields.len() > 1 {
        for k in &secrets {
            out.push(EnvVar {
                name: field_var(&c.env_name, k),
                source: VarSource::Secret(k.clone()),
            });
        }
        for k in fields {
            out.push(EnvVar {
                name: field_var(&c.env_name, k),
                source: VarSource::Field(k.clone()),
            });
        }
    }
    out.push(EnvVar {
        name: format!("{}_BASE_URL", c.env_name),
        source: VarSource::BaseUrl,
    });
    out
}

/// `CUSTOM_API_ACME_API_KEY` for field `api_key` of `CUSTOM_API_ACME`.
fn field_var(prefix: &str, field: &str) -> String {
    let suffix = env_name(field)
        .and_then(|n| n.strip_prefix("CUSTOM_API_").map(str::to_string))
        .unwrap_or_else(|| "FIELD".to_string());
    format!("{prefix}_{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthType, ConnectionStatus};

    fn connection(auth: AuthType, secrets: &[&str], fields: &[&str]) -> Connection {
        Connection {
            id: "cn_1".into(),
            name: "Acme prod".into(),
            env_name: "CUSTOM_API_ACME_PROD".into(),
            type_id: "it_1".into(),
            type_slug: "acme".into(),
            auth_type: auth,
            fields: fields.iter().map(|f| (f.to_string(), "v".into())).collect(),
            secret_keys: secrets.iter().map(|s| s.to_string()).collect(),
            status: ConnectionStatus::Ok,
            last_error: None,
            last_used_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            oauth: None,
            agent_writes: false,
        }
    }

    fn names(c: &Connection, p: &AuthPattern) -> Vec<String> {
        plan(c, p).into_iter().map(|v| v.name).collect()
    }

    #[test]
    fn a_single_key_is_the_connection_variable() {
        let p = AuthPattern::new(AuthType::ApiKey);
        let c = connection(AuthType::ApiKey, &["api_key"], &[]);
        assert_eq!(
            names(&c, &p),
            ["CUSTOM_API_ACME_PROD", "CUSTOM_API_ACME_PROD_BASE_URL"]
        );
    }

    #[test]
    fn multi_field_credentials_get_one_variable_per_field() {
        let p = AuthPattern::new(AuthType::Basic);
        let c = connection(AuthType::Basic, &["password"], &["username"]);
        assert_eq!(
            names(&c, &p),
            [
                "CUSTOM_API_ACME_PROD",
                "CUSTOM_API_ACME_PROD_PASSWORD",
                "CUSTOM_API_ACME_PROD_USERNAME",
                "CUSTOM_API_ACME_PROD_BASE_URL"
            ]
        );
    }

    #[test]
    fn oauth_hands_out_the_access_token_only() {
        let p = AuthPattern::new(AuthType::Oauth2AuthorizationCode);
        let c = connection(
            AuthType::Oauth2AuthorizationCode,
            &["access_token", "client_secret", "refresh_token"],
            &[],
        );
        let plan = plan(&c, &p);
        assert_eq!(plan[0].source, VarSource::Secret("access_token".into()));
        assert!(plan
            .iter()
            .all(|v| !matches!(&v.source, VarSource::Secret(k) if k != "access_token")));
    }
}
