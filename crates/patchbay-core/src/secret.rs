//! The one type secret values travel in.
//!
//! `Secret` has no `Serialize`, prints `<redacted>` under `Debug` and `Display`, and wipes its
//! memory on drop, so a secret cannot slip into JSON, a log line or an error message by accident.
//! Reading it takes an explicit, greppable call to [`Secret::expose`].

use zeroize::Zeroizing;

#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The plain value. Call only where the value must be used (sealing, sending, injecting).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The mask shown in place of the value: `••••` plus the last four characters when the value
    /// is at least 16 characters long (shorter values would leak too large a share).
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Secrets may be *read* from a form (the desktop connect dialog sends them once); there is
/// deliberately no `Serialize`, so one can never be written back out.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// See [`Secret::masked`].
pub fn mask(value: &str) -> String {
    let count = value.chars().count();
    if count >= 16 {
        let tail: String = value.chars().skip(count - 4).collect();
        format!("••••{tail}")
    } else {
        "••••".to_string()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("sk_live_canary_1234567890");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
    }

    #[test]
    fn masks_show_last_four_only_for_long_values() {
        assert_eq!(Secret::new("short").masked(), "••••");
        assert_eq!(Secret::new("123456789012345").masked(), "••••");
        assert_eq!(Secret::new("1234567890123456").masked(), "••••3456");
    }
}
