//! SHA-256 written as lowercase hex: the allocation's replay ids and commitment
//! (`leads/allocate.rs`, `leads/export.rs`) and the share-image cache keys
//! (`ogimage/cache.rs`). One helper, so every published or cached hash is spelled alike.

use sha2::{Digest, Sha256};

/// The lowercase hex of bytes (64 characters for a SHA-256 digest).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The lowercase hex SHA-256 of the concatenation of `parts`.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_the_empty_string_is_the_known_digest() {
        assert_eq!(
            sha256_hex(&[b""]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(sha256_hex(&[b"a", b"bc"]), sha256_hex(&[b"abc"]));
        assert_eq!(hex(&[0x00, 0x0f, 0xff]), "000fff");
    }
}
