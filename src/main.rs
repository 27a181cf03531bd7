//! The `pki` binary: parse the command line, run the command, print the result or the
//! error with its hint, and exit with the code docs/cli.md gives.
#![forbid(unsafe_code)]

use clap::Parser;

fn main() {
    let cli = pki::cli::Cli::parse();
    let global = match pki::commands::Global::resolve(&cli.global) {
        Ok(g) => g,
        Err(e) => std::process::exit(pki::render::error(&e, cli.global.no_color)),
    };
    let code = match pki::commands::run(cli.command, &global) {
        Ok(outcome) => pki::render::emit(&outcome, &global),
        Err(e) => pki::render::error(&e, global.no_color),
    };
    std::process::exit(code);
}
