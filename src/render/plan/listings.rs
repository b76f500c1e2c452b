//! The long listings (case studies, blog, testimonials, clients), newest first and split
//! into pages. Each listing is one [`Listing`] row (a kinds table would hold it); a
//! listing page depends on the Markdown of the items it shows.

use super::Planned;
use crate::date::Date;
use crate::render::PER_PAGE;
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, page_ctx};
use crate::render::views::{self, Urls};
use serde::Serialize;
use std::sync::Arc;

/// An item as a listing shows it, with its date (for the order) and the Markdown it comes
/// from (`None`: from a partner record, such as a client logo).
pub(super) struct Entry<'a, T> {
    pub view: T,
    pub date: Date,
    pub source: Option<Source<'a>>,
}

/// Every item that appears in a listing or a feed, per kind.
#[derive(Default)]
pub(super) struct Lists<'a> {
    pub case_studies: Vec<Entry<'a, views::CaseStudyView>>,
    pub posts: Vec<Entry<'a, views::PostView>>,
    pub testimonials: Vec<Entry<'a, views::TestimonialView>>,
    pub logos: Vec<Entry<'a, views::ClientLogoView>>,
}

impl<'a> Lists<'a> {
    pub fn extend(&mut self, other: Lists<'a>) {
        self.case_studies.extend(other.case_studies);
        self.posts.extend(other.posts);
        self.testimonials.extend(other.testimonials);
        self.logos.extend(other.logos);
    }

    /// Newest first, ties by URL (stable across runs).
    pub fn sorted(self) -> Sorted<'a> {
        Sorted {
            case_studies: Sorted::list(self.case_studies, |v| &v.url),
            posts: Sorted::list(self.posts, |v| &v.url),
            testimonials: Sorted::list(self.testimonials, |v| &v.partner.url),
            logos: Sorted::list(self.logos, |v| &v.src),
        }
    }
}

/// One listing's items in order (shared by its pages, which build their contexts in
/// parallel), and the source of each.
pub(super) struct List<'a, T> {
    pub items: Arc<Vec<T>>,
    pub sources: Vec<Option<Source<'a>>>,
}

impl<'a, T> List<'a, T> {
    /// What the items in `range` depend on.
    pub fn deps(&self, range: std::ops::Range<usize>) -> Deps<'a> {
        let sources = self.sources.get(range).unwrap_or_default();
        Deps::on_all(sources.iter().flatten().copied())
    }
}

/// [`Lists`] in listing order.
pub(super) struct Sorted<'a> {
    pub case_studies: List<'a, views::CaseStudyView>,
    pub posts: List<'a, views::PostView>,
    pub testimonials: List<'a, views::TestimonialView>,
    pub logos: List<'a, views::ClientLogoView>,
}

impl Sorted<'_> {
    fn list<'a, T>(mut v: Vec<Entry<'a, T>>, key: impl Fn(&T) -> &str) -> List<'a, T> {
        v.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| key(&a.view).cmp(key(&b.view)))
        });
        let sources = v.iter().map(|e| e.source).collect();
        List {
            items: Arc::new(v.into_iter().map(|e| e.view).collect()),
            sources,
        }
    }
}

/// A paginated listing: `base`, `base/page/2/`, ...
pub(super) struct Listing {
    /// Site-relative folder of the first page.
    pub base: &'static str,
    /// Page title.
    pub title: &'static str,
    /// `kind` in the template's context.
    pub kind: &'static str,
    pub template: &'static str,
}

pub(super) const CASE_STUDIES: Listing = Listing {
    base: "case-studies/",
    title: "Case studies",
    kind: "case-studies",
    template: "list.html",
};
pub(super) const BLOG: Listing = Listing {
    base: "blog/",
    title: "Blog",
    kind: "posts",
    template: "list.html",
};
pub(super) const TESTIMONIALS: Listing = Listing {
    base: "testimonials/",
    title: "Testimonials",
    kind: "testimonials",
    template: "testimonials.html",
};
pub(super) const CLIENTS: Listing = Listing {
    base: "clients/",
    title: "Clients",
    kind: "clients",
    template: "clients.html",
};

/// Plan every listing.
pub(super) fn plan<'a>(lists: &Sorted<'a>, urls: &Urls, out: &mut Planned<'a>) {
    paginate(&CASE_STUDIES, &lists.case_studies, urls, out);
    paginate(&BLOG, &lists.posts, urls, out);
    paginate(&TESTIMONIALS, &lists.testimonials, urls, out);
    paginate(&CLIENTS, &lists.logos, urls, out);
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

impl Listing {
    fn page_path(&self, n: usize) -> String {
        match n {
            1 => self.base.to_string(),
            _ => format!("{}page/{n}/", self.base),
        }
    }
}

/// Split a listing into pages of [`PER_PAGE`]; each page's context is built when it is
/// rendered, from the shared list. A page depends on the items it shows (their positions
/// cannot move without a full rebuild: a changed date is structural).
fn paginate<'a, T: Serialize + Send + Sync + 'a>(
    listing: &'static Listing,
    list: &List<'a, T>,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let total = list.items.len().div_ceil(PER_PAGE).max(1);
    for n in 1..=total {
        let range = (n - 1) * PER_PAGE..(n * PER_PAGE).min(list.items.len());
        let deps = list.deps(range.clone());
        let (items, urls) = (list.items.clone(), urls.clone());
        let ctx = Ctx::lazy(move || {
            let mut ctx = page_ctx(listing.title, &listing.page_path(n), &urls);
            ctx.insert("kind", listing.kind);
            ctx.insert("items", items.get(range.clone()).unwrap_or_default());
            ctx.insert(
                "pager",
                &Pager {
                    current: n,
                    total,
                    prev: (n > 1).then(|| urls.url(&listing.page_path(n - 1))),
                    next: (n < total).then(|| urls.url(&listing.page_path(n + 1))),
                },
            );
            ctx
        });
        out.jobs.push(Job::page(
            &listing.page_path(n),
            listing.template,
            ctx,
            deps,
        ));
    }
}
