//! `basic`: `Authorization: Basic base64(username:password)` (RFC 7617), with
//! `auth_field_mutations` applied first — Freshdesk-style APIs send the API key as the user name
//! and a fixed password `X` (`{"field_name": "password", "default_value": "X"}`).
//!
//! The base64 text and `username:password` are derived secrets: the redactor masks them too.

use base64::Engine as _;

use crate::model::AuthPattern;
use crate::secret::mask;
use crate::Secret;

use super::{check_header_text, credential_header, required, AuthHeader, AuthMaterial};
use crate::request::error::RequestError;
use crate::request::values::Values;

pub(super) fn apply(p: &AuthPattern, v: &Values) -> Result<AuthMaterial, RequestError> {
    let user = required(v, "username", "basic")?;
    if user.expose().contains(':') {
        return Err(RequestError::UnsafeValue {
            place: "basic auth".into(),
            field: "username".into(),
            problem: "contains ':', which Basic auth cannot carry in a user name (RFC 7617)".into(),
        });
    }
    let password = v.credential("password");
    let pass = password.as_ref().map_or("", |p| p.expose());
    let pair = Secret::new(format!("{}:{pass}", user.expose()));
    let encoded = Secret::new(base64::engine::general_purpose::STANDARD.encode(pair.expose()));
    check_header_text(pair.expose(), "username", "basic auth")?;
    let shown = format!("Basic {}", mask(encoded.expose()));
    Ok(AuthMaterial {
        headers: vec![AuthHeader {
            name: credential_header(p)?,
            value: Secret::new(format!("Basic {}", encoded.expose())),
            shown,
        }],
        derived: vec![encoded, pair],
        ..AuthMaterial::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Inputs;
    use super::*;
    use crate::model::{AuthType, FieldMutation};

    #[test]
    fn user_and_password() {
        let i = Inputs::new(
            AuthPattern::new(AuthType::Basic),
            &[("username", "alice")],
            &[("password", "correct horse battery")],
        );
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert_eq!(
            m.headers[0].value.expose(),
            "Basic YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5"
        );
        assert_eq!(m.headers[0].shown, "Basic ••••ZXJ5");
        let derived: Vec<&str> = m.derived.iter().map(Secret::expose).collect();
        assert!(derived.contains(&"YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5"));
        assert!(derived.contains(&"alice:correct horse battery"));
    }

    #[test]
    fn default_password_mutation_freshdesk_style() {
        let mut p = AuthPattern::new(AuthType::Basic);
        p.auth_field_mutations = vec![FieldMutation {
            field_name: "password".into(),
            prefix: None,
            suffix: None,
            default_value: Some("X".into()),
        }];
        // The API key typed into a secret `username` field.
        let i = Inputs::new(p, &[], &[("username", "fd_key_0123456789abcdef")]);
        let m = apply(&i.pattern, &i.values()).unwrap();
        let expected =
            base64::engine::general_purpose::STANDARD.encode("fd_key_0123456789abcdef:X");
        assert_eq!(m.headers[0].value.expose(), format!("Basic {expected}"));
    }

    #[test]
    fn colon_in_user_name_is_refused() {
        let i = Inputs::new(
            AuthPattern::new(AuthType::Basic),
            &[("username", "a:b")],
            &[],
        );
        let err = apply(&i.pattern, &i.values()).err().unwrap().to_string();
        assert!(err.contains("'username'"), "{err}");
    }
}
