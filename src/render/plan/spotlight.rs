//! The spotlight's outputs (`[spotlight]`, edition chosen by [`crate::spotlight`]): the
//! value templates see as `site.spotlight` (the block of the home page and the blog's
//! first page), the `/spotlight/` page and its Atom feed `/spotlight/atom.xml`. Without
//! `[spotlight]` there is no value and no page.

use super::Planned;
use super::feeds::FeedEntry;
use crate::content::Site;
use crate::kinds::{self, Shape};
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, page_ctx};
use crate::render::views::{self, PartnerRef, Urls};
use crate::spotlight::{Edition, Item};
use serde::Serialize;
use tera::Context;

/// The page's folder.
pub(in crate::render) const PATH: &str = "spotlight/";
/// The feed.
pub(in crate::render) const FEED: &str = "spotlight/atom.xml";

/// This edition as the templates see it (`site.spotlight`).
#[derive(Debug, Clone, Serialize)]
pub(in crate::render) struct SpotlightView {
    /// `2026-W49`; `None` for a site without dated content.
    edition: Option<String>,
    /// The edition's Monday and Sunday (`YYYY-MM-DD`).
    monday: Option<String>,
    sunday: Option<String>,
    /// The day the edition was chosen from.
    today: Option<String>,
    /// The page's URL and the feed's.
    url: String,
    feed_url: String,
    /// The URL of the blog's first page, which shows the block too.
    blog_url: String,
    /// The labels of the company sizes featured, in `[spotlight]` order.
    sizes: Vec<String>,
    /// Partners featured per edition, and how many are in the rotation.
    count: usize,
    eligible: Vec<Eligible>,
    /// How many days back "recent" goes.
    recent_days: i64,
    items: Vec<SpotlightItem>,
}

/// A partner in the rotation.
#[derive(Debug, Clone, Serialize)]
struct Eligible {
    #[serde(flatten)]
    partner: PartnerRef,
    /// In this week's edition.
    featured: bool,
}

/// A featured item.
#[derive(Debug, Clone, Serialize)]
struct SpotlightItem {
    /// `case-studies` or `posts` (the kind's id).
    kind: &'static str,
    /// `Case study` or `Post`.
    kind_label: String,
    title: String,
    url: String,
    date: String,
    summary: Option<String>,
    partner: PartnerRef,
    /// The partner's company size, as labelled in `[company_size]`.
    size: Option<String>,
}

/// `case study` -> `Case study`.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The template value of `edition`.
pub(in crate::render) fn view(edition: &Edition, site: &Site, urls: &Urls) -> SpotlightView {
    let c = &site.config;
    let sizes = c.spotlight.as_ref().map_or(&[][..], |s| &s.company_sizes);
    let dates = edition.week.and_then(|w| w.dates());
    let items = edition
        .featured
        .iter()
        .map(|f| {
            let (kind, title, url, summary) = match f.item {
                Item::CaseStudy(cs) => {
                    let v = views::case_study(cs, f.partner, urls);
                    (Shape::CaseStudy, v.title, v.url, v.summary)
                }
                Item::Post(post) => {
                    let v = views::post(post, Some(f.partner), c, urls);
                    (Shape::Post, v.title, v.url, v.summary)
                }
            };
            let kind = kinds::by_shape(kind);
            SpotlightItem {
                kind: kind.id,
                kind_label: capitalized(kind.singular),
                title,
                url,
                date: f.item.date().to_string(),
                summary,
                partner: views::partner_ref(f.partner, urls),
                size: f
                    .partner
                    .company_size
                    .as_deref()
                    .and_then(|s| c.company_size.label(s))
                    .map(str::to_string),
            }
        })
        .collect();
    let blog = kinds::by_shape(Shape::Post)
        .listing
        .map_or("blog/", |l| l.path);
    SpotlightView {
        edition: edition.week.map(|w| w.to_string()),
        monday: dates.map(|(m, _)| m.to_string()),
        sunday: dates.map(|(_, s)| s.to_string()),
        today: edition.today.map(|d| d.to_string()),
        url: urls.url(PATH),
        feed_url: urls.url(FEED),
        blog_url: urls.url(blog),
        sizes: sizes
            .iter()
            .map(|s| c.company_size.label(s).unwrap_or(s).to_string())
            .collect(),
        count: c.spotlight.as_ref().map_or(0, |s| s.count),
        eligible: edition
            .eligible
            .iter()
            .map(|p| Eligible {
                partner: views::partner_ref(p, urls),
                featured: edition.featured.iter().any(|f| f.partner.slug == p.slug),
            })
            .collect(),
        recent_days: crate::spotlight::RECENT_DAYS,
        items,
    }
}

/// What the spotlight shows: the featured partners' Markdown.
fn deps<'a>(edition: &Edition<'a>) -> Deps<'a> {
    Deps::on_all(
        edition
            .featured
            .iter()
            .map(|f| Source::Partner(f.partner.slug.as_str())),
    )
}

/// Plan `/spotlight/` and its feed, and make the pages that show the block (the home
/// page, the blog's first page), and the shared work the home page reads (the cards),
/// depend on the featured items too.
pub(super) fn plan<'a>(
    edition: &Edition<'a>,
    view: &SpotlightView,
    site: &'a Site,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let ctx = page_ctx("Spotlight on smaller companies", PATH, urls);
    out.jobs.push(Job::page(
        PATH,
        "spotlight.html",
        Ctx::Ready(Box::new(ctx)),
        deps(edition),
    ));
    out.jobs.push(Job::file(
        FEED.into(),
        "atom.xml",
        Ctx::Ready(Box::new(feed_ctx(view, site, urls))),
        deps(edition),
    ));
    let blog = kinds::by_shape(Shape::Post)
        .listing
        .map_or("blog/", |l| l.path);
    let shown_on = [String::from("index.html"), format!("{blog}index.html")];
    for job in out.jobs.iter_mut().filter(|j| shown_on.contains(&j.path)) {
        job.deps = merged(
            std::mem::replace(&mut job.deps, Deps::Structure),
            deps(edition),
        );
    }
    // The home page reads the shared cards: they are built again whenever it is.
    for prepare in &mut out.prepare {
        prepare.deps = merged(
            std::mem::replace(&mut prepare.deps, Deps::Structure),
            deps(edition),
        );
    }
}

/// Both dependencies at once.
fn merged<'a>(a: Deps<'a>, b: Deps<'a>) -> Deps<'a> {
    match (a, b) {
        (Deps::AnyText, _) | (_, Deps::AnyText) => Deps::AnyText,
        (Deps::Structure, d) | (d, Deps::Structure) => d,
        (a, b) => Deps::on_all(a.sources().iter().chain(b.sources()).copied()),
    }
}

/// The feed's values for atom.xml: one entry per featured item, newest first; updated
/// on the newest item's date (the edition's Monday when nothing is featured).
fn feed_ctx(view: &SpotlightView, site: &Site, urls: &Urls) -> Context {
    let entries: Vec<FeedEntry> = view
        .items
        .iter()
        .map(|i| FeedEntry {
            title: i.title.clone(),
            url: i.url.clone(),
            updated: format!("{}T00:00:00Z", i.date),
            summary: i.summary.clone(),
            author: Some(i.partner.name.clone()),
        })
        .collect();
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .or_else(|| view.monday.as_ref().map(|m| format!("{m}T00:00:00Z")))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut ctx = Context::new();
    ctx.insert(
        "feed_title",
        &format!("{} — Spotlight on smaller companies", site.config.title),
    );
    ctx.insert("feed_url", &urls.abs(FEED));
    ctx.insert("home_url", &urls.abs(PATH));
    ctx.insert("entries", &entries);
    ctx.insert("updated", &updated);
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_adds_the_featured_partners_to_what_a_page_depends_on() {
        let on = |s: &'static str| Deps::on(Source::Partner(s));
        assert_eq!(merged(Deps::Structure, Deps::Structure), Deps::Structure);
        assert_eq!(merged(Deps::Structure, on("a")), on("a"));
        assert_eq!(merged(on("a"), Deps::Structure), on("a"));
        assert_eq!(
            merged(
                on("b"),
                Deps::on_all([Source::Partner("a"), Source::Partner("b")])
            ),
            Deps::on_all([Source::Partner("a"), Source::Partner("b")])
        );
        assert_eq!(merged(Deps::AnyText, on("a")), Deps::AnyText);
        assert_eq!(merged(on("a"), Deps::AnyText), Deps::AnyText);
    }
}
