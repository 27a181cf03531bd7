//! The webpki run: trust anchors and CRLs prepared once, one path search per time and
//! purpose, and what webpki leaves to the caller (an anchor's own validity period and
//! pathLenConstraint, checked in the path callback).

use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::explain::explain;
use super::{Code, Input, Problem, Purpose, problem, subject_of};

/// A verified path: its subjects and its certificates, leaf to anchor.
type Walked = (Vec<String>, Vec<CertificateDer<'static>>);

/// One certificate checked against the anchors and CRLs of an [`Input`].
pub(super) struct Validator<'a> {
    input: &'a Input,
    leaf_subject: &'a str,
    ee: webpki::EndEntityCert<'a>,
    anchors: Vec<TrustAnchor<'a>>,
    /// The certificate each anchor was made from (same index).
    anchor_ders: Vec<&'a CertificateDer<'a>>,
    crls: Vec<webpki::CertRevocationList<'a>>,
}

impl<'a> Validator<'a> {
    /// webpki's view of `input`; the error if the leaf cannot be parsed. Anchors and CRLs
    /// that cannot be parsed are left out.
    pub(super) fn new(input: &'a Input, leaf_subject: &'a str) -> Result<Validator<'a>, webpki::Error> {
        let ee = webpki::EndEntityCert::try_from(&input.leaf)?;
        let mut anchors = Vec::new();
        let mut anchor_ders = Vec::new();
        for a in &input.anchors {
            if let Ok(t) = webpki::anchor_from_trusted_cert(a) {
                anchors.push(t);
                anchor_ders.push(a);
            }
        }
        let crls = newest_per_issuer(&input.crls)
            .into_iter()
            .filter_map(|c| webpki::BorrowedCertRevocationList::from_der(c).ok().map(Into::into))
            .collect();
        Ok(Validator { input, leaf_subject, ee, anchors, anchor_ders, crls })
    }

    /// The subjects along the path webpki verified at `--at` for `--purpose`; else its
    /// error, or None when there is no usable anchor to try.
    /// With the subjects, the certificates of the path (leaf, intermediates, anchor).
    pub(super) fn path(&self) -> Result<(Vec<String>, Vec<CertificateDer<'static>>), Option<webpki::Error>> {
        if self.anchors.is_empty() {
            return Err(None);
        }
        self.attempt(self.input.at, self.input.purpose).map_err(Some)
    }

    /// `first` explained, then what else is wrong. webpki stops at its first error:
    /// relax what that error was about (the purpose, the time) and run it again. These
    /// runs only add reasons: the verdict is already "not valid".
    pub(super) fn all_problems(&self, first: webpki::Error, errors: &mut Vec<Problem>) {
        errors.push(explain(&first, self.input));
        let mut last = first;
        let (mut at, mut purpose) = (self.input.at, self.input.purpose);
        for _ in 0..3 {
            if !relax(&last, &self.input.leaf, &mut at, &mut purpose) {
                break;
            }
            match self.attempt(at, purpose) {
                Ok(_) => break,
                // At a moved time, what is expired then says nothing about --at.
                Err(webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. })
                    if at != self.input.at =>
                {
                    break;
                }
                Err(next) => {
                    let p = explain(&next, self.input);
                    if errors.iter().any(|x| x.code == p.code) {
                        break;
                    }
                    errors.push(p);
                    last = next;
                }
            }
        }
    }

    /// `--host` and `--ip` against the leaf's SANs.
    pub(super) fn check_names(&self, errors: &mut Vec<Problem>) {
        for (asked, name) in server_names(self.input) {
            let Some(name) = name else {
                errors.push(problem(
                    Code::Other,
                    format!("'{asked}' is not a valid host name"),
                    Some("pass a DNS name with --host, or an address with --ip"),
                ));
                continue;
            };
            if let Err(e) = self.ee.verify_is_valid_for_subject_name(&name) {
                let p = explain(&e, self.input);
                if !errors.contains(&p) {
                    errors.push(p);
                }
            }
        }
    }

    fn attempt(&self, at: OffsetDateTime, purpose: Purpose) -> Result<Walked, webpki::Error> {
        match purpose {
            Purpose::Server => self.run(at, webpki::KeyUsage::server_auth()),
            Purpose::Client => self.run(at, webpki::KeyUsage::client_auth()),
            Purpose::Any => self.run(at, webpki::KeyUsage::server_auth()).or_else(|e| match e {
                webpki::Error::RequiredEkuNotFoundContext(_) => self.run(at, webpki::KeyUsage::client_auth()),
                other => Err(other),
            }),
        }
    }

    /// One webpki run at `at` for `usage`. The path callback adds what webpki leaves to the
    /// caller: the trust anchor's own validity period and pathLenConstraint (webpki keeps
    /// only an anchor's name and key). Rejecting a path there only makes webpki try others.
    fn run(&self, at: OffsetDateTime, usage: webpki::KeyUsage) -> Result<Walked, webpki::Error> {
        let crl_refs: Vec<&webpki::CertRevocationList<'_>> = self.crls.iter().collect();
        let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| b.build());
        let check_anchor = |path: &webpki::VerifiedPath<'_>| self.anchor_limits(path, at);
        self.ee
            .verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                &self.anchors,
                &self.input.intermediates,
                unix(at),
                usage,
                revocation,
                Some(&check_anchor),
            )
            .map(|path| (self.path_subjects(&path), self.path_ders(&path)))
    }

    /// The certificates along a verified path, leaf to anchor.
    fn path_ders(&self, path: &webpki::VerifiedPath<'_>) -> Vec<CertificateDer<'static>> {
        let mut v = vec![self.input.leaf.clone()];
        for c in path.intermediate_certificates() {
            v.push(CertificateDer::from(c.der().to_vec()));
        }
        if let Some(d) = self.anchor_der(path) {
            v.push(CertificateDer::from(d.to_vec()));
        }
        v
    }

    /// Subjects along a verified path, leaf to anchor.
    fn path_subjects(&self, path: &webpki::VerifiedPath<'_>) -> Vec<String> {
        let mut v = vec![self.leaf_subject.to_string()];
        for c in path.intermediate_certificates() {
            v.push(subject_of(&c.der()));
        }
        v.push(match self.anchor_der(path) {
            Some(d) => subject_of(d),
            None => "(trust anchor)".into(),
        });
        v
    }

    /// The certificate a verified path's anchor was made from.
    fn anchor_der(&self, path: &webpki::VerifiedPath<'_>) -> Option<&'a CertificateDer<'a>> {
        let i = self.anchors.iter().position(|a| std::ptr::eq(a, path.anchor()))?;
        self.anchor_ders.get(i).copied()
    }

    /// The limits an anchor certificate puts on a path that webpki does not apply itself:
    /// its validity period at `at`, and its pathLenConstraint.
    fn anchor_limits(&self, path: &webpki::VerifiedPath<'_>, at: OffsetDateTime) -> Result<(), webpki::Error> {
        let Some(der) = self.anchor_der(path) else { return Ok(()) };
        let Ok((_, c)) = X509Certificate::from_der(der) else { return Ok(()) };
        let (nb, na) = (c.validity().not_before.to_datetime(), c.validity().not_after.to_datetime());
        // Certificates encode whole seconds; compare at that granularity, as webpki does.
        let at = at.replace_nanosecond(0).unwrap_or(at);
        if at < nb {
            return Err(webpki::Error::CertNotValidYet { time: unix(at), not_before: unix(nb) });
        }
        if at > na {
            return Err(webpki::Error::CertExpired { time: unix(at), not_after: unix(na) });
        }
        if let Ok(Some(bc)) = c.basic_constraints()
            && let Some(n) = bc.value.path_len_constraint
            && path.intermediate_certificates().count() > n as usize
        {
            return Err(webpki::Error::PathLenConstraintViolated);
        }
        Ok(())
    }
}

/// The names to check: `--host` and `--ip`, each with its parsed form (None if invalid).
fn server_names(input: &Input) -> Vec<(String, Option<ServerName<'static>>)> {
    let mut v = Vec::new();
    if let Some(h) = &input.host {
        v.push((h.clone(), ServerName::try_from(h.clone()).ok()));
    }
    if let Some(ip) = input.ip {
        v.push((ip.to_string(), Some(ServerName::IpAddress(ip.into()))));
    }
    v
}

fn unix(t: OffsetDateTime) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(t.unix_timestamp().max(0) as u64))
}

/// Change the time or purpose so that `err` would not happen again; false if `err` is not
/// about either.
fn relax(err: &webpki::Error, leaf: &[u8], at: &mut OffsetDateTime, purpose: &mut Purpose) -> bool {
    let Ok((_, c)) = X509Certificate::from_der(leaf) else { return false };
    match err {
        webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. } => {
            let (nb, na) = (c.validity().not_before.to_datetime(), c.validity().not_after.to_datetime());
            let mid = nb + (na - nb) / 2;
            if *at == mid {
                return false;
            }
            *at = mid;
            true
        }
        webpki::Error::RequiredEkuNotFoundContext(_) => {
            let eku = c.extended_key_usage().ok().flatten();
            let next = match eku {
                Some(e) if e.value.server_auth && *purpose != Purpose::Server => Purpose::Server,
                Some(e) if e.value.client_auth && *purpose != Purpose::Client => Purpose::Client,
                _ => return false,
            };
            *purpose = next;
            true
        }
        _ => false,
    }
}

/// Of the CRLs given, the newest of each issuer: the highest cRLNumber, then the latest
/// thisUpdate. webpki checks a certificate against the first CRL whose issuer matches, so
/// without this an older CRL given first would hide a newer revocation. An issuer is its
/// name and its authority key identifier (a re-keyed CA with the same name is another).
/// CRLs x509-parser cannot read are kept as they are, for webpki to judge.
pub(super) fn newest_per_issuer(crls: &[Vec<u8>]) -> Vec<&[u8]> {
    use x509_parser::prelude::{FromDer, ParsedExtension};
    use x509_parser::revocation_list::CertificateRevocationList;
    /// (issuer name, authority key identifier).
    type Issuer = (Vec<u8>, Vec<u8>);
    /// (cRLNumber, padded big-endian; thisUpdate).
    type Rank = (Vec<u8>, i64);
    let mut newest: Vec<(Issuer, Rank, &[u8])> = Vec::new();
    let mut unread = Vec::new();
    for der in crls {
        let Ok((_, crl)) = CertificateRevocationList::from_der(der) else {
            unread.push(der.as_slice());
            continue;
        };
        let aki = crl
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(a) => a.key_identifier.as_ref().map(|k| k.0.to_vec()),
                _ => None,
            })
            .unwrap_or_default();
        let issuer = (crl.issuer().as_raw().to_vec(), aki);
        // Big-endian magnitude, left-padded so that byte order is numeric order.
        let number = crl.crl_number().map(|n| n.to_bytes_be()).unwrap_or_default();
        let mut padded = vec![0u8; 21usize.saturating_sub(number.len())];
        padded.extend(number);
        let rank = (padded, crl.last_update().timestamp());
        match newest.iter_mut().find(|(i, _, _)| *i == issuer) {
            Some(slot) if rank > slot.1 => *slot = (issuer, rank, der.as_slice()),
            Some(_) => {}
            None => newest.push((issuer, rank, der.as_slice())),
        }
    }
    newest.into_iter().map(|(_, _, der)| der).chain(unread).collect()
}
