//! `pki csr` (make a key and a certificate signing request, so the key never leaves its
//! machine) and `pki sign` (the CA signs a request with a server or client profile).

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::commands::Global;
use crate::commands::args::LeafArgs;
use crate::commands::passphrase::{NewKeyArgs, Passphrases};

use crate::error::{Error, Result};
use crate::input::read_items;
use crate::issuance::{self, FileName, KeySource, LeafPlan};
use crate::keys::{self, KeyType};
use crate::pem::ItemKind;
use crate::profile::{Profile, Subject};
use crate::render::Outcome;
use crate::report::{CsrReport, IssuedReport};
use crate::san::{SanEntry, parse_san_lists};
use crate::store::{fsutil, safe_file_stem, validate_file_stem};

/// The one-line description of `CsrArgs` (also shown in its parent's list).
pub const CSR_ABOUT: &str = "Make a key and a certificate signing request";

/// `pki csr`.
#[derive(Debug, Args)]
#[command(
    about = CSR_ABOUT,
    long_about = "Make a private key (or use an existing one with --key) and a certificate signing \
request for it: NAME.csr (PEM CERTIFICATE REQUEST) and NAME-key.pem (mode 0600). The key stays on \
this machine; send the request to the CA, which signs it with 'pki sign'.",
    after_help = "EXAMPLES:\n  pki csr --cn api --san api.internal --out-dir /etc/api\n  \
pki csr --cn alice --san alice@example.com --encrypt-key\n  pki csr --cn web --san web.test --key existing-key.pem\n\n\
EXIT CODES:\n  0 written   1 error (files exist: pass --force; invalid SAN; unreadable key)   2 usage error"
)]
pub struct CsrArgs {
    /// The requested common name
    #[arg(long, value_name = "CN", required = true)]
    pub cn: String,
    /// Requested subject alternative names (comma-separated, repeatable; as for `issue`)
    #[arg(long, value_name = "LIST")]
    pub san: Vec<String>,
    /// The type of the new key
    #[arg(long, value_name = "T", value_enum, default_value_t = KeyType::EcdsaP256, conflicts_with = "key")]
    pub key_type: KeyType,
    /// Use this existing private key instead of making one
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub key: Option<PathBuf>,
    /// Directory to write the files to
    #[arg(long, value_name = "DIR", default_value = ".", value_hint = ValueHint::DirPath)]
    pub out_dir: PathBuf,
    /// Base name of the files (default: the CN, made safe for a file name)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    /// Key encryption.
    pub new_key: NewKeyArgs,
    /// Replace existing files
    #[arg(long)]
    pub force: bool,
}

/// Run `pki csr`.
pub fn run_csr(a: CsrArgs, _global: &Global) -> Result<Outcome> {
    let sans = parse_san_lists(&a.san)?;
    let subject = Subject { cn: Some(a.cn.clone()), ..Default::default() };
    subject.validate()?;
    let name = match &a.name {
        Some(n) => {
            validate_file_stem(n)?;
            n.clone()
        }
        None => safe_file_stem(&a.cn),
    };
    let csr_path = a.out_dir.join(format!("{name}.csr"));
    let (key_pair, key_path, write_key) = match &a.key {
        Some(path) => (keys::load_key(path, &a.new_key)?.key_pair()?, path.clone(), false),
        None => (a.key_type.generate()?, a.out_dir.join(format!("{name}-key.pem")), true),
    };
    let mut outputs = vec![csr_path.as_path()];
    if write_key {
        outputs.push(&key_path);
    }
    fsutil::refuse_existing(&outputs, a.force)?;
    let csr_pem = crate::csr::make_pem(&subject, &sans, &key_pair)?;
    let key_pem =
        if write_key { Some(keys::encode_private_key(&key_pair, a.new_key.resolve()?.as_ref())?) } else { None };
    fsutil::create_dir(&a.out_dir)?;
    if let Some(k) = &key_pem {
        fsutil::write_secret(&key_path, k.as_bytes(), a.force)?;
    }
    fsutil::write_public(&csr_path, csr_pem.as_bytes(), a.force)?;
    Ok(Outcome::new(CsrReport {
        csr: csr_path.display().to_string(),
        key: key_path.display().to_string(),
        subject: format!("CN={}", a.cn),
        sans: sans.iter().map(SanEntry::value).collect(),
    }))
}

/// The one-line description of `SignArgs` (also shown in its parent's list).
pub const SIGN_ABOUT: &str = "Sign a certificate signing request with the CA";

/// `pki sign`.
#[derive(Debug, Args)]
#[command(
    about = SIGN_ABOUT,
    long_about = "Sign a certificate signing request (from 'pki csr', openssl or anything else) \
as a server or client certificate, exactly as 'pki issue' would make it: the request's \
self-signature is checked first, and only its subject CN and SANs are taken (--san replaces the \
SANs). A request cannot ask for CA:TRUE, key usages or a validity: the profile decides. Writes \
NAME.pem and NAME-chain.pem (NAME: the request's file name without .csr) and records the \
certificate in the ledger.",
    after_help = "EXAMPLES:\n  pki sign api.csr --profile server\n  pki sign alice.csr --profile client --days 90\n  \
pki sign web.csr --profile server --issuer web --san web.test,www.web.test\n\n\
EXIT CODES:\n  0 signed   1 error (bad signature, no usable name, a name outside the CA's constraints, files exist, no CA, wrong passphrase)   2 usage error"
)]
pub struct SignArgs {
    /// The request (PEM or DER)
    #[arg(value_name = "CSR", value_hint = ValueHint::FilePath)]
    pub csr: PathBuf,
    /// What the certificate is for
    #[arg(long, value_name = "PROFILE", value_enum, required = true)]
    pub profile: Profile,
    /// Replace the requested SANs with these (comma-separated, repeatable)
    #[arg(long, value_name = "LIST")]
    pub san: Vec<String>,
    #[command(flatten)]
    /// Validity, issuer, output, CA key.
    pub leaf: LeafArgs,
}

/// Run `pki sign`.
pub fn run_sign(a: SignArgs, global: &Global) -> Result<Outcome> {
    let items = read_items(&a.csr)?;
    let item = items
        .items
        .iter()
        .find(|i| i.kind == ItemKind::Csr)
        .ok_or_else(|| Error::BadInput { path: a.csr.clone(), reason: "it holds no certificate request".into() })?;
    let req =
        crate::csr::read(&item.der).map_err(|e| Error::BadInput { path: a.csr.clone(), reason: e.to_string() })?;
    let sans = if a.san.is_empty() { req.sans } else { parse_san_lists(&a.san)? };
    let subject = Subject { cn: req.subject.cn.clone(), org: req.subject.org.clone(), unit: None };
    let usable = match a.profile {
        Profile::Server | Profile::Peer => !sans.is_empty(),
        _ => subject.cn.is_some(),
    };
    if !usable {
        return Err(Error::BadInput {
            path: a.csr.clone(),
            reason: match a.profile {
                Profile::Server | Profile::Peer => {
                    format!("the request names no host (no SAN); a {} certificate needs one", a.profile)
                }
                _ => "the request has no common name; a client certificate needs one".into(),
            },
        });
    }
    let stem = a.csr.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "signed".into());
    let leaf = &a.leaf;
    let out_dir = leaf.output.dir_or(|| fsutil::parent_dir(&a.csr).to_path_buf());
    let plan = LeafPlan::new(a.profile, subject, sans, leaf.issuer.name())?
        .key(KeySource::Public { spki: req.spki, rsa: req.rsa, key_type: req.key_type })
        .output(out_dir, &leaf.output.file_name(FileName::SafeFrom(stem)), leaf.output.force)?
        .validity(leaf.validity.request(global.now)?);
    let secrets = Passphrases { ca: Some(&leaf.ca_key), ..Default::default() };
    let new = issuance::issue(&global.ca(), &plan, &secrets, &issuance::Silent, global.now)?;
    Ok(Outcome::new(IssuedReport::from(new)))
}
