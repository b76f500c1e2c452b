//! Program decisions (content/decisions/): a page each, one listing grouped by where
//! each decision stands ([`Stage`]: open consultations first, then closed ones awaiting
//! a decision, proposed, decided, withdrawn; newest first in each group), and an Atom
//! feed, newest first. A site without decisions gets none of them (and no navigation
//! link). The listing is one page: a program takes a few dozen decisions a year.
//!
//! Which consultations are open depends on today ([`crate::decisions::today_of`]), so
//! every page here depends on the site's structure: `serve` rebuilds the whole site when
//! a decision changes.

use super::feeds::{self, FeedEntry};
use super::listings::{Listed, Lists};
use super::{Planned, item_template};
use crate::content::Site;
use crate::date::Date;
use crate::decisions::Stage;
use crate::kinds::{Shape, by_shape};
use crate::render::deps::Deps;
use crate::render::job::{Ctx, Job, Owner, image_jobs, page_ctx};
use crate::render::views::{self, DecisionView, Urls, paths};
use serde::Serialize;
use tera::Value;

/// The stage of the decisions' today (`None` without decisions or a readable today).
fn today(site: &Site) -> Option<Date> {
    crate::decisions::today_of(site).ok().flatten().map(|t| t.0)
}

/// One group of the listing.
#[derive(Serialize)]
struct Group {
    id: &'static str,
    heading: &'static str,
    items: Vec<DecisionView>,
}

/// The feed's address and label, for the listing's link and `<link rel=alternate>`.
#[derive(Serialize)]
struct FeedLink {
    url: String,
    label: String,
}

/// Plan every decision page, the listing and the feed.
pub(super) fn plan<'a>(site: &'a Site, urls: &Urls, out: &mut Planned<'a>) {
    if site.decisions.is_empty() {
        return;
    }
    let kind = by_shape(Shape::Decision);
    let today = today(site);
    let feed = kind.feed.map(|f| FeedLink {
        url: urls.url(f.path),
        label: format!("{} — {}", site.config.title, f.title),
    });
    let mut lists = Lists::default();
    let mut groups: Vec<Group> = Stage::ALL
        .iter()
        .map(|s| Group {
            id: s.id(),
            heading: s.heading(),
            items: Vec::new(),
        })
        .collect();
    for d in &site.decisions {
        let view = views::decision(d, today, &site.config, urls);
        let path = paths::item(kind, None, &d.slug);
        let mut ctx = page_ctx(&d.title, &path, urls);
        ctx.insert("item", &view);
        ctx.insert("content", &d.html);
        ctx.insert("feed", &feed);
        out.sources
            .push((format!("{path}index.html"), Owner::file(&d.path)));
        let ctx = Ctx::Ready(Box::new(ctx));
        let template = item_template(Shape::Decision);
        out.jobs
            .push(Job::page(&path, template, ctx, Deps::Structure));
        image_jobs(
            &d.links,
            &[],
            &Deps::Structure,
            &mut out.jobs,
            &mut out.sources,
        );
        let stage = Stage::of(d, today);
        if let Some(g) = groups.iter_mut().find(|g| g.id == stage.id()) {
            g.items.push(view.clone());
        }
        lists.add(kind, [view], [d.date()], None);
    }
    // The model is newest first (date, then slug), so each group is too.
    groups.retain(|g| !g.items.is_empty());
    if let Some(listing) = kind.listing {
        let mut ctx = page_ctx(listing.title, listing.path, urls);
        ctx.insert("kind", listing.section);
        ctx.insert("groups", &groups);
        ctx.insert("feed", &feed);
        ctx.insert("today", &today.map(|t| t.to_string()));
        let ctx = Ctx::Ready(Box::new(ctx));
        out.jobs.push(Job::page(
            listing.path,
            listing.template,
            ctx,
            Deps::Structure,
        ));
    }
    if let (Some(f), Some(list)) = (kind.feed, lists.sorted().of(kind)) {
        feeds::plan_feed(f.path.into(), f.title.into(), list, &site.config, urls, out);
    }
}

/// The open consultations, closing soonest first: the home page's block.
pub(super) fn open_consultations(site: &Site, urls: &Urls) -> Vec<DecisionView> {
    let today = today(site);
    let mut open: Vec<_> = site
        .decisions
        .iter()
        .filter(|d| Stage::of(d, today) == Stage::Open)
        .collect();
    open.sort_by(|a, b| a.closes.cmp(&b.closes).then_with(|| a.slug.cmp(&b.slug)));
    open.into_iter()
        .map(|d| views::decision(d, today, &site.config, urls))
        .collect()
}

impl Listed for DecisionView {
    fn value(&self) -> Value {
        Value::from_serializable(self)
    }
    fn tie(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.url)
    }
    fn feed_entry(&self) -> Option<FeedEntry> {
        Some(FeedEntry {
            title: format!("{}: {}", self.badge, self.title),
            url: self.url.clone(),
            updated: format!("{}T00:00:00Z", self.date),
            summary: Some(self.summary.clone()),
            author: None,
        })
    }
}
