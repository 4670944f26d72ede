//! [`IntegrationDef`] → Scalekit payload.

use crate::model::{
    ApiKeyLocation, AuthPattern, AuthType, FieldSpec, InputType, IntegrationDef, OAuthConfig,
};
use crate::validate::Problem;

use super::import::carries_credential_in_username;
use super::payload::{
    ScalekitAuthPattern, ScalekitAuthType, ScalekitField, ScalekitOAuthConfig, ScalekitProvider,
};

/// Maps one definition, or lists everything about it Scalekit cannot express (paths relative to
/// the definition, messages naming the type and pattern).
pub(super) fn def_to_provider(def: &IntegrationDef) -> Result<ScalekitProvider, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut patterns = Vec::new();
    for (i, p) in def.auth_patterns.iter().enumerate() {
        let mut out = Out {
            problems: &mut problems,
            at: format!("auth_patterns[{i}]"),
            who: format!(
                "integration type '{}', pattern '{}' ({})",
                def.slug,
                if p.display_name.is_empty() {
                    "unnamed"
                } else {
                    &p.display_name
                },
                p.auth_type
            ),
        };
        if let Some(sp) = pattern_to_payload(p, &mut out) {
            patterns.push(sp);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ScalekitProvider {
        display_name: def.display_name.clone(),
        description: def.description.clone(),
        auth_patterns: patterns,
        proxy_url: def.base_url.clone(),
        proxy_enabled: true,
    })
}

/// Where problems of one pattern go.
struct Out<'a> {
    problems: &'a mut Vec<Problem>,
    at: String,
    who: String,
}

impl Out<'_> {
    fn add(&mut self, key: &str, what: &str) {
        self.problems.push(Problem {
            path: format!("{}.{key}", self.at),
            message: format!("{}: {what}", self.who),
        });
    }
}

fn pattern_to_payload(p: &AuthPattern, out: &mut Out) -> Option<ScalekitAuthPattern> {
    let auth_type = match p.auth_type {
        AuthType::Oauth2AuthorizationCode => ScalekitAuthType::Oauth,
        AuthType::Basic => ScalekitAuthType::Basic,
        AuthType::Bearer => ScalekitAuthType::Bearer,
        AuthType::ApiKey => ScalekitAuthType::ApiKey,
        AuthType::None
        | AuthType::CustomHeaders
        | AuthType::Hmac
        | AuthType::Oauth2ClientCredentials => {
            out.add(
                "type",
                "Scalekit cannot express this auth type (it supports OAUTH, BASIC, BEARER and \
                 API_KEY); remove the pattern, or share the type as a Patchbay bundle",
            );
            return None;
        }
    };
    let mut header_override = p.auth_header_key_override.clone();
    if let Some(cfg) = &p.api_key {
        if cfg.location == ApiKeyLocation::Query {
            out.add(
                "api_key.in",
                "Scalekit sends API keys in a header, not a query parameter",
            );
        }
        if cfg.prefix.is_some() {
            out.add(
                "api_key.prefix",
                "Scalekit has no key prefix setting; express it as an auth_field_mutations prefix",
            );
        }
        if cfg.field != "api_key" {
            out.add(
                "api_key.field",
                "Scalekit's API_KEY pattern reads the key from a field named 'api_key'",
            );
        }
        header_override = header_override.or_else(|| Some(cfg.name.clone()));
    }
    let oauth_config = p.oauth_config.as_ref().map(|c| oauth_to_payload(c, out));
    Some(ScalekitAuthPattern {
        auth_type,
        display_name: p.display_name.clone(),
        description: p.description.clone(),
        fields: p.fields.iter().map(|f| field_to_payload(f, p)).collect(),
        account_fields: p
            .account_fields
            .iter()
            .map(|f| field_to_payload(f, p))
            .collect(),
        oauth_config,
        auth_header_key_override: header_override,
        auth_field_mutations: p.auth_field_mutations.clone(),
        is_mcp: p.is_mcp,
    })
}

/// Scalekit has no secret flag: secrecy travels in `input_type`. The input type is kept when
/// importing it back gives the same secrecy, and otherwise set so that it does.
fn field_to_payload(f: &FieldSpec, pattern: &AuthPattern) -> ScalekitField {
    let implied_secret = f.input_type == InputType::Password
        || (f.field_name == "username" && carries_credential_in_username(pattern));
    let input_type = match (f.is_secret(), implied_secret) {
        (true, false) => InputType::Password,
        (false, true) if f.input_type == InputType::Password => InputType::Text,
        _ => f.input_type,
    };
    ScalekitField {
        field_name: f.field_name.clone(),
        label: f.label.clone(),
        input_type,
        hint: f.hint.clone(),
        required: f.required,
    }
}

/// Endpoints and scopes map one to one. `pkce_enabled` is written when it is `false`, or when
/// it is all the block holds (Scalekit's MCP form `{"pkce_enabled": true}`); otherwise PKCE on
/// is Patchbay's default and the seed's REST payloads leave the key out.
///
/// Patchbay-side client settings (`client_auth`, `redirect_style`, `loopback_port`,
/// `revocation_uri`) are not written: Scalekit runs the flow with its own redirect and client.
/// Extra authorize/token parameters change what the provider is asked for, so they are refused.
fn oauth_to_payload(c: &OAuthConfig, out: &mut Out) -> ScalekitOAuthConfig {
    for (key, params) in [
        ("authorize_params", &c.authorize_params),
        ("token_params", &c.token_params),
    ] {
        if !params.is_empty() {
            out.add(
                &format!("oauth_config.{key}"),
                "Scalekit's oauth_config has no place for extra OAuth parameters",
            );
        }
    }
    let mut sc = ScalekitOAuthConfig {
        authorize_uri: c.authorize_uri.clone(),
        token_uri: c.token_uri.clone(),
        user_info_uri: c.user_info_uri.clone(),
        available_scopes: c.available_scopes.clone(),
        pkce_enabled: None,
    };
    if !c.pkce_enabled || sc == ScalekitOAuthConfig::default() {
        sc.pkce_enabled = Some(c.pkce_enabled);
    }
    sc
}
