//! The `pki` binary: parse the command line, run the command, print the result or the
//! error with its hint, and exit with the code docs/cli.md gives.
#![forbid(unsafe_code)]

use clap::{CommandFactory, FromArgMatches};

fn main() {
    // What `Cli::parse()` does, except that the command tree is kept to the end of the
    // process instead of being freed (`process::exit` runs no destructors): freeing it
    // was a tenth of a `pki issue`'s instructions. Subcommands are built lazily
    // (`#[command(defer)]`), so only the one in use is ever constructed.
    let mut command = pki::cli::Cli::command();
    let cli = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| pki::cli::Cli::from_arg_matches_mut(&mut matches))
        .unwrap_or_else(|e| e.format(&mut command).exit());
    let global = match cli.global.resolve() {
        Ok(g) => g,
        Err(e) => {
            let options =
                pki::render::Options { json: cli.global.json, quiet: cli.global.quiet, no_color: cli.global.no_color };
            std::process::exit(pki::render::error(&e, options))
        }
    };
    let code = match cli.command.run(&global) {
        Ok(outcome) => pki::render::emit(&outcome, &global),
        Err(e) => pki::render::error(&e, &global),
    };
    std::process::exit(code);
}
