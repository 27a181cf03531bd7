//! `pki completions SHELL` (shell completion scripts) and the hidden `pki man` (man pages),
//! both generated from the clap definitions so they never drift from the real flags. The
//! whole command tree (`Cli::command()`) is handed in by the dispatch in `cli`, so this
//! file does not import `cli` (which imports it).

use std::path::PathBuf;

use clap::{Args, ValueHint};
use clap_complete::Shell;

use crate::commands::Global;
use crate::error::{Error, Result};
use crate::render::Outcome;
use crate::report::{ManReport, ScriptReport};
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

/// The completion script for `shell`, as text, for the command tree `cli`
/// (`pki::cli::Cli::command()`).
pub fn completion_script(mut cli: clap::Command, shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cli, "pki", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Run `pki completions`.
pub fn run(args: CompletionsArgs, cli: clap::Command, _global: &Global) -> Result<Outcome> {
    Ok(Outcome::new(ScriptReport { shell: args.shell.to_string(), script: completion_script(cli, args.shell) }))
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

/// Every man page: (file name, roff text), for `pki` and each visible subcommand of the
/// command tree `cli` (`pki::cli::Cli::command()`).
pub fn man_pages(cli: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = cli.disable_help_subcommand(true);
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
pub fn run_man(args: ManArgs, cli: clap::Command, _global: &Global) -> Result<Outcome> {
    fsutil::create_dir(&args.out_dir)?;
    let mut files = Vec::new();
    for (name, bytes) in man_pages(cli)? {
        let path = args.out_dir.join(&name);
        fsutil::write_public(&path, &bytes, true)?;
        files.push(path.display().to_string());
    }
    Ok(Outcome::new(ManReport { files }))
}
