//! Entry point: parse arguments, run the command, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match partnersite::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match partnersite::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // The chain names files from the site: printed escaped, like every diagnostic.
            let chain = format!("{e:#}");
            eprintln!(
                "error: {}",
                partnersite::diagnostics::escape_terminal(&chain)
            );
            ExitCode::from(2)
        }
    }
}
