//! A `curl …` command → an integration type with one action, and the secrets it carried.
//!
//! The command is split like a POSIX shell would (`shell-words`; a pasted command may span lines
//! with `\`). The URL's scheme and host become the base URL, its path and query the action.
//! Credentials are recognised and **taken out of the definition**: `-u user:pass` → basic;
//! `Authorization: Bearer …` → bearer; `Authorization: Basic …` → basic; another `Authorization`
//! value or an `X-API-Key`-style header → api_key in that header; a query parameter named like a
//! key (`api_key`, `token`, …) → api_key in the query. Their values come back separately as
//! [`CurlSecrets`], for the caller to offer to store in a connection; the type holds no secret.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{json, Value};

use super::openapi::{slugify, template_name};
use super::{patterns, ImportNote, NoteKind};
use crate::json_input::parse_error;
use crate::{Result, Secret};

/// Header names (lower case) that carry an API key.
const KEY_HEADERS: [&str; 6] = [
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-token",
];
/// Query parameter names (lower case) that carry an API key.
const KEY_PARAMS: [&str; 7] = [
    "api_key",
    "apikey",
    "api-key",
    "key",
    "token",
    "access_token",
    "auth",
];

/// The secret values found in a curl command, by the field of the type's pattern that wants them.
#[derive(Debug, Default)]
pub struct CurlSecrets {
    pub fields: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, Secret>,
}

/// The parts of a command that matter.
#[derive(Default)]
struct Parsed {
    method: Option<String>,
    url: Option<String>,
    headers: Vec<(String, String)>,
    data: Vec<String>,
    json: bool,
    user: Option<String>,
}

pub(crate) fn convert(
    source: &str,
    command: &str,
) -> Result<(Value, Vec<ImportNote>, CurlSecrets)> {
    let joined = command.replace("\\\r\n", " ").replace("\\\n", " ");
    let words = shell_words::split(&joined)
        .map_err(|e| parse_error(source, "$", format!("not a shell command: {e}")))?;
    let mut notes = Vec::new();
    let p = parse(source, &words, &mut notes)?;
    let raw_url = p
        .url
        .clone()
        .ok_or_else(|| parse_error(source, "$", "no URL in the curl command"))?;
    let raw_url = if raw_url.contains("://") {
        raw_url
    } else {
        format!("https://{raw_url}")
    };
    let url = url::Url::parse(&raw_url)
        .map_err(|e| parse_error(source, "url", format!("'{raw_url}' is not a URL: {e}")))?;
    let host = url
        .host_str()
        .ok_or_else(|| parse_error(source, "url", "the URL has no host"))?;
    let mut base = format!("{}://{host}", url.scheme());
    if let Some(port) = url.port() {
        base.push_str(&format!(":{port}"));
    }

    let mut found = CurlSecrets::default();
    let mut pattern: Option<Value> = None;
    let mut headers = Vec::new();
    for (name, value) in &p.headers {
        let lower = name.to_ascii_lowercase();
        let credential = lower == "authorization" || KEY_HEADERS.contains(&lower.as_str());
        if credential && pattern.is_some() {
            notes.push(note(
                NoteKind::Dropped,
                format!("header {name}"),
                "a second credential: not kept (the type has one auth pattern from this command)",
            ));
        } else if lower == "authorization" {
            pattern = Some(authorization(name, value, &mut found));
        } else if credential {
            found
                .secrets
                .insert("api_key".into(), Secret::new(value.clone()));
            pattern = Some(patterns::api_key("header", name));
        } else if lower == "content-type" && !p.data.is_empty() {
            // The body's content type, kept with the body.
        } else if lower == "cookie" {
            notes.push(note(
                NoteKind::Dropped,
                "header Cookie",
                "cookies are not kept: they are usually a session",
            ));
        } else {
            headers.push(json!({"name": name, "value": value}));
        }
    }
    let user = p.user.clone().or_else(|| {
        (!url.username().is_empty())
            .then(|| format!("{}:{}", url.username(), url.password().unwrap_or("")))
    });
    if let Some(user) = user.filter(|_| pattern.is_none()) {
        let (u, pw) = user.split_once(':').unwrap_or((&user, ""));
        found.fields.insert("username".into(), u.to_string());
        if !pw.is_empty() {
            found.secrets.insert("password".into(), Secret::new(pw));
        }
        pattern.get_or_insert_with(patterns::basic);
    }
    let mut query = Vec::new();
    for (k, v) in url.query_pairs() {
        let credential = KEY_PARAMS.contains(&k.to_ascii_lowercase().as_str());
        if credential && pattern.is_some() {
            notes.push(note(
                NoteKind::Dropped,
                format!("query {k}"),
                "a second credential: not kept",
            ));
        } else if credential {
            found
                .secrets
                .insert("api_key".into(), Secret::new(v.to_string()));
            pattern = Some(patterns::api_key("query", &k));
        } else {
            query.push(json!({"name": k, "value": v}));
        }
    }
    let pattern = pattern.unwrap_or_else(|| json!({"type": "none", "fields": []}));
    if let Some(t) = pattern["type"].as_str().filter(|t| *t != "none") {
        notes.push(note(
            NoteKind::Mapped,
            "auth",
            format!("auth pattern {t}; its secret was taken out of the type"),
        ));
    }

    let method = p
        .method
        .clone()
        .unwrap_or_else(|| {
            if p.data.is_empty() {
                "GET".into()
            } else {
                "POST".into()
            }
        })
        .to_ascii_uppercase();
    let mut action = json!({
        "name": template_name(&format!("{method} {}", url.path())).chars().take(64).collect::<String>(),
        "method": method,
        "path": if url.path().is_empty() { "/" } else { url.path() },
        "query": query,
        "headers": headers,
    });
    if !p.data.is_empty() {
        let body = p.data.join("&");
        let looks_json = p.json || serde_json::from_str::<Value>(&body).is_ok();
        let content_type = header_value(&p.headers, "content-type").unwrap_or(if looks_json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        });
        action["body"] =
            json!({"content_type": content_type, "template": body.replace("{{", "{ {")});
        notes.push(note(
            NoteKind::Mapped,
            "body",
            "kept as written: check it holds no secret before you share the type",
        ));
    }
    let def = json!({
        "slug": slugify(host),
        "display_name": host,
        "base_url": base,
        "auth_patterns": [pattern],
        "actions": [action],
    });
    Ok((def, notes, found))
}

fn parse(source: &str, words: &[String], notes: &mut Vec<ImportNote>) -> Result<Parsed> {
    let mut it = words.iter().peekable();
    match it.next().map(String::as_str) {
        Some("curl") => {}
        _ => {
            return Err(parse_error(
                source,
                "$",
                "expected a command starting with 'curl'",
            ))
        }
    }
    let mut p = Parsed::default();
    while let Some(w) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| parse_error(source, "$", format!("{flag} needs a value")))
        };
        match w.as_str() {
            "-X" | "--request" => p.method = Some(value(w)?),
            "-H" | "--header" => {
                let h = value(w)?;
                if let Some((k, v)) = h.split_once(':') {
                    p.headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" => {
                p.data.push(value(w)?)
            }
            "--data-urlencode" => p.data.push(value(w)?),
            "--json" => {
                p.data.push(value(w)?);
                p.json = true;
            }
            "-u" | "--user" => p.user = Some(value(w)?),
            "--url" => p.url = Some(value(w)?),
            "-I" | "--head" => p.method = Some("HEAD".into()),
            "-G" | "--get" => p.method = Some("GET".into()),
            "-F" | "--form" => {
                let f = value(w)?;
                notes.push(note(
                    NoteKind::Dropped,
                    format!("-F {}", f.split('=').next().unwrap_or("")),
                    "multipart form fields are not imported",
                ));
            }
            // Options with a value that do not change the request's meaning.
            "-o" | "--output" | "-A" | "--user-agent" | "-e" | "--referer" | "-m"
            | "--max-time" | "--connect-timeout" | "-x" | "--proxy" | "-w" | "--write-out"
            | "--cacert" | "-E" | "--cert" | "--key" | "-b" | "--cookie" | "-c"
            | "--cookie-jar" | "--retry" => {
                let _ = value(w)?;
                notes.push(note(
                    NoteKind::Dropped,
                    w.clone(),
                    "this curl option is not part of the request Patchbay stores",
                ));
            }
            flag if flag.starts_with('-') => {}
            url => p.url = Some(url.to_string()),
        }
    }
    Ok(p)
}

/// The pattern an `Authorization` header implies, with its secret taken into `found`.
pub(super) fn authorization(name: &str, value: &str, found: &mut CurlSecrets) -> Value {
    let (scheme, rest) = value.split_once(' ').unwrap_or(("", value));
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => {
            found
                .secrets
                .insert("token".into(), Secret::new(rest.trim()));
            patterns::bearer()
        }
        "basic" => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            let (u, pw) = decoded.split_once(':').unwrap_or((&decoded, ""));
            found.fields.insert("username".into(), u.to_string());
            found.secrets.insert("password".into(), Secret::new(pw));
            patterns::basic()
        }
        _ => {
            found.secrets.insert("api_key".into(), Secret::new(value));
            patterns::api_key("header", name)
        }
    }
}

fn note(kind: NoteKind, path: impl Into<String>, message: impl Into<String>) -> ImportNote {
    ImportNote {
        kind,
        path: path.into(),
        message: message.into(),
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cmd: &str) -> (Value, Vec<ImportNote>, CurlSecrets) {
        convert("cmd", cmd).unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    #[test]
    fn auth_is_detected_and_taken_out_of_the_type() {
        let (def, _, s) =
            run("curl -H 'Authorization: Bearer tok_123' https://api.x.example/v1/me");
        assert_eq!(def["auth_patterns"][0]["type"], "bearer");
        assert_eq!(s.secrets["token"].expose(), "tok_123");
        assert_eq!(def["base_url"], "https://api.x.example");
        assert_eq!(def["actions"][0]["path"], "/v1/me");
        assert!(!def.to_string().contains("tok_123"));

        let (def, _, s) = run("curl -u ada:pw https://x.example/a");
        assert_eq!(def["auth_patterns"][0]["type"], "basic");
        assert_eq!(
            (
                s.fields["username"].as_str(),
                s.secrets["password"].expose()
            ),
            ("ada", "pw")
        );

        let (def, _, s) =
            run("curl -H 'Authorization: Basic YWRhOnNlY3JldA==' https://x.example/a");
        assert_eq!(def["auth_patterns"][0]["type"], "basic");
        assert_eq!(s.secrets["password"].expose(), "secret");

        let (def, notes, s) = run(
            "curl 'https://x.example/search?q=rust&api_key=k_999&token=t_2' -H 'X-Api-Key: other'",
        );
        assert_eq!(def["auth_patterns"][0]["api_key"]["in"], "header");
        assert_eq!(s.secrets["api_key"].expose(), "other");
        let text = def.to_string();
        assert!(
            !text.contains("k_999") && !text.contains("t_2") && !text.contains("other"),
            "{text}"
        );
        assert_eq!(
            def["actions"][0]["query"],
            json!([{"name": "q", "value": "rust"}])
        );
        assert!(notes.iter().any(|n| n.path == "query api_key"), "{notes:?}");

        let (def, _, s) = run("curl https://ada:pw@x.example/a");
        assert_eq!(def["auth_patterns"][0]["type"], "basic");
        assert_eq!(s.fields["username"], "ada");
    }

    #[test]
    fn methods_bodies_and_line_continuations() {
        let (def, _, _) = run("curl https://x.example/items \\\n  --json '{\"a\": 1}'");
        let a = &def["actions"][0];
        assert_eq!(
            (a["method"].as_str(), a["body"]["content_type"].as_str()),
            (Some("POST"), Some("application/json"))
        );
        let (def, _, _) = run("curl -X delete https://x.example/items/1");
        assert_eq!(def["actions"][0]["method"], "DELETE");
        let (def, _, _) = run("curl -d a=1 -d b=2 https://x.example/form");
        assert_eq!(def["actions"][0]["body"]["template"], "a=1&b=2");
        assert_eq!(
            def["actions"][0]["body"]["content_type"],
            "application/x-www-form-urlencoded"
        );
        for (bad, why) in [
            ("wget https://x", "starting with 'curl'"),
            ("curl -H", "needs a value"),
            ("curl -s", "no URL"),
            ("curl 'unclosed", "not a shell command"),
        ] {
            let err = convert("cmd", bad).err().unwrap().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
