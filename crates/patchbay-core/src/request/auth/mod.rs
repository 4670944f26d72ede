//! Auth application: each pattern turns a connection's values into the headers and query
//! parameters it adds to a request — its *auth material* — plus the derived secret strings (the
//! base64 of `user:pass`, a signature) the redactor must know.
//!
//! One small file per pattern, each tested on its own. Every header value comes with a `shown`
//! form that has its secret parts masked, so the request preview is masked by construction, and
//! the redirect loop knows exactly which headers and parameters to remove when a redirect leaves
//! the connection's origin.

mod api_key;
mod basic;
mod bearer;
mod custom_headers;
pub(crate) mod hmac;
mod oauth;

use reqwest::header::HeaderName;

use crate::model::{AuthPattern, AuthType};
use crate::Secret;

use super::error::RequestError;
use super::values::{Value, Values};

pub(crate) use custom_headers::fill_header as custom_headers_fill;
pub use hmac::canonical_string;
pub(crate) use hmac::HmacSigner;

/// A header the auth pattern adds.
pub(crate) struct AuthHeader {
    pub name: HeaderName,
    pub value: Secret,
    /// The value with its secret parts masked, for previews and history.
    pub shown: String,
}

/// A query parameter the auth pattern adds (an API key sent `in: query`).
pub(crate) struct AuthParam {
    pub name: String,
    pub value: Secret,
}

/// Everything one auth pattern adds to a request.
#[derive(Default)]
pub(crate) struct AuthMaterial {
    pub headers: Vec<AuthHeader>,
    pub query: Vec<AuthParam>,
    /// Values computed from secrets that must be masked wherever they appear.
    pub derived: Vec<Secret>,
    /// For `hmac`: signs each request (the signature depends on method, path and body).
    pub signer: Option<HmacSigner>,
}

/// The auth material of `pattern` for a connection's values.
pub(crate) fn apply(pattern: &AuthPattern, values: &Values) -> Result<AuthMaterial, RequestError> {
    match pattern.auth_type {
        AuthType::None => Ok(AuthMaterial::default()),
        AuthType::ApiKey => api_key::apply(pattern, values),
        AuthType::Bearer => bearer::apply(pattern, values),
        AuthType::Basic => basic::apply(pattern, values),
        AuthType::CustomHeaders => custom_headers::apply(pattern, values),
        AuthType::Hmac => hmac::apply(pattern, values),
        AuthType::Oauth2AuthorizationCode | AuthType::Oauth2ClientCredentials => {
            oauth::apply(pattern, values)
        }
    }
}

/// The header credentials go in: `auth_header_key_override` when set, else `Authorization`.
fn credential_header(pattern: &AuthPattern) -> Result<HeaderName, RequestError> {
    header_name(
        pattern
            .auth_header_key_override
            .as_deref()
            .unwrap_or("Authorization"),
    )
}

fn header_name(name: &str) -> Result<HeaderName, RequestError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| RequestError::Invalid(format!("'{name}' is not a valid HTTP header name")))
}

/// A credential the pattern cannot work without.
fn required(values: &Values, field: &str, what: &str) -> Result<Value, RequestError> {
    values
        .credential(field)
        .ok_or_else(|| RequestError::MissingValue {
            place: format!("{what} auth"),
            field: field.to_string(),
            connection: values.connection().to_string(),
        })
}

/// Refuses control characters (a line break would start a new header) without quoting the value.
fn check_header_text(text: &str, field: &str, place: &str) -> Result<(), RequestError> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(RequestError::UnsafeValue {
            place: place.to_string(),
            field: field.to_string(),
            problem: "contains a line break or control character, which would start a new header"
                .to_string(),
        });
    }
    Ok(())
}

/// `prefix` + value, sent and shown.
fn prefixed(prefix: &str, value: &Value) -> (Secret, String) {
    (
        Secret::new(format!("{prefix}{}", value.expose())),
        format!("{prefix}{}", value.shown()),
    )
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;

    use crate::model::{AuthPattern, FieldSpec};
    use crate::request::values::Values;
    use crate::Secret;

    /// A pattern's values for unit tests: `fields` plain, `secrets` in the "vault".
    pub struct Inputs {
        pub pattern: AuthPattern,
        pub fields: BTreeMap<String, String>,
        pub secrets: BTreeMap<String, Secret>,
        pub vars: BTreeMap<String, String>,
    }

    impl Inputs {
        pub fn new(
            mut pattern: AuthPattern,
            fields: &[(&str, &str)],
            secrets: &[(&str, &str)],
        ) -> Self {
            for (k, _) in fields {
                if !pattern.fields.iter().any(|f| f.field_name == *k) {
                    pattern.fields.push(FieldSpec::implicit(k, k, false, false));
                }
            }
            for (k, _) in secrets {
                if !pattern.fields.iter().any(|f| f.field_name == *k) {
                    pattern.fields.push(FieldSpec::implicit(k, k, true, false));
                }
            }
            Inputs {
                pattern,
                fields: fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                secrets: secrets
                    .iter()
                    .map(|(k, v)| (k.to_string(), Secret::new(*v)))
                    .collect(),
                vars: BTreeMap::new(),
            }
        }

        pub fn values(&self) -> Values<'_> {
            Values::new(
                "test",
                &self.pattern,
                &self.fields,
                &self.secrets,
                &self.vars,
            )
        }
    }
}
