//! `pki verify` on arbitrary chains: the input is split into certificates (leaf,
//! intermediates, anchors); validation and its diagnostics must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rustls_pki_types::CertificateDer;

/// Split on a separator that is rare in DER, so mutated seeds keep their pieces.
pub fn split(data: &[u8]) -> Vec<CertificateDer<'static>> {
    data.split(|b| *b == 0xff).filter(|p| !p.is_empty()).take(8).map(|p| CertificateDer::from(p.to_vec())).collect()
}

fuzz_target!(|data: &[u8]| {
    let certs = split(data);
    let Some((leaf, rest)) = certs.split_first() else { return };
    let (anchors, intermediates) = rest.split_at(rest.len().min(1));
    let mut req = pki::verify::Input {
        leaf: leaf.clone(),
        intermediates: intermediates.to_vec(),
        anchors: anchors.to_vec(),
        crls: Vec::new(),
        host: Some("example.com".into()),
        ip: Some("127.0.0.1".parse().unwrap()),
        purpose: pki::verify::Purpose::Any,
        at: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
        key: Some((data.get(..32).unwrap_or(data).to_vec(), "k".into())),
        profile: pki::verify::Profile::Strict,
    };
    let v = pki::verify::verify(&req);
    // Diagnostics may only add reasons: a verdict with errors is never valid.
    assert_eq!(v.valid, v.errors.is_empty());
    // The strict profile only adds reasons: it never accepts what rustls-webpki refuses.
    req.profile = pki::verify::Profile::Webpki;
    let lenient = pki::verify::verify(&req);
    assert_eq!(lenient.valid, lenient.errors.is_empty());
    assert!(!v.valid || lenient.valid, "the strict profile accepted what webpki refuses");
});
