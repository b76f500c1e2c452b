//! Command-line interface: one clap struct per command, and what each command does.

use crate::diagnostics::{Diagnostic, Diagnostics, escape_terminal as esc, printable_path};
use crate::formats;
use crate::output::{DiskSink, Refusal, Target};
use crate::pipeline::{self, BuildOptions, Outcome};
use crate::render::RenderOptions;
use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
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
    /// Build the site into the output folder (atomically: a failed build changes nothing).
    Build(BuildArgs),
    /// Validate everything and check the required-content rules; writes nothing.
    Check(CheckArgs),
    /// Preview the site locally with live reload (never touches public/).
    Serve(ServeArgs),
    /// Scaffold new content.
    #[command(subcommand)]
    New(NewCommand),
    /// Lead export tools.
    #[command(subcommand)]
    Leads(LeadsCommand),
    /// Write JSON Schemas of site.toml, partner.toml and the front matter, for editors.
    Schema(SchemaArgs),
    /// Create a new minimal site that builds and passes `check` immediately.
    Init {
        /// Folder to create.
        dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum LeadsCommand {
    /// Write the public aggregates (the report's leads.json) from the private export.
    Digest {
        /// Site folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the digest [default: standard output].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The `[[leads.period]]` to digest, by id [default: the newest].
        #[arg(long)]
        period: Option<String>,
    },
    /// Assign every lead without a partner by the allocation policy of site.toml; writes
    /// the export to a new file with the partner filled and the method recorded.
    Allocate {
        /// Site folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The export to allocate (read with the leads column mapping of site.toml).
        #[arg(long)]
        input: PathBuf,
        /// Where to write the allocated export (never the input itself).
        #[arg(long)]
        output: PathBuf,
    },
    /// Replay the allocation policy over the configured export; exit 1 when a lead's
    /// recorded partner differs from the policy's.
    Verify {
        /// Site folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write the canonical replay input (one tab-separated line per lead, ids hashed).
        #[arg(long)]
        print_replay: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum NewCommand {
    /// Scaffold content/partners/SLUG/ with a commented partner.toml and draft examples.
    Partner {
        /// Folder name and URL segment: lower-case letters, digits and single hyphens.
        slug: String,
        /// Public name [default: from the slug].
        #[arg(long)]
        name: Option<String>,
        /// Site folder (the one holding site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Site folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind; loopback unless you say otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Open this partner's profile and print its required-content verdict after each rebuild.
    #[arg(long, value_name = "SLUG")]
    pub partner: Option<String>,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Site folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output folder [default: ROOT/public].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Override site.toml's base_url (e.g. a GitHub Pages project URL).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Replace an output folder that partnersite did not write (deletes what it holds).
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Site folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Output format: `text` for people, `json` for tools, `github` for Actions annotations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only this partner's verdict.
    #[arg(long, value_name = "SLUG")]
    pub partner: Option<String>,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Site folder (the one holding site.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Folder to write the schemas into [default: ROOT/schemas].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Write nothing; exit 1 when a schema is missing or out of date (for CI).
    #[arg(long)]
    pub check: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

/// Exit code for content errors or missing required content.
pub const EXIT_CONTENT: u8 = 1;
/// Exit code for usage or I/O errors.
pub const EXIT_USAGE: u8 = 2;

/// Colour only for people: on a terminal and without NO_COLOR.
pub fn use_colour() -> bool {
    colour_on(&std::io::stderr())
}

fn colour_on(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Exit code 2 with a message when `root` holds no site.toml.
fn missing_site(root: &std::path::Path) -> Option<ExitCode> {
    if root.join(crate::config::SITE_FILE).is_file() {
        return None;
    }
    eprintln!(
        "error: no site.toml in {} (use --root to point at the site folder)",
        printable_path(root)
    );
    Some(ExitCode::from(EXIT_USAGE))
}

/// Standard output for a reader that may stop reading: `partnersite check | head -1`
/// closes the pipe early, and then the rest of the output is dropped quietly (as ripgrep
/// does) instead of failing with "Broken pipe" or panicking in `println!`. The command
/// still runs to its end and exits with its own code, so a failing check stays failing.
/// Other write errors (a full disk behind `>`) still fail the command.
pub struct Stdout {
    inner: std::io::StdoutLock<'static>,
    closed: bool,
}

/// See [`Stdout`].
pub fn stdout() -> Stdout {
    Stdout {
        inner: std::io::stdout().lock(),
        closed: false,
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            r => r,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            r => r,
        }
    }
}

/// Print diagnostics to stderr, then a count line when there are errors.
pub fn print_diagnostics(diags: &Diagnostics) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    let colour = use_colour();
    for d in diags.iter() {
        let _ = writeln!(out, "{}", formats::colour_diagnostic(d, colour));
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
        Command::Check(args) => check(args),
        Command::New(NewCommand::Partner { slug, name, root }) => {
            new_partner(&root, &slug, name.as_deref())
        }
        Command::Leads(LeadsCommand::Digest {
            root,
            output,
            period,
        }) => leads_digest(root, output, period),
        Command::Schema(args) => schema(args),
        Command::Leads(LeadsCommand::Allocate {
            root,
            input,
            output,
        }) => crate::leads::allocate_cmd::allocate(&root, &input, &output),
        Command::Leads(LeadsCommand::Verify { root, print_replay }) => {
            crate::leads::allocate_cmd::verify(&root, print_replay)
        }
        Command::Init { dir } => match crate::scaffold::init(&dir) {
            Ok(()) => {
                let mut out = stdout();
                writeln!(out, "created a new site in {}", printable_path(&dir))?;
                writeln!(
                    out,
                    "next: cd {} && partnersite serve",
                    printable_path(&dir)
                )?;
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: {}", esc(&format!("{e:#}")));
                Ok(ExitCode::from(EXIT_USAGE))
            }
        },
        Command::Serve(args) => {
            if let Some(code) = missing_site(&args.root) {
                return Ok(code);
            }
            crate::serve::run(crate::serve::ServeOptions {
                root: args.root,
                bind: args.bind,
                port: args.port,
                drafts: args.drafts,
                partner: args.partner,
                open: args.open,
            })
        }
    }
}

/// `partnersite new partner`: the folder, and what to do next.
fn new_partner(root: &std::path::Path, slug: &str, name: Option<&str>) -> Result<ExitCode> {
    match crate::scaffold::new_partner(root, slug, name) {
        Ok(dir) => {
            let mut out = stdout();
            writeln!(out, "created {}", printable_path(&dir))?;
            let slug = esc(slug);
            writeln!(
                out,
                "next: edit partner.toml and about.md, replace logo.svg, turn the draft examples into real content"
            )?;
            writeln!(
                out,
                "      (preview with `partnersite serve --drafts --partner {slug}`); the partner is a draft until you"
            )?;
            writeln!(
                out,
                "      set `draft = false` in partner.toml, and is then published once `partnersite check --partner {slug}` passes"
            )?;
            let schema = root
                .join(crate::schema::DEFAULT_DIR)
                .join(crate::schema::PARTNER);
            if !schema.is_file() {
                writeln!(
                    out,
                    "note: partner.toml's `#:schema` line names {}/{}, which does not exist yet: run `partnersite schema`",
                    crate::schema::DEFAULT_DIR,
                    crate::schema::PARTNER
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {}", esc(&format!("{e:#}")));
            Ok(ExitCode::from(EXIT_USAGE))
        }
    }
}

fn build(args: BuildArgs) -> Result<ExitCode> {
    let start = Instant::now();
    if let Some(code) = missing_site(&args.root) {
        return Ok(code);
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| pipeline::default_output(&args.root));
    // The leads source is a source too; a site.toml that does not load fails below anyway.
    let leads_source = crate::config::load(&args.root)
        .ok()
        .and_then(|(c, _)| c)
        .and_then(|c| c.leads)
        .map(|l| l.source.get_ref().clone())
        .filter(|s| !s.is_empty()); // no `source` at all: an error reported by the build
    let target = match Target::check(&args.root, &output, leads_source.as_deref(), args.force) {
        Ok(t) => t,
        Err(e) => return refused(e),
    };
    let opts = BuildOptions {
        root: args.root.clone(),
        base_url: args.base_url,
        drafts: args.drafts,
        preview: false,
        depth: crate::content::Depth::Full,
    };
    let prepared = match pipeline::prepare(&opts)? {
        Outcome::Ready(p) => p,
        Outcome::Failed(d, report) => {
            print_diagnostics(&d);
            if let Some(report) = report.filter(|r| !r.is_ok()) {
                eprintln!();
                eprint!("{}", formats::text(&report, None, use_colour()));
            }
            eprintln!("build failed: nothing was written");
            return Ok(ExitCode::from(EXIT_CONTENT));
        }
    };
    print_diagnostics(&prepared.warnings);
    let sink = match DiskSink::new(&target) {
        Ok(s) => s,
        Err(e) => return refused(e),
    };
    match pipeline::render_site(&prepared, &RenderOptions::default(), &sink)? {
        Ok(summary) => {
            print_diagnostics(&summary.warnings);
            let t = Instant::now();
            sink.commit()?;
            crate::timings::stage("commit", t);
            let mut out = stdout();
            writeln!(
                out,
                "built {} ({}, {}) into {} in {:.2?}",
                plural(summary.pages, "page", "pages"),
                plural(summary.files, "file", "files"),
                plural(prepared.site.partners.len(), "partner", "partners"),
                printable_path(&output),
                start.elapsed()
            )?;
            if !prepared.unlisted.is_empty() {
                writeln!(
                    out,
                    "not published (missing required content): {}",
                    esc(&prepared.unlisted.join(", "))
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            print_diagnostics(&d);
            eprintln!("build failed: the previous output was left as it was");
            Ok(ExitCode::from(EXIT_CONTENT))
        }
    }
}

/// Exit code 2: a refused output path as a diagnostic, any other error as usual.
fn refused(e: anyhow::Error) -> Result<ExitCode> {
    let Some(Refusal(d)) = e.downcast_ref::<Refusal>() else {
        return Err(e);
    };
    eprintln!("{}", formats::colour_diagnostic(d, use_colour()));
    eprintln!("build refused: nothing was written");
    Ok(ExitCode::from(EXIT_USAGE))
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    if let Some(code) = missing_site(&args.root) {
        return Ok(code);
    }
    let (diags, report) = check_all(&args.root)?;
    // The rule as configured, even when content errors stopped its evaluation.
    let rules_cfg = crate::config::load(&args.root)
        .ok()
        .and_then(|(c, _)| c)
        .and_then(|c| c.rules.map(|r| (r.year, r.rule)));
    if let Some(slug) = &args.partner
        && let Some(code) = unknown_partner(&args.root, slug, report.as_ref())
    {
        return Ok(code);
    }
    // A [rules] table whose verdicts could not be computed (content errors first).
    let not_checked = report.is_none() && rules_cfg.is_some();
    // With --partner, only that partner's problems matter (plus site-wide errors).
    let diags = match &args.partner {
        Some(slug) => {
            let own = format!("content/partners/{slug}/");
            Diagnostics(
                diags
                    .0
                    .into_iter()
                    .filter(|d: &Diagnostic| {
                        let p = d.display_path();
                        p.starts_with(&own) || !p.starts_with("content/partners/")
                    })
                    .collect(),
            )
        }
        None => diags,
    };
    let failing = report.as_ref().is_some_and(|r| {
        r.failing()
            .any(|v| args.partner.as_ref().is_none_or(|s| &v.slug == s))
    });
    let partner = args.partner.as_deref();
    let mut out = stdout();
    match args.format {
        Format::Text => {
            print_diagnostics(&diags);
            check_text(&mut out, report.as_ref(), partner, not_checked)?;
            if !diags.has_errors() && !failing && !not_checked {
                writeln!(out, "check passed")?;
            }
        }
        Format::Json => {
            writeln!(
                out,
                "{}",
                formats::json(report.as_ref(), &diags, partner, rules_cfg)?
            )?;
        }
        Format::Github => {
            for line in formats::github(report.as_ref(), &diags, partner) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(if diags.has_errors() || failing || not_checked {
        ExitCode::from(EXIT_CONTENT)
    } else {
        ExitCode::SUCCESS
    })
}

/// Every stage of `build` (rendering and output planning included) but the write: the
/// sorted diagnostics and the required-content report (when it could be computed).
fn check_all(root: &std::path::Path) -> Result<(Diagnostics, Option<crate::rules::Report>)> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        base_url: None,
        drafts: false,
        preview: false,
        depth: crate::content::Depth::Full,
    };
    Ok(match pipeline::prepare(&opts)? {
        Outcome::Ready(p) => {
            let mut diags = match pipeline::plan_site(&p)? {
                Ok(summary) => summary.warnings,
                Err(d) => d,
            };
            let p = *p;
            diags.extend(p.warnings);
            (diags.sorted(), p.report)
        }
        Outcome::Failed(d, r) => (d, r),
    })
}

/// Exit code 2 with a suggestion when `--partner` names no partner of the report (or,
/// when content errors stopped it, no folder of content/partners/).
fn unknown_partner(
    root: &std::path::Path,
    slug: &str,
    report: Option<&crate::rules::Report>,
) -> Option<ExitCode> {
    let known: Vec<String> = match report {
        Some(r) => r.verdicts.iter().map(|v| v.slug.clone()).collect(),
        None => std::fs::read_dir(root.join("content/partners"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    };
    if known.iter().any(|k| k == slug) {
        return None;
    }
    let hint = crate::diagnostics::suggest(slug, known.iter().map(String::as_str));
    eprintln!(
        "error: no published partner `{}` ({})",
        esc(slug),
        esc(&hint)
    );
    Some(ExitCode::from(EXIT_USAGE))
}

/// `check --format text` after the diagnostics: the required-content table, or why
/// there is none.
fn check_text(
    out: &mut Stdout,
    report: Option<&crate::rules::Report>,
    partner: Option<&str>,
    not_checked: bool,
) -> std::io::Result<()> {
    match report {
        Some(r) => write!(
            out,
            "{}",
            formats::text(r, partner, colour_on(&std::io::stdout()))
        ),
        None if not_checked => writeln!(
            out,
            "required content was not checked: fix the errors above first"
        ),
        None => writeln!(
            out,
            "no [rules] table in site.toml: no required content is checked"
        ),
    }
}

fn leads_digest(
    root: PathBuf,
    output: Option<PathBuf>,
    period: Option<String>,
) -> Result<ExitCode> {
    if let Some(code) = missing_site(&root) {
        return Ok(code);
    }
    let opts = BuildOptions {
        root,
        depth: crate::content::Depth::Records,
        ..Default::default()
    };
    let (site, _warnings) = match pipeline::load_full(&opts)? {
        Ok(x) => x,
        Err(d) => {
            print_diagnostics(&d);
            return Ok(ExitCode::from(EXIT_CONTENT));
        }
    };
    let loaded = match period {
        None => crate::leads::load_with_warnings(&site.config, &site.partners),
        Some(id) => match crate::leads::load_period(&site.config, &site.partners, &id) {
            Ok(Some(x)) => Ok(x),
            Ok(None) => return Ok(unknown_period(&site.config, &id)),
            Err(d) => Err(d),
        },
    };
    match loaded {
        Ok((Some(digest), warnings)) => {
            print_diagnostics(&warnings);
            let bytes = crate::leads::write_digest(&digest);
            match output {
                Some(path) => {
                    std::fs::write(&path, &bytes)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    eprintln!(
                        "wrote {} ({})",
                        printable_path(&path),
                        plural(digest.totals.leads as usize, "lead", "leads")
                    );
                }
                None => stdout().write_all(&bytes)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok((None, _)) => {
            eprintln!("error: site.toml has no [leads] table: nothing to digest");
            Ok(ExitCode::from(EXIT_USAGE))
        }
        Err(d) => {
            print_diagnostics(&d);
            Ok(ExitCode::from(EXIT_CONTENT))
        }
    }
}

/// `leads digest --period ID` with no such `[[leads.period]]`.
fn unknown_period(config: &crate::config::SiteConfig, id: &str) -> ExitCode {
    let ids = crate::leads::period_ids(config);
    if ids.is_empty() {
        eprintln!(
            "error: --period `{}`: site.toml has no [[leads.period]]",
            crate::diagnostics::escape_terminal(id)
        );
        eprintln!("  = help: leave out --period to digest [leads] source");
    } else {
        eprintln!(
            "error: --period `{}`: no [[leads.period]] has this id",
            crate::diagnostics::escape_terminal(id)
        );
        eprintln!(
            "  = help: {} (the periods: {})",
            crate::diagnostics::suggest(id, ids.iter().copied()),
            ids.join(", ")
        );
    }
    ExitCode::from(EXIT_USAGE)
}

/// `1 partner`, `2 partners`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `partnersite schema`: site.toml must load (its ids are the schemas' enums); the
/// output folder is checked before anything is written.
fn schema(args: SchemaArgs) -> Result<ExitCode> {
    if let Some(code) = missing_site(&args.root) {
        return Ok(code);
    }
    let (config, diags) = crate::config::load(&args.root)?;
    print_diagnostics(&diags);
    let Some(config) = config.filter(|_| !diags.has_errors()) else {
        eprintln!("schema failed: fix site.toml first; nothing was written");
        return Ok(ExitCode::from(EXIT_CONTENT));
    };
    let output = args
        .output
        .unwrap_or_else(|| args.root.join(crate::schema::DEFAULT_DIR));
    let leads = config.leads.as_ref().map(|l| l.source.get_ref().as_str());
    if let Err(e) = crate::schema::check_output(&args.root, &output, leads) {
        let Some(crate::schema::Refused(d)) = e.downcast_ref() else {
            return Err(e);
        };
        eprintln!("{}", formats::colour_diagnostic(d, use_colour()));
        eprintln!("schema refused: nothing was written");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let files = crate::schema::schemas(&config);
    let shown = printable_path(&output);
    let mut out = stdout();
    if args.check {
        let stale = crate::schema::stale(&output, &files);
        if stale.is_empty() {
            writeln!(out, "{} schemas in {shown} are up to date", files.len())?;
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "error: out of date or missing in {shown}: {}",
            esc(&stale.join(", "))
        );
        eprintln!("  = help: run `partnersite schema` and commit the result");
        return Ok(ExitCode::from(EXIT_CONTENT));
    }
    match crate::schema::write(&output, &files) {
        Ok(w) if w.changed.is_empty() => {
            writeln!(out, "{} schemas in {shown} are up to date", w.same.len())?;
        }
        Ok(w) => writeln!(
            out,
            "wrote {} into {shown}{}",
            esc(&w.changed.join(", ")),
            if w.same.is_empty() {
                String::new()
            } else {
                format!(" ({} unchanged)", w.same.len())
            }
        )?,
        Err(e) => {
            eprintln!("error: {}", esc(&format!("{e:#}")));
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    }
    Ok(ExitCode::SUCCESS)
}
