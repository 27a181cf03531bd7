//! Flag groups that several commands share, declared once with one help text each and
//! included with `#[command(flatten)]`.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::error::Result;
use crate::issuance::FileName;
use crate::store::CaName;
use crate::validity::{ValidityRequest, parse_time_or_offset};
use time::OffsetDateTime;

/// `--days`, `--not-before`, `--not-after`: how long a new certificate is valid.
#[derive(Debug, Clone, Args)]
pub struct ValidityArgs {
    /// Days the certificate is valid
    ///
    /// Counted from now (or from --not-before). Cut to the issuer's notAfter, with a
    /// warning. 397 days is the longest browsers accept for public TLS certificates.
    #[arg(long, value_name = "N", default_value_t = 397, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,

    /// Start of validity: RFC 3339 time, date, or duration from now
    ///
    /// Forms: 2024-01-01T00:00:00Z, 2024-01-01T02:00:00+02:00, 2024-01-01 (midnight UTC), or
    /// a duration from now: 24h, 90m, 30d, -1h, +2w (units m, h, d, w).
    /// Default: one minute ago (tolerates clock skew).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub not_before: Option<String>,

    /// End of validity: RFC 3339 time, date, or duration from now
    ///
    /// Same forms as --not-before (e.g. 24h for a short-lived certificate). Mints
    /// already-expired or not-yet-valid certificates for tests: a --not-after in the past
    /// without --not-before (--not-after -1h) starts --days before it. Must not pass the
    /// issuer's notAfter.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub not_after: Option<String>,
}

impl ValidityArgs {
    /// The validity asked for, with its times parsed (durations counted from `now`).
    pub fn request(&self, now: OffsetDateTime) -> Result<ValidityRequest> {
        let at = |flag, t: &Option<String>| t.as_deref().map(|t| parse_time_or_offset(flag, t, now)).transpose();
        Ok(ValidityRequest {
            days: self.days,
            not_before: at("--not-before", &self.not_before)?,
            not_after: at("--not-after", &self.not_after)?,
        })
    }
}

/// `--issuer`: which CA of the CA directory signs.
#[derive(Debug, Clone, Args)]
pub struct IssuerArgs {
    /// Sign with the intermediate NAME instead of the root
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,
}

impl IssuerArgs {
    /// The CA named.
    pub fn name(&self) -> CaName {
        CaName::from_flag(self.issuer.as_deref())
    }
}

/// `--out-dir`, `--name`, `--force`: where a new certificate's files go.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Directory to write the files to
    ///
    /// Default: the current directory for `issue`; the input file's directory for `sign`
    /// and `renew`.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out_dir: Option<PathBuf>,

    /// Base name of the files: NAME.pem, NAME-key.pem, NAME-chain.pem
    ///
    /// Default: for `issue server` and `issue peer` the first SAN, for `issue client` the CN (with '*'
    /// written as '_wildcard' and characters unsafe in file names replaced by '_'); for
    /// `sign` the request's file name without .csr; for `renew` the certificate's.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Replace existing output files
    #[arg(long)]
    pub force: bool,
}

impl OutputArgs {
    /// `--name` as given, else `default`.
    pub fn file_name(&self, default: FileName) -> FileName {
        match &self.name {
            Some(n) => FileName::Given(n.clone()),
            None => default,
        }
    }

    /// `--out-dir`, else `default`.
    pub fn dir_or(&self, default: impl FnOnce() -> PathBuf) -> PathBuf {
        self.out_dir.clone().unwrap_or_else(default)
    }
}

/// `--cert`, `--key`, `--chain`: a certificate with its key, for `serve` and `export p12`.
#[derive(Debug, Clone, Args)]
pub struct PairArgs {
    /// The certificate (a NAME-chain.pem works: the certificates after it are its chain)
    #[arg(long, value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub cert: PathBuf,
    /// Its private key (PEM)
    ///
    /// `serve` needs it unencrypted; `export p12` opens an encrypted key with the
    /// passphrase it writes the PKCS#12 file with.
    #[arg(long, value_name = "FILE", required = true, value_hint = ValueHint::FilePath)]
    pub key: PathBuf,
    /// Intermediates to add after the certificate (a NAME-chain.pem works: the leaf in it is skipped)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub chain: Option<PathBuf>,
}

impl PairArgs {
    /// The certificate, its chain (from the certificate's file, then --chain, each
    /// certificate once) and its key, checked to belong together.
    pub fn load(&self, unlock: &dyn crate::keys::Unlock) -> Result<crate::keys::Pair> {
        let mut pair = crate::keys::load_pair(&self.cert, &self.key, unlock)?;
        if let Some(c) = &self.chain {
            for extra in crate::input::read_certs(c)? {
                if !pair.chain.contains(&extra) {
                    pair.chain.push(extra);
                }
            }
        }
        Ok(pair)
    }

    /// The files, for watching them.
    pub fn paths(&self) -> Vec<PathBuf> {
        [Some(self.cert.clone()), Some(self.key.clone()), self.chain.clone()].into_iter().flatten().collect()
    }
}

/// The flags of every command that issues a leaf: validity, issuer, output, CA key.
#[derive(Debug, Args)]
pub struct LeafArgs {
    #[command(flatten)]
    /// Validity.
    pub validity: ValidityArgs,

    #[command(flatten)]
    /// Which CA signs.
    pub issuer: IssuerArgs,

    #[command(flatten)]
    /// Where the files go.
    pub output: OutputArgs,

    #[command(flatten)]
    /// Unlocking the CA key.
    pub ca_key: crate::commands::passphrase::CaKeyArgs,
}
