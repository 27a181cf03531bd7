//! Ordering and completing chains: from an unordered set of certificates, find the leaf
//! and walk up through issuers whose signatures verify.

use crate::x509text::dn;
use x509_parser::prelude::{FromDer, X509Certificate};

/// A certificate and where it came from.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// DER.
    pub der: Vec<u8>,
    /// Where it came from ("FILE[2]", or "CA directory").
    pub origin: String,
    /// Whether it came from the user's files (true) or the CA directory (false).
    pub given: bool,
}

/// Why no chain could be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// A certificate could not be parsed.
    Malformed {
        /// Where it came from.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// No certificates at all.
    Empty,
    /// Every given certificate issued another one (a loop), so none is the leaf.
    NoLeaf {
        /// "subject (origin)" of each certificate in the loop.
        certs: Vec<String>,
    },
    /// More than one certificate issued no other.
    SeveralLeaves {
        /// "subject (origin)" of each.
        leaves: Vec<String>,
    },
    /// Certificates that are not part of the leaf's chain.
    Strangers {
        /// "subject (origin)" of each.
        strangers: Vec<String>,
    },
    /// A link is missing: the root was asked for but the chain stops short of a
    /// self-signed certificate, certificates are left over below the gap, or the leaf's
    /// own issuer is nowhere to be found.
    MissingIssuer {
        /// The subject of the certificate whose issuer is missing.
        subject: String,
        /// The missing issuer's subject.
        issuer: String,
    },
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainError::Malformed { origin, reason } => write!(f, "{origin}: {reason}"),
            ChainError::Empty => write!(f, "no certificates were given"),
            ChainError::NoLeaf { certs } => {
                write!(f, "no leaf: every certificate given issued another one (a loop of CAs): {}", certs.join("; "))
            }
            ChainError::SeveralLeaves { leaves } => {
                write!(f, "more than one leaf (certificates that issued no other): {}", leaves.join("; "))
            }
            ChainError::Strangers { strangers } => {
                write!(f, "not part of the leaf's chain: {}", strangers.join("; "))
            }
            ChainError::MissingIssuer { subject, issuer } => {
                write!(f, "missing link: no certificate for '{issuer}', the issuer of '{subject}'")
            }
        }
    }
}

/// The chain found.
#[derive(Debug, Clone)]
pub struct Chain {
    /// Leaf first, then each issuer.
    pub certs: Vec<Candidate>,
    /// Subjects, in the same order.
    pub subjects: Vec<String>,
    /// Whether the last certificate is a self-signed root.
    pub ends_at_root: bool,
    /// When the chain stops short of a root: the issuer that was not found.
    pub missing_issuer: Option<String>,
}

struct Parsed<'a> {
    cand: &'a Candidate,
    cert: X509Certificate<'a>,
}

impl Parsed<'_> {
    fn label(&self) -> String {
        format!("'{}' ({})", self.cert.subject(), self.cand.origin)
    }
    fn self_signed(&self) -> bool {
        self.cert.subject().as_raw() == self.cert.issuer().as_raw() && self.cert.verify_signature(None).is_ok()
    }
    fn issued(&self, child: &Parsed<'_>) -> bool {
        child.cert.issuer().as_raw() == self.cert.subject().as_raw()
            && !std::ptr::eq(self.cand, child.cand)
            && child.cert.verify_signature(Some(self.cert.public_key())).is_ok()
    }
}

/// Build the leaf's chain from `candidates` (duplicates are ignored). Certificates the
/// user gave must all belong to the chain; CA-directory certificates are used only to
/// complete it. With `need_root`, a chain that does not reach a self-signed root is an error.
pub fn build(candidates: &[Candidate], need_root: bool) -> Result<Chain, ChainError> {
    let mut unique: Vec<&Candidate> = Vec::new();
    for c in candidates {
        if !unique.iter().any(|u| u.der == c.der) {
            unique.push(c);
        }
    }
    let mut parsed = Vec::new();
    for c in &unique {
        let (_, cert) = X509Certificate::from_der(&c.der).map_err(|e| ChainError::Malformed {
            origin: c.origin.clone(),
            reason: format!("not a valid certificate: {e}"),
        })?;
        parsed.push(Parsed { cand: c, cert });
    }
    let given: Vec<&Parsed<'_>> = parsed.iter().filter(|p| p.cand.given).collect();
    if given.is_empty() {
        return Err(ChainError::Empty);
    }
    // A leaf issued no other given certificate (self-signed roots issue themselves only).
    let leaves: Vec<&Parsed<'_>> = given.iter().copied().filter(|p| !given.iter().any(|q| p.issued(q))).collect();
    let leaf = match leaves.as_slice() {
        [] => return Err(ChainError::NoLeaf { certs: given.iter().map(|p| p.label()).collect() }),
        [one] => *one,
        many => {
            // Several candidates: prefer the non-CA ones; if exactly one is not a CA, it is the leaf
            // and the others are strangers (reported below).
            let non_ca: Vec<&Parsed<'_>> = many.iter().copied().filter(|p| !p.cert.is_ca()).collect();
            if non_ca.len() == 1 {
                non_ca[0]
            } else {
                let list = if non_ca.is_empty() { many.to_vec() } else { non_ca };
                return Err(ChainError::SeveralLeaves { leaves: list.iter().map(|p| p.label()).collect() });
            }
        }
    };

    let mut chain: Vec<&Parsed<'_>> = vec![leaf];
    let mut missing = None;
    loop {
        let cur = *chain.last().unwrap_or(&leaf);
        if cur.self_signed() {
            break;
        }
        // Prefer a certificate the user gave over one from the CA directory.
        let next = parsed
            .iter()
            .filter(|p| p.issued(cur) && !chain.iter().any(|c| std::ptr::eq(c.cand, p.cand)))
            .max_by_key(|p| p.cand.given);
        match next {
            Some(n) if chain.len() < 16 => chain.push(n),
            _ => {
                missing = Some(dn(cur.cert.issuer()));
                break;
            }
        }
    }
    let last = chain.last().copied().unwrap_or(leaf);
    let strangers: Vec<String> =
        given.iter().filter(|g| !chain.iter().any(|c| std::ptr::eq(c.cand, g.cand))).map(|g| g.label()).collect();
    // A gap is a missing link when the root was asked for, or when the chain stopped at a
    // certificate that is not a CA: the leaf's own issuer is missing (with or without
    // certificates left over, as in leaf + root without the intermediate). A chain that
    // reaches a CA and stops there only lacks its root, which is optional: then left-over
    // certificates are strangers.
    if let Some(issuer) = &missing
        && (need_root || !last.cert.is_ca())
    {
        return Err(ChainError::MissingIssuer { subject: dn(last.cert.subject()), issuer: issuer.clone() });
    }
    if !strangers.is_empty() {
        return Err(ChainError::Strangers { strangers });
    }
    Ok(Chain {
        subjects: chain.iter().map(|p| dn(p.cert.subject())).collect(),
        ends_at_root: missing.is_none() && last.self_signed(),
        certs: chain.iter().map(|p| p.cand.clone()).collect(),
        missing_issuer: missing,
    })
}
