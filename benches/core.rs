//! In-process costs of pki's core operations (criterion): key generation per key type,
//! signing a leaf, parsing and describing a certificate, validating a chain, rendering
//! `inspect` output. `bench/compare.sh` measures whole commands against openssl.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pki::keys::KeyType;
use pki::profile::{self, Profile, Subject};
use pki::serial::Serial;
use pki::validity::Validity;
use time::{Duration, OffsetDateTime};

fn validity() -> Validity {
    let now = OffsetDateTime::now_utc();
    Validity { not_before: now - Duration::minutes(1), not_after: now + Duration::days(397) }
}

fn subject(cn: &str) -> Subject {
    Subject { cn: Some(cn.into()), ..Default::default() }
}

/// A root, an intermediate and a leaf, as DER.
fn chain() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let v = validity();
    let root_key = KeyType::EcdsaP256.generate().unwrap();
    let root_params = profile::root(&subject("Bench Root"), v, &Serial::random().unwrap(), None);
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = rcgen::Issuer::new(root_params, &root_key);
    let int_key = KeyType::EcdsaP256.generate().unwrap();
    let int_params = profile::intermediate(&subject("Bench Intermediate"), v, &Serial::random().unwrap(), 0);
    let int = int_params.signed_by(&int_key, &root_issuer).unwrap();
    let int_issuer = rcgen::Issuer::new(int_params, &int_key);
    let leaf_key = KeyType::EcdsaP256.generate().unwrap();
    let sans = vec!["bench.test".parse().unwrap()];
    let leaf_params =
        profile::leaf(Profile::Server, &subject("bench.test"), &sans, v, &Serial::random().unwrap(), false).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &int_issuer).unwrap();
    (root.der().to_vec(), int.der().to_vec(), leaf.der().to_vec())
}

fn keygen(c: &mut Criterion) {
    let mut g = c.benchmark_group("keygen");
    for t in [KeyType::EcdsaP256, KeyType::EcdsaP384, KeyType::Ed25519, KeyType::Rsa2048] {
        g.bench_function(t.to_string(), |b| b.iter(|| black_box(t.generate().unwrap())));
    }
    g.sample_size(10);
    g.bench_function("rsa-4096", |b| b.iter(|| black_box(KeyType::Rsa4096.generate().unwrap())));
    g.finish();
}

fn sign_leaf(c: &mut Criterion) {
    let v = validity();
    let ca_key = KeyType::EcdsaP256.generate().unwrap();
    let ca_params = profile::root(&subject("Bench Root"), v, &Serial::random().unwrap(), None);
    let issuer = rcgen::Issuer::new(ca_params, &ca_key);
    let leaf_key = KeyType::EcdsaP256.generate().unwrap();
    let sans = vec!["bench.test".parse().unwrap()];
    c.bench_function("sign a server leaf (ECDSA P-256)", |b| {
        b.iter(|| {
            let p = profile::leaf(Profile::Server, &subject("bench.test"), &sans, v, &Serial::random().unwrap(), false)
                .unwrap();
            black_box(p.signed_by(&leaf_key, &issuer).unwrap())
        })
    });
}

fn parse_and_verify(c: &mut Criterion) {
    let (root, int, leaf) = chain();
    c.bench_function("describe a certificate", |b| {
        b.iter(|| black_box(pki::describe::cert::describe(&leaf, "bench", 1).unwrap()))
    });
    let req = pki::verify::Input {
        leaf: leaf.clone().into(),
        intermediates: vec![int.into()],
        anchors: vec![root.into()],
        crls: Vec::new(),
        host: Some("bench.test".into()),
        ip: None,
        purpose: pki::verify::Purpose::Server,
        at: OffsetDateTime::now_utc(),
        key: None,
        profile: pki::verify::Profile::Strict,
    };
    c.bench_function("verify a 3-level chain", |b| b.iter(|| black_box(pki::verify::verify(&req))));
}

fn render_inspect(c: &mut Criterion) {
    let bundle = std::fs::read("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    if bundle.is_empty() {
        return;
    }
    c.bench_function("read and describe the system CA bundle", |b| {
        b.iter(|| {
            let items = pki::pem::read_items(&bundle).unwrap();
            black_box(items.items.iter().map(|i| pki::describe::describe(i, "bundle")).collect::<Vec<_>>())
        })
    });
}

criterion_group!(benches, keygen, sign_leaf, parse_and_verify, render_inspect);
criterion_main!(benches);
