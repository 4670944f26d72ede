//! Prefixed random identifiers (`it_…` for types, `cn_…` for connections): the prefix tells a
//! reader what an id names, the random part never collides across machines sharing bundles.

use rand::RngCore;

pub const TYPE_PREFIX: &str = "it_";
pub const CONNECTION_PREFIX: &str = "cn_";
pub const VAULT_PREFIX: &str = "vt_";

/// A new id: the prefix followed by 16 random bytes in lower-case base32 (26 characters).
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut out = String::with_capacity(prefix.len() + 26);
    out.push_str(prefix);
    out.push_str(&base32(&bytes));
    out
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_differ() {
        let a = new_id(TYPE_PREFIX);
        let b = new_id(TYPE_PREFIX);
        assert!(a.starts_with("it_"));
        assert_eq!(a.len(), 3 + 26);
        assert_ne!(a, b);
    }
}
