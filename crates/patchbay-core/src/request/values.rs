//! Where template values come from: a connection's non-secret fields, its secrets from the vault,
//! and extra variables such as an action's parameters — with the pattern's
//! `auth_field_mutations` applied, so every place that uses a field sees the same value.
//!
//! Lookups say which kind of value they found: a secret stays a [`Secret`] until the one place
//! that must send it, and the caller can refuse secrets where they do not belong (a URL).
//!
//! Two rules hold for every template lookup ([`Values::get`]), whoever wrote the template:
//! - an OAuth connection's `client_secret` and `refresh_token` are never placed: only the OAuth
//!   client sends them, to the provider's token endpoint;
//! - in a delegate's own text ([`Values::for_delegate`]: an agent's `call_api`), no name that
//!   refers to a secret, a vault entry, or a credential the auth pattern read is filled.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::model::{AuthPattern, FieldMutation, FieldSpec};
use crate::Secret;

use super::caller::DelegateKind;
use super::error::RequestError;

/// What only the OAuth client uses, never a template (on OAuth connections).
pub(crate) const OAUTH_CLIENT_ONLY: &[&str] = &["client_secret", "refresh_token"];

/// A looked-up value.
pub(crate) enum Value {
    Plain(String),
    Secret(Secret),
}

impl Value {
    /// The value to send. For secrets this is the one call that reads them.
    pub fn expose(&self) -> &str {
        match self {
            Value::Plain(s) => s,
            Value::Secret(s) => s.expose(),
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Value::Secret(_))
    }

    /// What a person may see: plain values as they are, secrets as their mask.
    pub fn shown(&self) -> String {
        match self {
            Value::Plain(s) => s.clone(),
            Value::Secret(s) => s.masked(),
        }
    }
}

/// Everything a connection can fill a `{{name}}` with.
pub(crate) struct Values<'a> {
    connection: &'a str,
    specs: Vec<FieldSpec>,
    fields: &'a BTreeMap<String, String>,
    secrets: &'a BTreeMap<String, Secret>,
    vars: &'a BTreeMap<String, String>,
    mutations: &'a [FieldMutation],
    /// Whether the pattern is OAuth (its client secret and refresh token are the client's).
    oauth: bool,
    /// Set for a delegate's own text: secrets and credentials are refused (see the module docs).
    delegate: Option<DelegateKind>,
    /// Names the auth pattern read as credentials, recorded while it was applied.
    credentials: RefCell<Vec<String>>,
}

impl<'a> Values<'a> {
    pub fn new(
        connection: &'a str,
        pattern: &'a AuthPattern,
        fields: &'a BTreeMap<String, String>,
        secrets: &'a BTreeMap<String, Secret>,
        vars: &'a BTreeMap<String, String>,
    ) -> Self {
        Values {
            connection,
            specs: pattern.connection_fields(),
            fields,
            secrets,
            vars,
            mutations: &pattern.auth_field_mutations,
            oauth: pattern.auth_type.is_oauth(),
            delegate: None,
            credentials: RefCell::new(Vec::new()),
        }
    }

    /// The same values for text a delegate wrote: every lookup of a secret, a vault entry or a
    /// credential the auth pattern read (so apply the pattern first) is refused.
    pub fn for_delegate(&self, kind: DelegateKind) -> Values<'a> {
        Values {
            connection: self.connection,
            specs: self.specs.clone(),
            fields: self.fields,
            secrets: self.secrets,
            vars: self.vars,
            mutations: self.mutations,
            oauth: self.oauth,
            delegate: Some(kind),
            credentials: RefCell::new(self.credentials.borrow().clone()),
        }
    }

    /// Whether these values are for a delegate's own text.
    pub fn delegate(&self) -> Option<DelegateKind> {
        self.delegate
    }

    /// Refuses `name` at `place` when no template may place it here: an OAuth client's own
    /// credential, or, in a delegate's text, anything secret. Names that pass may still be
    /// unknown.
    pub fn check_reference(&self, name: &str, place: &str) -> Result<(), RequestError> {
        let refuse = |problem: String| {
            Err(RequestError::UnsafeValue {
                place: place.to_string(),
                field: name.to_string(),
                problem,
            })
        };
        if self.oauth && OAUTH_CLIENT_ONLY.contains(&name) {
            return refuse(
                "is used only by Patchbay's OAuth client (sent to the provider's token endpoint), never placed in a request by a template".into(),
            );
        }
        let Some(kind) = self.delegate else {
            return Ok(());
        };
        let secret = match self.specs.iter().find(|f| f.field_name == name) {
            Some(spec) => spec.is_secret(),
            None => self.secrets.contains_key(name),
        };
        if secret || self.credentials.borrow().iter().any(|c| c == name) {
            return refuse(format!(
                "is a credential of the connection: {} cannot place it; the connection's auth pattern adds its credentials itself, so leave them out",
                kind.one()
            ));
        }
        Ok(())
    }

    pub fn connection(&self) -> &str {
        self.connection
    }

    /// The value of template name `name` used at `place` (for messages: "path", "header
    /// 'X-Tenant'"). Unknown names and fields without a value are errors naming the field.
    pub fn get(&self, name: &str, place: &str) -> Result<Value, RequestError> {
        self.check_reference(name, place)?;
        if self.delegate.is_none() {
            // Recorded so a delegate's text cannot name what the pattern placed (custom headers).
            self.credentials.borrow_mut().push(name.to_string());
        }
        match self.specs.iter().find(|f| f.field_name == name) {
            Some(spec) => {
                self.field(name, spec.is_secret())
                    .ok_or_else(|| RequestError::MissingValue {
                        place: place.to_string(),
                        field: name.to_string(),
                        connection: self.connection.to_string(),
                    })
            }
            None => match self.vars.get(name) {
                Some(v) => Ok(Value::Plain(v.clone())),
                None => Err(RequestError::UnknownField {
                    place: place.to_string(),
                    field: name.to_string(),
                    connection: self.connection.to_string(),
                    known: self.known_names(),
                }),
            },
        }
    }

    /// A credential an auth pattern reads by name, mutated; `None` when the connection has no
    /// value and no mutation supplies a default. Looks in the vault first, then in the plain
    /// fields: a Freshdesk-style API key may be typed into a non-secret `username` field.
    pub fn credential(&self, name: &str) -> Option<Value> {
        self.credentials.borrow_mut().push(name.to_string());
        let secret = self
            .specs
            .iter()
            .find(|f| f.field_name == name)
            .map_or_else(|| self.secrets.contains_key(name), |spec| spec.is_secret());
        self.field(name, secret)
            .or_else(|| self.field(name, !secret))
    }

    fn field(&self, name: &str, secret: bool) -> Option<Value> {
        let raw: Option<&str> = if secret {
            self.secrets.get(name).map(Secret::expose)
        } else {
            self.fields.get(name).map(String::as_str)
        };
        let mutation = self.mutations.iter().find(|m| m.field_name == name);
        let value = mutate(raw, mutation)?;
        Some(if secret {
            Value::Secret(Secret::new(value))
        } else {
            Value::Plain(value)
        })
    }

    fn known_names(&self) -> String {
        let mut names: Vec<&str> = self.specs.iter().map(|f| f.field_name.as_str()).collect();
        names.extend(self.vars.keys().map(String::as_str));
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    }
}

/// Applies a field mutation: the default when the value is missing or empty, then the prefix and
/// suffix. `None` when there is still no value.
pub(crate) fn mutate(raw: Option<&str>, mutation: Option<&FieldMutation>) -> Option<String> {
    let base = match raw.filter(|v| !v.is_empty()) {
        Some(v) => v.to_string(),
        None => mutation?.default_value.clone()?,
    };
    let Some(m) = mutation else {
        return Some(base);
    };
    let mut out = String::with_capacity(base.len() + 16);
    if let Some(p) = &m.prefix {
        out.push_str(p);
    }
    out.push_str(&base);
    if let Some(s) = &m.suffix {
        out.push_str(s);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthType;
    use crate::request::caller::DelegateKind;

    fn mutation(default: Option<&str>, prefix: Option<&str>) -> FieldMutation {
        FieldMutation {
            field_name: "password".into(),
            prefix: prefix.map(Into::into),
            suffix: None,
            default_value: default.map(Into::into),
        }
    }

    #[test]
    fn mutations_supply_defaults_and_affixes() {
        assert_eq!(mutate(None, Some(&mutation(Some("X"), None))).unwrap(), "X");
        assert_eq!(
            mutate(Some(""), Some(&mutation(Some("X"), None))).unwrap(),
            "X"
        );
        assert_eq!(
            mutate(Some("pw"), Some(&mutation(Some("X"), None))).unwrap(),
            "pw"
        );
        assert_eq!(
            mutate(Some("t"), Some(&mutation(None, Some("token ")))).unwrap(),
            "token t"
        );
        assert!(mutate(None, None).is_none());
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let mut p = AuthPattern::new(AuthType::Bearer);
        p.fields = vec![
            FieldSpec::implicit("token", "Token", true, true),
            FieldSpec::implicit("domain", "Domain", false, false),
        ];
        let fields = BTreeMap::new();
        let secrets = BTreeMap::from([("token".to_string(), Secret::new("tok"))]);
        let vars = BTreeMap::new();
        let v = Values::new("prod", &p, &fields, &secrets, &vars);
        let err = v.get("nope", "path").err().unwrap().to_string();
        assert!(
            err.contains("{{nope}}") && err.contains("token, domain"),
            "{err}"
        );
        let err = v.get("domain", "base URL").err().unwrap().to_string();
        assert!(
            err.contains("'domain'") && err.contains("no value"),
            "{err}"
        );
        assert!(v.get("token", "header").unwrap().is_secret());
    }

    fn oauth_values_test(delegate: bool, name: &str) -> Result<String, String> {
        let p = AuthPattern::new(AuthType::Oauth2ClientCredentials);
        let fields = BTreeMap::from([("client_id".to_string(), "cid".to_string())]);
        let secrets = BTreeMap::from([
            (
                "client_secret".to_string(),
                Secret::new("cs_0123456789abcdef"),
            ),
            (
                "refresh_token".to_string(),
                Secret::new("rt_0123456789abcdef"),
            ),
            (
                "access_token".to_string(),
                Secret::new("at_0123456789abcdef"),
            ),
        ]);
        let vars = BTreeMap::new();
        let v = Values::new("prod", &p, &fields, &secrets, &vars);
        let v = if delegate {
            v.for_delegate(DelegateKind::Agent)
        } else {
            v
        };
        v.get(name, "header 'X-Echo'")
            .map(|x| x.expose().to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_oauth_clients_own_secrets_are_never_placed() {
        for delegate in [false, true] {
            for name in OAUTH_CLIENT_ONLY {
                let e = oauth_values_test(delegate, name).expect_err(name);
                assert!(
                    e.contains(&format!("'{name}'")) && e.contains("OAuth client"),
                    "{e}"
                );
                assert!(!e.contains("0123456789"), "{e}");
            }
        }
        assert_eq!(oauth_values_test(false, "client_id").unwrap(), "cid");
    }

    #[test]
    fn a_delegates_text_cannot_name_secrets_or_credentials() {
        let mut p = AuthPattern::new(AuthType::Basic);
        p.fields = vec![
            FieldSpec::implicit("username", "User", false, true),
            FieldSpec::implicit("password", "Password", true, true),
            FieldSpec::implicit("tenant", "Tenant", false, false),
        ];
        let fields = BTreeMap::from([
            (
                "username".to_string(),
                "key_in_a_plain_field_0123".to_string(),
            ),
            ("tenant".to_string(), "acme".to_string()),
        ]);
        let secrets = BTreeMap::from([
            ("password".to_string(), Secret::new("pw_0123456789abcdef")),
            ("extra".to_string(), Secret::new("ex_0123456789abcdef")),
        ]);
        let vars = BTreeMap::new();
        let owner = Values::new("prod", &p, &fields, &secrets, &vars);
        // The pattern reads its credentials first (as the engine does).
        assert!(owner.credential("username").is_some());
        assert!(owner.get("password", "header 'X'").unwrap().is_secret());
        let agent = owner.for_delegate(DelegateKind::Agent);
        for name in ["password", "username", "extra"] {
            let e = agent
                .get(name, "query parameter 'q'")
                .err()
                .unwrap()
                .to_string();
            assert!(
                e.starts_with("query parameter 'q'")
                    && e.contains(&format!("'{name}'"))
                    && e.contains("an agent cannot place it"),
                "{e}"
            );
            assert!(!e.contains("0123"), "{e}");
        }
        assert_eq!(agent.get("tenant", "path").unwrap().expose(), "acme");
    }
}
