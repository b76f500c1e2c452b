//! The checks over a plan before anything is written (two outputs at one path, a path
//! that is both a file and a folder) and the grouping of template failures into
//! diagnostics.

use super::job::{Job, Make, Owner, Sources};
use super::theme;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::{KINDS, Shape, by_shape};
use crate::output::Sink;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Templates rendered by partnersite itself rather than for one source file.
fn generated(job: &Job) -> Option<String> {
    match &job.make {
        Make::Template { template, .. } if !from_a_source_file(template) => Some(format!(
            "partnersite generates it from the template {template}"
        )),
        Make::Bytes(_) | Make::Generate(_) => Some("partnersite generates it".into()),
        Make::Copy(theme::StaticFile::Embedded(_)) => {
            Some("it is a static file of the default theme".into())
        }
        _ => None,
    }
}

/// Whether pages of this template render one source file (a profile, an item page).
fn from_a_source_file(template: &str) -> bool {
    template == "partner.html" || KINDS.iter().any(|k| k.item_template == Some(template))
}

/// Every output path planned twice, or planned as a file and needed as a folder, found
/// before anything is written and named against the source files involved. Also returns
/// the set of planned paths.
pub(super) fn collisions<'j>(
    jobs: &'j [Job],
    sources: &Sources,
) -> (BTreeSet<&'j str>, Diagnostics) {
    // Sorted (path, index) pairs rather than maps of vectors: at N = 10,000 there are
    // 140,000 paths, and a vector per path cost ~20 MB at the build's peak.
    let by_path = sorted_paths(jobs.iter().map(|j| j.path.as_str()));
    let owned = sorted_paths(sources.iter().map(|(path, _)| path.as_str()));
    let owners = |path: &str| -> Vec<&Owner> {
        same(&owned, path)
            .iter()
            .filter_map(|&(_, i)| sources.get(i).map(|(_, o)| o))
            .collect()
    };
    let other = |path: &str| {
        same(&by_path, path)
            .iter()
            .find_map(|&(_, i)| jobs.get(i).and_then(generated))
    };
    let mut diags = Diagnostics::default();
    for js in by_path
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|js| js.len() > 1)
    {
        let path = js.first().map_or("", |&(p, _)| p);
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let files = owners(path);
        diags.push(match files.as_slice() {
            [first, second, ..] => second
                .diagnostic(format!("two files have the same URL {url}"))
                .hint(format!(
                    "{} also renders to it; rename one of the files",
                    first.shown()
                )),
            [only] => only
                .diagnostic(format!(
                    "the URL {url} is reserved: {}",
                    other(path).unwrap_or_else(|| "another output has it".into())
                ))
                .hint(reserved_hint()),
            [] => Diagnostic::error(
                "content",
                format!("{} outputs have the same URL {url}", js.len()),
            )
            .hint("rename the page, post or static file that produces it"),
        });
    }
    let paths: BTreeSet<&str> = by_path.iter().map(|&(p, _)| p).collect();
    for (file, inside) in crate::output::folder_conflicts(&paths) {
        let first = |p: &str| owners(p).first().copied();
        let what = match first(&file) {
            Some(o) => format!("the output of {}", o.shown()),
            None => other(&file).unwrap_or_else(|| "partnersite generates it".into()),
        };
        let folder = file.rsplit('/').next().unwrap_or(&file);
        let message = format!(
            "the output file /{inside} would be inside /{file}, which is a file too ({what})"
        );
        let hint = format!(
            "rename the folder `{folder}`: an output path cannot be both a file and a folder"
        );
        diags.push(match first(&inside).or(first(&file)) {
            Some(o) => o.diagnostic(message).hint(hint),
            None => Diagnostic::error("content", message).hint(hint),
        });
    }
    (paths, diags)
}

/// (path, index) of each path, sorted by path, then index.
fn sorted_paths<'p>(paths: impl Iterator<Item = &'p str>) -> Vec<(&'p str, usize)> {
    let mut v: Vec<(&str, usize)> = paths.enumerate().map(|(i, p)| (p, i)).collect();
    v.sort_unstable();
    v
}

/// The entries of `sorted` for `path`.
fn same<'s, 'p>(sorted: &'s [(&'p str, usize)], path: &str) -> &'s [(&'p str, usize)] {
    let start = sorted.partition_point(|&(p, _)| p < path);
    let len = sorted
        .get(start..)
        .map_or(0, |rest| rest.partition_point(|&(p, _)| p == path));
    sorted.get(start..start + len).unwrap_or_default()
}

/// Where pages go when the output cannot be written (colliding paths).
pub(super) struct Discard;

impl Sink for Discard {
    fn write(&self, _path: &str, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
    fn keeps_bytes(&self) -> bool {
        false
    }
    fn copy(&self, _path: &str, _source: &std::path::Path) -> Result<()> {
        Ok(())
    }
}

/// Names the sections an item or page could collide with (the kinds' item sections).
fn reserved_hint() -> String {
    let section = |shape| by_shape(shape).item_section.unwrap_or_default();
    format!(
        "rename the file (section names such as {}, partners, {}, regions and the file name badge.svg are reserved)",
        section(Shape::Post),
        section(Shape::CaseStudy)
    )
}

/// Template failures as diagnostics, one per template problem however many pages hit it
/// (a broken partner.html fails every profile), naming the first page and the count.
pub(super) fn render_errors(
    failed: Vec<(String, tera::Error)>,
    sources: &BTreeMap<String, PathBuf>,
) -> Diagnostics {
    let mut grouped: BTreeMap<Diagnostic, Vec<String>> = BTreeMap::new();
    for (path, e) in &failed {
        for d in theme::tera_diagnostics(e, sources) {
            grouped.entry(d).or_default().push(path.clone());
        }
    }
    let out = grouped.into_iter().map(|(d, mut pages)| {
        pages.sort();
        let first = format!(
            "/{}",
            pages
                .first()
                .map_or("", |p| p.trim_end_matches("index.html"))
        );
        let more = match pages.len() - 1 {
            0 => String::new(),
            1 => " and 1 other page".into(),
            n => format!(" and {n} other pages"),
        };
        let hint = d.hint.clone().unwrap_or_default();
        d.hint(format!("{hint}; it fails on {first}{more}"))
    });
    Diagnostics(out.collect()).sorted()
}
