//! `pki verify`: validate a certificate for a host, an IP and a purpose, and say why not.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::commands::Global;
use crate::error::{Error, Result};
use crate::input::{read_certs, read_crls};
use crate::keys::PlainOnly;
use crate::render::Outcome;
use crate::report::VerifyReport;
use crate::validity::parse_time;
use crate::verify::{self, Purpose};

/// The one-line description of `VerifyArgs` (also shown in its parent's list).
pub const VERIFY_ABOUT: &str = "Validate a certificate for a host, an IP and a purpose, and say why not";

/// `pki verify`.
#[derive(Debug, Args)]
#[command(
    about = VERIFY_ABOUT,
    long_about = "Validate a certificate chain the way rustls clients do (rustls-webpki): a path \
to a trust anchor with valid signatures, every certificate within its validity period at --at, \
the host name or IP address in the leaf's SANs (never the CN), the extended key usage for \
--purpose, no revoked certificate (with --crl), and with --key that the private key belongs to \
the leaf.\n\nBy default (--profile strict) the profile rules of RFC 5280, the CA/B Forum Baseline \
Requirements and the strictest clients are checked too over the path found and the CRLs given; each \
broken rule is an error with its own code naming the certificate, the rule and its source, and says \
when most clients accept it. --profile webpki gives exactly rustls's verdict.\n\nCERT's first certificate is the leaf; any further certificates in it are untrusted \
intermediates, as are those in --untrusted files and the CA directory's own intermediates. \
Trust anchors are the --ca files, else the CA \
directory's root.\n\nWhen the certificate is valid, the chain is printed (leaf to anchor) and \
the exit code is 0. When it is not, every problem found is listed with a hint, and the exit \
code is 3. See docs/verify.md for each error code.",
    after_help = "EXAMPLES:\n  pki verify localhost-chain.pem --host localhost --purpose server\n  \
pki verify alice.pem --ca ca.pem --purpose client --key alice-key.pem\n  \
pki verify server.pem --ca root.pem --untrusted intermediate.pem --ip 10.0.0.5 --json\n  \
pki verify old.pem --ca ca.pem --at 2030-01-01\n  \
pki verify legacy.pem --ca root.pem --host legacy.internal --profile webpki\n\n\
EXIT CODES:\n  0 valid   1 error (unreadable or malformed input, no trust anchor)   2 usage error   3 not valid"
)]
pub struct VerifyArgs {
    /// The certificate to check (its first certificate is the leaf)
    #[arg(value_name = "CERT", value_hint = ValueHint::FilePath)]
    pub cert: PathBuf,

    /// Trust anchors (repeatable; default: the CA directory's root)
    #[arg(long = "ca", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub ca: Vec<PathBuf>,

    /// Untrusted intermediates to build the chain with (repeatable)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub untrusted: Vec<PathBuf>,

    /// The host name the certificate must be valid for (DNS SANs, wildcards allowed)
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,

    /// The IP address the certificate must be valid for (IP SANs)
    #[arg(long, value_name = "ADDR")]
    pub ip: Option<IpAddr>,

    /// What the certificate must be good for
    ///
    /// server: EKU serverAuth; client: EKU clientAuth; any: either. A certificate with no
    /// EKU extension is good for both.
    #[arg(long, value_name = "PURPOSE", value_enum, default_value_t = Purpose::Any)]
    pub purpose: Purpose,

    /// Check validity at TIME instead of now (RFC 3339 or a date)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// A private key that must belong to the leaf
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,

    /// CRLs to check revocation against (repeatable)
    ///
    /// With CRLs, every certificate in the chain below the anchor must be covered by a CRL
    /// from its issuer.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub crl: Vec<PathBuf>,

    /// Which rules decide validity
    ///
    /// strict: rustls-webpki's verdict plus the profile rules of RFC 5280, the CA/B Forum
    /// Baseline Requirements and the strictest clients, each with its own code (a rule most
    /// clients do not enforce says so). webpki: exactly what rustls accepts.
    #[arg(long, value_name = "PROFILE", value_enum, default_value_t = verify::Profile::Strict)]
    pub profile: verify::Profile,
}

/// Run `pki verify`.
pub fn run(args: VerifyArgs, global: &Global) -> Result<Outcome> {
    let at = match &args.at {
        Some(t) => parse_time("--at", t)?,
        None => global.now,
    };
    if at.unix_timestamp() < 0 {
        return Err(Error::invalid("--at", args.at.clone().unwrap_or_default(), "must be after 1970"));
    }
    if let Some(h) = &args.host
        && rustls_pki_types::ServerName::try_from(h.as_str()).is_err()
    {
        return Err(Error::InvalidValue {
            flag: "--host",
            value: h.clone(),
            reason: "not a valid DNS name".into(),
            hint: Some("pass an IP address with --ip instead".into()),
        });
    }
    let mut certs = read_certs(&args.cert)?;
    let leaf = certs.remove(0);
    let mut intermediates = certs;
    for u in &args.untrusted {
        intermediates.extend(read_certs(u)?);
    }
    // pki's own intermediates are untrusted intermediates too, so a leaf file without its
    // chain still verifies (docs/cli.md).
    for p in global.ca().intermediate_cert_paths().into_iter().filter(|p| p.exists()) {
        intermediates.extend(read_certs(&p)?);
    }
    let mut anchors = Vec::new();
    for c in &args.ca {
        for (n, cert) in read_certs(c)?.into_iter().enumerate() {
            if webpki::anchor_from_trusted_cert(&cert).is_err() {
                return Err(Error::BadInput {
                    path: c.clone(),
                    reason: format!("certificate {} cannot be a trust anchor: it is not strict DER", n + 1),
                });
            }
            anchors.push(cert);
        }
    }
    if args.ca.is_empty() {
        let root = global.ca().cert_path();
        if !root.exists() {
            return Err(Error::NoTrustAnchor { root });
        }
        anchors.extend(read_certs(&root)?);
    }
    let mut crls = Vec::new();
    for c in &args.crl {
        crls.extend(read_crls(c)?);
    }
    let key = match &args.key {
        Some(path) => Some((key_bits(path)?, path.display().to_string())),
        None => None,
    };
    let req = verify::Input {
        leaf,
        intermediates,
        anchors,
        crls,
        host: args.host.clone(),
        ip: args.ip,
        purpose: args.purpose,
        at,
        key,
        profile: args.profile,
    };
    let verdict = verify::verify(&req);
    let mut asked = Vec::new();
    if let Some(h) = &args.host {
        asked.push(h.clone());
    }
    if let Some(ip) = &args.ip {
        asked.push(ip.to_string());
    }
    let purpose = match args.purpose {
        Purpose::Server => "server",
        Purpose::Client => "client",
        Purpose::Any => "any purpose",
    };
    let asked = if asked.is_empty() { purpose.to_string() } else { format!("{} ({purpose})", asked.join(", ")) };
    Ok(Outcome::new(VerifyReport { verdict, asked }))
}

/// The subjectPublicKey bits of a private key file.
fn key_bits(path: &std::path::Path) -> Result<Vec<u8>> {
    let plain = PlainOnly("it is encrypted; pki verify --key needs the plain key (or compare with 'pki inspect')");
    crate::keys::load_key(path, &plain)?.public_key_bits()
}
