//! `pki fixtures`: write a set of deliberately broken TLS certificates (and good controls)
//! for testing that TLS clients refuse what they must.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::commands::Global;
use crate::error::Result;
use crate::fixtures::{self, CA_FILE, FixturesPlan, MANIFEST};
use crate::keys::KeyType;
use crate::render::Outcome;
use crate::report::FixturesReport;

/// The one-line description of `FixturesArgs` (also shown in its parent's list).
pub const FIXTURES_ABOUT: &str = "Write a set of broken TLS certificates for testing clients (a local badssl.com)";

/// `pki fixtures`.
#[derive(Debug, Args)]
#[command(
    about = FIXTURES_ABOUT,
    long_about = "Write a fresh set of deliberately broken (and, as controls, good) TLS server \
certificates into DIR, for testing that a TLS client refuses what it must. Each case is a perfect \
certificate but for one defect, so a client's refusal can only have one cause.\n\nDIR gets ca.pem \
(the one root the client under test should trust), one folder per case with cert.pem, key.pem \
and chain.pem (what a server presents), and manifest.json: for every case its name, what is \
wrong, the host to connect as, \"accept\" or \"reject\", and the 'pki verify' error code a \
correct refusal corresponds to. The cases: good, good-intermediate, expired, not-yet-valid, \
wrong-host, ip-mismatch, self-signed, untrusted-root, incomplete-chain, wrong-eku, \
expired-intermediate, intermediate-not-ca, path-len-exceeded, name-constraint-violation, revoked \
(with crl.pem), cn-only and wildcard-too-deep.\n\nDates are relative to now, so make a new set \
on every test run: it takes a few milliseconds. The set is throwaway: it never touches the CA \
directory or its ledger. 'pki serve --fixtures DIR' serves every case on its own port. See \
docs/fixtures.md for test loops with curl, openssl, Python, Go, Node and rustls.",
    after_help = "EXAMPLES:\n  pki fixtures ./tls-cases\n  \
pki serve --fixtures ./tls-cases &\n  \
pki fixtures ./tls-cases --host app.test --key-type rsa-2048 --force\n  \
jq -r '.[] | [.name, .expect, .code] | @tsv' tls-cases/manifest.json\n\n\
EXIT CODES:\n  0 written   1 error (DIR not empty without --force, bad --host, I/O)   2 usage error"
)]
pub struct FixturesArgs {
    /// The directory to write the set into (created; must be new or empty)
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: PathBuf,

    /// The host name the good cases are valid for
    ///
    /// A DNS name (not a wildcard or an address), at most 64 characters. Clients connect as
    /// this name; ip-mismatch connects as 127.0.0.1 and wildcard-too-deep as a.b.wild.HOST.
    #[arg(long, value_name = "NAME", default_value = "localhost")]
    pub host: String,

    /// The type of every key of the set (roots, intermediates, leaves)
    #[arg(long, value_name = "T", value_enum, default_value_t = KeyType::EcdsaP256)]
    pub key_type: KeyType,

    /// Replace the fixture set already in DIR
    ///
    /// DIR is replaced whole, at once: the new set is written beside it and swapped in.
    /// Only a previous set (a directory holding manifest.json) is replaced; any other
    /// non-empty directory is refused, with or without --force.
    #[arg(long)]
    pub force: bool,
}

/// Run `pki fixtures`.
pub fn run(a: FixturesArgs, global: &Global) -> Result<Outcome> {
    let plan = FixturesPlan::new(&a.host, a.key_type)?;
    let start = std::time::Instant::now();
    let set = fixtures::generate(&plan, global.now)?;
    fixtures::write(&set, &a.dir, a.force)?;
    let millis = start.elapsed().as_millis();
    Ok(Outcome::new(FixturesReport {
        dir: a.dir.display().to_string(),
        ca: a.dir.join(CA_FILE).display().to_string(),
        manifest: a.dir.join(MANIFEST).display().to_string(),
        cases: set.manifest(),
        millis,
    }))
}
