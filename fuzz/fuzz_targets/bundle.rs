//! `pki bundle`'s chain builder on arbitrary certificate sets.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let candidates: Vec<pki::chain::Candidate> = data
        .split(|b| *b == 0xff)
        .filter(|p| !p.is_empty())
        .take(8)
        .enumerate()
        .map(|(i, p)| pki::chain::Candidate { der: p.to_vec(), origin: format!("f[{i}]"), given: i % 4 != 3 })
        .collect();
    let _ = pki::chain::build(&candidates, data.first().is_some_and(|b| b & 1 == 1));
});
