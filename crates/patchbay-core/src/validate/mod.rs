//! Validation of integration definitions. It never stops at the first problem: a person fixing a
//! file wants the whole list, each entry with the field path it is about
//! (`auth_patterns[1].oauth_config.token_uri: must be an https URL or loopback http`).

mod auth;
mod urls;

use std::collections::HashSet;

use crate::model::{Action, IntegrationDef};
use crate::template;

pub use urls::{check_endpoint_url, check_web_url, is_loopback_host};

/// One problem: where (a JSON-style path) and what.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// All problems found in one subject (a type, or a file being imported).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ValidationErrors {
    /// What was checked: "integration type 'acme'" or a file name.
    pub subject: String,
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} is invalid ({n} problem{}):",
            self.subject,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}: {}", p.path, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects problems under a path prefix.
#[derive(Default)]
pub(crate) struct Report {
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Checks every rule on a definition. `Ok(())` or every problem found.
pub fn validate_def(def: &IntegrationDef) -> Result<(), ValidationErrors> {
    let problems = def_problems(def, "");
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors {
            subject: format!("integration type '{}'", def.slug),
            problems,
        })
    }
}

/// The problems of a definition, each path prefixed with `prefix` (e.g. `integrations[3].`).
pub fn def_problems(def: &IntegrationDef, prefix: &str) -> Vec<Problem> {
    let mut r = Report::default();
    check_slug(&mut r, &def.slug);
    if def.display_name.trim().is_empty() {
        r.add("display_name", "must not be empty");
    } else if def.display_name.chars().count() > 200 {
        r.add("display_name", "must be at most 200 characters");
    }
    urls::check_base_url(&mut r, def);
    for (name, value) in [("docs_url", &def.docs_url), ("logo_url", &def.logo_url)] {
        if let Some(url) = value {
            if let Err(msg) = check_web_url(url) {
                r.add(name, msg);
            }
        }
    }
    auth::check_patterns(&mut r, def);
    check_actions(&mut r, &def.actions);
    if let Some(schema) = &def.schema {
        let is_openapi = schema
            .as_object()
            .is_some_and(|o| o.contains_key("openapi") || o.contains_key("swagger"));
        if !is_openapi {
            r.add(
                "schema",
                "must be an OpenAPI or Swagger document (an object with an 'openapi' or 'swagger' key)",
            );
        }
    }
    r.problems
        .into_iter()
        .map(|p| Problem {
            path: format!("{prefix}{}", p.path),
            message: p.message,
        })
        .collect()
}

fn check_slug(r: &mut Report, slug: &str) {
    if slug.is_empty() {
        r.add("slug", "must not be empty");
        return;
    }
    let valid_chars = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let starts_well = slug
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !valid_chars || !starts_well {
        r.add(
            "slug",
            format!("'{slug}' must be lower-case letters, digits, '-' and '_', starting with a letter or digit"),
        );
    }
    if slug.len() > 64 {
        r.add("slug", "must be at most 64 characters");
    }
}

fn check_actions(r: &mut Report, actions: &[Action]) {
    let mut seen = HashSet::new();
    for (i, action) in actions.iter().enumerate() {
        let at = format!("actions[{i}]");
        if action.name.trim().is_empty() {
            r.add(format!("{at}.name"), "must not be empty");
        } else if !seen.insert(action.name.as_str()) {
            r.add(
                format!("{at}.name"),
                format!("duplicate action name '{}'", action.name),
            );
        }
        if !action.path.starts_with('/') {
            let msg = if action.path.contains("://") {
                "must be a path relative to the base URL (starting with '/'), not an absolute URL"
            } else {
                "must start with '/' (it is relative to the base URL)"
            };
            r.add(format!("{at}.path"), msg);
        }
        if let Err(msg) = template::placeholders(&action.path) {
            r.add(format!("{at}.path"), msg);
        }
        for (j, h) in action.headers.iter().enumerate() {
            if !urls::is_header_name(&h.name) {
                r.add(
                    format!("{at}.headers[{j}].name"),
                    format!("'{}' is not a valid HTTP header name", h.name),
                );
            }
        }
        for (j, q) in action.query.iter().enumerate() {
            if q.name.is_empty() {
                r.add(format!("{at}.query[{j}].name"), "must not be empty");
            }
        }
    }
}

#[cfg(test)]
mod tests;
