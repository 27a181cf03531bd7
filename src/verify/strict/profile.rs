//! RFC 5280's profile of a certificate in its role: key identifiers, serial number,
//! subject, basic constraints, key usage, policy and name constraints, and extensions
//! that cannot be read or understood.

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::X509Certificate;

use super::{Finding, Role, finding};
use crate::verify::Code;

/// `legacy`: one of the old roots of Mozilla's store (legacy.rs), spared the root rules
/// they predate.
pub(super) fn check(c: &X509Certificate<'_>, role: Role, legacy: bool, out: &mut Vec<Finding>) {
    identifiers(c, role, out);
    if role == Role::Root && !legacy {
        root_rules(c, out);
    }
    serial(c, role, out);
    ca_rules(c, role, out);
    extensions(c, role, out);
}

fn self_issued(c: &X509Certificate<'_>) -> bool {
    c.subject().as_raw() == c.issuer().as_raw()
}

/// Authority and subject key identifiers (RFC 5280 4.2.1.1, 4.2.1.2).
fn identifiers(c: &X509Certificate<'_>, role: Role, out: &mut Vec<Finding>) {
    let mut aki = None;
    let mut ski = None;
    for ext in c.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = Some(a);
                if ext.critical {
                    out.push(finding(
                        Code::AkiCritical,
                        "its authorityKeyIdentifier is critical: RFC 5280 4.2.1.1 requires it non-critical",
                        true,
                    ));
                }
            }
            ParsedExtension::SubjectKeyIdentifier(k) => {
                ski = Some(k.0);
                if ext.critical {
                    out.push(finding(
                        Code::SkiCritical,
                        "its subjectKeyIdentifier is critical: RFC 5280 4.2.1.2 requires it non-critical",
                        true,
                    ));
                }
            }
            _ => {}
        }
    }
    if aki.is_none() && !self_issued(c) && role != Role::Root {
        out.push(finding(
            Code::AkiMissing,
            "it has no authorityKeyIdentifier: RFC 5280 4.2.1.1 requires one in every certificate but a self-signed root",
            true,
        ));
    }
    if role == Role::Root
        && self_issued(c)
        && let Some(a) = aki
    {
        match (&a.key_identifier, ski) {
            (None, _) => out.push(finding(
                Code::AkiMalformed,
                "its authorityKeyIdentifier has no keyIdentifier: RFC 5280 4.2.1.1 requires the keyIdentifier field",
                true,
            )),
            (Some(k), Some(s)) if k.0 != s => out.push(finding(
                Code::AkiMismatch,
                "it is self-signed but its authorityKeyIdentifier differs from its subjectKeyIdentifier (RFC 5280 4.2.1.1)",
                true,
            )),
            _ => {}
        }
    }
    if role == Role::Intermediate && ski.is_none() {
        out.push(finding(
            Code::SkiMissing,
            "this CA certificate has no subjectKeyIdentifier: RFC 5280 4.2.1.2 requires one in every CA certificate",
            true,
        ));
    }
}

/// The rules of a root that old roots of Mozilla's store break: an SKI (RFC 5280 4.2.1.2),
/// a critical basicConstraints (RFC 5280 4.2.1.9), an AKI that is a keyIdentifier only
/// (CA/B Forum BR 7.1.2.1.3).
fn root_rules(c: &X509Certificate<'_>, out: &mut Vec<Finding>) {
    for ext in c.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::BasicConstraints(_) if !ext.critical => out.push(finding(
                Code::BasicConstraintsNotCritical,
                "this root's basicConstraints is not critical: RFC 5280 4.2.1.9 requires it critical in a CA certificate",
                true,
            )),
            ParsedExtension::AuthorityKeyIdentifier(a)
                if a.authority_cert_issuer.is_some() || a.authority_cert_serial.is_some() =>
            {
                out.push(finding(
                    Code::AkiMalformed,
                    "this root's authorityKeyIdentifier has authorityCertIssuer or authorityCertSerialNumber: CA/B Forum BR 7.1.2.1.3 allows the keyIdentifier only",
                    true,
                ))
            }
            _ => {}
        }
    }
    if c.get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER).ok().flatten().is_none()
    {
        out.push(finding(
            Code::SkiMissing,
            "this root has no subjectKeyIdentifier: RFC 5280 4.2.1.2 requires one in every CA certificate",
            true,
        ));
    }
}

/// RFC 5280 4.1.2.2: positive, at most 20 octets. Trust anchors are left alone (real
/// roots of every store have serial 0).
fn serial(c: &X509Certificate<'_>, role: Role, out: &mut Vec<Finding>) {
    if role == Role::Root {
        return;
    }
    let raw = c.tbs_certificate.raw_serial();
    if raw.len() > 20 {
        out.push(finding(
            Code::SerialInvalid,
            format!("its serial number is {} octets long: RFC 5280 4.1.2.2 allows at most 20", raw.len()),
            true,
        ));
    } else if raw.first().is_some_and(|b| b & 0x80 != 0) {
        out.push(finding(
            Code::SerialInvalid,
            "its serial number is negative: RFC 5280 4.1.2.2 requires a positive serial number",
            true,
        ));
    } else if raw.iter().all(|b| *b == 0) {
        out.push(finding(
            Code::SerialInvalid,
            "its serial number is zero: RFC 5280 4.1.2.2 requires a positive serial number",
            true,
        ));
    }
}

/// The rules of CA certificates and of leaves that look like CAs.
fn ca_rules(c: &X509Certificate<'_>, role: Role, out: &mut Vec<Finding>) {
    let bc = c.basic_constraints().ok().flatten();
    let is_ca = bc.as_ref().is_some_and(|b| b.value.ca);
    let ku = c.key_usage().ok().flatten();
    let ca = role != Role::Leaf;
    if ca && c.subject().iter().next().is_none() {
        out.push(finding(
            Code::EmptySubject,
            "this CA certificate has an empty subject: RFC 5280 4.1.2.6 requires a CA's subject to be a non-empty name",
            true,
        ));
    }
    if role == Role::Root && bc.is_none() {
        out.push(finding(
            Code::BasicConstraintsMissing,
            "this root has no basicConstraints: RFC 5280 4.2.1.9 requires it (cA TRUE) in every CA certificate",
            true,
        ));
    }
    if ca
        && is_ca
        && let Some(k) = &ku
        && !k.value.key_cert_sign()
    {
        out.push(finding(
            Code::CaKeyUsage,
            "it is a CA (basicConstraints cA TRUE) but its keyUsage lacks keyCertSign: RFC 5280 4.2.1.3 and 4.2.1.9 require both to agree",
            true,
        ));
    }
    if role == Role::Leaf
        && let Some(k) = &ku
        && k.value.key_cert_sign()
        && !is_ca
    {
        out.push(finding(
            Code::LeafKeyCertSign,
            "it is not a CA but its keyUsage has keyCertSign: RFC 5280 4.2.1.3 allows keyCertSign only with basicConstraints cA TRUE",
            true,
        ));
    }
}

/// Policy and name constraints, unknown critical extensions, extensions that cannot be read.
fn extensions(c: &X509Certificate<'_>, role: Role, out: &mut Vec<Finding>) {
    for ext in c.extensions() {
        let oid = ext.oid.to_id_string();
        match ext.parsed_extension() {
            ParsedExtension::PolicyConstraints(_) if !ext.critical && role != Role::Leaf => out.push(finding(
                Code::PolicyConstraintsNotCritical,
                "its policyConstraints is not critical: RFC 5280 4.2.1.11 requires it critical",
                true,
            )),
            ParsedExtension::NameConstraints(_) if role == Role::Leaf => out.push(finding(
                Code::NameConstraintsOnLeaf,
                "it is not a CA but carries nameConstraints: RFC 5280 4.2.1.10 allows them only in CA certificates",
                true,
            )),
            ParsedExtension::NameConstraints(nc) => {
                let empty = |s: &Option<Vec<_>>| s.as_ref().is_none_or(|v| v.is_empty());
                if empty(&nc.permitted_subtrees) && empty(&nc.excluded_subtrees) {
                    out.push(finding(
                        Code::NameConstraintsMalformed,
                        "its nameConstraints has neither permitted nor excluded subtrees: RFC 5280 4.2.1.10 requires at least one, each non-empty",
                        true,
                    ));
                }
                let subtrees = nc.permitted_subtrees.iter().chain(nc.excluded_subtrees.iter()).flatten();
                for s in subtrees {
                    if let GeneralName::DNSName(d) = &s.base
                        && d.starts_with('.')
                    {
                        out.push(finding(
                            Code::NameConstraintsMalformed,
                            format!(
                                "its nameConstraints has the DNS name '{d}' with a leading period: RFC 5280 4.2.1.10 takes a DNS constraint as a host name (write '{}')",
                                d.trim_start_matches('.')
                            ),
                            true,
                        ));
                    }
                }
            }
            ParsedExtension::ParseError { error } if oid == "2.5.29.30" => out.push(finding(
                Code::NameConstraintsMalformed,
                format!("its nameConstraints cannot be read ({error}): RFC 5280 4.2.1.10 requires non-empty subtrees"),
                true,
            )),
            ParsedExtension::ParseError { error } => out.push(finding(
                Code::ExtensionMalformed,
                format!("its extension {} cannot be read ({error}): RFC 5280 4.2 requires each extension's value to be well-formed", name_of(&oid)),
                true,
            )),
            ParsedExtension::UnsupportedExtension { .. } if ext.critical && role == Role::Root => out.push(finding(
                Code::UnknownCriticalExtension,
                format!(
                    "this trust anchor has the unknown critical extension {oid}: RFC 5280 4.2 requires a certificate with a critical extension it does not understand to be refused"
                ),
                true,
            )),
            _ => {}
        }
    }
}

fn name_of(oid: &str) -> String {
    match oid {
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess (1.3.6.1.5.5.7.1.1)".into(),
        "2.5.29.31" => "cRLDistributionPoints (2.5.29.31)".into(),
        "2.5.29.32" => "certificatePolicies (2.5.29.32)".into(),
        other => other.into(),
    }
}
