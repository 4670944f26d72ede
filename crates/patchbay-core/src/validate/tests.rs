//! Each invalid definition must be rejected with the path of the field at fault.

use serde_json::{json, Value};

use super::validate_def;
use crate::model::IntegrationDef;

fn valid() -> Value {
    json!({
        "slug": "acme",
        "display_name": "Acme API",
        "description": "Acme's internal API",
        "base_url": "https://{{domain}}/api",
        "docs_url": "https://docs.acme.example",
        "auth_patterns": [
            {
                "type": "api_key",
                "fields": [
                    {"field_name": "domain", "label": "Domain", "input_type": "text", "required": true},
                    {"field_name": "api_key", "label": "API key", "input_type": "password", "required": true}
                ],
                "api_key": {"in": "header", "name": "X-API-Key"}
            },
            {
                "type": "oauth2_authorization_code",
                "fields": [{"field_name": "domain", "label": "Domain", "required": true}],
                "oauth_config": {
                    "authorize_uri": "https://auth.acme.example/authorize",
                    "token_uri": "https://auth.acme.example/token",
                    "available_scopes": [{"scope": "read", "required": true}]
                }
            }
        ],
        "actions": [{"name": "me", "method": "GET", "path": "/me"}]
    })
}

fn problems_of(v: Value) -> Vec<String> {
    let def: IntegrationDef = serde_json::from_value(v).expect("test definitions deserialize");
    match validate_def(&def) {
        Ok(()) => Vec::new(),
        Err(e) => e
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect(),
    }
}

/// Applies `edit` to the valid definition and asserts a problem at `path` mentioning `needle`.
fn rejects(path: &str, needle: &str, edit: impl FnOnce(&mut Value)) {
    let mut v = valid();
    edit(&mut v);
    let problems = problems_of(v);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(&format!("{path}: ")) && p.contains(needle)),
        "expected a problem at {path} containing {needle:?}, got {problems:#?}"
    );
}

#[test]
fn the_valid_definition_passes() {
    assert_eq!(problems_of(valid()), Vec::<String>::new());
}

#[test]
fn slug_rules() {
    rejects("slug", "must not be empty", |v| v["slug"] = json!(""));
    rejects("slug", "lower-case", |v| v["slug"] = json!("Acme API"));
    rejects("slug", "at most 64", |v| v["slug"] = json!("a".repeat(65)));
}

#[test]
fn display_name_must_be_present() {
    rejects("display_name", "must not be empty", |v| {
        v["display_name"] = json!("  ")
    });
}

#[test]
fn base_url_rules() {
    rejects("base_url", "must not be empty", |v| {
        v["base_url"] = json!("")
    });
    rejects("base_url", "https or http", |v| {
        v["base_url"] = json!("ftp://acme.example")
    });
    rejects("base_url", "not a valid URL", |v| {
        v["base_url"] = json!("acme.example/api")
    });
    rejects("base_url", "unclosed", |v| {
        v["base_url"] = json!("https://{{domain/api")
    });
    rejects("base_url", "user name or password", |v| {
        v["base_url"] = json!("https://user:pw@acme.example")
    });
    rejects("base_url", "query string", |v| {
        v["base_url"] = json!("https://acme.example/?k=1")
    });
}

#[test]
fn base_url_fields_must_exist_in_every_pattern_and_not_be_secret() {
    rejects("auth_patterns[1].fields", "no field 'region'", |v| {
        v["base_url"] = json!("https://{{region}}.acme.example");
        v["auth_patterns"][0]["fields"][0]["field_name"] = json!("region");
    });
    rejects("base_url", "secret", |v| {
        v["base_url"] = json!("https://acme.example/{{api_key}}")
    });
}

#[test]
fn docs_url_must_be_a_web_url() {
    rejects("docs_url", "not a valid URL", |v| {
        v["docs_url"] = json!("docs")
    });
}

#[test]
fn patterns_must_exist_and_be_unique() {
    rejects("auth_patterns", "at least one", |v| {
        v["auth_patterns"] = json!([])
    });
    rejects(
        "auth_patterns[2].type",
        "duplicate auth pattern type 'api_key'",
        |v| {
            let first = v["auth_patterns"][0].clone();
            v["auth_patterns"].as_array_mut().unwrap().push(first);
        },
    );
}

#[test]
fn api_key_rules() {
    rejects(
        "auth_patterns[0].fields",
        "needs a secret field 'api_key'",
        |v| {
            v["auth_patterns"][0]["fields"]
                .as_array_mut()
                .unwrap()
                .remove(1);
        },
    );
    rejects("auth_patterns[0].fields", "must be secret", |v| {
        v["auth_patterns"][0]["fields"][1]["input_type"] = json!("text");
    });
    rejects(
        "auth_patterns[0].api_key.name",
        "not a valid HTTP header name",
        |v| {
            v["auth_patterns"][0]["api_key"]["name"] = json!("X API Key");
        },
    );
    rejects(
        "auth_patterns[0].api_key.prefix",
        "only applies to a key sent in a header",
        |v| {
            v["auth_patterns"][0]["api_key"] =
                json!({"in": "query", "name": "key", "prefix": "Bearer "});
        },
    );
    rejects(
        "auth_patterns[0].auth_header_key_override",
        "conflicts with api_key.name",
        |v| {
            v["auth_patterns"][0]["auth_header_key_override"] = json!("X-Other");
        },
    );
}

#[test]
fn duplicate_field_names_are_rejected() {
    rejects(
        "auth_patterns[0].fields[2].field_name",
        "duplicate field 'domain'",
        |v| {
            let f = v["auth_patterns"][0]["fields"][0].clone();
            v["auth_patterns"][0]["fields"]
                .as_array_mut()
                .unwrap()
                .push(f);
        },
    );
    rejects(
        "auth_patterns[0].fields[0].field_name",
        "letters, digits",
        |v| {
            v["auth_patterns"][0]["fields"][0]["field_name"] = json!("my-domain");
            v["base_url"] = json!("https://acme.example");
            v["auth_patterns"][1]["fields"] = json!([]);
        },
    );
}

#[test]
fn oauth_endpoint_rules() {
    rejects(
        "auth_patterns[1].oauth_config.token_uri",
        "must be an https URL or loopback http",
        |v| {
            v["auth_patterns"][1]["oauth_config"]["token_uri"] =
                json!("http://auth.acme.example/token");
        },
    );
    rejects(
        "auth_patterns[1].oauth_config.authorize_uri",
        "is required",
        |v| {
            v["auth_patterns"][1]["oauth_config"]
                .as_object_mut()
                .unwrap()
                .remove("authorize_uri");
        },
    );
    rejects(
        "auth_patterns[1].oauth_config",
        "needs an 'oauth_config' block",
        |v| {
            v["auth_patterns"][1]
                .as_object_mut()
                .unwrap()
                .remove("oauth_config");
        },
    );
    rejects(
        "auth_patterns[1].oauth_config.available_scopes[1].scope",
        "duplicate scope",
        |v| {
            v["auth_patterns"][1]["oauth_config"]["available_scopes"] =
                json!([{"scope": "read"}, {"scope": "read"}]);
        },
    );
    rejects(
        "auth_patterns[1].oauth_config.available_scopes[0].scope",
        "without spaces",
        |v| {
            v["auth_patterns"][1]["oauth_config"]["available_scopes"] =
                json!([{"scope": "read write"}]);
        },
    );
    rejects(
        "auth_patterns[1].oauth_config.loopback_port",
        "only applies to redirect_style 'loopback'",
        |v| {
            v["auth_patterns"][1]["oauth_config"]["loopback_port"] = json!(8080);
        },
    );
}

#[test]
fn loopback_http_endpoints_are_allowed() {
    let mut v = valid();
    v["auth_patterns"][1]["oauth_config"]["token_uri"] = json!("http://127.0.0.1:9000/token");
    v["auth_patterns"][1]["oauth_config"]["authorize_uri"] = json!("http://localhost:9000/auth");
    assert_eq!(problems_of(v), Vec::<String>::new());
}

#[test]
fn client_credentials_needs_a_token_uri() {
    rejects(
        "auth_patterns[1].oauth_config.token_uri",
        "is required",
        |v| {
            v["auth_patterns"][1]["type"] = json!("oauth2_client_credentials");
            v["auth_patterns"][1]["oauth_config"] = json!({});
        },
    );
}

#[test]
fn config_blocks_must_match_the_pattern_type() {
    rejects(
        "auth_patterns[0].oauth_config",
        "only applies to oauth2 patterns",
        |v| {
            v["auth_patterns"][0]["oauth_config"] = json!({"pkce_enabled": true});
        },
    );
    rejects(
        "auth_patterns[1].api_key",
        "only applies to type 'api_key'",
        |v| {
            v["auth_patterns"][1]["api_key"] = json!({"name": "X-Key"});
        },
    );
}

#[test]
fn custom_header_rules() {
    let headers = |v: &mut Value, headers: Value| {
        v["auth_patterns"][0] = json!({
            "type": "custom_headers",
            "fields": [
                {"field_name": "domain", "required": true},
                {"field_name": "token", "input_type": "password", "required": true}
            ],
            "headers": headers
        });
    };
    rejects("auth_patterns[0].headers", "at least one header", |v| {
        headers(v, json!([]))
    });
    rejects(
        "auth_patterns[0].headers[0].value",
        "{{tenant}} is not a field",
        |v| headers(v, json!([{"name": "X-Tenant", "value": "{{tenant}}"}])),
    );
    rejects(
        "auth_patterns[0].headers[1].name",
        "duplicate header",
        |v| {
            headers(
                v,
                json!([{"name": "X-Token", "value": "{{token}}"}, {"name": "x-token", "value": "a"}]),
            )
        },
    );
    rejects(
        "auth_patterns[0].headers[0].name",
        "not a valid HTTP header name",
        |v| headers(v, json!([{"name": "X Token:", "value": "{{token}}"}])),
    );
}

#[test]
fn hmac_rules() {
    rejects("auth_patterns[0].hmac", "needs an 'hmac' block", |v| {
        v["auth_patterns"][0] = json!({"type": "hmac", "fields": [{"field_name": "domain"}]});
    });
    rejects("auth_patterns[0].fields", "HMAC signing key", |v| {
        v["auth_patterns"][0] =
            json!({"type": "hmac", "fields": [{"field_name": "domain"}], "hmac": {}});
    });
    rejects(
        "auth_patterns[0].hmac.key_id_field",
        "is required when key_id_header is set",
        |v| {
            v["auth_patterns"][0] = json!({
                "type": "hmac",
                "fields": [{"field_name": "domain"}, {"field_name": "secret", "input_type": "password"}],
                "hmac": {"key_id_header": "X-Key-Id"}
            });
        },
    );
}

#[test]
fn bearer_and_basic_need_their_fields() {
    rejects(
        "auth_patterns[0].fields",
        "needs a secret field 'token'",
        |v| {
            v["auth_patterns"][0] = json!({"type": "bearer", "fields": [{"field_name": "domain"}]});
        },
    );
    rejects("auth_patterns[0].fields", "needs a 'username' field", |v| {
        v["auth_patterns"][0] = json!({"type": "basic", "fields": [{"field_name": "domain"}]});
    });
}

#[test]
fn field_mutations_must_name_a_field_and_do_something() {
    rejects(
        "auth_patterns[0].auth_field_mutations[0].field_name",
        "no field 'nope'",
        |v| {
            v["auth_patterns"][0]["auth_field_mutations"] =
                json!([{"field_name": "nope", "prefix": "x"}]);
        },
    );
    rejects(
        "auth_patterns[0].auth_field_mutations[0]",
        "does nothing",
        |v| {
            v["auth_patterns"][0]["auth_field_mutations"] = json!([{"field_name": "api_key"}]);
        },
    );
}

#[test]
fn action_rules() {
    rejects("actions[0].path", "not an absolute URL", |v| {
        v["actions"][0]["path"] = json!("https://evil.example/steal");
    });
    rejects("actions[0].path", "must start with '/'", |v| {
        v["actions"][0]["path"] = json!("me")
    });
    rejects("actions[1].name", "duplicate action name", |v| {
        let a = v["actions"][0].clone();
        v["actions"].as_array_mut().unwrap().push(a);
    });
}

#[test]
fn schema_must_be_openapi() {
    rejects("schema", "OpenAPI", |v| {
        v["schema"] = json!({"hello": "world"})
    });
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut v = valid();
    v["slug"] = json!("");
    v["display_name"] = json!("");
    v["auth_patterns"][1]["oauth_config"]["token_uri"] = json!("ftp://x");
    let problems = problems_of(v);
    assert!(problems.len() >= 3, "{problems:#?}");
}

#[test]
fn oauth_extra_parameters_cannot_be_protocol_ones_and_issuer_rules() {
    for (list, name) in [
        ("authorize_params", "state"),
        ("authorize_params", "CODE_CHALLENGE"),
        ("token_params", "code_verifier"),
        ("token_params", " client_id "),
    ] {
        rejects(
            &format!("auth_patterns[1].oauth_config.{list}.{name}"),
            "protocol",
            |v| {
                v["auth_patterns"][1]["oauth_config"][list] = json!({ name: "x" });
            },
        );
    }
    rejects(
        "auth_patterns[1].oauth_config.issuer",
        "is required when authorization_response_iss_parameter_supported",
        |v| {
            v["auth_patterns"][1]["oauth_config"]
                ["authorization_response_iss_parameter_supported"] = json!(true);
        },
    );
    rejects(
        "auth_patterns[1].oauth_config.issuer",
        "no query or fragment",
        |v| {
            v["auth_patterns"][1]["oauth_config"]["issuer"] = json!("https://auth.acme.example/#x");
        },
    );
}
