//! The sealed form of a secret value: `b"PBV"` + version byte + 24-byte nonce + ciphertext||tag.
//!
//! XChaCha20-Poly1305 is used because its 192-bit nonce can be drawn at random for every value
//! without any realistic risk of reuse, so no nonce counter has to be kept (and kept consistent
//! across processes). The magic and version make a stored blob self-describing: a later format
//! can be told apart and migrated instead of being misread. The caller's associated data binds a
//! value to its slot (`patchbay/v1/{connection_id}/{key}`), so a blob copied to another
//! connection or key fails to open; the magic and version are bound in as well, so a header
//! cannot be swapped to make one format's bytes be read as another's.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroize;

use super::unlock::fill_random;
use super::{MasterKey, VaultError};
use crate::Secret;

/// The envelope format written by this build.
pub const ENVELOPE_VERSION: u8 = 1;

const MAGIC: &[u8; 3] = b"PBV";
const HEADER_LEN: usize = MAGIC.len() + 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Encrypts `plaintext` under `key`, bound to `aad`. Every call uses a fresh random nonce, so
/// sealing the same value twice gives different bytes.
pub fn seal(key: &MasterKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut nonce)?;
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let header = header(ENVELOPE_VERSION);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &bound_aad(&header, aad),
            },
        )
        // The AEAD only refuses inputs beyond ~256 GiB; nothing Patchbay stores comes close.
        .map_err(|_| {
            VaultError::Corrupt(format!(
                "a value of {} bytes is too large to encrypt",
                plaintext.len()
            ))
        })?;
    let mut out = Vec::with_capacity(HEADER_LEN + NONCE_LEN + ciphertext.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Decrypts an envelope made by [`seal`] with the same key and `aad`. The value must be UTF-8:
/// every secret Patchbay stores is text.
pub fn open(key: &MasterKey, aad: &[u8], envelope: &[u8]) -> Result<Secret, VaultError> {
    if envelope.len() < HEADER_LEN || &envelope[..MAGIC.len()] != MAGIC {
        return Err(VaultError::Corrupt(
            "a stored value is not a Patchbay vault envelope".into(),
        ));
    }
    let version = envelope[MAGIC.len()];
    if version != ENVELOPE_VERSION {
        return Err(VaultError::UnsupportedEnvelope { version });
    }
    if envelope.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
        return Err(VaultError::Corrupt(format!(
            "a stored value is truncated ({} bytes, at least {} expected)",
            envelope.len(),
            HEADER_LEN + NONCE_LEN + TAG_LEN
        )));
    }
    let (header, rest) = envelope.split_at(HEADER_LEN);
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let plaintext = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &bound_aad(header, aad),
            },
        )
        .map_err(|_| VaultError::Decrypt)?;
    match String::from_utf8(plaintext) {
        Ok(text) => Ok(Secret::new(text)),
        Err(err) => {
            // Wipe the decrypted bytes before reporting: they are still a secret.
            err.into_bytes().zeroize();
            Err(VaultError::Corrupt(
                "a decrypted value is not UTF-8 text".into(),
            ))
        }
    }
}

fn header(version: u8) -> [u8; HEADER_LEN] {
    [MAGIC[0], MAGIC[1], MAGIC[2], version]
}

/// The AEAD's associated data: the envelope header, then the caller's slot binding.
fn bound_aad(header: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(header.len() + aad.len());
    out.extend_from_slice(header);
    out.extend_from_slice(aad);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AAD: &[u8] = b"patchbay/v1/cn_test/api_key";
    const CANARY: &str = "sk_live_canary_0123456789abcdef";

    fn key() -> MasterKey {
        MasterKey::random().unwrap()
    }

    #[test]
    fn round_trip() {
        let k = key();
        let env = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        assert_eq!(open(&k, AAD, &env).unwrap().expose(), CANARY);
        assert_eq!(&env[..3], b"PBV");
        assert_eq!(env[3], ENVELOPE_VERSION);
        assert_eq!(env.len(), 3 + 1 + 24 + CANARY.len() + 16);
    }

    #[test]
    fn empty_value_round_trips() {
        let k = key();
        let env = seal(&k, AAD, b"").unwrap();
        assert_eq!(open(&k, AAD, &env).unwrap().expose(), "");
    }

    #[test]
    fn wrong_aad_fails_with_decrypt() {
        let k = key();
        let env = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        let err = open(&k, b"patchbay/v1/cn_other/api_key", &env).unwrap_err();
        assert!(matches!(err, VaultError::Decrypt), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("could not be decrypted with this vault's key"),
            "{msg}"
        );
        assert!(!msg.contains(CANARY));
    }

    #[test]
    fn wrong_key_fails_with_decrypt() {
        let env = seal(&key(), AAD, CANARY.as_bytes()).unwrap();
        assert!(matches!(open(&key(), AAD, &env), Err(VaultError::Decrypt)));
    }

    #[test]
    fn flipped_byte_fails() {
        let k = key();
        let env = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        for i in 0..env.len() {
            let mut bad = env.clone();
            bad[i] ^= 0x01;
            let err = open(&k, AAD, &bad).unwrap_err();
            match i {
                0..=2 => assert!(matches!(err, VaultError::Corrupt(_)), "byte {i}: {err:?}"),
                3 => assert!(
                    matches!(err, VaultError::UnsupportedEnvelope { .. }),
                    "byte {i}: {err:?}"
                ),
                _ => assert!(matches!(err, VaultError::Decrypt), "byte {i}: {err:?}"),
            }
        }
    }

    #[test]
    fn unknown_version_is_unsupported() {
        let k = key();
        let mut env = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        env[3] = 2;
        let err = open(&k, AAD, &env).unwrap_err();
        assert!(
            matches!(err, VaultError::UnsupportedEnvelope { version: 2 }),
            "{err:?}"
        );
        // A future version is recognised even if its layout is shorter than ours.
        assert!(matches!(
            open(&k, AAD, b"PBV\x07"),
            Err(VaultError::UnsupportedEnvelope { version: 7 })
        ));
    }

    #[test]
    fn truncated_or_foreign_is_corrupt() {
        let k = key();
        let env = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        for len in [0, 2, 3, 4, 20, 28, 28 + 15] {
            let err = open(&k, AAD, &env[..len]).unwrap_err();
            assert!(matches!(err, VaultError::Corrupt(_)), "len {len}: {err:?}");
        }
        // Cut inside the ciphertext: the tag no longer matches.
        assert!(matches!(
            open(&k, AAD, &env[..env.len() - 1]),
            Err(VaultError::Decrypt)
        ));
        assert!(matches!(
            open(&k, AAD, CANARY.as_bytes()),
            Err(VaultError::Corrupt(_))
        ));
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let k = key();
        let a = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        let b = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        assert_ne!(a, b);
        assert_ne!(a[4..28], b[4..28], "nonces must differ");
    }

    #[test]
    fn envelope_does_not_contain_the_plaintext() {
        let k = key();
        let env = seal(&k, AAD, CANARY.as_bytes()).unwrap();
        let needle = CANARY.as_bytes();
        assert!(!env.windows(needle.len()).any(|w| w == needle));
        // Nor any 6-byte piece of it.
        for piece in needle.windows(6) {
            assert!(!env.windows(6).any(|w| w == piece));
        }
    }

    #[test]
    fn non_utf8_plaintext_is_reported_without_content() {
        let k = key();
        let env = seal(&k, AAD, &[0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(open(&k, AAD, &env), Err(VaultError::Corrupt(_))));
    }
}
