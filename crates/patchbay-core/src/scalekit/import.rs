//! Scalekit payload → [`IntegrationDef`].

use crate::model::{
    ApiKeyConfig, ApiKeyLocation, AuthPattern, AuthType, FieldSpec, IntegrationDef, OAuthConfig,
};
use crate::validate::{def_problems, Problem};

use super::payload::{
    ScalekitAuthPattern, ScalekitAuthType, ScalekitField, ScalekitOAuthConfig, ScalekitProvider,
};

/// Longest slug validation accepts.
const MAX_SLUG: usize = 64;

/// Maps one parsed payload and lists every problem with it, with paths in the payload's terms
/// (`proxy_url`, not `base_url`), unprefixed.
pub(super) fn provider_to_def(p: &ScalekitProvider) -> (IntegrationDef, Vec<Problem>) {
    let mut problems = Vec::new();
    if !p.proxy_enabled {
        problems.push(Problem {
            path: "proxy_enabled".into(),
            message: "must be true: Patchbay always calls proxy_url and has no disabled-proxy \
                      state to keep (Scalekit documents it as mandatory and true)"
                .into(),
        });
    }
    let def = IntegrationDef {
        slug: slugify(&p.display_name),
        display_name: p.display_name.clone(),
        description: p.description.clone(),
        base_url: p.proxy_url.clone(),
        docs_url: None,
        logo_url: None,
        auth_patterns: p.auth_patterns.iter().map(pattern_to_model).collect(),
        schema: None,
        actions: Vec::new(),
    };
    problems.extend(def_problems(&def, "").into_iter().map(to_payload_terms));
    (def, problems)
}

/// `"My Asana"` → `"my-asana"`: ASCII letters and digits lower-cased, every other run of
/// characters one `-`, no leading or trailing `-`, at most 64 characters.
pub fn slugify(display_name: &str) -> String {
    let mut slug = String::new();
    for c in display_name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(MAX_SLUG);
    slug.trim_end_matches('-').to_string()
}

fn pattern_to_model(sp: &ScalekitAuthPattern) -> AuthPattern {
    let auth_type = match sp.auth_type {
        ScalekitAuthType::Oauth => AuthType::Oauth2AuthorizationCode,
        ScalekitAuthType::Basic => AuthType::Basic,
        ScalekitAuthType::Bearer => AuthType::Bearer,
        ScalekitAuthType::ApiKey => AuthType::ApiKey,
    };
    let mut p = AuthPattern::new(auth_type);
    p.display_name = sp.display_name.clone();
    p.description = sp.description.clone();
    p.fields = sp.fields.iter().map(field_to_model).collect();
    p.account_fields = sp.account_fields.iter().map(field_to_model).collect();
    p.oauth_config = sp.oauth_config.as_ref().map(oauth_to_model);
    p.auth_field_mutations = sp.auth_field_mutations.clone();
    p.is_mcp = sp.is_mcp;
    // For API keys the override *is* the key's header name: it goes into the explicit
    // `api_key` block the engine reads. Without an override `api_key` stays `None`, so the
    // engine's documented default for API-key patterns applies. Other types keep the override
    // as the model's own `auth_header_key_override`.
    match (&sp.auth_header_key_override, auth_type) {
        (Some(name), AuthType::ApiKey) => {
            p.api_key = Some(ApiKeyConfig {
                location: ApiKeyLocation::Header,
                name: name.clone(),
                prefix: None,
                field: "api_key".into(),
            })
        }
        (other, _) => p.auth_header_key_override = other.clone(),
    }
    if carries_credential_in_username(&p) {
        // Freshdesk-style Basic auth: the API key is the user name, typed into a text input.
        // Scalekit has no secret flag; Patchbay must still keep that value in the vault.
        for f in p.fields.iter_mut().filter(|f| f.field_name == "username") {
            f.secret = Some(true);
        }
    }
    p
}

/// A Basic pattern that collects no password carries its credential in `username`.
pub(super) fn carries_credential_in_username(p: &AuthPattern) -> bool {
    p.auth_type == AuthType::Basic
        && !p
            .fields
            .iter()
            .chain(&p.account_fields)
            .any(|f| f.field_name == "password")
}

fn field_to_model(f: &ScalekitField) -> FieldSpec {
    // `secret: None` = "secret if it is a password input", which is Scalekit's own rule.
    FieldSpec {
        field_name: f.field_name.clone(),
        label: f.label.clone(),
        input_type: f.input_type,
        hint: f.hint.clone(),
        required: f.required,
        secret: None,
    }
}

fn oauth_to_model(c: &ScalekitOAuthConfig) -> OAuthConfig {
    OAuthConfig {
        authorize_uri: c.authorize_uri.clone(),
        token_uri: c.token_uri.clone(),
        user_info_uri: c.user_info_uri.clone(),
        available_scopes: c.available_scopes.clone(),
        // Patchbay does PKCE unless told not to (DESIGN invariant 5).
        pkce_enabled: c.pkce_enabled.unwrap_or(true),
        ..OAuthConfig::default()
    }
}

/// Rewrites a validation problem of the mapped definition into the payload's vocabulary, so the
/// person sees the key they wrote.
fn to_payload_terms(p: Problem) -> Problem {
    let message = p.message.replace("base_url", "proxy_url");
    if p.path == "slug" {
        return Problem {
            path: "display_name".into(),
            message: format!(
                "gives an unusable slug: {message} (the slug is made from display_name)"
            ),
        };
    }
    let path = if let Some(rest) = p.path.strip_prefix("base_url") {
        format!("proxy_url{rest}")
    } else if let Some(i) = p.path.find(".api_key") {
        // Only set on import from an API_KEY pattern's auth_header_key_override.
        format!("{}.auth_header_key_override", &p.path[..i])
    } else {
        p.path
    };
    Problem { path, message }
}
