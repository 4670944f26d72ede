//! `bearer`: `Authorization: Bearer <token>` from the secret field `token`, or the same value in
//! the header named by `auth_header_key_override`.

use crate::model::AuthPattern;

use super::{check_header_text, credential_header, prefixed, required, AuthHeader, AuthMaterial};
use crate::request::error::RequestError;
use crate::request::values::Values;

pub(super) fn apply(p: &AuthPattern, v: &Values) -> Result<AuthMaterial, RequestError> {
    let token = required(v, "token", "bearer")?;
    check_header_text(token.expose(), "token", "bearer auth")?;
    let (value, shown) = prefixed("Bearer ", &token);
    Ok(AuthMaterial {
        headers: vec![AuthHeader {
            name: credential_header(p)?,
            value,
            shown,
        }],
        ..AuthMaterial::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Inputs;
    use super::*;
    use crate::model::{AuthType, FieldMutation};

    #[test]
    fn bearer_header_and_override() {
        let mut p = AuthPattern::new(AuthType::Bearer);
        let i = Inputs::new(p.clone(), &[], &[("token", "tok_0123456789abcdefgh")]);
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert_eq!(m.headers[0].name, "authorization");
        assert_eq!(m.headers[0].value.expose(), "Bearer tok_0123456789abcdefgh");
        assert_eq!(m.headers[0].shown, "Bearer ••••efgh");
        p.auth_header_key_override = Some("X-Auth".into());
        let i = Inputs::new(p, &[], &[("token", "tok_0123456789abcdefgh")]);
        assert_eq!(
            apply(&i.pattern, &i.values()).unwrap().headers[0].name,
            "x-auth"
        );
    }

    #[test]
    fn mutations_apply_to_the_token() {
        let mut p = AuthPattern::new(AuthType::Bearer);
        p.auth_field_mutations = vec![FieldMutation {
            field_name: "token".into(),
            prefix: Some("v2.".into()),
            suffix: None,
            default_value: None,
        }];
        let i = Inputs::new(p, &[], &[("token", "abc")]);
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert_eq!(m.headers[0].value.expose(), "Bearer v2.abc");
        assert_eq!(m.headers[0].shown, "Bearer ••••");
    }
}
