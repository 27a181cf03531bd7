//! Certificate serial numbers: random, positive, 16 octets (127 bits of entropy),
//! shown as lowercase hex.

use std::fmt;

use crate::error::Result;

/// A certificate serial number as its big-endian magnitude bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Serial(Vec<u8>);

/// Octets in a serial `pki` makes. RFC 5280 allows up to 20; CA/B Forum wants >= 64 bits
/// of CSPRNG output. 16 octets with the top bit clear keep it positive without a pad byte.
pub const SERIAL_LEN: usize = 16;

impl Serial {
    /// A fresh random serial: positive, with a non-zero first octet so the DER
    /// INTEGER is exactly 16 octets.
    pub fn random() -> Result<Serial> {
        let mut b = vec![0u8; SERIAL_LEN];
        crate::keys::fill_random(&mut b)?;
        b[0] &= 0x7f;
        if b[0] == 0 {
            b[0] = 0x01;
        }
        Ok(Serial(b))
    }

    /// A serial from its big-endian bytes (leading zero octets are dropped).
    pub fn from_bytes(bytes: &[u8]) -> Serial {
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len().saturating_sub(1));
        Serial(bytes[start..].to_vec())
    }

    /// The big-endian bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Lowercase hex without separators.
    pub fn to_hex(&self) -> String {
        crate::hex(&self.0)
    }

    /// The rcgen form.
    pub fn to_rcgen(&self) -> rcgen::SerialNumber {
        rcgen::SerialNumber::from_slice(&self.0)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_serials_are_positive_full_length_and_distinct() {
        let a = Serial::random().unwrap();
        let b = Serial::random().unwrap();
        assert_ne!(a, b);
        for s in [&a, &b] {
            assert_eq!(s.as_bytes().len(), SERIAL_LEN);
            assert!(s.as_bytes()[0] & 0x80 == 0 && s.as_bytes()[0] != 0);
            assert_eq!(s.to_hex().len(), 2 * SERIAL_LEN);
        }
    }

    #[test]
    fn from_bytes_drops_leading_zeros() {
        assert_eq!(Serial::from_bytes(&[0, 0, 0x12]).to_hex(), "12");
        assert_eq!(Serial::from_bytes(&[0]).to_hex(), "00");
    }
}
