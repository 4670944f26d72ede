//! Copy as curl: the prepared request as one `curl` command line, secrets masked.
//!
//! The masked form is built from the preview (already masked) and run through the redactor once
//! more. [`Reveal::Yes`] prints the real values; only the CLI offers it, behind an explicit
//! `--reveal` flag next to `--as-curl`, and the desktop app never does.

use super::prepared::PreparedRequest;

/// Whether secrets appear in the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    No,
    /// Real values. Anyone who sees the output sees the credentials.
    Yes,
}

/// Headers curl sets or negotiates itself (`--compressed` covers `accept-encoding`).
const LEFT_TO_CURL: &[&str] = &["content-length", "accept-encoding"];

/// The request as a `curl` command.
pub fn to_curl(p: &PreparedRequest, reveal: Reveal) -> String {
    let mut parts: Vec<String> = vec!["curl".into()];
    let method = p.method.as_str();
    let has_body = p.body.is_some();
    // curl's own choice: GET without a body, POST with one.
    let implied = if has_body { "POST" } else { "GET" };
    if method != implied {
        parts.push(format!("-X {}", quote(method)));
    }
    let (url, headers): (String, Vec<(String, String)>) = match reveal {
        Reveal::No => (
            p.preview.url.clone(),
            p.preview
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
        ),
        Reveal::Yes => (
            p.url.to_string(),
            p.headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
        ),
    };
    parts.push(quote(&url));
    for (name, value) in &headers {
        if LEFT_TO_CURL.contains(&name.as_str()) {
            continue;
        }
        parts.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    if headers.iter().any(|(n, _)| n == "accept-encoding") {
        parts.push("--compressed".into());
    }
    if let Some(body) = &p.body {
        match (&body.file, reveal) {
            (Some(file), _) => parts.push(format!("--data-binary {}", quote(&format!("@{file}")))),
            (None, Reveal::Yes) => match std::str::from_utf8(&body.bytes) {
                Ok(text) => parts.push(format!("--data-raw {}", quote(text))),
                Err(_) => parts.push("--data-binary @BODY_FILE  # binary body not shown".into()),
            },
            (None, Reveal::No) => match p.preview.body.as_ref().and_then(|b| b.text.as_ref()) {
                Some(text) if !p.preview.body.as_ref().is_some_and(|b| b.truncated) => {
                    parts.push(format!("--data-raw {}", quote(text)))
                }
                _ => parts
                    .push("--data-binary @BODY_FILE  # body too large or binary: not shown".into()),
            },
        }
    }
    let command = parts.join(" \\\n  ");
    match reveal {
        Reveal::No => p.redactor.mask_str(&command).into_owned(),
        Reveal::Yes => command,
    }
}

/// Single-quotes `s` for POSIX shells.
fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,%+".contains(&b))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_is_shell_safe() {
        assert_eq!(quote("GET"), "GET");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
