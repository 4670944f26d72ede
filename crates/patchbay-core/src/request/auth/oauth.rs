//! `oauth2_*` connections until the OAuth flows exist (issue 4): a stored `access_token` is sent
//! as `<token_type> <token>` (`token_type` kept as the provider returned it, `Bearer` when none
//! was stored) in `Authorization` or the `auth_header_key_override` header.

use crate::model::AuthPattern;
use crate::Secret;

use super::{check_header_text, credential_header, AuthHeader, AuthMaterial};
use crate::request::error::RequestError;
use crate::request::values::Values;

pub(super) fn apply(p: &AuthPattern, v: &Values) -> Result<AuthMaterial, RequestError> {
    let Some(token) = v.credential("access_token") else {
        return Err(RequestError::NotUsable {
            connection: v.connection().to_string(),
            reason: format!(
                "has no access token yet; OAuth login comes with `patchbay connect … --auth {}`",
                p.auth_type
            ),
        });
    };
    let token_type = v
        .credential("token_type")
        .map(|t| t.expose().trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Bearer".to_string());
    check_header_text(&token_type, "token_type", "oauth2 auth")?;
    check_header_text(token.expose(), "access_token", "oauth2 auth")?;
    Ok(AuthMaterial {
        headers: vec![AuthHeader {
            name: credential_header(p)?,
            value: Secret::new(format!("{token_type} {}", token.expose())),
            shown: format!("{token_type} {}", token.shown()),
        }],
        ..AuthMaterial::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Inputs;
    use super::*;
    use crate::model::AuthType;

    #[test]
    fn stored_access_token_with_its_token_type() {
        let p = AuthPattern::new(AuthType::Oauth2AuthorizationCode);
        let i = Inputs::new(
            p.clone(),
            &[],
            &[
                ("access_token", "ya29.0123456789abcdef"),
                ("token_type", "MAC"),
            ],
        );
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert_eq!(m.headers[0].value.expose(), "MAC ya29.0123456789abcdef");
        assert_eq!(m.headers[0].shown, "MAC ••••cdef");
        let i = Inputs::new(p, &[], &[("access_token", "ya29.0123456789abcdef")]);
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert!(m.headers[0].value.expose().starts_with("Bearer "));
    }

    #[test]
    fn no_token_yet_is_a_clear_error() {
        let i = Inputs::new(
            AuthPattern::new(AuthType::Oauth2ClientCredentials),
            &[],
            &[],
        );
        let err = apply(&i.pattern, &i.values()).err().unwrap().to_string();
        assert!(
            err.contains("has no access token yet")
                && err.contains("--auth oauth2_client_credentials"),
            "{err}"
        );
    }
}
