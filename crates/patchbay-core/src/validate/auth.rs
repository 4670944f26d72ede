//! Rules for auth patterns: each type collects the fields it needs, carries only the
//! configuration block that belongs to it, and names valid headers and endpoints.

use std::collections::HashMap;

use super::urls::{check_endpoint_url, is_header_name};
use super::Report;
use crate::model::{
    is_protocol_param, ApiKeyLocation, AuthPattern, AuthType, FieldSpec, IntegrationDef,
    OAuthConfig, RedirectStyle,
};
use crate::template;

pub(super) fn check_patterns(r: &mut Report, def: &IntegrationDef) {
    if def.auth_patterns.is_empty() {
        r.add(
            "auth_patterns",
            "must hold at least one auth pattern (use type 'none' for an open API)",
        );
        return;
    }
    let base_url_fields = template::placeholder_names(&def.base_url).unwrap_or_default();
    let mut first_of_type: HashMap<AuthType, usize> = HashMap::new();
    for (i, pattern) in def.auth_patterns.iter().enumerate() {
        let at = format!("auth_patterns[{i}]");
        if let Some(first) = first_of_type.insert(pattern.auth_type, i) {
            first_of_type.insert(pattern.auth_type, first);
            r.add(
                format!("{at}.type"),
                format!(
                    "duplicate auth pattern type '{}' (already at auth_patterns[{first}])",
                    pattern.auth_type
                ),
            );
        }
        check_pattern(r, &at, pattern, &base_url_fields);
    }
}

fn check_pattern(r: &mut Report, at: &str, p: &AuthPattern, base_url_fields: &[String]) {
    let fields = p.connection_fields();
    check_field_specs(r, at, p);
    let find = |name: &str| fields.iter().find(|f| f.field_name == name);

    for name in base_url_fields {
        match find(name) {
            None => r.add(
                format!("{at}.fields"),
                format!("no field '{name}', but base_url uses {{{{{name}}}}}: add it so connections can fill it"),
            ),
            Some(f) if f.is_secret() => r.add(
                "base_url",
                format!("{{{{{name}}}}} is a secret field of {at}: secrets cannot be placed in a URL"),
            ),
            Some(_) => {}
        }
    }

    check_blocks_belong(r, at, p);
    match p.auth_type {
        AuthType::None => {}
        AuthType::ApiKey => check_api_key(r, at, p, &fields),
        AuthType::Bearer => require_secret_field(r, at, &fields, "token", "the bearer token"),
        AuthType::Basic => {
            if find("username").is_none() {
                r.add(
                    format!("{at}.fields"),
                    "a basic pattern needs a 'username' field",
                );
            }
        }
        AuthType::CustomHeaders => check_custom_headers(r, at, p, &fields),
        AuthType::Hmac => check_hmac(r, at, p, &fields),
        AuthType::Oauth2AuthorizationCode | AuthType::Oauth2ClientCredentials => {
            check_oauth(r, at, p)
        }
    }

    if let Some(name) = &p.auth_header_key_override {
        if !is_header_name(name) {
            r.add(
                format!("{at}.auth_header_key_override"),
                format!("'{name}' is not a valid HTTP header name"),
            );
        }
        if matches!(
            p.auth_type,
            AuthType::None | AuthType::CustomHeaders | AuthType::Hmac
        ) {
            r.add(
                format!("{at}.auth_header_key_override"),
                format!("does not apply to a '{}' pattern", p.auth_type),
            );
        }
    }
    for (j, m) in p.auth_field_mutations.iter().enumerate() {
        let mat = format!("{at}.auth_field_mutations[{j}]");
        let implicit_basic = p.auth_type == AuthType::Basic
            && (m.field_name == "username" || m.field_name == "password");
        if find(&m.field_name).is_none() && !implicit_basic {
            r.add(
                format!("{mat}.field_name"),
                format!("no field '{}' in this pattern", m.field_name),
            );
        }
        if m.prefix.is_none() && m.suffix.is_none() && m.default_value.is_none() {
            r.add(
                mat,
                "does nothing: set at least one of prefix, suffix, default_value",
            );
        }
    }
}

fn check_field_specs(r: &mut Report, at: &str, p: &AuthPattern) {
    let mut seen: HashMap<&str, String> = HashMap::new();
    for (list, specs) in [("fields", &p.fields), ("account_fields", &p.account_fields)] {
        for (j, f) in specs.iter().enumerate() {
            let path = format!("{at}.{list}[{j}]");
            if !template::is_valid_name(&f.field_name) {
                r.add(
                    format!("{path}.field_name"),
                    format!(
                        "'{}' must be letters, digits and '_', not starting with a digit",
                        f.field_name
                    ),
                );
            }
            if let Some(first) = seen.insert(&f.field_name, path.clone()) {
                r.add(
                    format!("{path}.field_name"),
                    format!("duplicate field '{}' (already at {first})", f.field_name),
                );
            }
        }
    }
}

/// Config blocks are only meaningful for their own pattern type; a stray block is a mistake
/// (often a wrong `type`), so it is reported rather than ignored.
fn check_blocks_belong(r: &mut Report, at: &str, p: &AuthPattern) {
    let t = p.auth_type;
    if p.api_key.is_some() && t != AuthType::ApiKey {
        r.add(
            format!("{at}.api_key"),
            format!("only applies to type 'api_key', not '{t}'"),
        );
    }
    if p.hmac.is_some() && t != AuthType::Hmac {
        r.add(
            format!("{at}.hmac"),
            format!("only applies to type 'hmac', not '{t}'"),
        );
    }
    if !p.headers.is_empty() && t != AuthType::CustomHeaders {
        r.add(
            format!("{at}.headers"),
            format!("only applies to type 'custom_headers', not '{t}'"),
        );
    }
    // MCP OAuth patterns carry a bare `{"pkce_enabled": true}` in Scalekit payloads.
    if p.oauth_config.is_some() && !t.is_oauth() {
        r.add(
            format!("{at}.oauth_config"),
            format!("only applies to oauth2 patterns, not '{t}'"),
        );
    }
}

fn require_secret_field(r: &mut Report, at: &str, fields: &[FieldSpec], name: &str, what: &str) {
    match fields.iter().position(|f| f.field_name == name) {
        None => r.add(
            format!("{at}.fields"),
            format!("needs a secret field '{name}' for {what}"),
        ),
        Some(_) if !fields.iter().any(|f| f.field_name == name && f.is_secret()) => r.add(
            format!("{at}.fields"),
            format!("field '{name}' holds {what} and must be secret (input_type 'password' or secret: true)"),
        ),
        Some(_) => {}
    }
}

fn check_api_key(r: &mut Report, at: &str, p: &AuthPattern, fields: &[FieldSpec]) {
    let field = p.api_key.as_ref().map_or("api_key", |c| c.field.as_str());
    require_secret_field(r, at, fields, field, "the API key");
    let Some(cfg) = &p.api_key else { return };
    match cfg.location {
        ApiKeyLocation::Header => {
            if !is_header_name(&cfg.name) {
                r.add(
                    format!("{at}.api_key.name"),
                    format!("'{}' is not a valid HTTP header name", cfg.name),
                );
            }
            if let Some(o) = &p.auth_header_key_override {
                if !o.eq_ignore_ascii_case(&cfg.name) {
                    r.add(
                        format!("{at}.auth_header_key_override"),
                        format!(
                            "'{o}' conflicts with api_key.name '{}': set only one",
                            cfg.name
                        ),
                    );
                }
            }
        }
        ApiKeyLocation::Query => {
            if cfg.name.trim().is_empty() {
                r.add(
                    format!("{at}.api_key.name"),
                    "must name the query parameter",
                );
            }
            if cfg.prefix.is_some() {
                r.add(
                    format!("{at}.api_key.prefix"),
                    "only applies to a key sent in a header",
                );
            }
        }
    }
}

fn check_templates_refer_to_fields(r: &mut Report, path: &str, value: &str, fields: &[FieldSpec]) {
    match template::placeholder_names(value) {
        Err(msg) => r.add(path, msg),
        Ok(names) => {
            for name in names {
                if !fields.iter().any(|f| f.field_name == name) {
                    r.add(
                        path,
                        format!("{{{{{name}}}}} is not a field of this pattern"),
                    );
                }
            }
        }
    }
}

fn check_custom_headers(r: &mut Report, at: &str, p: &AuthPattern, fields: &[FieldSpec]) {
    if p.headers.is_empty() {
        r.add(
            format!("{at}.headers"),
            "a custom_headers pattern needs at least one header",
        );
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (j, h) in p.headers.iter().enumerate() {
        if !is_header_name(&h.name) {
            r.add(
                format!("{at}.headers[{j}].name"),
                format!("'{}' is not a valid HTTP header name", h.name),
            );
        }
        if let Some(first) = seen.insert(h.name.to_ascii_lowercase(), j) {
            r.add(
                format!("{at}.headers[{j}].name"),
                format!(
                    "duplicate header '{}' (already at headers[{first}])",
                    h.name
                ),
            );
        }
        check_templates_refer_to_fields(r, &format!("{at}.headers[{j}].value"), &h.value, fields);
    }
}

fn check_hmac(r: &mut Report, at: &str, p: &AuthPattern, fields: &[FieldSpec]) {
    let Some(cfg) = &p.hmac else {
        r.add(
            format!("{at}.hmac"),
            "an hmac pattern needs an 'hmac' block (signing key field, header names, encoding)",
        );
        return;
    };
    require_secret_field(r, at, fields, &cfg.secret_field, "the HMAC signing key");
    for (name, value) in [
        ("signature_header", Some(&cfg.signature_header)),
        ("timestamp_header", Some(&cfg.timestamp_header)),
        ("key_id_header", cfg.key_id_header.as_ref()),
    ] {
        if let Some(v) = value {
            if !is_header_name(v) {
                r.add(
                    format!("{at}.hmac.{name}"),
                    format!("'{v}' is not a valid HTTP header name"),
                );
            }
        }
    }
    match (&cfg.key_id_header, &cfg.key_id_field) {
        (Some(_), None) => r.add(
            format!("{at}.hmac.key_id_field"),
            "is required when key_id_header is set",
        ),
        (None, Some(_)) => r.add(
            format!("{at}.hmac.key_id_header"),
            "is required when key_id_field is set",
        ),
        (Some(_), Some(f)) if !fields.iter().any(|s| &s.field_name == f) => r.add(
            format!("{at}.hmac.key_id_field"),
            format!("no field '{f}' in this pattern"),
        ),
        _ => {}
    }
}

fn check_oauth(r: &mut Report, at: &str, p: &AuthPattern) {
    let Some(cfg) = &p.oauth_config else {
        if !p.is_mcp {
            r.add(
                format!("{at}.oauth_config"),
                "an oauth2 pattern needs an 'oauth_config' block with its endpoints",
            );
        }
        return;
    };
    let oc = format!("{at}.oauth_config");
    let code_flow = p.auth_type == AuthType::Oauth2AuthorizationCode;
    // MCP servers publish their endpoints through discovery (and register clients dynamically).
    if !p.is_mcp {
        if code_flow && cfg.authorize_uri.is_none() {
            r.add(
                format!("{oc}.authorize_uri"),
                "is required for the authorization code flow",
            );
        }
        if cfg.token_uri.is_none() {
            r.add(format!("{oc}.token_uri"), "is required");
        }
    }
    for (name, value) in [
        ("authorize_uri", &cfg.authorize_uri),
        ("token_uri", &cfg.token_uri),
        ("user_info_uri", &cfg.user_info_uri),
        ("revocation_uri", &cfg.revocation_uri),
    ] {
        if let Some(url) = value {
            if let Err(msg) = check_endpoint_url(url) {
                r.add(format!("{oc}.{name}"), msg);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (j, s) in cfg.available_scopes.iter().enumerate() {
        if s.scope.is_empty() || s.scope.chars().any(char::is_whitespace) {
            r.add(
                format!("{oc}.available_scopes[{j}].scope"),
                format!("'{}' must be one non-empty word without spaces", s.scope),
            );
        } else if !seen.insert(s.scope.as_str()) {
            r.add(
                format!("{oc}.available_scopes[{j}].scope"),
                format!("duplicate scope '{}'", s.scope),
            );
        }
    }
    match (cfg.redirect_style, cfg.loopback_port) {
        (RedirectStyle::DeepLink, Some(_)) => r.add(
            format!("{oc}.loopback_port"),
            "only applies to redirect_style 'loopback'",
        ),
        (RedirectStyle::Loopback, Some(0)) => r.add(
            format!("{oc}.loopback_port"),
            "must be a port from 1 to 65535 (leave it out for a random free port)",
        ),
        _ => {}
    }
    for (name, params) in [
        ("authorize_params", &cfg.authorize_params),
        ("token_params", &cfg.token_params),
    ] {
        for key in params.keys() {
            if key.trim().is_empty() {
                r.add(format!("{oc}.{name}"), "parameter names must not be empty");
            } else if is_protocol_param(key) {
                r.add(
                    format!("{oc}.{name}.{key}"),
                    format!(
                        "'{key}' is a parameter of the OAuth protocol that Patchbay sets itself \
                         (state, PKCE, redirect URI, client and grant); it cannot be an extra \
                         parameter{}",
                        if key.trim().eq_ignore_ascii_case("scope") {
                            ": list scopes in available_scopes"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
    }
    check_issuer(r, &oc, cfg);
}

/// `issuer` is an https URL (or loopback http) without query or fragment (RFC 8414 §2), and
/// `authorization_response_iss_parameter_supported` needs it: a required `iss` must be compared
/// with something.
fn check_issuer(r: &mut Report, oc: &str, cfg: &OAuthConfig) {
    match &cfg.issuer {
        Some(issuer) => match check_endpoint_url(issuer) {
            Err(msg) => r.add(format!("{oc}.issuer"), msg),
            Ok(url) if url.query().is_some() || url.fragment().is_some() => r.add(
                format!("{oc}.issuer"),
                "an issuer identifier has no query or fragment (RFC 8414)",
            ),
            Ok(_) => {}
        },
        None if cfg.authorization_response_iss_parameter_supported == Some(true) => r.add(
            format!("{oc}.issuer"),
            "is required when authorization_response_iss_parameter_supported is true (the 'iss' of each authorization response is compared with it)",
        ),
        None => {}
    }
}
