//! The Atom feeds (blog, case studies): the newest [`FEED_ENTRIES`] items of a listing.
//! A feed depends on the Markdown of the entries it shows.

use super::Planned;
use super::listings::{List, Sorted};
use crate::config::SiteConfig;
use crate::render::FEED_ENTRIES;
use crate::render::job::{Ctx, Job};
use crate::render::views::{self, Urls};
use serde::Serialize;
use tera::Context;

/// A feed: where it is written and the title after the site's.
struct Feed {
    path: &'static str,
    title: &'static str,
}

const BLOG: Feed = Feed {
    path: "blog/atom.xml",
    title: "Blog",
};
const CASE_STUDIES: Feed = Feed {
    path: "case-studies/atom.xml",
    title: "Case studies",
};

/// Plan every feed.
pub(super) fn plan<'a>(lists: &Sorted<'a>, c: &'a SiteConfig, urls: &Urls, out: &mut Planned<'a>) {
    feed(&BLOG, &lists.posts, c, urls, out);
    feed(&CASE_STUDIES, &lists.case_studies, c, urls, out);
}

/// A feed's job; its context is built when it is rendered.
fn feed<'a, T: FeedItem + Send + Sync + 'a>(
    feed: &'static Feed,
    list: &List<'a, T>,
    c: &'a SiteConfig,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let (items, urls) = (list.items.clone(), urls.clone());
    let ctx = Ctx::lazy(move || {
        let entries: Vec<FeedEntry> = items
            .iter()
            .take(FEED_ENTRIES)
            .map(FeedItem::entry)
            .collect();
        let path = feed.path;
        let mut ctx = Context::new();
        ctx.insert("feed_title", &format!("{} — {}", c.title, feed.title));
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
        feed.path.into(),
        "atom.xml",
        ctx,
        list.deps(0..FEED_ENTRIES.min(list.items.len())),
    ));
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: Option<String>,
    author: Option<String>,
}

/// An item that can be a feed entry.
trait FeedItem {
    fn entry(&self) -> FeedEntry;
}

impl FeedItem for views::PostView {
    fn entry(&self) -> FeedEntry {
        FeedEntry {
            title: self.title.clone(),
            url: self.url.clone(),
            updated: format!("{}T00:00:00Z", self.date),
            summary: self.summary.clone(),
            author: self.partner.as_ref().map(|p| p.name.clone()),
        }
    }
}

impl FeedItem for views::CaseStudyView {
    fn entry(&self) -> FeedEntry {
        FeedEntry {
            title: self.title.clone(),
            url: self.url.clone(),
            updated: format!("{}T00:00:00Z", self.date),
            summary: self.summary.clone(),
            author: Some(self.partner.name.clone()),
        }
    }
}
