//! `pki`: a local certificate authority and certificate toolkit. The binary (`main.rs`)
//! is a thin shell over this library, so tests, benchmarks and fuzz targets call the
//! same code the command line does.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod certinfo;
pub mod chain;
pub mod cli;
pub mod commands;
pub mod constraints;
pub mod crl;
pub mod csr;
pub mod describe;
pub mod error;
pub mod fixtures;
pub mod input;
pub mod issuance;
pub mod keys;
pub mod p12;
pub mod pem;
pub mod profile;
pub mod render;
pub mod report;
pub mod san;
pub mod serial;
pub mod signer;
pub mod store;
pub mod tls;
pub mod trust;
pub mod validity;
pub mod verify;
pub mod x509text;

pub use error::{Error, Result};

/// Lowercase hex without separators.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
