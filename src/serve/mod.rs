//! `partnersite serve`: build in memory, serve over HTTP on loopback, watch the site,
//! rebuild (incrementally when only known Markdown files changed, fully otherwise), and
//! live-reload open pages. Rebuild policy lives here; watching in `watch`; HTTP in
//! `http`; the browser client and the error page in `client`.

mod client;
mod http;
mod watch;

use crate::content::{self, Patched, Site};
use crate::diagnostics::Diagnostics;
use crate::formats;
use crate::output::MemorySink;
use crate::pipeline::{self, BuildOptions, Outcome, Prepared};
use crate::render::{Dirty, RenderOptions};
use anyhow::{Context as _, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

/// Settings of one `serve` session.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    /// Print this partner's required-content verdict after each rebuild.
    pub partner: Option<String>,
    pub open: bool,
}

/// What the HTTP side reads: the rendered files and the current error list.
#[derive(Default)]
pub struct Shared {
    pub files: RwLock<BTreeMap<String, Vec<u8>>>,
    /// Errors of the last rebuild as plain text lines, shown in the overlay.
    pub errors: RwLock<Vec<String>>,
    /// Warnings (e.g. missing required content) shown in the overlay too.
    pub warnings: RwLock<Vec<String>>,
    /// Open live-reload connections.
    pub clients: Mutex<Vec<std::sync::mpsc::Sender<String>>>,
}

impl Shared {
    /// Send an event to every open page, dropping closed connections.
    pub fn broadcast(&self, event: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(event.to_string()).is_ok());
        }
    }

    /// The event that describes the current state: `reload`, or `problems` with the lists.
    pub fn state_event(&self) -> String {
        let errors = self.errors.read().map(|e| e.clone()).unwrap_or_default();
        let warnings = self.warnings.read().map(|e| e.clone()).unwrap_or_default();
        let json = serde_json::json!({ "errors": errors, "warnings": warnings });
        format!("event: problems\ndata: {json}\n\n")
    }
}

/// The rebuild side's state: the full model (drafts included) kept between rebuilds.
struct Session {
    opts: BuildOptions,
    serve: ServeOptions,
    full: Option<Site>,
    load_warnings: Diagnostics,
    shared: Arc<Shared>,
    /// A build has succeeded: a failed rebuild keeps serving it. Until then every path
    /// serves the error page.
    served_good: bool,
}

fn lines(d: &Diagnostics) -> Vec<String> {
    d.iter().map(|d| d.to_string()).collect()
}

impl Session {
    fn render_options(&self, only: Option<Dirty>) -> RenderOptions {
        RenderOptions {
            body_end: Some(client::SNIPPET.to_string()),
            only,
        }
    }

    /// Report the result of a rebuild to the terminal and the open pages.
    fn publish(&self, errors: Vec<String>, warnings: Vec<String>, started: Instant, what: &str) {
        let ok = errors.is_empty();
        for line in errors.iter().chain(&warnings) {
            eprintln!("{line}");
        }
        if let Ok(mut e) = self.shared.errors.write() {
            *e = errors;
        }
        if let Ok(mut w) = self.shared.warnings.write() {
            *w = warnings;
        }
        if !ok && !self.served_good {
            self.serve_error_page();
        }
        if ok {
            self.shared.broadcast("event: reload\ndata: {}\n\n");
            eprintln!("{what} in {} ms", started.elapsed().as_millis());
        } else {
            self.shared.broadcast(&self.shared.state_event());
            if self.served_good {
                eprintln!(
                    "rebuild failed; still serving the last good site (fix the file and save)"
                );
            } else {
                eprintln!(
                    "build failed; every page shows the errors until the site builds (fix the file and save)"
                );
            }
        }
    }

    /// Answer every path with the error page: `/` as `index.html`, the rest as the 404
    /// page the HTTP side sends for unknown paths.
    fn serve_error_page(&self) {
        let errors = self
            .shared
            .errors
            .read()
            .map(|e| e.clone())
            .unwrap_or_default();
        let page = client::error_page(&errors).into_bytes();
        if let Ok(mut map) = self.shared.files.write() {
            *map = BTreeMap::from([
                ("index.html".to_string(), page.clone()),
                ("404.html".to_string(), page),
            ]);
        }
    }

    fn print_partner(&self, prepared_report: Option<&crate::rules::Report>) {
        if let (Some(slug), Some(r)) = (&self.serve.partner, prepared_report) {
            eprint!("{}", formats::text(r, Some(slug), false));
        }
    }

    /// Render a prepared site; returns the files or the errors.
    fn render(
        &self,
        p: &Prepared,
        only: Option<Dirty>,
    ) -> Result<std::result::Result<MemorySink, Diagnostics>> {
        let sink = MemorySink::default();
        Ok(pipeline::render_site(p, &self.render_options(only), &sink)?.map(|_| sink))
    }

    fn full_rebuild(&mut self, started: Instant) -> Result<()> {
        let loaded = match pipeline::load_full(&self.opts) {
            Ok(loaded) => loaded,
            Err(e) => {
                // E.g. site.toml renamed away mid-save: shown like any other problem.
                self.full = None;
                self.publish(vec![format!("error: {e:#}")], vec![], started, "");
                return Ok(());
            }
        };
        let (full, warnings) = match loaded {
            Ok(x) => x,
            Err(d) => {
                // Never patch a model the disk no longer matches.
                self.full = None;
                self.publish(lines(&d), vec![], started, "");
                return Ok(());
            }
        };
        self.full = Some(full);
        self.load_warnings = warnings;
        self.finish_and_render(started, None, "rebuilt")
    }

    fn finish_and_render(
        &mut self,
        started: Instant,
        only: Option<Dirty>,
        what: &str,
    ) -> Result<()> {
        let Some(full) = &self.full else {
            return Ok(());
        };
        let prepared = match pipeline::finish(full, self.load_warnings.clone(), &self.opts) {
            Outcome::Ready(p) => p,
            Outcome::Failed(d, r) => {
                self.print_partner(r.as_ref());
                self.publish(lines(&d), vec![], started, "");
                return Ok(());
            }
        };
        let incremental = only.is_some();
        match self.render(&prepared, only)? {
            Ok(sink) => {
                let files = sink.into_files();
                let n = files.len();
                self.served_good = true;
                if let Ok(mut map) = self.shared.files.write() {
                    if incremental {
                        map.extend(files);
                    } else {
                        *map = files;
                    }
                }
                self.print_partner(prepared.report.as_ref());
                self.publish(
                    vec![],
                    lines(&prepared.warnings),
                    started,
                    &format!("{what} ({n} file{})", if n == 1 { "" } else { "s" }),
                );
            }
            Err(d) => self.publish(lines(&d), vec![], started, ""),
        }
        Ok(())
    }

    /// Apply a batch of changes: incremental when every path is a Markdown file the model
    /// already holds and nothing structural happened (a folder event, a file gone, a
    /// rename of a real file), a full rebuild otherwise. Incrementally the whole site is
    /// still planned; what changed ([`Dirty`]) picks the jobs whose dependencies it
    /// touches, and only those are rendered and replaced in the served files.
    fn on_change(&mut self, batch: &watch::Batch) -> Result<()> {
        let started = batch.started.unwrap_or_else(Instant::now);
        let rels = &batch.paths;
        if batch.structural || rels.is_empty() {
            return self.full_rebuild(started);
        }
        if let Some(full) = self.full.as_mut() {
            let mut dirty = Dirty::default();
            let mut incremental = true;
            let mut errors = Diagnostics::default();
            for rel in rels {
                match content::reload_file(full, rel) {
                    Some(Ok(Patched::Partner(slug))) => {
                        dirty.partners.insert(slug);
                    }
                    Some(Ok(Patched::ProgramPost(slug))) => {
                        dirty.program_posts.insert(slug);
                    }
                    Some(Err(d)) => errors.extend(d),
                    None => {
                        incremental = false;
                        break;
                    }
                }
            }
            if incremental {
                if errors.has_errors() {
                    // Keep the model consistent with the disk for the next attempt.
                    self.full = None;
                    self.publish(lines(&errors.sorted()), vec![], started, "");
                    return Ok(());
                }
                let what = format!(
                    "rebuilt {} incrementally",
                    rels.iter()
                        .map(|r| crate::diagnostics::printable_path(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                return self.finish_and_render(started, Some(dirty), &what);
            }
        }
        self.full_rebuild(started)
    }
}

/// Run the server until interrupted; exit code 2 for an unknown `--partner`.
pub fn run(serve: ServeOptions) -> Result<ExitCode> {
    let root = serve
        .root
        .canonicalize()
        .with_context(|| format!("cannot open site folder {}", serve.root.display()))?;
    let listener = http::Listener::bind(&serve.bind, serve.port)?;
    let base_url = listener.base_url().to_string();
    let opts = BuildOptions {
        root: root.clone(),
        base_url: Some(base_url.clone()),
        drafts: serve.drafts,
        preview: true,
        depth: crate::content::Depth::Full,
    };
    let shared = Arc::new(Shared::default());
    let mut session = Session {
        opts,
        serve: serve.clone(),
        full: None,
        load_warnings: Diagnostics::default(),
        shared: shared.clone(),
        served_good: false,
    };
    // Watch before the first build, so a save made during it is not lost.
    let mut watcher = watch::Watch::start(&root)?;
    session.full_rebuild(Instant::now())?;
    if let Some(slug) = &serve.partner
        && let Err(message) = session.check_partner(slug)
    {
        eprintln!("error: {}", crate::diagnostics::escape_terminal(&message));
        return Ok(ExitCode::from(crate::cli::EXIT_USAGE));
    }
    watcher.set_outside(&session.outside_inputs());

    let start_url = match &serve.partner {
        Some(slug) => format!("{base_url}partners/{slug}/"),
        None => base_url.clone(),
    };
    let http_shared = shared.clone();
    std::thread::Builder::new()
        .name("partnersite-accept".into())
        .spawn(move || http::serve_connections(listener, http_shared))
        .context("cannot start the preview server's thread")?;
    eprintln!(
        "serving {} at {} (Ctrl+C to stop)",
        crate::diagnostics::printable_path(&root),
        crate::diagnostics::escape_terminal(&start_url)
    );
    if serve.open {
        open_browser(&start_url);
    }
    while let Some(batch) = watcher.next_batch() {
        if let Err(e) = session.on_change(&batch) {
            eprintln!(
                "error: {}",
                crate::diagnostics::escape_terminal(&format!("{e:#}"))
            );
        }
        watcher.set_outside(&session.outside_inputs());
    }
    Ok(ExitCode::SUCCESS)
}

impl Session {
    /// `--partner SLUG` must name a partner `serve` shows. Checked against the loaded
    /// site (published partners, drafts too with `--drafts`); on a site that did not
    /// load, against the folders in content/partners/, as `check` does.
    fn check_partner(&self, slug: &str) -> std::result::Result<(), String> {
        let (known, what): (Vec<String>, _) = match &self.full {
            Some(site) => (
                site.partners
                    .iter()
                    .filter(|p| self.serve.drafts || !p.draft)
                    .map(|p| p.slug.clone())
                    .collect(),
                format!("no published partner `{slug}`"),
            ),
            None => (
                partner_folders(&self.opts.root.join("content/partners")),
                format!("no partner folder `{slug}` in content/partners/"),
            ),
        };
        if known.iter().any(|k| k == slug) {
            return Ok(());
        }
        let hint = crate::diagnostics::suggest(slug, known.iter().map(String::as_str));
        Err(format!("{what} ({hint})"))
    }

    /// Inputs outside the site folder that a rebuild reads (a leads source given as
    /// `../private/leads.csv`), canonical so that they compare with watcher paths.
    fn outside_inputs(&self) -> Vec<PathBuf> {
        let root = &self.opts.root;
        let Some(leads) = self.full.as_ref().and_then(|s| s.config.leads.as_ref()) else {
            return Vec::new();
        };
        let path = root.join(leads.source.get_ref());
        let canonical = path.canonicalize().ok().or_else(|| {
            let parent = path.parent()?.canonicalize().ok()?;
            Some(parent.join(path.file_name()?))
        });
        canonical
            .filter(|p| !p.starts_with(root))
            .into_iter()
            .collect()
    }
}

/// The folder names under `dir`, sorted.
fn partner_folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd).arg(url).spawn().is_err() {
        eprintln!(
            "could not open a browser; visit {}",
            crate::diagnostics::escape_terminal(url)
        );
    }
}
