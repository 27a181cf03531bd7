//! The reading path behind `pki inspect`: PEM/DER detection, then describing every item
//! (certificates, keys, CSRs, CRLs, public keys) and matching keys to certificates.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(items) = pki::pem::read_items(data) {
        let mut descs: Vec<_> = items.items.iter().map(|i| pki::describe::describe(i, "fuzz")).collect();
        pki::describe::key::match_keys(&mut descs);
    }
});
