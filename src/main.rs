//! Entry point: parse arguments, run the command, map the result to an exit code.

#![deny(clippy::too_many_lines)]

use clap::Parser;
use std::process::ExitCode;

// A build makes and frees millions of small strings (template values, paths, rendered
// pages) on every thread: glibc's malloc, free and realloc took ~20% of a build's CPU
// (perf, N = 1,000); with mimalloc the build takes 10-18% less CPU (README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
