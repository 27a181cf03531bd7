//! Keys WebPKI clients refuse (CA/B Forum BR 6.1.5 and 6.1.6; Chrome, Firefox and rustls
//! itself): DSA, elliptic curves other than P-256, P-384 and P-521, RSA under 2048 bits
//! or of a size that is not a multiple of 8.

use x509_parser::prelude::X509Certificate;
use x509_parser::public_key::PublicKey;

use super::{Finding, finding};
use crate::verify::Code;

const DSA: &str = "1.2.840.10040.4.1";
const EC: &str = "1.2.840.10045.2.1";
const CURVES: &[(&str, &str)] =
    &[("1.2.840.10045.3.1.7", "P-256"), ("1.3.132.0.34", "P-384"), ("1.3.132.0.35", "P-521")];

pub(super) fn check(c: &X509Certificate<'_>, out: &mut Vec<Finding>) {
    let spki = c.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    let why = if alg == DSA {
        Some("a DSA key".to_string())
    } else if alg == EC {
        let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
        match curve {
            Some(o) if CURVES.iter().any(|(c, _)| *c == o) => None,
            Some(o) if o == "1.2.840.10045.3.1.1" => Some("a P-192 key".to_string()),
            Some(o) => Some(format!("an elliptic-curve key on the curve {o}")),
            None => Some("an elliptic-curve key with explicit or missing curve parameters".to_string()),
        }
    } else {
        match spki.parsed() {
            Ok(PublicKey::RSA(r)) => match modulus_bits(r.modulus) {
                n if n < 2048 => Some(format!("an RSA key of {n} bits")),
                n if n % 8 != 0 => Some(format!("an RSA key of {n} bits (not a multiple of 8)")),
                _ => None,
            },
            _ => None,
        }
    };
    if let Some(why) = why {
        out.push(finding(
            Code::ForbiddenKey,
            format!("it has {why}: CA/B Forum BR 6.1.5 allows only RSA of 2048 bits or more (a multiple of 8) and P-256, P-384, P-521; WebPKI clients refuse it"),
            false,
        ));
    }
}

/// The size of an RSA modulus in bits (x509-parser counts whole bytes).
fn modulus_bits(m: &[u8]) -> usize {
    let m = match m.iter().position(|b| *b != 0) {
        Some(i) => &m[i..],
        None => return 0,
    };
    m.len() * 8 - m[0].leading_zeros() as usize
}
