//! What a *new* vault passphrase must be: not obviously weak. Argon2id makes each guess slow,
//! but a passphrase from the top of a leaked-password list falls in the first few guesses
//! whatever the cost per guess, so a new vault refuses:
//!
//! - fewer than [`MIN_CHARS`] characters,
//! - fewer than [`MIN_DISTINCT`] different characters (`aaaaaaaaaaaa`, `abababababab`),
//! - a run of consecutive keys or digits (`123456789012`, `qwertyuiopas`, `abcdefghijkl`),
//! - a common password, alone or padded with digits and symbols (`Password123!`).
//!
//! This is a floor, not a strength meter: a few unrelated words pass easily. Existing vaults
//! open with whatever passphrase they were made with.

use crate::Secret;

use super::error::VaultError;

/// The shortest new passphrase accepted.
pub const MIN_CHARS: usize = 12;
/// The fewest different characters a new passphrase may have.
pub const MIN_DISTINCT: usize = 5;

/// Rows of keys (and the alphabet and digits) that make "sequences".
const SEQUENCES: &[&str] = &[
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];

/// Base words of the most common passwords (lower case, letters only).
const COMMON: &[&str] = &[
    "password",
    "passphrase",
    "passwort",
    "motdepasse",
    "contrasena",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "secret",
    "changeme",
    "default",
    "monkey",
    "dragon",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno",
    "master",
    "login",
    "qwerty",
    "patchbay",
    "vault",
    "test",
    "example",
];

/// `Ok` when `passphrase` may protect a new vault; else why not, in words a person can act on.
pub fn check_new(passphrase: &Secret) -> Result<(), VaultError> {
    if passphrase.is_empty() {
        return Err(VaultError::EmptyPassphrase);
    }
    match weakness(passphrase.expose()) {
        None => Ok(()),
        Some(why) => Err(VaultError::WeakPassphrase(why)),
    }
}

fn weakness(p: &str) -> Option<String> {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() < MIN_CHARS {
        return Some(format!(
            "it has {} characters; use at least {MIN_CHARS}",
            chars.len()
        ));
    }
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT {
        return Some(format!(
            "it repeats {} different characters; use at least {MIN_DISTINCT}",
            distinct.len()
        ));
    }
    let lower = p.to_lowercase();
    if is_sequence(&lower) {
        return Some("it is a run of consecutive keys or digits".to_string());
    }
    if is_common(&core_word(&lower)) {
        return Some(
            "it is a common password with digits or symbols around it, one of the first an attacker tries"
                .to_string(),
        );
    }
    None
}

/// Whether `lower` (spaces ignored) runs along one of [`SEQUENCES`], forwards or backwards.
fn is_sequence(lower: &str) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let backwards: String = compact.chars().rev().collect();
    SEQUENCES.iter().any(|row| {
        let around = row.repeat(3);
        around.contains(&compact) || around.contains(&backwards)
    })
}

/// The word inside `lower`: digits and symbols around it dropped, look-alike digits and symbols
/// inside it read as letters (`p@ssw0rd2024!` → `password`).
fn core_word(lower: &str) -> String {
    lower
        .trim_matches(|c: char| !c.is_alphabetic())
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

/// Whether `letters` is a common base word, or one repeated (`passwordpassword`).
fn is_common(letters: &str) -> bool {
    !letters.is_empty()
        && COMMON.iter().any(|word| {
            letters.len().is_multiple_of(word.len())
                && letters == word.repeat(letters.len() / word.len())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(p: &str) -> String {
        check_new(&Secret::new(p)).expect_err(p).to_string()
    }

    #[test]
    fn obviously_weak_passphrases_are_refused_with_the_reason() {
        assert!(refused("").contains("empty"));
        assert!(refused("hunter2").contains("at least 12"));
        assert!(refused("aaaaaaaaaaaaaaaa").contains("different characters"));
        assert!(refused("abababababababab").contains("different characters"));
        for seq in [
            "123456789012",
            "qwertyuiopasdf",
            "abcdefghijklm",
            "0987654321098",
        ] {
            assert!(refused(seq).contains("consecutive"), "{seq}");
        }
        for common in [
            "Password123!",
            "P@ssw0rd2024!!",
            "passwordpassword",
            "Welcome2024!!",
        ] {
            assert!(refused(common).contains("common password"), "{common}");
        }
    }

    #[test]
    fn ordinary_passphrases_pass() {
        for good in [
            "correct horse battery staple",
            "passphrase A for the tests",
            "tulip-orbit-7-canoe",
            "Vj3#kq9!Lm2@",
        ] {
            assert!(check_new(&Secret::new(good)).is_ok(), "{good}");
        }
    }
}
