//! `{{field}}` templates as they appear in base URLs, paths and header values.
//!
//! This module only finds placeholders; substituting values safely (so a value cannot add a
//! host, path segment or query) belongs to the request engine.

/// One `{{name}}` occurrence: the name and its byte range in the template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// Every placeholder in `template`, or a message saying what is malformed
/// (an unclosed `{{`, an empty or invalid name).
pub fn placeholders(template: &str) -> Result<Vec<Placeholder>, String> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = template[rest..].find("{{") {
        let start = rest + open;
        let inner_start = start + 2;
        let Some(close) = template[inner_start..].find("}}") else {
            return Err(format!(
                "unclosed '{{{{' at character {}",
                template[..start].chars().count() + 1
            ));
        };
        let inner = template[inner_start..inner_start + close].trim();
        if !is_valid_name(inner) {
            return Err(format!(
                "'{{{{{inner}}}}}' is not a valid placeholder: names are letters, digits and '_', not starting with a digit"
            ));
        }
        let end = inner_start + close + 2;
        found.push(Placeholder {
            name: inner.to_string(),
            start,
            end,
        });
        rest = end;
    }
    Ok(found)
}

/// Names of the placeholders in `template`, in order of first appearance, without repeats.
pub fn placeholder_names(template: &str) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::new();
    for p in placeholders(template)? {
        if !names.contains(&p.name) {
            names.push(p.name);
        }
    }
    Ok(names)
}

/// Replaces every placeholder with `with` (used to check a template's shape, e.g. that a base URL
/// is a URL whatever the field values are).
pub fn fill_all(template: &str, with: &str) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    for p in placeholders(template)? {
        out.push_str(&template[last..p.start]);
        out.push_str(with);
        last = p.end;
    }
    out.push_str(&template[last..]);
    Ok(out)
}

pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_with_and_without_spaces() {
        let names = placeholder_names("https://{{domain}}/api/{{ version }}/{{domain}}").unwrap();
        assert_eq!(names, vec!["domain", "version"]);
    }

    #[test]
    fn rejects_malformed_templates() {
        assert!(placeholders("https://{{domain/api")
            .unwrap_err()
            .contains("unclosed"));
        assert!(placeholders("{{}}").unwrap_err().contains("not a valid"));
        assert!(placeholders("{{1abc}}")
            .unwrap_err()
            .contains("not a valid"));
        assert!(placeholders("{{a-b}}").unwrap_err().contains("not a valid"));
    }

    #[test]
    fn fill_all_replaces_every_placeholder() {
        assert_eq!(
            fill_all("https://{{a}}.x/{{b}}", "v").unwrap(),
            "https://v.x/v"
        );
    }
}
