//! `api_key`: the key in a header with any name and an optional prefix
//! (`Authorization: Api-Key …`, `X-API-Key: …`) or in a query parameter (`?api_key=…`).
//!
//! Without an `api_key` block the key goes, as is, into `Authorization` — or into the header
//! named by `auth_header_key_override`, which is how Scalekit payloads name an API key header —
//! from the field `api_key`.

use crate::model::{ApiKeyLocation, AuthPattern};

use super::{
    check_header_text, credential_header, header_name, prefixed, required, AuthHeader,
    AuthMaterial, AuthParam,
};
use crate::request::error::RequestError;
use crate::request::values::Values;

pub(super) fn apply(p: &AuthPattern, v: &Values) -> Result<AuthMaterial, RequestError> {
    let Some(cfg) = &p.api_key else {
        let key = required(v, "api_key", "api_key")?;
        check_header_text(key.expose(), "api_key", "api_key auth")?;
        let (value, shown) = prefixed("", &key);
        return Ok(AuthMaterial {
            headers: vec![AuthHeader {
                name: credential_header(p)?,
                value,
                shown,
            }],
            ..AuthMaterial::default()
        });
    };
    let key = required(v, &cfg.field, "api_key")?;
    match cfg.location {
        ApiKeyLocation::Header => {
            let prefix = cfg.prefix.as_deref().unwrap_or("");
            check_header_text(prefix, &cfg.field, "api_key.prefix")?;
            check_header_text(key.expose(), &cfg.field, "api_key auth")?;
            let (value, shown) = prefixed(prefix, &key);
            Ok(AuthMaterial {
                headers: vec![AuthHeader {
                    name: header_name(&cfg.name)?,
                    value,
                    shown,
                }],
                ..AuthMaterial::default()
            })
        }
        ApiKeyLocation::Query => {
            let (value, _) = prefixed("", &key);
            Ok(AuthMaterial {
                query: vec![AuthParam {
                    name: cfg.name.clone(),
                    value,
                }],
                ..AuthMaterial::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::Inputs;
    use super::*;
    use crate::model::{ApiKeyConfig, AuthType};

    const KEY: &str = "sk_live_0123456789abcdef";

    fn pattern(cfg: Option<ApiKeyConfig>, override_name: Option<&str>) -> AuthPattern {
        let mut p = AuthPattern::new(AuthType::ApiKey);
        p.api_key = cfg;
        p.auth_header_key_override = override_name.map(Into::into);
        p
    }

    #[test]
    fn header_with_name_and_prefix() {
        let i = Inputs::new(
            pattern(
                Some(ApiKeyConfig {
                    location: ApiKeyLocation::Header,
                    name: "Authorization".into(),
                    prefix: Some("Api-Key ".into()),
                    field: "api_key".into(),
                }),
                None,
            ),
            &[],
            &[("api_key", KEY)],
        );
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert_eq!(m.headers.len(), 1);
        assert_eq!(m.headers[0].name, "authorization");
        assert_eq!(m.headers[0].value.expose(), format!("Api-Key {KEY}"));
        assert_eq!(m.headers[0].shown, "Api-Key ••••cdef");
        assert!(m.query.is_empty());
    }

    #[test]
    fn query_parameter() {
        let i = Inputs::new(
            pattern(
                Some(ApiKeyConfig {
                    location: ApiKeyLocation::Query,
                    name: "api_key".into(),
                    prefix: None,
                    field: "key".into(),
                }),
                None,
            ),
            &[],
            &[("key", KEY)],
        );
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert!(m.headers.is_empty());
        assert_eq!(m.query[0].name, "api_key");
        assert_eq!(m.query[0].value.expose(), KEY);
    }

    #[test]
    fn default_is_the_override_header_or_authorization() {
        let i = Inputs::new(pattern(None, Some("X-API-KEY")), &[], &[("api_key", KEY)]);
        let m = apply(&i.pattern, &i.values()).unwrap();
        assert_eq!(m.headers[0].name, "x-api-key");
        assert_eq!(m.headers[0].value.expose(), KEY);
        let i = Inputs::new(pattern(None, None), &[], &[("api_key", KEY)]);
        assert_eq!(
            apply(&i.pattern, &i.values()).unwrap().headers[0].name,
            "authorization"
        );
    }

    #[test]
    fn missing_key_and_line_breaks_name_the_field() {
        let i = Inputs::new(pattern(None, None), &[], &[]);
        let err = apply(&i.pattern, &i.values()).err().unwrap().to_string();
        assert!(err.contains("'api_key'"), "{err}");
        let i = Inputs::new(pattern(None, None), &[], &[("api_key", "abc\r\nX-Evil: 1")]);
        let err = apply(&i.pattern, &i.values()).err().unwrap().to_string();
        assert!(
            err.contains("'api_key'") && !err.contains("X-Evil"),
            "{err}"
        );
    }
}
