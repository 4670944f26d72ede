//! The one redaction step: it knows every secret value of a connection and every value derived
//! from them for a request (the base64 of `user:pass`, an HMAC signature), and replaces each
//! occurrence with its mask — `••••` plus the last four characters only when the secret is at
//! least 16 characters long ([`crate::secret::mask`]).
//!
//! It runs over everything that leaves the engine: the request preview, history rows, error
//! messages, log fields, `--json` output and copy-as-curl. The preview is also masked by
//! construction (the auth step renders its own masked header values); this pass is the net under
//! it for everything a server or a library may echo back.
//!
//! Each secret is also searched for in the encodings it can appear in: percent-encoded (a key in
//! a query string), form-encoded and JSON-escaped. Values shorter than [`MIN_LEN`] characters are
//! not searched for in free text — they would match ordinary words — and are masked only where
//! the engine placed them itself.
//!
//! The search automaton holds copies of the values for the redactor's lifetime; they are freed,
//! not wiped, when it is dropped (the `Secret` values it was built from are wiped).

use std::borrow::Cow;
use std::io::Write;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

use crate::secret::mask;

/// Secrets shorter than this are masked only where the engine placed them (see the module docs).
pub const MIN_LEN: usize = 4;

const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Masks secret values wherever they appear. `Debug` shows only how many values it knows.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Original values (for [`Redactor::with_extra`]), wiped on drop.
    values: Vec<Zeroizing<String>>,
    /// Replacement of each automaton pattern, by pattern index.
    masks: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} values)", self.values.len())
    }
}

impl Redactor {
    /// A redactor for these values (secrets and derived values alike).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Redactor {
        let values: Vec<Zeroizing<String>> = values
            .into_iter()
            .filter(|v| v.chars().count() >= MIN_LEN)
            .map(|v| Zeroizing::new(v.to_string()))
            .collect();
        Self::build(values)
    }

    /// This redactor plus more values (an HMAC signature computed for a redirect hop).
    pub fn with_extra<'a>(&self, extra: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut values = self.values.clone();
        values.extend(
            extra
                .into_iter()
                .filter(|v| v.chars().count() >= MIN_LEN)
                .map(|v| Zeroizing::new(v.to_string())),
        );
        Self::build(values)
    }

    fn build(mut values: Vec<Zeroizing<String>>) -> Redactor {
        values.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        values.dedup();
        let mut patterns: Vec<Zeroizing<String>> = Vec::new();
        let mut masks = Vec::new();
        for v in &values {
            let m = mask(v);
            let encoded: String = utf8_percent_encode(v, COMPONENT).collect();
            let form: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            let json = serde_json::to_string(v.as_str()).unwrap_or_default();
            let json = json
                .strip_prefix('"')
                .and_then(|j| j.strip_suffix('"'))
                .unwrap_or(v.as_str())
                .to_string();
            for variant in [v.to_string(), encoded, form, json] {
                if !patterns.iter().any(|p| **p == variant) {
                    patterns.push(Zeroizing::new(variant));
                    masks.push(m.clone());
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns.iter().map(|p| p.as_bytes()))
                .ok()
        };
        Redactor {
            values,
            masks,
            automaton,
        }
    }

    /// How many values (not counting encodings) this redactor knows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `s` with every known value masked; borrowed when nothing matched (the common case).
    pub fn mask_str<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let Some(ac) = &self.automaton else {
            return Cow::Borrowed(s);
        };
        if ac.find(s).is_none() {
            return Cow::Borrowed(s);
        }
        // Patterns are whole UTF-8 strings, so every match starts and ends on a char boundary.
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for m in ac.find_iter(s) {
            out.push_str(&s[last..m.start()]);
            out.push_str(&self.masks[m.pattern().as_usize()]);
            last = m.end();
        }
        out.push_str(&s[last..]);
        Cow::Owned(out)
    }

    /// `bytes` with every known value masked; the same buffer, untouched, when nothing matched,
    /// so a large response body is not copied just to be checked.
    pub fn mask_bytes(&self, bytes: Vec<u8>) -> Vec<u8> {
        let Some(ac) = &self.automaton else {
            return bytes;
        };
        if ac.find(&bytes).is_none() {
            return bytes;
        }
        let mut out = Vec::with_capacity(bytes.len());
        // Writing into a Vec cannot fail.
        let _ = self.write_masked(&bytes, &mut out);
        out
    }

    /// Writes `bytes` masked into `sink` without building a masked copy first.
    pub fn write_masked(&self, bytes: &[u8], mut sink: impl Write) -> std::io::Result<()> {
        let Some(ac) = &self.automaton else {
            return sink.write_all(bytes);
        };
        let mut last = 0;
        for m in ac.find_iter(bytes) {
            sink.write_all(&bytes[last..m.start()])?;
            sink.write_all(self.masks[m.pattern().as_usize()].as_bytes())?;
            last = m.end();
        }
        sink.write_all(&bytes[last..])
    }

    /// Whether `s` holds any known value (in any of its encodings).
    pub fn contains_secret(&self, s: &str) -> bool {
        self.automaton.as_ref().is_some_and(|ac| ac.is_match(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_0123456789abcdef";

    #[test]
    fn masks_values_with_their_last_four_only_when_long() {
        let r = Redactor::new([KEY, "short-pw"]);
        assert_eq!(
            r.mask_str(&format!("key={KEY}; pw=short-pw")),
            "key=••••cdef; pw=••••"
        );
    }

    #[test]
    fn finds_encoded_forms() {
        let odd = "p@ss word/+&=\"x\"";
        let r = Redactor::new([odd]);
        let encoded: String = utf8_percent_encode(odd, COMPONENT).collect();
        let form: String = url::form_urlencoded::byte_serialize(odd.as_bytes()).collect();
        let json = serde_json::to_string(odd).unwrap();
        for text in [encoded, form, json] {
            let masked = r.mask_str(&text);
            assert!(masked.contains("••••"), "{text} -> {masked}");
            assert!(!masked.contains("ss word"), "{masked}");
        }
    }

    #[test]
    fn leaves_text_without_secrets_untouched_and_borrowed() {
        let r = Redactor::new([KEY]);
        assert!(matches!(r.mask_str("nothing here"), Cow::Borrowed(_)));
        let body = b"plain body".to_vec();
        let ptr = body.as_ptr();
        let same = r.mask_bytes(body);
        assert_eq!(same.as_ptr(), ptr);
    }

    #[test]
    fn masks_bytes_and_streams() {
        let r = Redactor::new([KEY]);
        let body = format!("{{\"echo\":\"{KEY}\"}}").into_bytes();
        let masked = String::from_utf8(r.mask_bytes(body.clone())).unwrap();
        assert_eq!(masked, "{\"echo\":\"••••cdef\"}");
        let mut out = Vec::new();
        r.write_masked(&body, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), masked);
    }

    #[test]
    fn longest_overlapping_value_wins() {
        let r = Redactor::new(["abcdefgh", "abcdefghijklmnopqrstuvwxyz"]);
        assert_eq!(r.mask_str("abcdefghijklmnopqrstuvwxyz"), "••••wxyz");
    }

    #[test]
    fn very_short_values_are_not_searched_and_debug_is_opaque() {
        let r = Redactor::new(["abc", KEY]);
        assert_eq!(r.mask_str("abc"), "abc");
        assert_eq!(format!("{r:?}"), "Redactor(1 values)");
        let more = r.with_extra(["derived-signature-value"]);
        assert_eq!(more.len(), 2);
        assert!(more.contains_secret("x derived-signature-value y"));
    }
}
