//! An index page for every folder of the site's URLs, so that trimming a URL never gives
//! a 404: each facet's values (`regions/`), every partner (`partners/`), a partner's items
//! of one kind (`case-studies/<partner>/`, `blog/<partner>/`), the tags and topics (their
//! indexes are planned by [`super::taxonomies`] with [`counted`]), the `page/` folder of a
//! paginated listing ([`pager_index`]) and the folders of the pages later stages add
//! (`program/`). Plan them after every other page;
//! [`missing`] then finds none (checked in debug builds and by the test suite).

use super::{FacetTerms, Planned};
use crate::content::{Partner, Site};
use crate::kinds::{self, Kind, Shape};
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, Make, page_ctx};
use crate::render::views::{self, Urls, paths};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A link with a label and a count or summary, as the index templates list them.
#[derive(Serialize)]
struct Entry {
    label: String,
    url: String,
    count: Option<usize>,
    summary: Option<String>,
    date: Option<String>,
}

/// Plan every index: `extra_pages` are the (path, title) of the pages later stages add.
pub(super) fn plan<'a>(
    site: &'a Site,
    facets: &FacetTerms,
    extra_pages: &[(String, String)],
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let taken = pages(out);
    let first = out.jobs.len();
    for (facet, terms) in facets.iter() {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for p in &site.partners {
            for v in (facet.values)(p) {
                *counts.entry(v).or_default() += 1;
            }
        }
        let entries = terms.iter().map(|t| Entry {
            label: t.label.clone(),
            url: t.url.clone(),
            count: Some(counts.get(&t.id).copied().unwrap_or(0)),
            summary: None,
            date: None,
        });
        let path = format!("{}/", facet.segment);
        push(out, &path, facet.label, entries.collect(), None, urls);
    }
    let partners = site.partners.iter().map(|p| Entry {
        label: p.name.clone(),
        url: urls.url(&paths::partner(&p.slug)),
        count: None,
        summary: Some(p.summary.clone()),
        date: None,
    });
    push(out, "partners/", "Partners", partners.collect(), None, urls);
    for p in &site.partners {
        for kind in kinds::KINDS.iter().filter(|k| k.partner_folder.is_some()) {
            partner_items(p, kind, urls, out);
        }
    }
    for kind in kinds::listed() {
        if let Some(listing) = &kind.listing {
            pager_index(listing.path, listing.title, urls, out);
        }
    }
    sections(extra_pages, urls, out);
    // A folder that already has a page (a program post named after a partner) keeps it.
    let mut planned = out.jobs.split_off(first);
    planned.retain(|j| !taken.contains(j.path.trim_end_matches("index.html")));
    out.jobs.append(&mut planned);
}

/// A partner's items of one kind that have pages (`case-studies/<partner>/`), newest
/// first: they depend on the partner's Markdown. The entries are built when the page is
/// rendered (at N = 10,000 partners, 70,000 entries kept for the whole render held ~30 MB).
fn partner_items<'a>(p: &'a Partner, kind: &'static Kind, urls: &Urls, out: &mut Planned<'a>) {
    let Some(section) = kind.item_section.filter(|s| !s.is_empty()) else {
        return;
    };
    let count = match kind.shape {
        Shape::CaseStudy => p.case_studies.len(),
        Shape::Post => p.posts.len(),
        _ => return,
    };
    if count == 0 {
        return;
    }
    let path = format!("{section}/{}/", p.slug);
    let title = format!("{}: {}", kind.label, p.name);
    let (at, u) = (path.clone(), urls.clone());
    let ctx = Ctx::lazy(move || {
        let mut ctx = page_ctx(&title, &at, &u);
        ctx.insert("entries", &item_entries(p, kind.shape, &u));
        ctx.insert("partner", &Some(views::partner_ref(p, &u)));
        ctx
    });
    let deps = Deps::on(Source::Partner(&p.slug));
    out.jobs.push(Job::page(&path, "folder.html", ctx, deps));
}

/// A partner's case studies or posts as index entries, newest first (ties by URL).
fn item_entries(p: &Partner, shape: Shape, urls: &Urls) -> Vec<Entry> {
    let entry = |title: &str, path: String, date: crate::date::Date, summary: &Option<String>| {
        (
            date,
            Entry {
                label: title.to_string(),
                url: urls.url(&path),
                count: None,
                summary: summary.clone(),
                date: Some(date.to_string()),
            },
        )
    };
    let mut items: Vec<_> = match shape {
        Shape::CaseStudy => p
            .case_studies
            .iter()
            .map(|x| {
                let path = paths::case_study(&p.slug, &x.slug);
                entry(&x.title, path, x.date, &x.summary)
            })
            .collect(),
        Shape::Post => p
            .posts
            .iter()
            .map(|x| {
                let path = paths::post(Some(&p.slug), &x.slug);
                entry(&x.title, path, x.date, &x.summary)
            })
            .collect(),
        _ => Vec::new(),
    };
    items.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.url.cmp(&b.1.url)));
    items.into_iter().map(|(_, e)| e).collect()
}

/// `blog/page/` when the listing at `first` (titled `title`) has more than one page: a
/// link to each page.
pub(super) fn pager_index(first: &str, title: &str, urls: &Urls, out: &mut Planned) {
    let folder = format!("{first}page/");
    let later = out
        .jobs
        .iter()
        .filter(|j| j.path.starts_with(&folder) && j.path.ends_with("/index.html"))
        .count();
    if later == 0 {
        return;
    }
    let entries = (1..=later + 1).map(|n| Entry {
        label: format!("Page {n}"),
        url: urls.url(&match n {
            1 => first.to_string(),
            _ => format!("{folder}{n}/"),
        }),
        count: None,
        summary: None,
        date: None,
    });
    let title = format!("{title}: all pages");
    push(out, &folder, &title, entries.collect(), None, urls);
}

/// A link of a [`counted`] index: a tag or topic and how many items it has.
pub(super) struct Counted {
    pub label: String,
    pub url: String,
    pub count: usize,
}

/// An index of terms with their item counts (`case-studies/tags/`): `nouns` word a count
/// of one and of several, `back` is the (label, URL) the page leads back to.
pub(super) fn counted(
    out: &mut Planned,
    path: &str,
    title: &str,
    entries: Vec<Counted>,
    nouns: (&'static str, &'static str),
    back: (&str, &str),
    urls: &Urls,
) {
    let entries: Vec<Entry> = entries
        .into_iter()
        .map(|c| Entry {
            label: c.label,
            url: c.url,
            count: Some(c.count),
            summary: None,
            date: None,
        })
        .collect();
    let (p, t, u) = (path.to_string(), title.to_string(), urls.clone());
    let back = (back.0.to_string(), back.1.to_string());
    let ctx = Ctx::lazy(move || {
        let mut ctx = page_ctx(&t, &p, &u);
        ctx.insert("entries", &entries);
        ctx.insert("nouns", &[nouns.0, nouns.1]);
        ctx.insert("back", &[&back.0, &back.1]);
        ctx
    });
    out.jobs
        .push(Job::page(path, "folder.html", ctx, Deps::Structure));
}

/// The folders of the pages later stages add that have no index yet: each lists the
/// pages under it.
fn sections(extra_pages: &[(String, String)], urls: &Urls, out: &mut Planned) {
    let have = pages(out);
    let mut folders = BTreeSet::new();
    for (path, _) in extra_pages {
        folders.extend(ancestors(path).filter(|f| !have.contains(f)));
    }
    for folder in folders {
        let entries = extra_pages
            .iter()
            .filter(|(path, _)| path.starts_with(&folder) && *path != folder)
            .map(|(path, title)| Entry {
                label: title.clone(),
                url: urls.url(path),
                count: None,
                summary: None,
                date: None,
            });
        let title = title_of(&folder);
        push(out, &folder, &title, entries.collect(), None, urls);
    }
}

/// `program/` -> `Program`.
fn title_of(folder: &str) -> String {
    let name = folder
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    let name = name.replace('-', " ");
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn push(
    out: &mut Planned,
    path: &str,
    title: &str,
    entries: Vec<Entry>,
    partner: Option<views::PartnerRef>,
    urls: &Urls,
) {
    push_with(out, path, title, entries, partner, urls, Deps::Structure);
}

fn push_with<'a>(
    out: &mut Planned<'a>,
    path: &str,
    title: &str,
    entries: Vec<Entry>,
    partner: Option<views::PartnerRef>,
    urls: &Urls,
    deps: Deps<'a>,
) {
    let (p, t, u) = (path.to_string(), title.to_string(), urls.clone());
    let entries = Arc::new(entries);
    let ctx = Ctx::lazy(move || {
        let mut ctx = page_ctx(&t, &p, &u);
        ctx.insert("entries", &*entries);
        ctx.insert("partner", &partner);
        ctx
    });
    out.jobs.push(Job::page(path, "folder.html", ctx, deps));
}

/// The folders (`blog/x/`, `""` for the root) holding a planned page.
fn pages(out: &Planned) -> BTreeSet<String> {
    out.jobs
        .iter()
        .filter(|j| matches!(j.make, Make::Template { .. }))
        .filter_map(|j| j.path.strip_suffix("index.html").map(str::to_string))
        .collect()
}

/// The folders strictly above a folder path: `a/b/c/` -> `a/b/`, `a/`, `""`.
fn ancestors(folder: &str) -> impl Iterator<Item = String> + '_ {
    let trimmed = folder.trim_end_matches('/');
    trimmed
        .match_indices('/')
        .map(|(i, _)| format!("{}/", &trimmed[..i]))
        .chain(std::iter::once(String::new()))
        .filter(move |f| f != folder)
}

/// The folders above a planned page that have no index page: empty once [`plan`] ran.
pub(super) fn missing(out: &Planned) -> Vec<String> {
    let have = pages(out);
    let mut missing: BTreeSet<String> = BTreeSet::new();
    for page in &have {
        missing.extend(ancestors(page).filter(|f| !have.contains(f)));
    }
    missing.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::{ancestors, title_of};

    #[test]
    fn ancestors_of_a_folder_go_up_to_the_root() {
        let up: Vec<String> = ancestors("a/b/c/").collect();
        assert_eq!(up, ["a/", "a/b/", ""]);
        assert_eq!(ancestors("").count(), 0);
        assert_eq!(title_of("program/"), "Program");
        assert_eq!(title_of("x/company-size/"), "Company size");
    }
}
