//! `custom_headers`: static headers and `{{field}}` templates (`X-Tenant: {{tenant_id}}`,
//! `X-Api-Token: {{api_token}}`), filled from secret and non-secret fields alike. Every header of
//! the pattern is auth material, secret or not: all of them are removed on a redirect to another
//! origin.

use crate::model::AuthPattern;
use crate::template;
use crate::Secret;

use super::{check_header_text, header_name, AuthHeader, AuthMaterial};
use crate::request::error::RequestError;
use crate::request::values::Values;

pub(super) fn apply(p: &AuthPattern, v: &Values) -> Result<AuthMaterial, RequestError> {
    let mut headers = Vec::with_capacity(p.headers.len());
    for h in &p.headers {
        let filled = fill_header(&h.value, &format!("header '{}'", h.name), v)?;
        headers.push(AuthHeader {
            name: header_name(&h.name)?,
            value: Secret::new(filled.value),
            shown: filled.shown,
        });
    }
    Ok(AuthMaterial {
        headers,
        ..AuthMaterial::default()
    })
}

/// A filled header template.
pub(crate) struct FilledHeader {
    pub value: String,
    /// The value with secret fields masked.
    pub shown: String,
    /// Whether a secret field went into it (such a header is stripped like auth material).
    pub uses_secret: bool,
}

/// Fills `{{field}}` placeholders of a header value; secret and non-secret fields are allowed.
/// Values may not hold line breaks or control characters.
pub(crate) fn fill_header(
    template_text: &str,
    place: &str,
    v: &Values,
) -> Result<FilledHeader, RequestError> {
    let found = template::placeholders(template_text)
        .map_err(|e| RequestError::Invalid(format!("{place}: {e}")))?;
    let mut value = String::with_capacity(template_text.len() + 32);
    let mut shown = String::with_capacity(template_text.len() + 16);
    let mut uses_secret = false;
    let mut last = 0;
    for p in &found {
        let literal = &template_text[last..p.start];
        value.push_str(literal);
        shown.push_str(literal);
        let filled = v.get(&p.name, place)?;
        check_header_text(filled.expose(), &p.name, place)?;
        uses_secret |= filled.is_secret();
        value.push_str(filled.expose());
        shown.push_str(&filled.shown());
        last = p.end;
    }
    value.push_str(&template_text[last..]);
    shown.push_str(&template_text[last..]);
    check_header_text(&value, "(literal text)", place)?;
    Ok(FilledHeader {
        value,
        shown,
        uses_secret,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Inputs;
    use super::*;
    use crate::model::{AuthType, HeaderTemplate};

    fn pattern() -> AuthPattern {
        let mut p = AuthPattern::new(AuthType::CustomHeaders);
        p.headers = vec![
            HeaderTemplate {
                name: "X-Tenant".into(),
                value: "{{tenant_id}}".into(),
            },
            HeaderTemplate {
                name: "X-Api-Token".into(),
                value: "Token {{api_token}}".into(),
            },
            HeaderTemplate {
                name: "X-Client".into(),
                value: "patchbay".into(),
            },
        ];
        p
    }

    #[test]
    fn static_and_templated_headers() {
        let i = Inputs::new(
            pattern(),
            &[("tenant_id", "acme")],
            &[("api_token", "tok_0123456789abcdefgh")],
        );
        let m = apply(&i.pattern, &i.values()).unwrap();
        let got: Vec<(String, String, String)> = m
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_string(),
                    h.value.expose().to_string(),
                    h.shown.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("x-tenant".into(), "acme".into(), "acme".into()),
                (
                    "x-api-token".into(),
                    "Token tok_0123456789abcdefgh".into(),
                    "Token ••••efgh".into()
                ),
                ("x-client".into(), "patchbay".into(), "patchbay".into()),
            ]
        );
    }

    #[test]
    fn header_injection_and_unknown_fields_name_the_field() {
        let i = Inputs::new(
            pattern(),
            &[("tenant_id", "acme\r\nX-Evil: 1")],
            &[("api_token", "t")],
        );
        let err = apply(&i.pattern, &i.values()).err().unwrap().to_string();
        assert!(
            err.contains("'tenant_id'") && !err.contains("X-Evil"),
            "{err}"
        );
        let i = Inputs::new(pattern(), &[], &[("api_token", "t")]);
        let err = apply(&i.pattern, &i.values()).err().unwrap().to_string();
        assert!(err.contains("tenant_id"), "{err}");
    }
}
