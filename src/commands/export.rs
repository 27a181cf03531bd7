//! `pki export p12` (a PKCS#12 bundle for Java, Windows, macOS) and `pki convert`
//! (one PEM object to DER and back).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueHint};

use crate::commands::Global;
use crate::commands::args::PairArgs;
use crate::commands::passphrase::{ENV_NEW, can_prompt, from_env, from_file, non_empty, prompt};
use crate::error::{Error, Result};
use crate::input::{read_cert_items, read_items};
use crate::keys::{self, Passphrase};
use crate::pem::{Format, ItemKind};
use crate::render::Outcome;
use crate::report::{ConvertReport, P12Report};
use crate::store::fsutil;

/// The one-line description of `ExportArgs` (also shown in its parent's list).
pub const EXPORT_ABOUT: &str = "Export a key and its certificates in another container format";

/// `pki export`.
#[derive(Debug, Args)]
#[command(
    about = EXPORT_ABOUT,
    long_about = "Export a key with its certificate and chain, for software that wants one file.",
    after_help = "EXAMPLES:\n  pki export p12 --cert client.pem --key client-key.pem --passphrase-file pw\n  \
pki export p12 --cert server.pem --key server-key.pem --chain server-chain.pem --legacy -o server.pfx"
)]
pub struct ExportArgs {
    /// The format.
    #[command(subcommand)]
    pub command: ExportCommand,
}

/// `pki export` formats.
#[derive(Debug, Subcommand)]
#[allow(missing_docs)] // about here: deferred subcommands are listed unbuilt
#[command(defer = true)]
pub enum ExportCommand {
    #[command(about = P12_ABOUT)]
    P12(P12Args),
}

/// The one-line description of `P12Args` (also shown in its parent's list).
pub const P12_ABOUT: &str = "Write a PKCS#12 (.p12/.pfx) file with a key, its certificate and its chain";

/// `pki export p12`.
#[derive(Debug, Args)]
#[command(
    about = P12_ABOUT,
    long_about = "Write a PKCS#12 file holding the private key, the certificate and the chain, mode \
0600. It is protected with AES-256-CBC and PBKDF2-HMAC-SHA256 with an HMAC-SHA256 MAC, or with \
--legacy the 3DES / SHA-1 MAC scheme that old Java, Windows and macOS versions need. The \
passphrase comes from --passphrase-file, else $PKI_PASSPHRASE, else a prompt (twice) on a \
terminal; without any of these it is an error. 'openssl pkcs12 -info' and Java's keytool read \
the result.",
    after_help = "EXAMPLES:\n  pki export p12 --cert client.pem --key client-key.pem --passphrase-file pw\n  \
keytool -list -keystore client.p12 -storetype PKCS12 -storepass \"$(cat pw)\"\n  \
pki export p12 --cert api.pem --key api-key.pem --chain api-chain.pem --legacy --name api -o api.pfx\n\n\
EXIT CODES:\n  0 written   1 error (no passphrase source, key does not match, file exists)   2 usage error"
)]
pub struct P12Args {
    #[command(flatten)]
    /// The certificate, its key and its chain.
    pub pair: PairArgs,
    /// Output file (default: NAME.p12 beside the certificate)
    #[arg(short = 'o', long = "out", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,
    /// Read the passphrase from FILE (one trailing newline dropped)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub passphrase_file: Option<PathBuf>,
    /// Use the legacy 3DES / SHA-1 scheme for old Java, Windows and macOS
    #[arg(long)]
    pub legacy: bool,
    /// The friendly name (alias) of the entry (default: the file name)
    #[arg(long, value_name = "FRIENDLY")]
    pub name: Option<String>,
    /// Replace the output file
    #[arg(long)]
    pub force: bool,
}

fn p12_passphrase(file: &Option<PathBuf>) -> Result<Passphrase> {
    if let Some(f) = file {
        return from_file(f, "--passphrase-file");
    }
    if let Some(p) = from_env(ENV_NEW) {
        return Ok(p);
    }
    if !can_prompt() {
        return Err(Error::PassphraseNeeded { what: "export p12" });
    }
    let first = non_empty(prompt("Passphrase for the PKCS#12 file: ")?, "the prompt")?;
    let second = prompt("Repeat the passphrase: ")?;
    if first.as_bytes() != second.as_bytes() {
        return Err(Error::BadPassphrase { source: "the prompt".into(), reason: "the two entries differ".into() });
    }
    Ok(first)
}

/// Run `pki export ...`.
pub fn run(a: ExportArgs, global: &Global) -> Result<Outcome> {
    match a.command {
        ExportCommand::P12(p) => run_p12(p, global),
    }
}

fn run_p12(a: P12Args, _global: &Global) -> Result<Outcome> {
    let stem = a.pair.cert.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
    let out = a.out.clone().unwrap_or_else(|| fsutil::parent_dir(&a.pair.cert).join(format!("{stem}.p12")));
    fsutil::refuse_existing(&[&out], a.force)?;
    // A certificate that cannot be read fails before any passphrase is asked for.
    read_cert_items(&a.pair.cert)?;
    let pass = p12_passphrase(&a.passphrase_file)?;
    let pair = a.pair.load(&keys::KnownPassphrase(pass.clone()))?;
    let key = pair.key.key_pair()?;
    let cert = pair.chain[0].to_vec();
    let chain: Vec<Vec<u8>> =
        pair.chain[1..].iter().filter(|c| c.as_ref() != cert.as_slice()).map(|c| c.to_vec()).collect();
    let name = a.name.clone().unwrap_or(stem);
    let pkcs8 = zeroize::Zeroizing::new(key.serialize_der());
    let bytes = crate::p12::make_p12(&cert, &chain, &pkcs8, &pass, a.legacy, &name)?;
    fsutil::write_secret(&out, &bytes, a.force)?;
    Ok(Outcome::new(P12Report {
        p12: out.display().to_string(),
        certificates: 1 + chain.len(),
        scheme: if a.legacy { "legacy-3des/sha1" } else { "aes-256-cbc/pbkdf2-sha256/hmac-sha256" },
        name,
    }))
}

/// The one-line description of `ConvertArgs` (also shown in its parent's list).
pub const CONVERT_ABOUT: &str = "Convert one PEM object to DER, or one DER object to PEM";

/// `pki convert`.
#[derive(Debug, Args)]
#[command(
    about = CONVERT_ABOUT,
    long_about = "Convert a file holding one object (certificate, key, CSR, CRL, public key) \
between PEM and DER. DER input is recognised by its content. A key stays exactly as secret as \
it was: a key file written with -o is mode 0600.",
    after_help = "EXAMPLES:\n  pki convert ca.pem --to der -o ca.der\n  pki convert ca.der --to pem\n  \
pki convert server-key.pem --to der -o server-key.der\n\n\
EXIT CODES:\n  0 converted   1 error (unreadable, several objects, output exists)   2 usage error"
)]
pub struct ConvertArgs {
    /// The file ('-' for stdin)
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// The output format
    #[arg(long, value_name = "FORMAT", value_enum, required = true)]
    pub to: Format,
    /// Output file (default: stdout)
    #[arg(short = 'o', long = "out", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub out: Option<PathBuf>,
    /// Replace the output file
    #[arg(long)]
    pub force: bool,
}

/// Run `pki convert`.
pub fn run_convert(a: ConvertArgs, _global: &Global) -> Result<Outcome> {
    let items = read_items(&a.file)?;
    let [item] = items.items.as_slice() else {
        return Err(Error::BadInput {
            path: a.file.clone(),
            reason: format!("it holds {} objects; convert takes exactly one", items.items.len()),
        });
    };
    let label = match item.kind {
        ItemKind::Certificate => "CERTIFICATE",
        ItemKind::PrivateKey => "PRIVATE KEY",
        ItemKind::EcPrivateKey => "EC PRIVATE KEY",
        ItemKind::RsaPrivateKey => "RSA PRIVATE KEY",
        ItemKind::EncryptedPrivateKey => "ENCRYPTED PRIVATE KEY",
        ItemKind::Csr => "CERTIFICATE REQUEST",
        ItemKind::Crl => "X509 CRL",
        ItemKind::PublicKey => "PUBLIC KEY",
        ItemKind::LegacyEncryptedKey => {
            return Err(Error::BadInput {
                path: a.file.clone(),
                reason: "a legacy encrypted PEM key has no DER form".into(),
            });
        }
    };
    let secret = matches!(
        item.kind,
        ItemKind::PrivateKey | ItemKind::EcPrivateKey | ItemKind::RsaPrivateKey | ItemKind::EncryptedPrivateKey
    );
    let bytes = match a.to {
        Format::Der => item.der.clone(),
        Format::Pem => pkcs8::der::pem::encode_string(label, pkcs8::LineEnding::LF, &item.der)
            .map_err(|e| Error::crypto("PEM encoding", e))?
            .into_bytes(),
    };
    let kind = crate::describe::kind_name(item.kind);
    match &a.out {
        Some(out) => {
            if secret {
                fsutil::write_secret(out, &bytes, a.force)?;
            } else {
                fsutil::write_public(out, &bytes, a.force)?;
            }
            Ok(Outcome::new(ConvertReport { kind, format: a.to, out: Some(out.display().to_string()), bytes: None }))
        }
        None => Ok(Outcome::new(ConvertReport { kind, format: a.to, out: None, bytes: Some(bytes) })),
    }
}
