//! One certificate per rule, built with rcgen to break exactly that rule: the strict
//! profile reports exactly its code, and `--profile webpki` accepts it as rustls does.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, NameConstraints,
    SanType, SerialNumber,
};
use rustls_pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};

use crate::verify::{Code, Input, Profile, Purpose, verify};

fn root_params() -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, "Strict Test Root");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

fn leaf_params() -> CertificateParams {
    let mut p = CertificateParams::new(vec!["www.example.test".to_string()]).unwrap();
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, "www.example.test");
    p.use_authority_key_identifier_extension = true;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p
}

/// A root made from `root`, a leaf made from `leaf` signed by it, and CRLs.
fn chain(root: CertificateParams, leaf: CertificateParams) -> (Input, KeyPair, CertificateParams) {
    let rk = KeyPair::generate().unwrap();
    let lk = KeyPair::generate().unwrap();
    let root_der = root.self_signed(&rk).unwrap().der().clone();
    let issuer = Issuer::from_params(&root, &rk);
    let leaf_der = leaf.signed_by(&lk, &issuer).unwrap().der().clone();
    let input = Input {
        leaf: leaf_der,
        intermediates: Vec::new(),
        anchors: vec![CertificateDer::from(root_der.to_vec())],
        crls: Vec::new(),
        host: Some("www.example.test".into()),
        ip: None,
        purpose: Purpose::Server,
        at: OffsetDateTime::now_utc(),
        key: None,
        profile: Profile::Strict,
    };
    (input, rk, root)
}

fn codes(input: &Input) -> Vec<Code> {
    verify(input).errors.iter().map(|p| p.code).collect()
}

/// The strict verdict is exactly `code`, with a message naming its source; webpki's is valid.
fn breaks_only(mut input: Input, code: Code, source: &str) {
    let v = verify(&input);
    assert!(!v.valid, "{code:?}: accepted");
    assert_eq!(v.errors.iter().map(|p| p.code).collect::<Vec<_>>(), vec![code], "{:?}", v.errors);
    assert!(v.errors[0].message.contains(source), "{}", v.errors[0].message);
    assert!(v.errors[0].message.starts_with('\''), "names the certificate: {}", v.errors[0].message);
    input.profile = Profile::Webpki;
    assert!(verify(&input).valid, "{code:?}: rustls accepts it, so --profile webpki does");
}

#[test]
fn a_well_made_chain_breaks_no_rule() {
    let (input, _, _) = chain(root_params(), leaf_params());
    assert_eq!(codes(&input), vec![]);
}

#[test]
fn leaf_without_aki() {
    let mut l = leaf_params();
    l.use_authority_key_identifier_extension = false;
    breaks_only(chain(root_params(), l).0, Code::AkiMissing, "RFC 5280 4.2.1.1");
}

#[test]
fn serial_zero_and_too_long() {
    let mut l = leaf_params();
    l.serial_number = Some(SerialNumber::from(vec![0]));
    breaks_only(chain(root_params(), l).0, Code::SerialInvalid, "RFC 5280 4.1.2.2");
    let mut l = leaf_params();
    l.serial_number = Some(SerialNumber::from(vec![0x11; 21]));
    breaks_only(chain(root_params(), l).0, Code::SerialInvalid, "at most 20");
}

#[test]
fn leaf_with_key_cert_sign() {
    let mut l = leaf_params();
    l.key_usages.push(KeyUsagePurpose::KeyCertSign);
    breaks_only(chain(root_params(), l).0, Code::LeafKeyCertSign, "RFC 5280 4.2.1.3");
}

#[test]
fn leaf_with_any_eku() {
    let mut l = leaf_params();
    l.extended_key_usages.push(ExtendedKeyUsagePurpose::Any);
    breaks_only(chain(root_params(), l).0, Code::EkuAny, "BR 7.1.2.7.10");
}

#[test]
fn underscore_in_a_dns_san() {
    let mut l = leaf_params();
    l.subject_alt_names.push(SanType::DnsName("a_b.example.test".try_into().unwrap()));
    breaks_only(chain(root_params(), l).0, Code::DnsUnderscore, "RFC 5280 4.2.1.6");
}

#[test]
fn wildcard_over_a_public_suffix() {
    let mut l = leaf_params();
    l.subject_alt_names.push(SanType::DnsName("*.co.uk".try_into().unwrap()));
    breaks_only(chain(root_params(), l).0, Code::WildcardPublicSuffix, "BR 3.2.2.6");
}

#[test]
fn cn_spelled_unlike_its_san() {
    let mut l = leaf_params();
    l.distinguished_name = DistinguishedName::new();
    l.distinguished_name.push(DnType::CommonName, "WWW.Example.test");
    breaks_only(chain(root_params(), l).0, Code::CnNotInSan, "BR 7.1.4.3");
    let mut l = leaf_params();
    l.subject_alt_names.push(SanType::IpAddress("192.168.1.1".parse().unwrap()));
    l.distinguished_name = DistinguishedName::new();
    l.distinguished_name.push(DnType::CommonName, "192.168.001.001");
    breaks_only(chain(root_params(), l).0, Code::CnNotInSan, "BR 7.1.4.3");
}

#[test]
fn a_person_cn_is_not_a_host_name() {
    let mut l = leaf_params();
    l.distinguished_name = DistinguishedName::new();
    l.distinguished_name.push(DnType::CommonName, "alice");
    assert_eq!(codes(&chain(root_params(), l).0), vec![]);
}

#[test]
fn name_constraints_on_a_leaf() {
    let mut l = leaf_params();
    l.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.test".into())],
        excluded_subtrees: Vec::new(),
    });
    breaks_only(chain(root_params(), l).0, Code::NameConstraintsOnLeaf, "RFC 5280 4.2.1.10");
}

#[test]
fn leading_period_dns_constraint() {
    let mut r = root_params();
    r.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName(".example.test".into())],
        excluded_subtrees: Vec::new(),
    });
    breaks_only(chain(r, leaf_params()).0, Code::NameConstraintsMalformed, "leading period");
}

#[test]
fn root_with_eku() {
    let mut r = root_params();
    r.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    breaks_only(chain(r, leaf_params()).0, Code::RootEku, "BR 7.1.2.1.2");
}

#[test]
fn root_without_key_cert_sign() {
    let mut r = root_params();
    r.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::CrlSign];
    breaks_only(chain(r, leaf_params()).0, Code::CaKeyUsage, "keyCertSign");
}

#[test]
fn root_without_basic_constraints() {
    let mut r = root_params();
    r.is_ca = IsCa::NoCa;
    r.key_usages = Vec::new();
    // rcgen writes an SKI only with basicConstraints: add it, so that only one rule breaks.
    let mut ski = vec![0x04, 20];
    ski.extend([0x5a; 20]);
    r.custom_extensions.push(CustomExtension::from_oid_content(&[2, 5, 29, 14], ski));
    breaks_only(chain(r, leaf_params()).0, Code::BasicConstraintsMissing, "RFC 5280 4.2.1.9");
}

#[test]
fn ca_with_empty_subject() {
    let mut r = root_params();
    r.distinguished_name = DistinguishedName::new();
    breaks_only(chain(r, leaf_params()).0, Code::EmptySubject, "RFC 5280 4.1.2.6");
}

#[test]
fn root_with_an_unknown_critical_extension() {
    let mut r = root_params();
    let mut e = CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55738, 666, 1], vec![0x05, 0x00]);
    e.set_criticality(true);
    r.custom_extensions.push(e);
    breaks_only(chain(r, leaf_params()).0, Code::UnknownCriticalExtension, "RFC 5280 4.2");
}

#[test]
fn non_critical_policy_constraints() {
    let mut r = root_params();
    // PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] 0 }
    r.custom_extensions.push(CustomExtension::from_oid_content(&[2, 5, 29, 36], vec![0x30, 0x03, 0x80, 0x01, 0x00]));
    breaks_only(chain(r, leaf_params()).0, Code::PolicyConstraintsNotCritical, "RFC 5280 4.2.1.11");
}

#[test]
fn crl_issuer_without_crl_sign() {
    let mut r = root_params();
    r.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let (mut input, rk, root) = chain(r, leaf_params());
    // rcgen refuses to sign a CRL for a CA without cRLSign: sign with the same name and key.
    let mut signer = root.clone();
    signer.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let issuer = Issuer::from_params(&signer, &rk);
    let now = OffsetDateTime::now_utc();
    let crl = CertificateRevocationListParams {
        this_update: now - Duration::hours(1),
        next_update: now + Duration::days(7),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: Vec::new(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&issuer)
    .unwrap();
    input.crls = vec![crl.der().to_vec()];
    breaks_only(input, Code::CrlIssuerNoCrlSign, "cRLSign");
}

#[test]
fn findings_are_all_reported() {
    let mut l = leaf_params();
    l.use_authority_key_identifier_extension = false;
    l.key_usages.push(KeyUsagePurpose::KeyCertSign);
    l.extended_key_usages.push(ExtendedKeyUsagePurpose::Any);
    let mut got = codes(&chain(root_params(), l).0);
    got.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(got, vec![Code::AkiMissing, Code::EkuAny, Code::LeafKeyCertSign]);
}
