//! A partner's own outputs: its profile, its case study and post pages (with the images
//! they show), its badge and its assets; and the views its items add to the listings.

use super::feeds::FeedEntry;
use super::listings::{self, Listed, Lists};
use super::{Planned, SharedCards, item_template};
use crate::config::SiteConfig;
use crate::content::{ClientLogo, Partner, Site, Testimonial};
use crate::kinds::{Shape, by_shape};
use crate::render::badge;
use crate::render::deps::{Deps, Source};
use crate::render::job::{Ctx, Job, Owner, image_jobs, page_ctx};
use crate::render::theme::StaticFile;
use crate::render::views::{self, Urls, paths};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::{Context, Value};

/// Plan every partner (in parallel) and collect their items for the listings.
pub(super) fn plan_all<'a>(
    site: &'a Site,
    cards: &SharedCards,
    panels: &BTreeMap<String, Value>,
    urls: &Urls,
    out: &mut Planned<'a>,
) -> Lists<'a> {
    let c = &site.config;
    let plans: Vec<(Planned<'a>, Lists<'a>)> = site
        .partners
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut plan = Planned::default();
            let at = PartnerAt {
                p,
                index: i,
                cards: cards.clone(),
                panel: panels.get(&p.slug).cloned(),
                urls: Arc::new(urls.clone()),
            };
            pages(&at, c, &mut plan);
            assets(p, c, &mut plan);
            (plan, listed(p, c, &at.urls))
        })
        .collect();
    // Reserved once: grown by doubling, the 140,000 jobs of N = 10,000 left ~20 MB unused.
    out.jobs
        .reserve(plans.iter().map(|(plan, _)| plan.jobs.len()).sum());
    out.sources
        .reserve(plans.iter().map(|(plan, _)| plan.sources.len()).sum());
    let mut lists = Lists::default();
    for (plan, listed) in plans {
        out.jobs.extend(plan.jobs);
        out.sources.extend(plan.sources);
        lists.extend(listed);
    }
    lists
}

/// A partner and what its profile shows besides the model.
struct PartnerAt<'a> {
    p: &'a Partner,
    /// Its place in `site.partners` (and in the directory's cards).
    index: usize,
    cards: SharedCards,
    /// The lead report's panel (`extra` in partner.html).
    panel: Option<Value>,
    urls: Arc<Urls>,
}

/// The profile and the item pages, with the images they show: they depend on the
/// partner's Markdown. Contexts are built when the page is rendered, from references into
/// the model: holding 80,000 contexts (or cloned views) at once would cost hundreds of MB.
fn pages<'a>(at: &PartnerAt<'a>, c: &'a SiteConfig, out: &mut Planned<'a>) {
    let p = at.p;
    let deps = Deps::on(Source::Partner(&p.slug));
    let path = paths::partner(&p.slug);
    out.sources
        .push((format!("{path}index.html"), Owner::file(&p.record_path)));
    out.jobs.push(Job::page(
        &path,
        "partner.html",
        profile(at, c),
        deps.clone(),
    ));
    // An about.md image may be the logo itself: it is copied once.
    let logos: Vec<String> = std::iter::once(&p.logo.rel)
        .chain(p.client_logos.iter().map(|l| &l.file.rel))
        .map(|rel| paths::asset(&p.slug, rel))
        .collect();
    image_jobs(
        &p.about_links,
        &logos,
        &deps,
        &mut out.jobs,
        &mut out.sources,
    );
    for item in &p.case_studies {
        let path = paths::case_study(&p.slug, &item.slug);
        out.sources
            .push((format!("{path}index.html"), Owner::file(&item.path)));
        image_jobs(&item.links, &[], &deps, &mut out.jobs, &mut out.sources);
        let (u, cards, index) = (at.urls.clone(), at.cards.clone(), at.index);
        let ctx = Ctx::lazy(move || {
            let path = paths::case_study(&p.slug, &item.slug);
            let view = views::case_study(item, p, &u);
            let mut ctx = item_page(&item.title, &path, &u, &view, &item.html);
            let this = views::ItemRef::CaseStudy(item);
            sidebar(&mut ctx, p, index, &cards, c, &u, this);
            ctx
        });
        out.jobs.push(Job::page(
            &path,
            item_template(Shape::CaseStudy),
            ctx,
            deps.clone(),
        ));
    }
    for item in &p.posts {
        let path = paths::post(Some(&p.slug), &item.slug);
        out.sources
            .push((format!("{path}index.html"), Owner::file(&item.path)));
        image_jobs(&item.links, &[], &deps, &mut out.jobs, &mut out.sources);
        let (u, cards, index) = (at.urls.clone(), at.cards.clone(), at.index);
        let ctx = Ctx::lazy(move || {
            let path = paths::post(Some(&p.slug), &item.slug);
            let view = views::post(item, Some(p), c, &u);
            let mut ctx = item_page(&item.title, &path, &u, &view, &item.html);
            sidebar(
                &mut ctx,
                p,
                index,
                &cards,
                c,
                &u,
                views::ItemRef::Post(item),
            );
            ctx
        });
        out.jobs.push(Job::page(
            &path,
            item_template(Shape::Post),
            ctx,
            deps.clone(),
        ));
    }
}

/// The profile's context, built when it is rendered.
fn profile<'a>(at: &PartnerAt<'a>, c: &'a SiteConfig) -> Ctx<'a> {
    let (p, index) = (at.p, at.index);
    let (cards, panel, u) = (at.cards.clone(), at.panel.clone(), at.urls.clone());
    Ctx::lazy(move || {
        let urls = &*u;
        let path = paths::partner(&p.slug);
        let mut ctx = page_ctx(&p.name, &path, urls);
        ctx.insert_value("partner", card_value(p, index, &cards, c, urls));
        ctx.insert("about", &p.about_html);
        ctx.insert(
            "about_heading",
            &p.about_html.as_ref().and_then(|h| about_heading(&h.text())),
        );
        ctx.insert("website", &p.website);
        ctx.insert("contact", &p.contact);
        ctx.insert("joined", &p.joined.map(|d| d.to_string()));
        let views = ItemViews::of(p, c, urls);
        ctx.insert("case_studies", &views.cs);
        ctx.insert("posts", &views.posts);
        ctx.insert("testimonials", &views.ts);
        ctx.insert("client_logos", &views.logos);
        ctx.insert("badge_url", &urls.abs(&format!("{path}badge.svg")));
        ctx.insert("profile_permalink", &urls.abs(&path));
        let request = super::request::offered(p, c);
        let request_url = request.then(|| urls.url(&super::request::partner_path(&p.slug)));
        ctx.insert("request_url", &request_url);
        if let Some(panel) = &panel {
            ctx.insert_value("extra", panel.clone());
        }
        ctx
    })
}

/// The badge and the files partner.toml names (logo, client logos): they depend on the
/// record alone.
fn assets<'a>(p: &'a Partner, c: &'a SiteConfig, out: &mut Planned<'a>) {
    let path = paths::partner(&p.slug);
    out.jobs.push(Job::file(
        format!("{path}badge.svg"),
        "badge.svg",
        Ctx::lazy(move || badge::strip_context(p, c)),
        Deps::Structure,
    ));
    out.jobs.push(Job::file(
        format!("{path}badge-card.svg"),
        "badge-card.svg",
        Ctx::lazy(move || badge::card_context(p, c)),
        Deps::Structure,
    ));
    let files = std::iter::once((&p.logo, "`logo`")).chain(
        p.client_logos
            .iter()
            .map(|l| (&l.file, "[[client_logos]] `file`")),
    );
    for (asset, key) in files {
        let to = paths::asset(&p.slug, &asset.rel);
        out.sources
            .push((to.clone(), Owner::asset(&p.record_path, asset, key)));
        out.jobs.push(Job::copy(
            to,
            StaticFile::Disk(asset.source.clone()),
            Deps::Structure,
        ));
    }
}

/// The partner's directory card: the one built for this render, else this one alone.
fn card_value(
    p: &Partner,
    index: usize,
    cards: &SharedCards,
    c: &SiteConfig,
    urls: &Urls,
) -> Value {
    cards
        .get()
        .and_then(|cards| cards.values.get(index).cloned())
        .unwrap_or_else(|| super::directory::card_value(p, c, urls, &views::TermValues::default()))
}

/// Items the sidebar of an item page lists besides the partner's card.
const RELATED: usize = 3;

/// The sidebar of a partner's item page: its directory card (`sidebar.card`, the HTML
/// the directory rendered with card.html, or `sidebar.partner` to render when that was
/// not built for this render), `website` and `contact`, and its other items, newest first
/// (`sidebar.more`). Reusing the card's HTML keeps the sidebar cheap on 80,000 pages.
fn sidebar(
    ctx: &mut Context,
    p: &Partner,
    index: usize,
    cards: &SharedCards,
    c: &SiteConfig,
    urls: &Urls,
    this: views::ItemRef,
) {
    let built = cards.get();
    let card = match built.and_then(|cards| cards.html.get(index)) {
        Some(html) => ("card", html.clone()),
        None => ("partner", card_value(p, index, cards, c, urls)),
    };
    // A map of values: the card is shared (tera values are reference-counted), not copied.
    let side: BTreeMap<&'static str, Value> = BTreeMap::from([
        card,
        ("name", Value::from(p.name.as_str())),
        ("website", Value::from(p.website.as_str())),
        ("contact", Value::from(p.contact.as_deref())),
        (
            "more",
            Value::from_serializable(&views::related(p, urls, this, RELATED)),
        ),
    ]);
    ctx.insert_value("sidebar", Value::from(side));
}

/// The `id` of the heading about.md opens with (`<h2 id="about-us">`), which then names
/// the profile's About section; `None` when it opens with something else.
fn about_heading(html: &str) -> Option<String> {
    let rest = html.trim_start().strip_prefix("<h2 id=\"")?;
    let id = rest.get(..rest.find('"')?)?;
    // Slug ids only: anything escaped would not read back the same in an attribute.
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    (!id.is_empty() && id.chars().all(plain)).then(|| id.to_string())
}

/// The context of an item page (case study or post).
fn item_page<V: Serialize>(
    title: &str,
    path: &str,
    urls: &Urls,
    view: &V,
    html: &crate::content::Html,
) -> Context {
    let mut ctx = page_ctx(title, path, urls);
    ctx.insert("item", view);
    ctx.insert("content", html);
    ctx
}

/// What a partner's profile and the listings show of its items.
struct ItemViews {
    cs: Vec<views::CaseStudyView>,
    posts: Vec<views::PostView>,
    ts: Vec<views::TestimonialView>,
    logos: Vec<views::ClientLogoView>,
}

impl ItemViews {
    fn of(p: &Partner, c: &SiteConfig, urls: &Urls) -> ItemViews {
        let (ts, logos) = ItemViews::records(p, urls);
        ItemViews {
            cs: p
                .case_studies
                .iter()
                .map(|x| views::case_study(x, p, urls))
                .collect(),
            posts: p
                .posts
                .iter()
                .map(|x| views::post(x, Some(p), c, urls))
                .collect(),
            ts,
            logos,
        }
    }

    /// The testimonials and client logos.
    fn records(
        p: &Partner,
        urls: &Urls,
    ) -> (Vec<views::TestimonialView>, Vec<views::ClientLogoView>) {
        let ts = p
            .testimonials
            .iter()
            .map(|x| views::testimonial(x, p, urls))
            .collect();
        let logos = p
            .client_logos
            .iter()
            .map(|l| client_logo(l, p, urls))
            .collect();
        (ts, logos)
    }
}

fn client_logo(l: &ClientLogo, p: &Partner, urls: &Urls) -> views::ClientLogoView {
    views::ClientLogoView {
        client: l.client.clone(),
        src: logo_src(l, p, urls),
        date: l.date.to_string(),
        partner: views::partner_ref(p, urls),
    }
}

fn logo_src(l: &ClientLogo, p: &Partner, urls: &Urls) -> String {
    urls.url(&paths::asset(&p.slug, &l.file.rel))
}

/// A partner's items as listing entries: its Markdown items depend on its Markdown, its
/// client logos (from partner.toml) on the record alone.
///
/// Case studies and posts (most of a site's items) are listed by reference and their
/// views built when a listing page or feed shows them: at N = 10,000 partners, 70,000
/// views kept for the whole render held about 90 MB.
fn listed<'a>(p: &'a Partner, c: &'a SiteConfig, urls: &Arc<Urls>) -> Lists<'a> {
    let text = Some(Source::Partner(&p.slug));
    let mut lists = Lists::default();
    let at = |item| ListedItem {
        item,
        p,
        c,
        urls: urls.clone(),
    };
    let cs = p
        .case_studies
        .iter()
        .map(|x| at(views::ItemRef::CaseStudy(x)));
    let dates = p.case_studies.iter().map(|x| x.date);
    lists.add(by_shape(Shape::CaseStudy), cs, dates, text);
    let posts = p.posts.iter().map(|x| at(views::ItemRef::Post(x)));
    let dates = p.posts.iter().map(|x| x.date);
    lists.add(by_shape(Shape::Post), posts, dates, text);
    let record = |record| ListedRecord {
        record,
        p,
        urls: urls.clone(),
    };
    let ts = p
        .testimonials
        .iter()
        .map(|x| record(Record::Testimonial(x)));
    let dates = p.testimonials.iter().map(|x| x.date);
    lists.add(by_shape(Shape::Testimonial), ts, dates, text);
    let logos = p.client_logos.iter().map(|l| record(Record::ClientLogo(l)));
    let dates = p.client_logos.iter().map(|x| x.date);
    lists.add(by_shape(Shape::ClientLogo), logos, dates, None);
    lists
}

/// A partner's testimonial or client logo in a listing: its view is built each time it
/// is shown (views held for the whole render cost ~20 MB at N = 10,000).
struct ListedRecord<'a> {
    record: Record<'a>,
    p: &'a Partner,
    urls: Arc<Urls>,
}

enum Record<'a> {
    Testimonial(&'a Testimonial),
    ClientLogo(&'a ClientLogo),
}

impl Listed for ListedRecord<'_> {
    fn value(&self) -> Value {
        match self.record {
            Record::Testimonial(x) => views::testimonial(x, self.p, &self.urls).value(),
            Record::ClientLogo(l) => client_logo(l, self.p, &self.urls).value(),
        }
    }
    /// As the view's: the partner's URL for a testimonial, the logo's for a client logo.
    fn tie(&self) -> Cow<'_, str> {
        Cow::Owned(match self.record {
            Record::Testimonial(_) => self.urls.url(&paths::partner(&self.p.slug)),
            Record::ClientLogo(l) => logo_src(l, self.p, &self.urls),
        })
    }
}

/// A partner's case study or post in a listing: its view is built each time it is shown.
struct ListedItem<'a> {
    item: views::ItemRef<'a>,
    p: &'a Partner,
    c: &'a SiteConfig,
    urls: Arc<Urls>,
}

impl ListedItem<'_> {
    fn shown<R>(
        &self,
        cs: impl Fn(views::CaseStudyView) -> R,
        post: impl Fn(views::PostView) -> R,
    ) -> R {
        match self.item {
            views::ItemRef::CaseStudy(x) => cs(views::case_study(x, self.p, &self.urls)),
            views::ItemRef::Post(x) => post(views::post(x, Some(self.p), self.c, &self.urls)),
        }
    }
}

impl Listed for ListedItem<'_> {
    fn value(&self) -> Value {
        self.shown(|v| v.value(), |v| v.value())
    }
    /// Its page's URL (the view's `url`).
    fn tie(&self) -> Cow<'_, str> {
        let p = &self.p.slug;
        Cow::Owned(self.urls.url(&match self.item {
            views::ItemRef::CaseStudy(x) => paths::case_study(p, &x.slug),
            views::ItemRef::Post(x) => paths::post(Some(p), &x.slug),
        }))
    }
    fn feed_entry(&self) -> Option<FeedEntry> {
        self.shown(|v| v.feed_entry(), |v| v.feed_entry())
    }
    /// A case study's tags alone, without the rest of its view (called once per item,
    /// while planning on one thread).
    fn filed_under(&self) -> Vec<(String, String)> {
        match self.item {
            views::ItemRef::CaseStudy(x) => listings::filed(&views::tag_links(&x.tags, &self.urls)),
            views::ItemRef::Post(x) => {
                views::post(x, Some(self.p), self.c, &self.urls).filed_under()
            }
        }
    }
}
