//! `pki bundle`: order and complete a certificate chain from files in any order.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::chain::{self, Candidate};
use crate::commands::Global;
use crate::error::{Error, Result};
use crate::input::read_cert_items;
use crate::issuance::pem_cert;
use crate::render::Outcome;
use crate::report::BundleReport;
use crate::store::fsutil;

/// The one-line description of `BundleArgs` (also shown in its parent's list).
pub const BUNDLE_ABOUT: &str = "Order and complete a certificate chain";

/// `pki bundle`.
#[derive(Debug, Args)]
#[command(
    about = BUNDLE_ABOUT,
    long_about = "Read certificates from any number of files, in any order, and write the chain \
for the leaf (the one certificate that issued no other): the leaf, then each issuer, up to but \
not including the self-signed root (unless --include-root). Every link's signature is checked.\n\n\
The root and intermediates of the CA directory in effect (--ca-dir, PKI_CA_DIR, or the default \
one) complete the chain. A missing link is an error naming the missing issuer, and so is a leaf \
alone whose issuer is nowhere to be found; two leaves, or certificates that belong to no chain, \
are errors naming them.",
    after_help = "EXAMPLES:\n  pki bundle root.pem leaf.pem inter.pem -o fullchain.pem\n  \
pki bundle api.pem -o api-fullchain.pem      # the intermediate comes from the CA directory\n  \
pki bundle leaf.pem inter.pem root.pem --include-root\n\n\
EXIT CODES:\n  0 written   1 error (missing link, two leaves, strangers, unreadable file, output exists)   2 usage error"
)]
pub struct BundleArgs {
    /// Files holding the certificates, in any order ('-' for stdin)
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,

    /// Also write the self-signed root at the end (it must then be found)
    #[arg(long)]
    pub include_root: bool,

    /// Write the chain to OUT instead of stdout
    #[arg(short = 'o', long = "out", value_name = "OUT", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,

    /// Replace OUT if it exists
    #[arg(long)]
    pub force: bool,
}

/// Run `pki bundle`.
pub fn run(args: BundleArgs, global: &Global) -> Result<Outcome> {
    let mut candidates = Vec::new();
    for path in &args.files {
        for item in read_cert_items(path)? {
            // Lenient parsers accept BER; a chain file must be DER that every client reads.
            if let Err(webpki::Error::BadDer | webpki::Error::TrailingData(_)) =
                webpki::EndEntityCert::try_from(&rustls_pki_types::CertificateDer::from(item.der.as_slice()))
            {
                return Err(Error::BadInput {
                    path: path.clone(),
                    reason: format!("the certificate in block {} is not strict DER; TLS clients reject it", item.index),
                });
            }
            candidates.push(Candidate {
                der: item.der,
                origin: format!("{}[{}]", path.display(), item.index),
                given: true,
            });
        }
    }
    // The CA directory in effect (named or the default one) completes the chain: its root
    // and its intermediates. Without one there is nothing to add.
    let ca = global.ca();
    let mut extra = vec![ca.cert_path()];
    extra.extend(ca.intermediate_cert_paths());
    for p in extra.into_iter().filter(|p| p.exists()) {
        for c in crate::input::read_certs(&p)? {
            candidates.push(Candidate { der: c.to_vec(), origin: p.display().to_string(), given: false });
        }
    }
    let chain = chain::build(&candidates, args.include_root)
        .map_err(|e| Error::Chain { reason: e.to_string(), hint: chain_hint(&e) })?;
    let mut notes = Vec::new();
    let mut certs = chain.certs.clone();
    let mut subjects = chain.subjects.clone();
    if chain.ends_at_root && !args.include_root && certs.len() > 1 {
        certs.pop();
        subjects.pop();
    }
    // Only a chain that reached a CA gets here with a gap (a leaf alone is an error): its
    // root is left out of a chain anyway, and clients that trust it have it.
    if let Some(issuer) = &chain.missing_issuer {
        notes.push(format!("the chain ends below '{issuer}', which was not given: fine when clients already trust it"));
    }
    let pem: String = certs.iter().map(|c| pem_cert(&c.der)).collect();
    let out = match &args.out {
        Some(path) => {
            fsutil::write_public(path, pem.as_bytes(), args.force)?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let pem = if out.is_none() { Some(pem) } else { None };
    Ok(Outcome::new(BundleReport { chain: subjects, out, includes_root: args.include_root, pem, notes }))
}

fn chain_hint(e: &chain::ChainError) -> Option<String> {
    match e {
        chain::ChainError::MissingIssuer { .. } => {
            Some("add the file holding that certificate, or pass --ca-dir DIR of the pki CA that issued it".into())
        }
        chain::ChainError::SeveralLeaves { .. } => Some("bundle one leaf at a time".into()),
        chain::ChainError::NoLeaf { .. } => {
            Some("give the leaf certificate too: it is the one that issued no other".into())
        }
        chain::ChainError::Strangers { .. } => {
            Some("leave out the certificates that do not belong to this chain".into())
        }
        _ => None,
    }
}
