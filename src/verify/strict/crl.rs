//! The CRL rules of RFC 5280: a cRLNumber, non-critical (5.2.3), and an issuer whose
//! keyUsage, when present, has cRLSign (4.2.1.3).

use x509_parser::prelude::{FromDer, ParsedExtension, X509Certificate};
use x509_parser::revocation_list::CertificateRevocationList;

use super::{Finding, finding};
use crate::verify::Code;
use crate::x509text::dn;

/// The findings of one CRL (DER) with the name they are about; `issuers` are the CA
/// certificates of the path. A CRL that cannot be read is webpki's to judge.
pub(super) fn check(der: &[u8], issuers: &[&[u8]]) -> Vec<(String, Finding)> {
    let Ok((_, crl)) = CertificateRevocationList::from_der(der) else { return Vec::new() };
    let name = format!("the CRL of {}", dn(crl.issuer()));
    let mut out = Vec::new();
    match crl.extensions().iter().find(|e| matches!(e.parsed_extension(), ParsedExtension::CRLNumber(_))) {
        None => out.push((
            name.clone(),
            finding(Code::CrlNumberMissing, "it has no cRLNumber: RFC 5280 5.2.3 requires one in every CRL", true),
        )),
        Some(e) if e.critical => out.push((
            name.clone(),
            finding(
                Code::CrlNumberCritical,
                "its cRLNumber is critical: RFC 5280 5.2.3 requires it non-critical",
                true,
            ),
        )),
        Some(_) => {}
    }
    for i in issuers {
        let Ok((_, c)) = X509Certificate::from_der(i) else { continue };
        if c.subject().as_raw() != crl.issuer().as_raw() {
            continue;
        }
        if let Ok(Some(ku)) = c.key_usage()
            && !ku.value.crl_sign()
        {
            out.push((
                dn(c.subject()),
                finding(
                    Code::CrlIssuerNoCrlSign,
                    "it signed a CRL given but its keyUsage lacks cRLSign: RFC 5280 4.2.1.3 requires cRLSign to sign CRLs",
                    true,
                ),
            ));
        }
    }
    out
}
