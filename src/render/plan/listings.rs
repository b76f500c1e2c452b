//! The long listings: one per kind with a `listing` in [`crate::kinds::KINDS`] (case
//! studies, blog, testimonials, clients), newest first and split into pages; the tag and
//! topic pages ([`super::taxonomies`]) are paginated the same way. A listing page depends
//! on the Markdown of the items it shows.

use super::Planned;
use super::feeds::FeedEntry;
use crate::date::Date;
use crate::kinds::{self, Kind};
use crate::render::PER_PAGE;
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, page_ctx};
use crate::render::views::{self, Urls};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::{Context, Value};

/// A view a listing (and maybe a feed) shows, whatever its kind.
pub(super) trait Listed: Send + Sync {
    /// The item as the templates see it.
    fn value(&self) -> Value;
    /// What orders items of the same date (a URL: stable across runs). Only sorting
    /// reads it, so a view built on demand need not keep it.
    fn tie(&self) -> Cow<'_, str>;
    /// The item as an Atom entry (kinds with a feed).
    fn feed_entry(&self) -> Option<FeedEntry> {
        None
    }
    /// What the item is filed under, as (slug, spelling): a case study's tags, a post's
    /// topic ([`super::taxonomies`]).
    fn filed_under(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// An item as a listing shows it, with its date (for the order) and the Markdown it comes
/// from (`None`: from a partner record, such as a client logo).
struct Entry<'a> {
    view: Arc<dyn Listed + 'a>,
    date: Date,
    source: Option<Source<'a>>,
}

/// Every item that appears in a listing or a feed, by kind id.
#[derive(Default)]
pub(super) struct Lists<'a>(BTreeMap<&'static str, Vec<Entry<'a>>>);

impl<'a> Lists<'a> {
    /// Add items of `kind` with their dates, all from `source`.
    pub fn add<T: Listed + 'a>(
        &mut self,
        kind: &'static Kind,
        views: impl IntoIterator<Item = T>,
        dates: impl IntoIterator<Item = Date>,
        source: Option<Source<'a>>,
    ) {
        let entries = views.into_iter().zip(dates).map(|(view, date)| Entry {
            view: Arc::new(view),
            date,
            source,
        });
        self.0.entry(kind.id).or_default().extend(entries);
    }

    pub fn extend(&mut self, other: Lists<'a>) {
        for (kind, entries) in other.0 {
            self.0.entry(kind).or_default().extend(entries);
        }
    }

    /// Newest first, ties by URL (stable across runs).
    pub fn sorted(mut self) -> Sorted<'a> {
        let lists = kinds::KINDS
            .iter()
            .map(|k| (k.id, List::sorted(self.0.remove(k.id).unwrap_or_default())))
            .collect();
        Sorted(lists)
    }
}

/// One kind's items in order (shared by its pages, which build their contexts in
/// parallel), and the source of each.
pub(super) struct List<'a> {
    pub items: Arc<Vec<Arc<dyn Listed + 'a>>>,
    pub sources: Vec<Option<Source<'a>>>,
}

impl<'a> List<'a> {
    fn sorted(mut v: Vec<Entry<'a>>) -> List<'a> {
        v.sort_by_cached_key(|e| (std::cmp::Reverse(e.date), e.view.tie().into_owned()));
        let sources = v.iter().map(|e| e.source).collect();
        List {
            items: Arc::new(v.into_iter().map(|e| e.view).collect()),
            sources,
        }
    }

    /// The items at these positions, in this order.
    pub fn select(&self, at: &[usize]) -> List<'a> {
        List {
            items: Arc::new(
                at.iter()
                    .filter_map(|&i| self.items.get(i).cloned())
                    .collect(),
            ),
            sources: at
                .iter()
                .filter_map(|&i| self.sources.get(i).copied())
                .collect(),
        }
    }

    /// What the items in `range` depend on.
    pub fn deps(&self, range: std::ops::Range<usize>) -> Deps<'a> {
        let sources = self.sources.get(range).unwrap_or_default();
        Deps::on_all(sources.iter().flatten().copied())
    }
}

/// [`Lists`] in listing order, by kind id (every kind of the table has one).
pub(super) struct Sorted<'a>(BTreeMap<&'static str, List<'a>>);

impl<'a> Sorted<'a> {
    /// The items of `kind`.
    pub fn of(&self, kind: &Kind) -> Option<&List<'a>> {
        self.0.get(kind.id)
    }
}

/// Plan every listing, in table order. `extra` holds the values a kind's listing shows
/// besides its items, by kind id (the link to the case studies' tags).
pub(super) fn plan<'a>(
    lists: &Sorted<'a>,
    extra: &BTreeMap<&'static str, Context>,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    // Decisions are grouped by status on one page: `super::decisions`.
    for kind in kinds::listed().filter(|k| k.shape != kinds::Shape::Decision) {
        if let (Some(listing), Some(list)) = (&kind.listing, lists.of(kind)) {
            let pages = Pages {
                path: listing.path.to_string(),
                title: listing.title.to_string(),
                section: listing.section,
                template: listing.template,
                extra: extra.get(kind.id).cloned().unwrap_or_default(),
            };
            paginate(Arc::new(pages), list, urls, out);
        }
    }
}

/// A paginated listing: a kind's ([`kinds::Listing`]), a tag's or a topic's.
pub(super) struct Pages {
    /// Folder of the first page (`case-studies/`); later pages add `page/<n>/`.
    pub path: String,
    pub title: String,
    /// The value of `kind` in the template's context.
    pub section: &'static str,
    pub template: &'static str,
    /// Values the template sees besides the items and the pager.
    pub extra: Context,
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

fn page_path(first: &str, n: usize) -> String {
    match n {
        1 => first.to_string(),
        _ => format!("{first}page/{n}/"),
    }
}

/// Split a listing into pages of [`PER_PAGE`]; each page's context is built when it is
/// rendered, from the shared list. A page depends on the items it shows (their positions
/// cannot move without a full rebuild: a changed date is structural).
pub(super) fn paginate<'a>(
    listing: Arc<Pages>,
    list: &List<'a>,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let total = list.items.len().div_ceil(PER_PAGE).max(1);
    for n in 1..=total {
        let range = (n - 1) * PER_PAGE..(n * PER_PAGE).min(list.items.len());
        let deps = list.deps(range.clone());
        let (items, urls, pages) = (list.items.clone(), urls.clone(), listing.clone());
        let ctx = Ctx::lazy(move || {
            let listing = &pages;
            let mut ctx = page_ctx(&listing.title, &page_path(&listing.path, n), &urls);
            ctx.extend(listing.extra.clone());
            ctx.insert("kind", listing.section);
            let shown = items.get(range.clone()).unwrap_or_default();
            ctx.insert_value(
                "items",
                Value::from(shown.iter().map(|v| v.value()).collect::<Vec<_>>()),
            );
            ctx.insert(
                "pager",
                &Pager {
                    current: n,
                    total,
                    prev: (n > 1).then(|| urls.url(&page_path(&listing.path, n - 1))),
                    next: (n < total).then(|| urls.url(&page_path(&listing.path, n + 1))),
                },
            );
            ctx
        });
        out.jobs.push(Job::page(
            &page_path(&listing.path, n),
            listing.template,
            ctx,
            deps,
        ));
    }
}

impl Listed for views::CaseStudyView {
    fn value(&self) -> Value {
        Value::from_serializable(self)
    }
    fn tie(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.url)
    }
    fn feed_entry(&self) -> Option<FeedEntry> {
        Some(FeedEntry {
            title: self.title.clone(),
            url: self.url.clone(),
            updated: format!("{}T00:00:00Z", self.date),
            summary: self.summary.clone(),
            author: Some(self.partner.name.clone()),
        })
    }
    fn filed_under(&self) -> Vec<(String, String)> {
        filed(&self.tag_links)
    }
}

/// The tags that have a page, as (slug, spelling): what a case study is filed under.
pub(super) fn filed(tag_links: &[views::TagLink]) -> Vec<(String, String)> {
    tag_links
        .iter()
        .filter(|t| t.url.is_some())
        .map(|t| (t.slug.clone(), t.label.clone()))
        .collect()
}

impl Listed for views::PostView {
    fn value(&self) -> Value {
        Value::from_serializable(self)
    }
    fn tie(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.url)
    }
    fn feed_entry(&self) -> Option<FeedEntry> {
        Some(FeedEntry {
            title: self.title.clone(),
            url: self.url.clone(),
            updated: format!("{}T00:00:00Z", self.date),
            summary: self.summary.clone(),
            author: self.partner.as_ref().map(|p| p.name.clone()),
        })
    }
    fn filed_under(&self) -> Vec<(String, String)> {
        self.topic
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect()
    }
}

impl Listed for views::TestimonialView {
    fn value(&self) -> Value {
        Value::from_serializable(self)
    }
    fn tie(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.partner.url)
    }
}

impl Listed for views::ClientLogoView {
    fn value(&self) -> Value {
        Value::from_serializable(self)
    }
    fn tie(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.src)
    }
}
