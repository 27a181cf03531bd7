//! Roots of Mozilla's store made before the rules they break (RFC 5280's SKI in every CA,
//! a critical basicConstraints, the BRs' AKI of a root with keyIdentifier only). Root
//! programs still trust them, so their chains are real: the strict profile does not hold
//! those three rules against them, as root programs do not. SHA-256 of the certificate.

/// (SHA-256 fingerprint, name): Debian's ca-certificates of Mozilla's store, 2025.
const LEGACY_ROOTS: &[(&str, &str)] = &[
    ("e3b6a2db2ed7ce48842f7ac53241c7b71d54144bfb40c11f3f1d0b42f5eea12d", "Certigna"),
    ("c3846bf24b9e93ca64274c0ec67c1ecc5e024ffcacd2d74019350e81fe546ae4", "Go Daddy Class 2 CA"),
    ("f9e67d336c51002ac054c632022d66dda2e7e3fff10ad061ed31d8bbb410cfb2", "Hongkong Post Root CA 1"),
    ("85a0dd7dd720adb7ff05f83d542b209dc7ff4528f7d677b18389fea5e5c49e86", "QuoVadis Root CA 2"),
    ("18f1fc7f205df8adddeb7fe007dd57e3af375a9c4d8d73546bf4f1fed1e18d35", "QuoVadis Root CA 3"),
    ("1465fa205397b876faa6f0a9958e5590e40fcc7faa4fb7c2c8677521fb5fb658", "Starfield Class 2 CA"),
    ("59769007f7685d0fcd50872f9f95d5755a5b2b457d81f3692b610a98672f0e1b", "TWCA Global Root CA"),
    ("c0a6f4dc63a24bfdcf54ef2a6a082a0a72de35803e2ff5ff527ae5d87206dfd5", "ePKI Root Certification Authority"),
];

/// Whether `der` is one of the legacy roots.
pub(super) fn is_legacy_root(der: &[u8]) -> bool {
    let fp = crate::certinfo::sha256_hex(der);
    LEGACY_ROOTS.iter().any(|(f, _)| *f == fp)
}
