//! Command-line interface: one clap struct per command, and what each command does.

use crate::diagnostics::Diagnostics;
use crate::output::DiskSink;
use crate::pipeline::{self, BuildOptions, LoadOutcome};
use crate::render::RenderOptions;
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "partnersite",
    version,
    about = "Build the partner directory site of an open-source ecosystem"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder (atomically).
    Build(BuildArgs),
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Site folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder [default: <root>/public].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Override site.toml's base_url (e.g. a GitHub Pages project URL).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
}

/// Exit codes: 0 ok, 1 content errors, 2 usage or I/O errors.
pub const EXIT_CONTENT: u8 = 1;

/// Print diagnostics to stderr, errors and warnings, then a count line.
pub fn print_diagnostics(diags: &Diagnostics) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for d in diags.iter() {
        let _ = writeln!(out, "{d}");
    }
    let (e, w) = (diags.error_count(), diags.warning_count());
    if e > 0 {
        let _ = writeln!(
            out,
            "\n{e} error{} found{}",
            if e == 1 { "" } else { "s" },
            if w > 0 {
                format!(", {w} warning{}", if w == 1 { "" } else { "s" })
            } else {
                String::new()
            }
        );
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build(args) => build(args),
    }
}

fn build(args: BuildArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let opts = BuildOptions {
        root: args.root.clone(),
        base_url: args.base_url,
        drafts: args.drafts,
    };
    let loaded = match pipeline::load(&opts)? {
        LoadOutcome::Ok(l) => l,
        LoadOutcome::Failed(d) => {
            print_diagnostics(&d);
            eprintln!("build failed: nothing was written");
            return Ok(ExitCode::from(EXIT_CONTENT));
        }
    };
    print_diagnostics(&loaded.diagnostics);
    let site = pipeline::published(loaded.site, args.drafts);
    let output = args
        .output
        .unwrap_or_else(|| pipeline::default_output(&args.root));
    let sink = DiskSink::new(&output)?;
    match pipeline::render_site(&site, &RenderOptions::default(), &sink)? {
        Ok(summary) => {
            sink.commit()?;
            println!(
                "built {} pages ({} files, {} partners) into {} in {:.2?}",
                summary.pages,
                summary.files,
                site.partners.len(),
                output.display(),
                start.elapsed()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            print_diagnostics(&d);
            eprintln!("build failed: the previous output was left as it was");
            Ok(ExitCode::from(EXIT_CONTENT))
        }
    }
}
