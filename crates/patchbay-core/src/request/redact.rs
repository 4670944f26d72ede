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
//! **Partial reflections.** A server may echo only the start of a key (a "key prefix" in an
//! error message, a header cut at some length). For a value of 16 characters or more, any
//! reflected prefix of at least half of it, up to 12 characters ([`min_prefix_chars`]), is
//! masked too, as `••••` (the last four characters are not shown: they were not reflected).
//! Shorter prefixes are left: they would match ordinary text (`sk_live_`) and say little about
//! the key. The callers mask after joining and before capping: a response's header values are
//! searched as one text ([`Redactor::mask_joined`]), so a key split over two header lines is
//! found, and a body is masked as received, before it is cut to its cap
//! ([`Redactor::mask_capped`]), so a key across the cut is found whole.
//!
//! The search automaton holds copies of the values for the redactor's lifetime; they are freed,
//! not wiped, when it is dropped (the `Secret` values it was built from are wiped).

use std::borrow::Cow;
use std::io::Write;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use zeroize::Zeroizing;

use crate::secret::mask;

/// Secrets shorter than this are masked only where the engine placed them (see the module docs).
pub const MIN_LEN: usize = 4;

/// Values at least this long (in characters) are masked where a prefix of them is reflected.
pub const PREFIX_FROM_LEN: usize = 16;

/// The mask of a partial reflection.
const PARTIAL_MASK: &str = "••••";

const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The shortest reflected prefix (in characters) of a value `chars` characters long that is
/// masked: half the value, at most 12 characters; `None` below [`PREFIX_FROM_LEN`].
pub fn min_prefix_chars(chars: usize) -> Option<usize> {
    (chars >= PREFIX_FROM_LEN).then(|| (chars / 2).min(12))
}

/// One searched form of a value (as is, percent-, form- or JSON-encoded).
#[derive(Clone)]
struct Variant {
    text: Zeroizing<String>,
    /// The mask of a whole occurrence.
    mask: String,
    /// Bytes of `text` from which a prefix is masked; `None`: only whole occurrences.
    min_prefix: Option<usize>,
}

/// Masks secret values wherever they appear. `Debug` shows only how many values it knows.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Original values (for [`Redactor::with_extra`]), wiped on drop.
    values: Vec<Zeroizing<String>>,
    variants: Vec<Variant>,
    /// Finds where a variant (or its shortest masked prefix) starts.
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
        let mut variants: Vec<Variant> = Vec::new();
        for v in &values {
            let m = mask(v);
            let min_chars = min_prefix_chars(v.chars().count());
            let encoded: String = utf8_percent_encode(v, COMPONENT).collect();
            let form: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            let json = serde_json::to_string(v.as_str()).unwrap_or_default();
            let json = json
                .strip_prefix('"')
                .and_then(|j| j.strip_suffix('"'))
                .unwrap_or(v.as_str())
                .to_string();
            for variant in [v.to_string(), encoded, form, json] {
                if variants.iter().any(|p| *p.text == variant) {
                    continue;
                }
                let min_prefix = min_chars.and_then(|n| {
                    variant
                        .char_indices()
                        .nth(n)
                        .map(|(i, _)| i)
                        .filter(|&i| i < variant.len())
                });
                variants.push(Variant {
                    text: Zeroizing::new(variant),
                    mask: m.clone(),
                    min_prefix,
                });
            }
        }
        let mut patterns: Vec<&[u8]> = Vec::with_capacity(variants.len());
        for v in &variants {
            let p = &v.text.as_bytes()[..v.min_prefix.unwrap_or(v.text.len())];
            if !patterns.contains(&p) {
                patterns.push(p);
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
        };
        Redactor {
            values,
            variants,
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

    /// The longest text a value can occupy (in bytes, in any of its encodings): how far past a
    /// cap a reader must look to find a value that crosses it.
    pub fn longest(&self) -> usize {
        self.variants
            .iter()
            .map(|v| v.text.len())
            .max()
            .unwrap_or(0)
    }

    /// The first occurrence at or after `from`: its range and mask. An occurrence is a whole
    /// variant or, for long values, a prefix of at least its minimum; the longest one starting
    /// at the leftmost position wins.
    fn next_match(&self, hay: &[u8], from: usize) -> Option<(usize, usize, &str)> {
        let ac = self.automaton.as_ref()?;
        let m = ac.find(Input::new(hay).range(from..))?;
        let start = m.start();
        let rest = &hay[start..];
        let mut best: (usize, &str) = (m.len(), PARTIAL_MASK);
        for v in &self.variants {
            let text = v.text.as_bytes();
            let (len, mask) = if rest.starts_with(text) {
                (text.len(), v.mask.as_str())
            } else if let Some(min) = v.min_prefix {
                let mut n = rest.iter().zip(text).take_while(|(a, b)| a == b).count();
                // Whole characters only, so masking text never splits one.
                while n > 0 && !v.text.is_char_boundary(n) {
                    n -= 1;
                }
                if n >= min {
                    (n, PARTIAL_MASK)
                } else {
                    continue;
                }
            } else {
                continue;
            };
            let whole = len == text.len();
            if len > best.0 || (len == best.0 && whole) {
                best = (len, mask);
            }
        }
        Some((start, start + best.0, best.1))
    }

    /// Every occurrence in `hay`, in order, without overlaps.
    fn matches<'r, 'h>(
        &'r self,
        hay: &'h [u8],
    ) -> impl Iterator<Item = (usize, usize, &'r str)> + use<'r, 'h> {
        let mut from = 0;
        std::iter::from_fn(move || {
            if from > hay.len() {
                return None;
            }
            let found = self.next_match(hay, from)?;
            from = found.1.max(found.0 + 1);
            Some(found)
        })
    }

    /// `s` with every known value masked; borrowed when nothing matched (the common case).
    pub fn mask_str<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !self.contains_secret(s) {
            return Cow::Borrowed(s);
        }
        // Occurrences start and end on character boundaries (see `next_match`).
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for (start, end, mask) in self.matches(s.as_bytes()) {
            out.push_str(&s[last..start]);
            out.push_str(mask);
            last = end;
        }
        out.push_str(&s[last..]);
        Cow::Owned(out)
    }

    /// `bytes` with every known value masked; the same buffer, untouched, when nothing matched,
    /// so a large response body is not copied just to be checked.
    pub fn mask_bytes(&self, bytes: Vec<u8>) -> Vec<u8> {
        if !self.contains_secret_bytes(&bytes) {
            return bytes;
        }
        let mut out = Vec::with_capacity(bytes.len());
        // Writing into a Vec cannot fail.
        let _ = self.write_masked(&bytes, &mut out);
        out
    }

    /// `bytes` masked, then cut to at most `cap` bytes (a mask is never cut in two); and whether
    /// anything was cut. Masking first finds a value that crosses the cap: give it `cap` plus
    /// [`Redactor::longest`] bytes where there are that many.
    pub fn mask_capped(&self, bytes: Vec<u8>, cap: usize) -> (Vec<u8>, bool) {
        if !self.contains_secret_bytes(&bytes) {
            let mut bytes = bytes;
            let cut = bytes.len() > cap;
            bytes.truncate(cap);
            if bytes.capacity() > cap {
                // What is kept holds no more memory than the cap.
                bytes.shrink_to(cap);
            }
            return (bytes, cut);
        }
        let mut out = Vec::with_capacity(bytes.len().min(cap));
        let mut last = 0;
        for (start, end, mask) in self.matches(&bytes) {
            let plain = &bytes[last..start];
            if out.len() + plain.len() > cap {
                let room = cap - out.len();
                out.extend_from_slice(&plain[..room]);
                return (out, true);
            }
            out.extend_from_slice(plain);
            if out.len() + mask.len() > cap {
                return (out, true);
            }
            out.extend_from_slice(mask.as_bytes());
            last = end;
        }
        let tail = &bytes[last..];
        let room = cap - out.len();
        let cut = tail.len() > room;
        out.extend_from_slice(&tail[..tail.len().min(room)]);
        (out, cut)
    }

    /// `values` (a response's header values, in order) masked as if they were one text: a value
    /// split over several of them is found, and each part is masked where it is.
    pub fn mask_joined(&self, values: &[&str]) -> Vec<String> {
        let joined: String = values.concat();
        if !self.contains_secret(&joined) {
            return values.iter().map(|v| v.to_string()).collect();
        }
        let found: Vec<(usize, usize, &str)> = self.matches(joined.as_bytes()).collect();
        let mut out = Vec::with_capacity(values.len());
        let mut offset = 0;
        for v in values {
            let (from, to) = (offset, offset + v.len());
            offset = to;
            let mut masked = String::with_capacity(v.len());
            let mut last = from;
            for &(start, end, mask) in &found {
                if end <= from || start >= to {
                    continue;
                }
                // The part of the occurrence inside this value; its mask where it begins,
                // `••••` for a continuation.
                let (a, b) = (start.max(from), end.min(to));
                masked.push_str(safe_slice(&joined, last, a));
                masked.push_str(if start >= from { mask } else { PARTIAL_MASK });
                last = b;
            }
            masked.push_str(safe_slice(&joined, last, to));
            out.push(masked);
        }
        out
    }

    /// Writes `bytes` masked into `sink` without building a masked copy first.
    pub fn write_masked(&self, bytes: &[u8], mut sink: impl Write) -> std::io::Result<()> {
        let mut last = 0;
        for (start, end, mask) in self.matches(bytes) {
            sink.write_all(&bytes[last..start])?;
            sink.write_all(mask.as_bytes())?;
            last = end;
        }
        sink.write_all(&bytes[last..])
    }

    /// Whether `s` holds any known value (in any of its encodings), or a masked prefix of one.
    pub fn contains_secret(&self, s: &str) -> bool {
        self.contains_secret_bytes(s.as_bytes())
    }

    fn contains_secret_bytes(&self, s: &[u8]) -> bool {
        self.automaton.as_ref().is_some_and(|ac| ac.is_match(s))
    }
}

/// `s[a..b]`, or the whole characters inside it when a bound splits one (a value split between
/// two header values may split a character; the masked part covers it).
fn safe_slice(s: &str, mut a: usize, mut b: usize) -> &str {
    if a >= b {
        return "";
    }
    while a < b && !s.is_char_boundary(a) {
        a += 1;
    }
    while b > a && !s.is_char_boundary(b) {
        b -= 1;
    }
    &s[a..b]
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

    #[test]
    fn reflected_prefixes_of_long_values_are_masked() {
        // 32 characters: prefixes of 12 characters and more are masked, shorter ones are not.
        let key = "sk_live_0123456789abcdefghijklmn";
        let r = Redactor::new([key]);
        for n in [12, 13, 20, 31] {
            let text = format!("your key starts with {}!", &key[..n]);
            let masked = r.mask_str(&text);
            assert_eq!(masked, "your key starts with ••••!", "{n}");
        }
        assert_eq!(r.mask_str(&key[..11]), &key[..11]);
        // A whole value still shows its last four; a prefix followed by other text is cut there.
        assert_eq!(r.mask_str(&format!("{key}.")), "••••klmn.");
        assert_eq!(r.mask_str(&format!("{}XYZ", &key[..15])), "••••XYZ");
        // 16 to 23 characters: half of the value.
        let r = Redactor::new(["pw_0123456789abcd"]);
        assert_eq!(r.mask_str("pw_01234"), "••••");
        assert_eq!(r.mask_str("pw_0123"), "pw_0123");
        assert_eq!(min_prefix_chars(15), None);
        assert_eq!(min_prefix_chars(16), Some(8));
        assert_eq!(min_prefix_chars(40), Some(12));
        // Prefixes of an encoded form count too.
        let odd = "p@ss/word+0123456789abcdef";
        let r = Redactor::new([odd]);
        let encoded: String = utf8_percent_encode(odd, COMPONENT).collect();
        assert_eq!(r.mask_str(&format!("q={}", &encoded[..20])), "q=••••");
    }

    #[test]
    fn short_values_are_masked_whole_only() {
        let r = Redactor::new(["short-pw-123"]);
        assert_eq!(r.mask_str("short-pw-1"), "short-pw-1");
        assert_eq!(r.mask_str("x short-pw-123 y"), "x •••• y");
    }

    #[test]
    fn joined_header_values_are_searched_as_one_text() {
        let key = "sk_live_0123456789abcdefghijklmn";
        let r = Redactor::new([key]);
        let (a, b) = key.split_at(9);
        let masked = r.mask_joined(&["text/plain", a, b, "x"]);
        assert_eq!(masked, vec!["text/plain", "••••klmn", "••••", "x"]);
        // Two halves of a reflected prefix, each too short on its own.
        let masked = r.mask_joined(&[&key[..7], &key[7..14]]);
        assert_eq!(masked, vec!["••••", "••••"]);
        assert_eq!(r.mask_joined(&["a", "b"]), vec!["a", "b"]);
    }

    #[test]
    fn bodies_are_masked_before_they_are_cut() {
        let key = "sk_live_0123456789abcdefghijklmn";
        let r = Redactor::new([key]);
        assert!(r.longest() >= key.len());
        // The key crosses the cap: found whole in what was read past it, then cut.
        let body = format!("{}{key}tail", "x".repeat(10)).into_bytes();
        let (kept, cut) = r.mask_capped(body.clone(), 14);
        assert_eq!(String::from_utf8(kept).unwrap(), "xxxxxxxxxx");
        assert!(cut, "the mask did not fit, so it was cut before it");
        let (kept, cut) = r.mask_capped(body.clone(), 26);
        assert_eq!(String::from_utf8(kept).unwrap(), "xxxxxxxxxx••••klmn");
        assert!(cut);
        let (kept, cut) = r.mask_capped(body, 1000);
        assert_eq!(String::from_utf8(kept).unwrap(), "xxxxxxxxxx••••klmntail");
        assert!(!cut);
        let (kept, cut) = r.mask_capped(b"plain body".to_vec(), 5);
        assert_eq!((kept, cut), (b"plain".to_vec(), true));
    }
}
