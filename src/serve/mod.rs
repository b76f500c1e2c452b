//! `partnersite serve`: build in memory, serve over HTTP on loopback, watch the site,
//! rebuild (incrementally when one Markdown file changed), and live-reload open pages.
//! Watching and rebuild policy live here; HTTP in [`http`]; the browser client in
//! [`client`].

mod client;
mod http;
mod watch;

use crate::content::{self, Patched, Site};
use crate::diagnostics::Diagnostics;
use crate::output::MemorySink;
use crate::pipeline::{self, BuildOptions, Outcome, Prepared};
use crate::render::{Dirty, RenderOptions};
use crate::report;
use anyhow::{Context as _, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
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
        if ok {
            self.shared.broadcast("event: reload\ndata: {}\n\n");
            eprintln!("{what} in {} ms", started.elapsed().as_millis());
        } else {
            self.shared.broadcast(&self.shared.state_event());
            eprintln!("rebuild failed; still serving the last good site (fix the file and save)");
        }
    }

    fn print_partner(&self, prepared_report: Option<&crate::rules::Report>) {
        if let (Some(slug), Some(r)) = (&self.serve.partner, prepared_report) {
            eprint!("{}", report::text(r, Some(slug), false));
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
        let loaded = pipeline::load_full(&self.opts)?;
        let (full, warnings) = match loaded {
            Ok(x) => x,
            Err(d) => {
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
                    &format!("{what} ({n} files)"),
                );
            }
            Err(d) => self.publish(lines(&d), vec![], started, ""),
        }
        Ok(())
    }

    /// Apply a batch of changed paths: incremental when every path is a Markdown file the
    /// model already holds, a full rebuild otherwise.
    fn on_change(&mut self, changed: &[PathBuf], started: Instant) -> Result<()> {
        let root = self.opts.root.clone();
        let rels: Vec<PathBuf> = changed
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap_or(p).to_path_buf())
            .collect();
        if let Some(full) = self.full.as_mut() {
            let mut dirty = Dirty::default();
            let mut incremental = true;
            let mut errors = Diagnostics::default();
            for rel in &rels {
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

/// Run the server until interrupted.
pub fn run(serve: ServeOptions) -> Result<()> {
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
    };
    session.full_rebuild(Instant::now())?;

    let start_url = match &serve.partner {
        Some(slug) => format!("{base_url}partners/{slug}/"),
        None => base_url.clone(),
    };
    let http_shared = shared.clone();
    std::thread::Builder::new()
        .name("partnersite-accept".into())
        .spawn(move || http::serve_connections(listener, http_shared))
        .context("cannot start the preview server's thread")?;
    let watched = watch::watched_paths(&root, session.full.as_ref().map(|s| &s.config));
    let ready = || {
        eprintln!(
            "serving {} at {} (Ctrl+C to stop)",
            crate::diagnostics::printable_path(&root),
            crate::diagnostics::escape_terminal(&start_url)
        );
        if serve.open {
            open_browser(&start_url);
        }
    };
    watch::watch(&root, &watched, ready, |changed, started| {
        if let Err(e) = session.on_change(changed, started) {
            eprintln!(
                "error: {}",
                crate::diagnostics::escape_terminal(&format!("{e:#}"))
            );
        }
    })
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
