//! One planned output file ([`Job`]): where it goes, what it is made of, and what it
//! depends on; plus who produced it ([`Owner`]), for naming collisions.

use super::deps::Deps;
use super::theme::StaticFile;
use super::views::Urls;
use crate::diagnostics::{Diagnostic, display_path};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tera::Context;

/// One output file.
pub(super) struct Job<'a> {
    /// Site-relative path, forward slashes.
    pub path: String,
    /// What it shows, so that `serve` renders it again only when that changed.
    pub deps: Deps<'a>,
    pub make: Make<'a>,
}

/// Writes a generated file's bytes into the writer it is given.
pub(super) type Generator<'a> =
    dyn Fn(&mut dyn std::io::Write) -> anyhow::Result<()> + Send + Sync + 'a;

/// What one output file is made of.
pub(super) enum Make<'a> {
    Template {
        template: &'static str,
        ctx: Ctx<'a>,
        /// Listed in sitemap.xml.
        sitemap: bool,
    },
    Bytes(Vec<u8>),
    /// Bytes generated when the file is written (`partners.json`, share images).
    Generate(Box<Generator<'a>>),
    Copy(StaticFile),
}

/// A page's template context: built while planning, or (for the tens of thousands of
/// item pages) built only when the page is rendered, so contexts never pile up in memory
/// and pages a rebuild leaves out cost nothing. `None` from a lazy context skips the page:
/// shared work it needs failed and is reported once (see [`Planned::prepare`]).
///
/// [`Planned::prepare`]: super::plan::Planned::prepare
pub(super) enum Ctx<'a> {
    Ready(Box<Context>),
    Lazy(Box<dyn Fn() -> Option<Context> + Send + Sync + 'a>),
}

impl<'a> Ctx<'a> {
    /// A context built when the page is rendered.
    pub fn lazy(f: impl Fn() -> Context + Send + Sync + 'a) -> Ctx<'a> {
        Ctx::Lazy(Box::new(move || Some(f())))
    }
}

impl<'a> Job<'a> {
    /// A page in a folder (`blog/`): `blog/index.html`, listed in the sitemap.
    pub fn page(dir: &str, template: &'static str, ctx: Ctx<'a>, deps: Deps<'a>) -> Job<'a> {
        Job {
            path: format!("{dir}index.html"),
            deps,
            make: Make::Template {
                template,
                ctx,
                sitemap: true,
            },
        }
    }

    /// A templated file that is not a page (`badge.svg`, `atom.xml`, `404.html`).
    pub fn file(path: String, template: &'static str, ctx: Ctx<'a>, deps: Deps<'a>) -> Job<'a> {
        Job {
            path,
            deps,
            make: Make::Template {
                template,
                ctx,
                sitemap: false,
            },
        }
    }

    /// A file of fixed bytes.
    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>, deps: Deps<'a>) -> Job<'a> {
        Job {
            path: path.into(),
            deps,
            make: Make::Bytes(bytes),
        }
    }

    /// A file copied as it is.
    pub fn copy(path: String, source: StaticFile, deps: Deps<'a>) -> Job<'a> {
        Job {
            path,
            deps,
            make: Make::Copy(source),
        }
    }
}

/// The source file (and where in it) that produces an output path, to name it when two
/// producers meet: a duplicate URL, or a path that is both a file and a folder.
#[derive(Debug, Clone)]
pub(super) struct Owner<'a> {
    /// Relative to the site root (shown with forward slashes).
    file: &'a Path,
    line: usize,
    col: usize,
    /// The key that names the output (`logo`), prefixed to the message.
    key: Option<&'static str>,
}

impl<'a> Owner<'a> {
    /// A Markdown or TOML file whose name sets the URL: its first line.
    pub fn file(path: &'a Path) -> Owner<'a> {
        Owner {
            file: path,
            line: 1,
            col: 1,
            key: None,
        }
    }

    /// A file published as it is (a static file): the file itself, no line.
    pub fn whole(path: &'a Path) -> Owner<'a> {
        Owner {
            line: 0,
            col: 0,
            ..Owner::file(path)
        }
    }

    /// An asset named by a partner.toml key.
    pub fn asset(record: &'a Path, asset: &crate::content::Asset, key: &'static str) -> Owner<'a> {
        Owner {
            line: asset.at.0,
            col: asset.at.1,
            key: Some(key),
            ..Owner::file(record)
        }
    }

    pub fn diagnostic(&self, message: String) -> Diagnostic {
        let message = match self.key {
            Some(key) => format!("{key}: {message}"),
            None => message,
        };
        Diagnostic::error(PathBuf::from(display_path(self.file)), message).at(self.line, self.col)
    }

    pub fn shown(&self) -> String {
        match self.line {
            0 => display_path(self.file),
            _ => format!("{}:{}:{}", display_path(self.file), self.line, self.col),
        }
    }
}

/// (output path, source) pairs, for the collision checks.
pub(super) type Sources<'a> = Vec<(String, Owner<'a>)>;

/// Copy jobs for the images a Markdown document shows, skipping paths in `taken`. They
/// depend on what the document's page depends on.
pub(super) fn image_jobs<'a>(
    links: &'a crate::links::DocLinks,
    taken: &[String],
    deps: &Deps<'a>,
    jobs: &mut Vec<Job<'a>>,
    sources: &mut Sources<'a>,
) {
    for (path, file) in &links.images {
        if taken.contains(path) {
            continue;
        }
        sources.push((path.clone(), Owner::file(&links.source)));
        jobs.push(Job::copy(
            path.clone(),
            StaticFile::Disk(file.clone()),
            deps.clone(),
        ));
    }
}

/// A context holding the `page` meta (title, URL, permalink).
pub(super) fn page_ctx(title: &str, path: &str, urls: &Urls) -> Context {
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &PageMeta {
            title: title.to_string(),
            url: urls.url(path),
            permalink: urls.abs(path),
        },
    );
    ctx
}

#[derive(Serialize)]
struct PageMeta {
    title: String,
    url: String,
    permalink: String,
}
