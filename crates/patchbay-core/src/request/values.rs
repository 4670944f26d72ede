//! Where template values come from: a connection's non-secret fields, its secrets from the vault,
//! and extra variables such as an action's parameters — with the pattern's
//! `auth_field_mutations` applied, so every place that uses a field sees the same value.
//!
//! Lookups say which kind of value they found: a secret stays a [`Secret`] until the one place
//! that must send it, and the caller can refuse secrets where they do not belong (a URL).

use std::collections::BTreeMap;

use crate::model::{AuthPattern, FieldMutation, FieldSpec};
use crate::Secret;

use super::error::RequestError;

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
        }
    }

    pub fn connection(&self) -> &str {
        self.connection
    }

    /// The value of template name `name` used at `place` (for messages: "path", "header
    /// 'X-Tenant'"). Unknown names and fields without a value are errors naming the field.
    pub fn get(&self, name: &str, place: &str) -> Result<Value, RequestError> {
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
}
