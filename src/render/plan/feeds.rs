//! The Atom feeds: one per kind with a `feed` in [`crate::kinds::KINDS`] (case studies,
//! blog) and one per tag and topic page ([`super::taxonomies`]), the newest
//! [`FEED_ENTRIES`] items of its listing. A feed depends on the Markdown of the entries
//! it shows.

use super::Planned;
use super::listings::{List, Sorted};
use crate::config::SiteConfig;
use crate::kinds;
use crate::render::FEED_ENTRIES;
use crate::render::job::{Ctx, Job};
use crate::render::views::Urls;
use serde::Serialize;
use tera::Context;

/// Plan every feed, in table order.
pub(super) fn plan<'a>(lists: &Sorted<'a>, c: &'a SiteConfig, urls: &Urls, out: &mut Planned<'a>) {
    // The decisions' feed is planned with their listing: `super::decisions`.
    for kind in kinds::with_feed().filter(|k| k.shape != kinds::Shape::Decision) {
        if let (Some(feed), Some(list)) = (&kind.feed, lists.of(kind)) {
            plan_feed(feed.path.into(), feed.title.into(), list, c, urls, out);
        }
    }
}

/// A feed's job at `path` (`…/atom.xml`), titled `<site> — <title>`; its context is
/// built when it is rendered.
pub(super) fn plan_feed<'a>(
    path: String,
    title: String,
    list: &List<'a>,
    c: &'a SiteConfig,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let (items, urls, at) = (list.items.clone(), urls.clone(), path.clone());
    let ctx = Ctx::lazy(move || {
        let entries: Vec<FeedEntry> = items
            .iter()
            .take(FEED_ENTRIES)
            .filter_map(|item| item.feed_entry())
            .collect();
        let path = at.as_str();
        let mut ctx = Context::new();
        ctx.insert("feed_title", &format!("{} — {}", c.title, title));
        ctx.insert("feed_url", &urls.abs(path));
        ctx.insert("home_url", &urls.abs(path.trim_end_matches("atom.xml")));
        ctx.insert("entries", &entries);
        ctx.insert(
            "updated",
            &entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        );
        ctx
    });
    out.jobs.push(Job::file(
        path,
        "atom.xml",
        ctx,
        list.deps(0..FEED_ENTRIES.min(list.items.len())),
    ));
}

/// One entry of a feed (see [`super::listings::Listed::feed_entry`]).
#[derive(Serialize)]
pub(super) struct FeedEntry {
    pub title: String,
    pub url: String,
    pub updated: String,
    pub summary: Option<String>,
    pub author: Option<String>,
}
