//! Rendering: the model becomes a plan of output jobs (one per file, each with what it
//! depends on), checked for duplicate URLs, then rendered in parallel with tera into a
//! [`Sink`]. Planning lives in `plan`, one module per part of the site.

mod badge;
mod check;
pub mod deps;
mod job;
mod jsonld;
mod meta;
mod navhtml;
mod plan;
pub mod theme;
pub mod views;

use crate::content::Site;
use crate::diagnostics::Diagnostics;
use crate::facets::FACETS;
use crate::output::Sink;
use anyhow::{Context as _, Result};
pub use deps::{Deps, Dirty, Source};
use job::{Ctx, Job, Make};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::{Context, Value};
pub use theme::Theme;
use views::{NavLink, Urls};

/// Items per page on the long listings (blog, case studies, testimonials, clients).
pub const PER_PAGE: usize = 48;
/// Entries in each Atom feed.
pub const FEED_ENTRIES: usize = 50;

/// Pages and files contributed by later stages (rules, transparency report).
#[derive(Default)]
pub struct Extras {
    /// Pages rendered like any other (the renderer adds the `page` meta).
    pub pages: Vec<ExtraPage>,
    /// Files written as they are.
    pub files: Vec<(String, Vec<u8>)>,
    /// Extra entries for the header's navigation (title, site-relative path).
    pub nav: Vec<(String, String)>,
    /// Extra entries for the footer's navigation (title, site-relative path).
    pub footer_nav: Vec<(String, String)>,
    /// Per-partner values inserted into the profile context as `extra` (e.g. lead panel).
    pub partner_panels: BTreeMap<String, Value>,
    /// The build's today ([`crate::today`]), which picks the spotlight's edition.
    pub today: Option<crate::date::Date>,
}

/// A page contributed by a later stage.
pub struct ExtraPage {
    /// Site-relative folder, e.g. `transparency/`.
    pub path: String,
    pub template: &'static str,
    pub title: String,
    /// The page's own values (`page` is added by the renderer).
    pub ctx: Context,
}

/// Options that change what is rendered.
#[derive(Default, Clone)]
pub struct RenderOptions {
    /// HTML inserted before `</body>` of every page (live reload client in `serve`).
    pub body_end: Option<String>,
    /// `serve`'s incremental rebuilds: the whole site is planned, and only the outputs
    /// that depend on these changes are rendered (see [`Dirty::touches`]).
    pub only: Option<Dirty>,
}

#[derive(Debug, Clone, Default)]
pub struct RenderSummary {
    pub pages: usize,
    /// Files planned and written (an incremental rebuild counts only what it rendered).
    pub files: usize,
    /// Problems found while rendering that do not stop it (`[links] internal = "warn"`).
    pub warnings: Diagnostics,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    /// base_url's path, ends with `/`: prefix of every internal URL.
    base: &'a str,
    base_url: &'a str,
    /// The header's links.
    nav: Vec<NavLink>,
    /// The footer's links.
    footer_nav: Vec<NavLink>,
    facets: Vec<FacetView>,
    /// This week's spotlight (`[spotlight]`), shown on the home page and the blog.
    spotlight: Option<&'a plan::SpotlightView>,
}

#[derive(Serialize, Clone)]
struct FacetView {
    key: &'static str,
    segment: &'static str,
    label: &'static str,
    terms: Vec<views::Term>,
}

/// The theme's templates with the `site` values every page sees.
fn site_tera(
    site: &Site,
    theme: &Theme,
    extras: &Extras,
    facets: &plan::FacetTerms,
    urls: &Urls,
    opts: &RenderOptions,
    spotlight: Option<&plan::SpotlightView>,
) -> tera::Tera {
    let c = &site.config;
    let (nav, footer_nav) = plan::nav(site, extras, urls);
    let site_view = SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base: &urls.base,
        base_url: &urls.absolute,
        nav,
        footer_nav,
        facets: facets
            .iter()
            .map(|(f, terms)| FacetView {
                key: f.key,
                segment: f.segment,
                label: f.label,
                terms: terms.clone(),
            })
            .collect(),
        spotlight,
    };
    let mut tera = theme.tera.clone();
    tera.global_context().insert("site", &site_view);
    tera.global_context()
        .insert("live_reload", &opts.body_end.is_some());
    tera
}

/// Render the site into `sink` (with `opts.only`, the part of it that depends on those
/// changes). Content problems (duplicate URLs, template errors) come back as
/// diagnostics; I/O problems as errors.
pub fn render(
    site: &Site,
    theme: &Theme,
    extras: Extras,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<std::result::Result<RenderSummary, Diagnostics>> {
    let urls = Urls::new(&site.config);
    let facets: plan::FacetTerms = Arc::new(
        FACETS
            .iter()
            .map(|f| (f, views::facet_terms(f, site, &urls)))
            .collect(),
    );
    let edition = site
        .config
        .spotlight
        .as_ref()
        .map(|s| crate::spotlight::edition(site, s, extras.today));
    let spotlight = edition
        .as_ref()
        .map(|e| (e, plan::spotlight_view(e, site, &urls)));
    let view = spotlight.as_ref().map(|(_, v)| v);
    let tera = site_tera(site, theme, &extras, &facets, &urls, opts, view);
    let t = std::time::Instant::now();
    let spotlight = spotlight.as_ref().map(|(e, v)| (*e, v));
    let mut planned = plan::plan(site, theme, &facets, extras, spotlight, &urls);
    if let Some(dirty) = &opts.only {
        planned.jobs.retain(|j| dirty.touches(&j.deps));
        planned.prepare.retain(|p| dirty.touches(&p.deps));
    }
    let t = crate::timings::stage("plan:jobs", t);
    let prepare_failed: Vec<(String, tera::Error)> = planned
        .prepare
        .into_iter()
        .filter_map(|p| (p.run)(&tera))
        .collect();
    let t = crate::timings::stage("plan:shared", t);
    let mut diags = Diagnostics::default();
    let rendered = write(
        site,
        planned.jobs,
        planned.sources,
        &tera,
        opts,
        sink,
        &mut diags,
        t,
    )?;
    let failed: Vec<_> = prepare_failed.into_iter().chain(rendered.failed).collect();
    if diags.has_errors() || !failed.is_empty() {
        diags.extend(check::render_errors(failed, &theme.sources));
        return Ok(Err(diags.sorted()));
    }
    Ok(Ok(RenderSummary {
        pages: rendered.pages,
        files: rendered.files,
        warnings: diags.sorted(),
    }))
}

/// What writing the jobs did.
struct Written {
    pages: usize,
    files: usize,
    /// Pages whose template failed.
    failed: Vec<(String, tera::Error)>,
}

/// Check the jobs (collisions; internal links when the whole site is rendered), then
/// render and write them. Problems found go to `diags`; with errors among them, every
/// page is still rendered (into nothing) so that template errors come out in the same
/// run.
#[allow(clippy::too_many_arguments)]
fn write(
    site: &Site,
    jobs: Vec<Job>,
    sources: job::Sources,
    tera: &tera::Tera,
    opts: &RenderOptions,
    sink: &dyn Sink,
    diags: &mut Diagnostics,
    t: std::time::Instant,
) -> Result<Written> {
    let (paths, found) = check::collisions(&jobs, &sources);
    diags.extend(found);
    // Who produced each path only names collisions: not kept while rendering (at
    // N = 10,000, 140,000 paths and file names, about 25 MB).
    drop(sources);
    let t = crate::timings::stage("urls", t);
    // Every internal link against the planned output, before anything is written. An
    // incremental rebuild renders only part of the site: its links are checked by the
    // next full one.
    if opts.only.is_none() {
        let docs = crate::links::documents(site);
        diags.extend(crate::links::check(
            &docs,
            &paths,
            site.config.links.internal,
        ));
    }
    let t = crate::timings::stage("links", t);
    let sink: &dyn Sink = if diags.has_errors() {
        &check::Discard
    } else {
        sink
    };
    let files = paths.len();
    sink.prepare_dirs(&folders(&paths))?;
    drop(paths);
    let pages = AtomicUsize::new(0);
    let failed = render_jobs(jobs, tera, opts, sink, &pages)?;
    crate::timings::stage("render", t);
    Ok(Written {
        pages: pages.into_inner(),
        files,
        failed,
    })
}

/// Every folder of the output paths once, parents first, instead of a create_dir_all
/// per file.
fn folders(paths: &std::collections::BTreeSet<&str>) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for path in paths {
        let mut end = 0;
        while let Some(i) = path.get(end..).and_then(|rest| rest.find('/')) {
            end += i + 1;
            dirs.push(path.get(..end - 1).unwrap_or_default().to_string());
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Render and write every job in parallel; the pages whose template failed come back.
fn render_jobs(
    jobs: Vec<Job>,
    tera: &tera::Tera,
    opts: &RenderOptions,
    sink: &dyn Sink,
    pages: &AtomicUsize,
) -> Result<Vec<(String, tera::Error)>> {
    Ok(jobs
        .into_par_iter()
        .map(
            |Job { path, make, .. }| -> Result<Option<(String, tera::Error)>> {
                match make {
                    Make::Template { template, ctx, .. } => {
                        let built;
                        let ctx: &Context = match &ctx {
                            Ctx::Ready(c) => c,
                            Ctx::Lazy(f) => match f() {
                                Some(c) => {
                                    built = c;
                                    &built
                                }
                                // Shared work failed; it is reported once, by itself.
                                None => return Ok(None),
                            },
                        };
                        if let Err(e) = render_page(tera, template, ctx, &path, opts, sink)? {
                            return Ok(Some((path, e)));
                        }
                        pages.fetch_add(1, Ordering::Relaxed);
                    }
                    Make::Bytes(bytes) => sink.write(&path, &bytes)?,
                    // `check` keeps no bytes: nothing to generate (share images).
                    Make::Generate(_) if !sink.keeps_bytes() => sink.write(&path, &[])?,
                    Make::Generate(f) => generate(&path, &*f, sink)?,
                    Make::Copy(source) => match source {
                        theme::StaticFile::Embedded(b) => sink.write(&path, b)?,
                        theme::StaticFile::Disk(p) => sink
                            .copy(&path, &p)
                            .with_context(|| format!("copying {}", p.display()))?,
                    },
                }
                Ok(None)
            },
        )
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

/// Write a generated file (`partners.json`, a share image) as its generator writes it,
/// in pieces of [`PAGE_KEEP`] bytes; the generator's own error comes back as it is, a
/// write error as the sink names it.
fn generate(path: &str, f: &job::Generator, sink: &dyn Sink) -> Result<()> {
    written_through(sink, path, &mut Vec::new(), |w| f(w))?
}

/// Write `path` as `produce` writes it through `buf`, in pieces of [`PAGE_KEEP`] bytes.
/// `Ok(Err)`: `produce` failed by itself (a template, a generator) and no file is left;
/// `Err`: writing failed, named by the sink.
fn written_through<E>(
    sink: &dyn Sink,
    path: &str,
    buf: &mut Vec<u8>,
    mut produce: impl FnMut(&mut Chunks) -> std::result::Result<(), E>,
) -> Result<std::result::Result<(), E>> {
    let mut failed = None;
    let written = sink.write_from(path, &mut |out| {
        let mut w = Chunks { out, buf, io: None };
        match produce(&mut w) {
            Ok(()) => w.finish(),
            Err(e) => Err(w.io.take().unwrap_or_else(|| {
                failed = Some(e);
                std::io::Error::other("the writer failed")
            })),
        }
    });
    match failed {
        Some(e) => Ok(Err(e)),
        None => written.map(Ok),
    }
}

/// The capacity each render thread's page buffer keeps between pages.
const PAGE_KEEP: usize = 1 << 20;

thread_local! {
    /// Each render thread's output buffer, reused from page to page: pages are rendered
    /// without growing a new buffer each time, and written without a UTF-8 re-check.
    static PAGE: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(1 << 16));
}

/// Render one page through this thread's buffer into its file (`Ok(Err)`: the template
/// failed and no file is written; `Err`: writing failed). The buffer is written out each
/// time it holds [`PAGE_KEEP`] bytes, so a page of 10,000 cards is never held whole.
fn render_page(
    tera: &tera::Tera,
    template: &str,
    ctx: &Context,
    path: &str,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<std::result::Result<(), tera::Error>> {
    PAGE.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        if let (Some(snippet), true) = (&opts.body_end, path.ends_with(".html")) {
            if let Err(e) = tera.render_to(template, ctx, &mut *buf) {
                return Ok(Err(e));
            }
            let html = String::from_utf8_lossy(&buf).into_owned();
            sink.write(path, inject_before_body_end(html, snippet).as_bytes())?;
            return Ok(Ok(()));
        }
        let written = written_through(sink, path, &mut buf, |w| tera.render_to(template, ctx, w));
        // A large page (with `body_end`, held whole) would otherwise stay allocated on
        // each thread for the whole render.
        buf.shrink_to(PAGE_KEEP);
        written
    })
}

/// A writer that collects a page in `buf` and writes it to `out` in pieces of
/// [`PAGE_KEEP`] bytes (once, at the end, for almost every page).
struct Chunks<'a> {
    out: &'a mut dyn std::io::Write,
    buf: &'a mut Vec<u8>,
    /// The first write error, told apart from a template error.
    io: Option<std::io::Error>,
}

impl Chunks<'_> {
    fn finish(&mut self) -> std::io::Result<()> {
        self.out.write_all(self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl std::io::Write for Chunks<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PAGE_KEEP
            && let Err(e) = self.finish()
        {
            let kind = e.kind();
            self.io = Some(e);
            return Err(kind.into());
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn inject_before_body_end(mut html: String, snippet: &str) -> String {
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, snippet),
        None => html.push_str(snippet),
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    /// Records each write it gets.
    #[derive(Default)]
    struct Pieces(Vec<usize>, Vec<u8>);

    impl std::io::Write for Pieces {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.push(bytes.len());
            self.1.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A sink whose file cannot be written (a full disk).
    struct Full;

    impl Sink for Full {
        fn write(&self, _: &str, _: &[u8]) -> Result<()> {
            Ok(())
        }
        fn write_from(&self, path: &str, fill: &mut crate::output::Fill<'_>) -> Result<()> {
            struct Disk;
            impl std::io::Write for Disk {
                fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        "no space left",
                    ))
                }
                fn flush(&mut self) -> std::io::Result<()> {
                    Ok(())
                }
            }
            fill(&mut Disk).with_context(|| format!("cannot write {path}"))
        }
    }

    /// A generator's own failure comes back as it is and leaves no file; a write that
    /// fails is named by the sink, not taken for the generator's.
    #[test]
    fn generated_files_report_their_own_errors_and_the_sinks() {
        let memory = crate::output::MemorySink::default();
        let err = generate("og.png", &|_| Err(anyhow::anyhow!("no font")), &memory).unwrap_err();
        assert_eq!(format!("{err:#}"), "no font");
        generate("a.json", &|w| Ok(w.write_all(b"{}")?), &memory).unwrap();
        let files = memory.into_files();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["a.json"]);

        let err = generate("a.json", &|w| Ok(w.write_all(&[b' '; 3 << 20])?), &Full).unwrap_err();
        assert_eq!(format!("{err:#}"), "cannot write a.json: no space left");
    }

    /// A template that fails leaves no page and comes back as a template error; a page
    /// that cannot be written comes back as an I/O error, not as a template's.
    #[test]
    fn a_page_tells_template_errors_from_write_errors() {
        let mut tera = tera::Tera::default();
        tera.add_raw_template("ok.html", "<p>{{ x }}</p>").unwrap();
        tera.add_raw_template("bad.html", "<p>{{ x }}{{ x.missing.deeper }}</p>")
            .unwrap();
        let mut ctx = Context::new();
        ctx.insert("x", "hello");
        let (opts, memory) = (
            RenderOptions::default(),
            crate::output::MemorySink::default(),
        );
        let page =
            |template, path, sink: &dyn Sink| render_page(&tera, template, &ctx, path, &opts, sink);
        assert!(page("bad.html", "bad.html", &memory).unwrap().is_err());
        page("ok.html", "ok.html", &memory).unwrap().unwrap();
        let files = memory.into_files();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["ok.html"]);
        assert_eq!(
            files.get("ok.html").map(Vec::as_slice),
            Some(&b"<p>hello</p>"[..])
        );
        let err = page("ok.html", "ok.html", &Full).unwrap_err();
        assert_eq!(format!("{err:#}"), "cannot write ok.html: no space left");
    }

    /// A small page reaches its file in one write; a large one in pieces of about
    /// PAGE_KEEP bytes, never held whole, and byte for byte.
    #[test]
    fn pages_are_written_once_or_in_pieces() {
        let (mut out, mut buf) = (Pieces::default(), Vec::new());
        let mut w = Chunks {
            out: &mut out,
            buf: &mut buf,
            io: None,
        };
        w.write_all(b"<p>small</p>").unwrap();
        w.finish().unwrap();
        assert_eq!(out.0, [12]);

        let (mut out, mut buf) = (Pieces::default(), Vec::new());
        let line = [b'x'; 1000];
        let mut w = Chunks {
            out: &mut out,
            buf: &mut buf,
            io: None,
        };
        for _ in 0..3_000 {
            w.write_all(&line).unwrap();
        }
        w.finish().unwrap();
        assert_eq!(out.1.len(), 3_000_000);
        assert_eq!(out.0.len(), 3, "{:?}", out.0);
        assert!(out.0.iter().all(|&n| n <= PAGE_KEEP + line.len()));
        assert!(buf.capacity() <= 2 * PAGE_KEEP + line.len());
    }
}
