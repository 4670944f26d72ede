//! Deriving the master key from a passphrase, for machines without an OS keyring.
//!
//! Argon2id is memory-hard, so guessing passphrases against a stolen database costs an attacker
//! memory as well as time. The cost parameters and salt are stored with the vault (JSON in
//! `vault_meta.kdf_params`, raw bytes in `vault_meta.salt`) and read back on every unlock: new
//! vaults get the current defaults, while a vault made under older defaults keeps opening.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::unlock::fill_random;
use super::{MasterKey, VaultError};
use crate::Secret;

/// Bytes of random salt per vault: unique per vault, so one guess never tests two vaults.
pub(crate) const SALT_LEN: usize = 16;

/// Upper bounds accepted from the database. The parameters are read from a file anyone with
/// write access could edit; without a cap a doctored row could make an unlock try to allocate
/// terabytes or spin for hours instead of failing with a clear error.
const MAX_M_COST_KIB: u32 = 4 * 1024 * 1024; // 4 GiB
const MAX_T_COST: u32 = 64;
const MAX_P_COST: u32 = 64;

/// Argon2id cost parameters, stored as JSON with the vault.
///
/// Unknown fields are refused: a newer Patchbay that adds a parameter must not have its vault
/// silently derived without it (which would look like a wrong passphrase).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over the memory.
    pub t_cost: u32,
    /// Lanes (parallelism).
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: OWASP-class settings that stay well under a second on a laptop.
    fn default() -> Self {
        KdfParams {
            m_cost_kib: 65536,
            t_cost: 3,
            p_cost: 1,
        }
    }
}

impl KdfParams {
    pub(crate) fn to_json(self) -> String {
        // Three integers: serialising cannot fail, but stay panic-free regardless.
        serde_json::to_string(&self).unwrap_or_else(|_| {
            format!(
                "{{\"m_cost_kib\":{},\"t_cost\":{},\"p_cost\":{}}}",
                self.m_cost_kib, self.t_cost, self.p_cost
            )
        })
    }

    pub(crate) fn from_json(text: &str) -> Result<KdfParams, VaultError> {
        serde_json::from_str(text).map_err(|e| {
            VaultError::Corrupt(format!(
                "vault_meta.kdf_params is not a key-derivation setting this build understands \
                 ({e}); was the vault created by a newer Patchbay?"
            ))
        })
    }

    fn argon2(self) -> Result<Argon2<'static>, VaultError> {
        if self.m_cost_kib > MAX_M_COST_KIB || self.t_cost > MAX_T_COST || self.p_cost > MAX_P_COST
        {
            return Err(VaultError::Kdf(format!(
                "the stored cost parameters (memory {} KiB, {} passes, {} lanes) exceed the limits \
                 this build accepts ({MAX_M_COST_KIB} KiB, {MAX_T_COST}, {MAX_P_COST})",
                self.m_cost_kib, self.t_cost, self.p_cost
            )));
        }
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| VaultError::Kdf(format!("invalid Argon2id parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// A fresh random salt for a new vault.
pub(crate) fn new_salt() -> Result<[u8; SALT_LEN], VaultError> {
    let mut salt = [0u8; SALT_LEN];
    fill_random(&mut salt)?;
    Ok(salt)
}

/// Derives the 256-bit master key from `passphrase`. Deterministic: the same passphrase, salt and
/// parameters always give the same key, which is what lets the vault be reopened.
pub(crate) fn derive(
    passphrase: &Secret,
    salt: &[u8],
    params: &KdfParams,
) -> Result<MasterKey, VaultError> {
    let mut out = Zeroizing::new([0u8; 32]);
    params
        .argon2()?
        .hash_password_into(passphrase.expose().as_bytes(), salt, out.as_mut())
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    Ok(MasterKey::from_bytes(*out))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const FAST: KdfParams = KdfParams {
        m_cost_kib: 8,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn defaults_are_owasp_class() {
        assert_eq!(
            KdfParams::default(),
            KdfParams {
                m_cost_kib: 65536,
                t_cost: 3,
                p_cost: 1
            }
        );
    }

    #[test]
    fn params_round_trip_through_json() {
        let json = KdfParams::default().to_json();
        assert_eq!(json, r#"{"m_cost_kib":65536,"t_cost":3,"p_cost":1}"#);
        assert_eq!(KdfParams::from_json(&json).unwrap(), KdfParams::default());
        assert!(matches!(
            KdfParams::from_json(r#"{"m_cost_kib":8,"t_cost":1,"p_cost":1,"pepper":true}"#),
            Err(VaultError::Corrupt(_))
        ));
        assert!(matches!(
            KdfParams::from_json("nope"),
            Err(VaultError::Corrupt(_))
        ));
    }

    #[test]
    fn derivation_is_deterministic_and_depends_on_every_input() {
        let salt = [7u8; SALT_LEN];
        let a = derive(&Secret::new("correct horse"), &salt, &FAST).unwrap();
        let same = derive(&Secret::new("correct horse"), &salt, &FAST).unwrap();
        let other_pw = derive(&Secret::new("correct horsf"), &salt, &FAST).unwrap();
        let other_salt = derive(&Secret::new("correct horse"), &[8u8; SALT_LEN], &FAST).unwrap();
        let other_cost = derive(
            &Secret::new("correct horse"),
            &salt,
            &KdfParams { t_cost: 2, ..FAST },
        )
        .unwrap();
        assert_eq!(a.bytes(), same.bytes());
        assert_ne!(a.bytes(), other_pw.bytes());
        assert_ne!(a.bytes(), other_salt.bytes());
        assert_ne!(a.bytes(), other_cost.bytes());
    }

    #[test]
    fn absurd_stored_parameters_are_refused_not_attempted() {
        let huge = KdfParams {
            m_cost_kib: u32::MAX,
            ..FAST
        };
        let err = derive(&Secret::new("pw"), &[0u8; SALT_LEN], &huge).unwrap_err();
        assert!(matches!(err, VaultError::Kdf(_)), "{err:?}");
        let zero = KdfParams { t_cost: 0, ..FAST };
        assert!(matches!(
            derive(&Secret::new("pw"), &[0u8; SALT_LEN], &zero),
            Err(VaultError::Kdf(_))
        ));
    }

    #[test]
    fn salts_are_random() {
        assert_ne!(new_salt().unwrap(), new_salt().unwrap());
    }
}
