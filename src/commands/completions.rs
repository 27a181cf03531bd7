//! `pki completions SHELL` (shell completion scripts) and the hidden `pki man` (man pages),
//! both generated from the clap definitions so they never drift from the real flags.

use std::path::PathBuf;

use clap::{Args, CommandFactory, ValueHint};
use clap_complete::Shell;
use serde::Serialize;

use crate::cli::Cli;
use crate::commands::Global;
use crate::error::{Error, Result};
use crate::render::Outcome;
use crate::store::fsutil;

/// The one-line description of `CompletionsArgs` (also shown in its parent's list).
pub const COMPLETIONS_ABOUT: &str = "Print a shell completion script";

/// `pki completions`.
#[derive(Debug, Args)]
#[command(
    about = COMPLETIONS_ABOUT,
    long_about = "Print the completion script for SHELL on stdout. The repository's completions/ \
folder holds the generated scripts for bash, zsh and fish.",
    after_help = "EXAMPLES:\n  pki completions bash > ~/.local/share/bash-completion/completions/pki\n  \
pki completions zsh > \"${fpath[1]}/_pki\"\n  pki completions fish > ~/.config/fish/completions/pki.fish\n\n\
EXIT CODES:\n  0 printed   2 usage error (unknown shell)"
)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: Shell,
}

/// A generated script.
#[derive(Debug, Serialize)]
pub struct ScriptReport {
    /// The shell.
    pub shell: String,
    /// The script text.
    pub script: String,
}

/// The completion script for `shell`, as text.
pub fn completion_script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pki", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Run `pki completions`.
pub fn run(args: CompletionsArgs, _global: &Global) -> Result<Outcome> {
    Ok(Outcome::new(ScriptReport { shell: args.shell.to_string(), script: completion_script(args.shell) }))
}

/// The one-line description of `ManArgs` (also shown in its parent's list).
pub const MAN_ABOUT: &str = "Write man pages (pki.1 and one per subcommand) to a directory";

/// `pki man` (hidden): write the man pages.
#[derive(Debug, Args)]
#[command(
    about = MAN_ABOUT,
    after_help = "EXAMPLES:\n  pki man --out-dir docs/man\n  pki man --out-dir ~/.local/share/man/man1"
)]
pub struct ManArgs {
    /// Where to write the pages
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out_dir: PathBuf,
}

/// Pages written.
#[derive(Debug, Serialize)]
pub struct ManReport {
    /// The files written.
    pub files: Vec<String>,
}

/// Every man page: (file name, roff text), for `pki` and each visible subcommand.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, &mut pages)?;
    pages.sort();
    Ok(pages)
}

fn collect(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages)?;
    }
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render(&mut buf).map_err(|e| Error::crypto("man page rendering", e))?;
    pages.push((man.get_filename(), buf));
    Ok(())
}

/// Run `pki man`.
pub fn run_man(args: ManArgs, _global: &Global) -> Result<Outcome> {
    fsutil::create_dir(&args.out_dir)?;
    let mut files = Vec::new();
    for (name, bytes) in man_pages()? {
        let path = args.out_dir.join(&name);
        fsutil::write_public(&path, &bytes, true)?;
        files.push(path.display().to_string());
    }
    Ok(Outcome::new(ManReport { files }))
}
