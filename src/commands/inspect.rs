//! `pki inspect`: explain any PEM or DER file: certificates, keys, CSRs, CRLs.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::commands::Global;
use crate::commands::passphrase::{ENV_NEW, can_prompt, from_env, from_file, prompt};
use crate::describe::{self, Description};
use crate::error::{Error, Result};
use crate::input::read_input;
use crate::keys::Passphrase;
use crate::p12::{self, Opened};
use crate::pem::{self, Items, ReadError};
use crate::render::Outcome;
use crate::report::{InspectReport, MALFORMED_SHOWN};
use crate::validity::parse_time;

/// The one-line description of `InspectArgs` (also shown in its parent's list).
pub const INSPECT_ABOUT: &str = "Explain certificates, keys, CSRs and CRLs in PEM or DER files";

/// `pki inspect`.
#[derive(Debug, Args)]
#[command(
    about = INSPECT_ABOUT,
    long_about = "Explain what a file holds: every PEM block (CERTIFICATE, PRIVATE KEY, EC PRIVATE \
KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY, CERTIFICATE REQUEST, X509 CRL, PUBLIC KEY; LF or \
CRLF), or a single DER object recognised by its content.\n\nFor a certificate: subject, \
issuer, serial, validity with how long is left, public key, signature algorithm, SANs, key \
usages, basic constraints, key identifiers, SHA-256 fingerprint, and warnings (no SAN, SHA-1, \
too long for Apple, weak keys). For a private key: its type and size, and which certificate \
given in the same call it belongs to. Nothing secret is ever printed.\n\nPKCS#12 files (.p12, \
.pfx; modern AES or legacy 3DES/RC2 encryption) are read too: an empty passphrase is tried \
first, then --passphrase-file, else $PKI_PASSPHRASE, else a prompt on a terminal.\n\nA file that cannot be \
read or holds nothing recognisable is reported by name; the other files are still shown, \
and the exit code is 1.",
    after_help = "EXAMPLES:\n  pki inspect server.pem\n  pki inspect localhost.pem localhost-key.pem    # which key goes with which cert\n  \
pki inspect --json /etc/ssl/certs/ca-certificates.crt | jq length\n  \
PKI_PASSPHRASE=secret pki inspect alice.p12\n  \
openssl s_client -connect example.com:443 -showcerts </dev/null | pki inspect -\n\n\
EXIT CODES:\n  0 every file was read   1 some file was unreadable or held nothing recognisable   2 usage error"
)]
pub struct InspectArgs {
    /// Files to read ('-' for stdin)
    #[arg(value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,

    /// Judge validity at TIME instead of now (RFC 3339 or a date)
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// Read the passphrase of PKCS#12 files from FILE (else $PKI_PASSPHRASE)
    ///
    /// An empty passphrase is tried first. One trailing newline is not part of the passphrase.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub passphrase_file: Option<PathBuf>,
}

/// Run `pki inspect`.
pub fn run(args: InspectArgs, global: &Global) -> Result<Outcome> {
    let now = match &args.at {
        Some(t) => parse_time("--at", t)?,
        None => global.now,
    };
    let mut report =
        InspectReport { items: Vec::new(), errors: Vec::new(), notes: Vec::new(), now, pkcs12_sources: Vec::new() };
    // Asked for once, at the first PKCS#12 file the empty passphrase does not open.
    let mut passphrase: Option<Passphrase> = None;
    for path in &args.files {
        let source = path.display().to_string();
        let read = read_input(path).and_then(|bytes| match pem::read_items(&bytes) {
            Err(ReadError::Unrecognised) => match open_pkcs12(path, &bytes, &args.passphrase_file, &mut passphrase)? {
                Some(items) => {
                    report.pkcs12_sources.push(source.clone());
                    Ok(items)
                }
                None => Err(bad_input(path, ReadError::Unrecognised)),
            },
            other => other.map_err(|e| bad_input(path, e)),
        });
        match read {
            Ok(items) if items.items.is_empty() => {
                report.notes.extend(items.skipped.iter().map(|s| format!("{source}: {s}")));
                report.errors.push(Error::BadInput {
                    path: path.clone(),
                    reason: "it holds nothing pki reads (only PEM blocks of kinds it does not know)".into(),
                });
            }
            Ok(items) => {
                report.notes.extend(items.skipped.iter().map(|s| format!("{source}: {s}")));
                report.items.extend(items.items.iter().map(|i| describe::describe(i, &source)));
            }
            Err(e) => report.errors.push(e),
        }
    }
    describe::key::match_keys(&mut report.items);
    // A block that promised an object and did not hold one makes the file malformed: it is
    // shown in place, and named as an error (exit 1): the first few of each file, then
    // how many more (a stream of 100,000 bad blocks is not 200,000 lines of errors).
    let mut per_source: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in &report.items {
        if let Description::Malformed(m) = d {
            let seen = per_source.entry(m.source.as_str()).or_default();
            *seen += 1;
            if *seen <= MALFORMED_SHOWN {
                report.errors.push(Error::BadInput {
                    path: m.source.clone().into(),
                    reason: format!("block {} ({}) is malformed: {}", m.index, m.kind, m.error),
                });
            }
        }
    }
    let mut more: Vec<(&str, usize)> = per_source.into_iter().filter(|(_, n)| *n > MALFORMED_SHOWN).collect();
    more.sort();
    for (source, n) in more {
        report.errors.push(Error::BadInput {
            path: source.into(),
            reason: format!("{} more malformed blocks (errors not shown)", n - MALFORMED_SHOWN),
        });
    }
    Ok(Outcome::new(report))
}

fn bad_input(path: &std::path::Path, e: ReadError) -> Error {
    Error::BadInput { path: path.to_path_buf(), reason: e.to_string() }
}

/// The items of a PKCS#12 file, or `None` when `bytes` is not one. The empty passphrase
/// is tried first; then the one in `cache`, else --passphrase-file, $PKI_PASSPHRASE or a
/// prompt (kept in `cache` for the next file).
fn open_pkcs12(
    path: &std::path::Path,
    bytes: &[u8],
    file: &Option<PathBuf>,
    cache: &mut Option<Passphrase>,
) -> Result<Option<Items>> {
    let unreadable = |why: String| Error::BadInput {
        path: path.to_path_buf(),
        reason: format!("a PKCS#12 file pki cannot read: {why}"),
    };
    let found = |items| Ok(Some(Items { items, skipped: Vec::new() }));
    match p12::open(bytes, "") {
        Opened::NotPkcs12 => return Ok(None),
        Opened::Items(items) => return found(items),
        Opened::Unreadable(why) => return Err(unreadable(why)),
        Opened::Locked => {}
    }
    let pass = match cache {
        Some(p) => p.clone(),
        None => {
            let p = if let Some(f) = file {
                from_file(f, "--passphrase-file")?
            } else if let Some(p) = from_env(ENV_NEW) {
                p
            } else if can_prompt() {
                prompt(&format!("Passphrase for {}: ", path.display()))?
            } else {
                return Err(Error::KeyEncrypted {
                    path: path.to_path_buf(),
                    how: "--passphrase-file FILE or set PKI_PASSPHRASE",
                });
            };
            cache.insert(p).clone()
        }
    };
    match p12::open(bytes, pass.as_str()) {
        Opened::Items(items) => found(items),
        Opened::Locked | Opened::NotPkcs12 => Err(Error::WrongPassphrase { path: path.to_path_buf() }),
        Opened::Unreadable(why) => Err(unreadable(why)),
    }
}
