//! A response body as the window shows it: split into display lines once, in Rust, so the viewer
//! asks only for the lines on screen. A 20 MB body never crosses IPC whole and the web view never
//! lays out more than a screenful, which is what keeps the window answering while it is shown.
//!
//! Two views: `raw` (the text as received) and `pretty` (JSON re-indented by serde_json; absent
//! for other bodies). Lines longer than [`MAX_DISPLAY_LINE_CHARS`] are wrapped into several
//! display lines, so a minified 20 MB JSON document is not one 20 MB line.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest display line, in bytes (cut at a character boundary).
pub const MAX_DISPLAY_LINE_CHARS: usize = 2_000;
/// Most matches a search lists (the total is still counted).
const MAX_MATCHES: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BodyMode {
    Raw,
    Pretty,
}

/// One text with its display-line starts.
struct Lines {
    text: String,
    /// Byte offset of each display line's start; the end is the next start (or the text's end).
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut line_start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                wrap(&text, line_start, i, &mut starts);
                starts.push(i + 1);
                line_start = i + 1;
            }
        }
        wrap(&text, line_start, text.len(), &mut starts);
        // A trailing newline does not open an empty last line.
        if starts.len() > 1 && starts.last() == Some(&text.len()) {
            starts.pop();
        }
        Lines { text, starts }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    fn line(&self, n: usize) -> &str {
        let start = self.starts[n];
        let end = self.starts.get(n + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Adds the starts of the continuation lines of `text[start..end]` when it is too long.
fn wrap(text: &str, start: usize, end: usize, starts: &mut Vec<usize>) {
    let mut at = start;
    while end - at > MAX_DISPLAY_LINE_CHARS {
        let mut cut = at + MAX_DISPLAY_LINE_CHARS;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        starts.push(cut);
        at = cut;
    }
}

/// A body ready for display. Binary bodies have no text views (the viewer offers to save them).
pub struct BodyDocument {
    bytes: Vec<u8>,
    raw: Option<Lines>,
    pretty: Option<Lines>,
}

/// Lines `start..start+lines.len()` of one view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct BodyPage {
    pub mode: BodyMode,
    pub start: u32,
    pub lines: Vec<String>,
    pub total_lines: u32,
}

/// Where a search matched: display-line numbers (the first 10,000), and how many lines match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct BodySearch {
    pub mode: BodyMode,
    pub query: String,
    pub lines: Vec<u32>,
    pub total: u32,
}

impl BodyDocument {
    /// Splits `bytes` (already masked) into views. `json` says the response declared a JSON
    /// content type; a body that parses as JSON gets a pretty view either way.
    pub fn new(bytes: Vec<u8>) -> BodyDocument {
        let text = std::str::from_utf8(&bytes).ok().map(str::to_string);
        let pretty = text.as_deref().and_then(|t| {
            let trimmed = t.trim_start();
            if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
                return None;
            }
            let value: serde_json::Value = serde_json::from_str(t).ok()?;
            serde_json::to_string_pretty(&value).ok()
        });
        BodyDocument {
            raw: text.map(Lines::new),
            pretty: pretty.map(Lines::new),
            bytes,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn is_text(&self) -> bool {
        self.raw.is_some()
    }

    pub fn has_pretty(&self) -> bool {
        self.pretty.is_some()
    }

    /// The view asked for; `pretty` falls back to `raw` for bodies that are not JSON.
    fn view(&self, mode: BodyMode) -> Option<(BodyMode, &Lines)> {
        match (mode, &self.pretty, &self.raw) {
            (BodyMode::Pretty, Some(p), _) => Some((BodyMode::Pretty, p)),
            (_, _, Some(r)) => Some((BodyMode::Raw, r)),
            _ => None,
        }
    }

    pub fn line_count(&self, mode: BodyMode) -> u32 {
        self.view(mode).map_or(0, |(_, l)| l.len() as u32)
    }

    /// At most `count` lines from `start` (clamped to the view).
    pub fn page(&self, mode: BodyMode, start: u32, count: u32) -> BodyPage {
        let Some((mode, view)) = self.view(mode) else {
            return BodyPage {
                mode,
                start: 0,
                lines: Vec::new(),
                total_lines: 0,
            };
        };
        let total = view.len();
        let start = (start as usize).min(total);
        let end = start.saturating_add(count as usize).min(total);
        BodyPage {
            mode,
            start: start as u32,
            lines: (start..end).map(|n| view.line(n).to_string()).collect(),
            total_lines: total as u32,
        }
    }

    /// Display lines containing `query`, ignoring ASCII case.
    pub fn search(&self, mode: BodyMode, query: &str) -> BodySearch {
        let needle = query.to_ascii_lowercase();
        let mut found = BodySearch {
            mode,
            query: query.to_string(),
            lines: Vec::new(),
            total: 0,
        };
        let Some((mode, view)) = self.view(mode) else {
            return found;
        };
        found.mode = mode;
        if needle.is_empty() {
            return found;
        }
        for n in 0..view.len() {
            if view.line(n).to_ascii_lowercase().contains(&needle) {
                found.total += 1;
                if found.lines.len() < MAX_MATCHES {
                    found.lines.push(n as u32);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_view_reindents_json_and_pages_it() {
        let doc = BodyDocument::new(br#"{"a":1,"b":[true,null]}"#.to_vec());
        assert!(doc.has_pretty());
        assert_eq!(doc.line_count(BodyMode::Raw), 1);
        let page = doc.page(BodyMode::Pretty, 1, 2);
        assert_eq!(page.lines, vec!["  \"a\": 1,", "  \"b\": ["]);
        assert_eq!(page.total_lines, 7);
    }

    #[test]
    fn long_lines_are_wrapped_at_character_boundaries() {
        let text = "é".repeat(MAX_DISPLAY_LINE_CHARS); // 2 bytes each
        let doc = BodyDocument::new(text.into_bytes());
        assert_eq!(doc.line_count(BodyMode::Raw), 2);
        assert!(doc.page(BodyMode::Raw, 0, 1).lines[0]
            .chars()
            .all(|c| c == 'é'));
    }

    #[test]
    fn search_ignores_case_and_counts_beyond_the_listed_matches() {
        let doc = BodyDocument::new(b"alpha\nBeta\ngamma beta\n".to_vec());
        let found = doc.search(BodyMode::Pretty, "BETA");
        assert_eq!(found.mode, BodyMode::Raw, "not JSON: falls back to raw");
        assert_eq!(found.lines, vec![1, 2]);
        assert_eq!(doc.line_count(BodyMode::Raw), 3);
    }

    #[test]
    fn binary_bodies_have_no_text_view() {
        let doc = BodyDocument::new(vec![0xff, 0xfe, 0x00]);
        assert!(!doc.is_text());
        assert_eq!(doc.page(BodyMode::Raw, 0, 10).lines.len(), 0);
    }
}
