//! `pki issue batch`: many leaves from JSON Lines, in one process, under one lock, all or
//! nothing.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use crate::commands::Global;
use crate::commands::passphrase::{CaKeyArgs, NewKeyArgs, Passphrases};
use crate::error::Result;
use crate::issuance;
use crate::render::Outcome;
use crate::render::progress::Terminal;
use crate::report::BatchReport;

/// The one-line description of `BatchArgs` (also shown in its parent's list).
pub const BATCH_ABOUT: &str = "Issue many certificates from a JSON Lines file, all or nothing";

/// `pki issue batch`.
#[derive(Debug, Args)]
#[command(
    about = BATCH_ABOUT,
    long_about = "Issue many leaf certificates in one process: one JSON object per line of FILE \
(or of standard input for -), each with the keys of the flags of 'pki issue': {\"profile\": \
\"server\"|\"client\"|\"peer\", \"san\": [LIST...], \"cn\": STR, \"name\": STR, \"key_type\": T, \
\"days\": N, \"issuer\": NAME}. Only \"profile\" is always required (a client needs \"cn\", a \
server or peer a \"san\"); the rest default as the flags do, and each \"san\" entry is a \
comma-separated LIST as for --san. Every line gets the same profile, files (NAME.pem, \
NAME-key.pem, NAME-chain.pem), ledger record and refusals as 'pki issue'. Blank lines are \
skipped.\n\nAll or nothing: every line is checked first (its JSON, its values, a name used \
twice, a file that already exists, a SAN the CA's name constraints forbid), then every key \
and certificate is made, then all are recorded and written at once. A bad line stops the \
batch with 'line N: ...' and nothing is written: no file, no ledger entry. On a terminal a \
progress bar shows on stderr (never with --json or -q, never on a pipe).",
    after_help = "EXAMPLES:\n  \
echo '{\"profile\":\"client\",\"cn\":\"alice\"}' >> certs.jsonl\n  \
echo '{\"profile\":\"server\",\"san\":[\"api.internal,10.0.0.5\"]}' >> certs.jsonl\n  \
pki issue batch certs.jsonl --out-dir certs\n  \
pki issue batch certs.jsonl --out-dir more --json | jq -r .serial\n  \
seq 100 | sed 's/.*/{\"profile\":\"client\",\"cn\":\"ci-&\"}/' | pki issue batch - --out-dir ci\n\n\
EXIT CODES:\n  0 all issued   1 error (a bad line: 'line N: ...', nothing written; no CA; wrong passphrase)   2 usage error"
)]
pub struct BatchArgs {
    /// The JSON Lines file, or - for standard input
    #[arg(value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,

    /// Directory to write the files to (default: the current directory)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out_dir: Option<PathBuf>,

    #[command(flatten)]
    /// Unlocking the CA keys.
    pub ca_key: CaKeyArgs,

    #[command(flatten)]
    /// Encrypting the new keys (all with one passphrase).
    pub new_key: NewKeyArgs,
}

/// Run `pki issue batch`.
pub fn run(a: BatchArgs, global: &Global) -> Result<Outcome> {
    let input = crate::input::read_input(&a.file)?;
    let out_dir = a.out_dir.unwrap_or_else(|| PathBuf::from("."));
    let plans = issuance::batch::plans(&input, &out_dir)?;
    let secrets = Passphrases { ca: Some(&a.ca_key), new_key: Some(&a.new_key), ..Default::default() };
    let issued = {
        let progress = Terminal::batch(global);
        issuance::issue_all(&global.ca(), &plans, &secrets, &progress, global.now)?
    };
    let lines = plans.iter().map(|p| p.line().unwrap_or_default());
    Ok(Outcome::new(BatchReport::new(&out_dir, lines, issued)))
}
