//! Parsers of command-line values: SAN lists, times, serial-free names.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(sans) = pki::san::parse_san_lists(&[s.to_string()]) {
        for san in &sans {
            // Every accepted entry must be encodable in a certificate.
            san.to_rcgen().expect("an accepted SAN is representable");
        }
    }
    let _ = pki::validity::parse_time("--at", s);
    let _ = pki::store::safe_file_stem(s);
    let _ = pki::store::validate_intermediate_name(s, "--name");
});
