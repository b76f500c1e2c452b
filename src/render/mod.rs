//! Rendering: the model becomes a list of output jobs (one per file), checked for
//! duplicate URLs, then rendered in parallel with tera into a [`Sink`].

pub mod theme;
pub mod views;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::output::Sink;
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::{Context, Value};
pub use theme::Theme;
use views::{Facet, NavLink, Urls, paths};

/// Items per page on the long listings (blog, case studies, testimonials, clients).
pub const PER_PAGE: usize = 48;
/// Entries in each Atom feed.
pub const FEED_ENTRIES: usize = 50;

/// Pages and files contributed by later stages (rules, transparency report).
#[derive(Default)]
pub struct Extras {
    /// Pages rendered like any other (the renderer adds the `page` meta).
    pub pages: Vec<ExtraPage>,
    /// Files written as they are.
    pub files: Vec<(String, Vec<u8>)>,
    /// Extra entries for the navigation (title, site-relative path).
    pub nav: Vec<(String, String)>,
    /// Per-partner values inserted into the profile context as `extra` (e.g. lead panel).
    pub partner_panels: BTreeMap<String, Value>,
}

/// A page contributed by a later stage.
pub struct ExtraPage {
    /// Site-relative folder, e.g. `transparency/`.
    pub path: String,
    pub template: &'static str,
    pub title: String,
    /// The page's own values (`page` is added by the renderer).
    pub ctx: Context,
}

/// Options that change the rendered bytes.
#[derive(Default, Clone)]
pub struct RenderOptions {
    /// HTML inserted before `</body>` of every page (live reload client in `serve`).
    pub body_end: Option<String>,
    /// Incremental rebuild: render only what depends on these items.
    pub only: Option<Dirty>,
}

/// What changed since the last render, for `serve`'s incremental rebuilds. The listings,
/// feeds and extra pages that show items are always re-rendered.
#[derive(Debug, Default, Clone)]
pub struct Dirty {
    pub partners: std::collections::BTreeSet<String>,
    pub program_posts: std::collections::BTreeSet<String>,
}

/// The source file (and where in it) that produces an output path, to name it when two
/// producers meet: a duplicate URL, or a path that is both a file and a folder.
#[derive(Debug, Clone)]
struct Owner {
    /// Site-relative, forward slashes.
    file: String,
    line: usize,
    col: usize,
    /// The key that names the output (`logo`), prefixed to the message.
    key: Option<&'static str>,
}

impl Owner {
    /// A Markdown or TOML file whose name sets the URL: its first line.
    fn file(path: &std::path::Path) -> Owner {
        Owner {
            file: display_path(path),
            line: 1,
            col: 1,
            key: None,
        }
    }

    /// A file published as it is (a static file): the file itself, no line.
    fn whole(path: &std::path::Path) -> Owner {
        Owner {
            line: 0,
            col: 0,
            ..Owner::file(path)
        }
    }

    /// An asset named by a partner.toml key.
    fn asset(record: &std::path::Path, asset: &crate::content::Asset, key: &'static str) -> Owner {
        Owner {
            line: asset.at.0,
            col: asset.at.1,
            key: Some(key),
            ..Owner::file(record)
        }
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        let message = match self.key {
            Some(key) => format!("{key}: {message}"),
            None => message,
        };
        Diagnostic::error(PathBuf::from(&self.file), message).at(self.line, self.col)
    }

    fn shown(&self) -> String {
        match self.line {
            0 => self.file.clone(),
            _ => format!("{}:{}:{}", self.file, self.line, self.col),
        }
    }
}

/// (output path, source) pairs, for the collision checks.
type Sources = Vec<(String, Owner)>;

/// What one output file is made of.
enum Job<'a> {
    Template {
        path: String,
        template: &'static str,
        ctx: Ctx<'a>,
        sitemap: bool,
    },
    Bytes {
        path: String,
        bytes: Vec<u8>,
    },
    Copy {
        path: String,
        source: theme::StaticFile,
    },
}

/// A page's template context: built while planning, or (for the tens of thousands of
/// item pages) built only when the page is rendered, so contexts never pile up in memory.
enum Ctx<'a> {
    Ready(Box<Context>),
    Lazy(Box<dyn Fn() -> Context + Send + Sync + 'a>),
}

impl<'a> From<Box<Context>> for Ctx<'a> {
    fn from(ctx: Box<Context>) -> Self {
        Ctx::Ready(ctx)
    }
}

impl Job<'_> {
    fn path(&self) -> &str {
        match self {
            Job::Template { path, .. } | Job::Bytes { path, .. } | Job::Copy { path, .. } => path,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RenderSummary {
    pub pages: usize,
    pub files: usize,
    /// Every output path planned and written (site-relative, sorted): what the site
    /// serves, for checks over the planned output such as internal links. An incremental
    /// rebuild lists only what it rendered.
    pub outputs: Vec<String>,
    /// Problems found while rendering that do not stop it (`[links] internal = "warn"`).
    pub warnings: Diagnostics,
}

/// The output jobs of a site, who produces them, and the templates that already failed
/// while planning (the home page's cards).
struct Planned<'a> {
    jobs: Vec<Job<'a>>,
    sources: Sources,
    failed: Vec<(String, tera::Error)>,
}

/// Copy jobs for the images a Markdown document shows, skipping paths in `taken`.
fn image_jobs(
    links: &crate::links::DocLinks,
    taken: &[String],
    jobs: &mut Vec<Job>,
    sources: &mut Sources,
) {
    for (path, file) in &links.images {
        if taken.contains(path) {
            continue;
        }
        sources.push((path.clone(), Owner::file(&links.source)));
        jobs.push(Job::Copy {
            path: path.clone(),
            source: theme::StaticFile::Disk(file.clone()),
        });
    }
}

fn page_ctx(title: &str, path: &str, urls: &Urls) -> Context {
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

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    /// base_url's path, ends with `/`: prefix of every internal URL.
    base: &'a str,
    base_url: &'a str,
    nav: Vec<NavLink>,
    facets: Vec<FacetView>,
}

#[derive(Serialize, Clone)]
struct FacetView {
    key: &'static str,
    segment: &'static str,
    label: &'static str,
    terms: Vec<views::Term>,
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

/// Split a long listing into pages `base`, `base/page/2/`, ... Each page's context is
/// built when it is rendered (in parallel), from the shared list.
#[allow(clippy::too_many_arguments)]
fn paginate<'a, T: Serialize + Send + Sync + 'a>(
    jobs: &mut Vec<Job<'a>>,
    items: std::sync::Arc<Vec<T>>,
    base: &'static str,
    title: &'static str,
    kind: &'static str,
    template: &'static str,
    urls: &Urls,
    // Incremental rebuilds: only pages holding a changed item (positions cannot move,
    // since a changed date forces a full rebuild).
    changed: Option<&dyn Fn(&T) -> bool>,
) {
    let total = items.len().div_ceil(PER_PAGE).max(1);
    let page_path = move |n: usize| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    };
    for n in 1..=total {
        let range = (n - 1) * PER_PAGE..(n * PER_PAGE).min(items.len());
        let chunk = items.get(range.clone()).unwrap_or_default();
        if changed.is_some_and(|f| !chunk.iter().any(f)) {
            continue;
        }
        let path = page_path(n);
        let (items, urls) = (items.clone(), urls.clone());
        let ctx = Ctx::Lazy(Box::new(move || {
            let mut ctx = page_ctx(title, &page_path(n), &urls);
            ctx.insert("kind", kind);
            ctx.insert("items", items.get(range.clone()).unwrap_or_default());
            ctx.insert(
                "pager",
                &Pager {
                    current: n,
                    total,
                    prev: (n > 1).then(|| urls.url(&page_path(n - 1))),
                    next: (n < total).then(|| urls.url(&page_path(n + 1))),
                },
            );
            ctx
        }));
        jobs.push(Job::Template {
            path: format!("{path}index.html"),
            template,
            ctx,
            sitemap: true,
        });
    }
}

/// The format version of `partners.json`. Bump it when a key is removed or renamed, or a
/// value changes type or meaning; a key added is not a bump (readers ignore keys they do
/// not know, as the README promises).
const PARTNERS_JSON_VERSION: u32 = 1;

/// `partners.json`: every public field of every listed partner, vocabulary values as
/// ids, and the labels of those ids once in `vocabularies` (documented in the README).
#[derive(Serialize)]
struct PartnersJson<'a> {
    version: u32,
    /// facet key -> [[id, label], ...] in display order.
    vocabularies: BTreeMap<&'static str, Vec<[&'a str; 2]>>,
    partners: Vec<PartnerJson<'a>>,
}

#[derive(Serialize)]
struct PartnerJson<'a> {
    slug: &'a str,
    name: &'a str,
    url: &'a str,
    logo: &'a str,
    summary: &'a str,
    website: &'a str,
    contact: Option<&'a str>,
    joined: Option<String>,
    tier: &'a str,
    country: &'a str,
    regions: &'a [String],
    services: &'a [String],
    languages: &'a [String],
    pricing: Option<&'a str>,
    company_size: Option<&'a str>,
    market_size: Option<&'a str>,
}

fn partners_json(
    site: &Site,
    cards: &[views::Card],
    facets: &[(Facet, Vec<views::Term>)],
) -> Result<Vec<u8>> {
    let vocabularies = facets
        .iter()
        .map(|(f, terms)| {
            (
                f.key(),
                terms
                    .iter()
                    .map(|t| [t.id.as_str(), t.label.as_str()])
                    .collect(),
            )
        })
        .collect();
    let partners = site
        .partners
        .iter()
        .zip(cards)
        .map(|(p, card)| PartnerJson {
            slug: &p.slug,
            name: &p.name,
            url: &card.url,
            logo: &card.logo,
            summary: &p.summary,
            website: &p.website,
            contact: p.contact.as_deref(),
            joined: p.joined.map(|d| d.to_string()),
            tier: &p.tier,
            country: &card.country.id,
            regions: &p.regions,
            services: &p.services,
            languages: &p.languages,
            pricing: p.pricing.as_deref(),
            company_size: p.company_size.as_deref(),
            market_size: p.market_size.as_deref(),
        })
        .collect();
    Ok(serde_json::to_vec(&PartnersJson {
        version: PARTNERS_JSON_VERSION,
        vocabularies,
        partners,
    })?)
}

/// Build every output job for the site.
fn plan<'a>(
    site: &'a Site,
    theme: &Theme,
    tera: &tera::Tera,
    facets: &[(Facet, Vec<views::Term>)],
    extras: Extras,
    opts: &RenderOptions,
) -> Result<Planned<'a>> {
    let c = &site.config;
    let urls = Urls::new(c);
    let mut jobs: Vec<Job> = Vec::new();
    // (output path, source) for the duplicate check.
    let mut sources: Sources = Vec::new();

    // Incremental rebuilds need the cards of the changed partners only.
    let wanted = |p: &crate::content::Partner| {
        opts.only
            .as_ref()
            .is_none_or(|d| d.partners.contains(&p.slug))
    };
    let cards: Vec<views::Card> = site
        .partners
        .par_iter()
        .filter(|p| opts.only.is_none() || wanted(p))
        .map(|p| views::card(p, c, &urls))
        .collect();
    let card_values: Vec<Value> = if opts.only.is_none() {
        cards.par_iter().map(Value::from_serializable).collect()
    } else {
        let mut it = cards.iter();
        site.partners
            .iter()
            .map(|p| {
                if wanted(p) {
                    it.next()
                        .map(Value::from_serializable)
                        .unwrap_or_else(Value::none)
                } else {
                    Value::none()
                }
            })
            .collect()
    };

    let only = opts.only.as_ref();
    let mut failed = Vec::new();
    if only.is_none()
        && let Err(e) = plan_directory(site, &cards, &card_values, tera, facets, &urls, &mut jobs)?
    {
        failed.push((String::new(), e));
    }
    // Profiles, items, assets: planned per partner in parallel.
    let plans: Vec<PartnerPlan> = site
        .partners
        .par_iter()
        .zip(card_values.par_iter())
        .map(|(p, card)| {
            let pages = only.is_none_or(|d| d.partners.contains(&p.slug));
            plan_partner(
                p,
                card,
                c,
                &urls,
                extras.partner_panels.get(&p.slug),
                pages,
                only.is_none(),
            )
        })
        .collect();
    let mut all_cs = Vec::new();
    let mut all_posts: Vec<(views::PostView, crate::date::Date)> = Vec::new();
    let mut all_testimonials = Vec::new();
    let mut all_logos = Vec::new();
    for plan in plans {
        jobs.extend(plan.jobs);
        sources.extend(plan.sources);
        all_cs.extend(plan.case_studies);
        all_posts.extend(plan.posts);
        all_testimonials.extend(plan.testimonials);
        all_logos.extend(plan.logos);
    }
    for item in &site.blog {
        let view = views::post(item, None, c, &urls);
        if only.is_some_and(|d| !d.program_posts.contains(&item.slug)) {
            all_posts.push((view, item.date));
            continue;
        }
        let path = paths::post(None, &item.slug);
        let mut ctx = page_ctx(&item.title, &path, &urls);
        ctx.insert("item", &view);
        ctx.insert("content", &item.html);
        sources.push((format!("{path}index.html"), Owner::file(&item.path)));
        jobs.push(Job::Template {
            path: format!("{path}index.html"),
            template: "post.html",
            ctx: Box::new(ctx).into(),
            sitemap: true,
        });
        image_jobs(&item.links, &[], &mut jobs, &mut sources);
        all_posts.push((view, item.date));
    }
    for page in site.pages.iter().filter(|_| only.is_none()) {
        let path = paths::page(&page.slug);
        let mut ctx = page_ctx(&page.title, &path, &urls);
        ctx.insert("content", &page.html);
        sources.push((format!("{path}index.html"), Owner::file(&page.path)));
        jobs.push(Job::Template {
            path: format!("{path}index.html"),
            template: "page.html",
            ctx: Box::new(ctx).into(),
            sitemap: true,
        });
        image_jobs(&page.links, &[], &mut jobs, &mut sources);
    }

    // Listings and feeds: newest first, ties by URL (stable across runs).
    fn newest<T>(v: &mut [(T, crate::date::Date)], key: impl Fn(&T) -> &str) {
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| key(&a.0).cmp(key(&b.0))));
    }
    newest(&mut all_cs, |v| &v.url);
    newest(&mut all_posts, |v| &v.url);
    newest(&mut all_testimonials, |v| &v.partner.url);
    newest(&mut all_logos, |v| &v.src);
    fn strip<T>(v: Vec<(T, crate::date::Date)>) -> std::sync::Arc<Vec<T>> {
        std::sync::Arc::new(v.into_iter().map(|(x, _)| x).collect())
    }
    let (all_cs, all_posts, all_testimonials, all_logos) = (
        strip(all_cs),
        strip(all_posts),
        strip(all_testimonials),
        strip(all_logos),
    );
    let dirty_partner = |slug: &str| only.is_some_and(|d| d.partners.contains(slug));
    let cs_changed = |v: &views::CaseStudyView| dirty_partner(&v.partner.slug);
    let post_changed = |v: &views::PostView| match &v.partner {
        Some(p) => dirty_partner(&p.slug),
        None => only.is_some_and(|d| d.program_posts.contains(&v.slug)),
    };
    let t_changed = |v: &views::TestimonialView| dirty_partner(&v.partner.slug);
    let incremental = only.is_some();
    paginate(
        &mut jobs,
        all_cs.clone(),
        "case-studies/",
        "Case studies",
        "case-studies",
        "list.html",
        &urls,
        incremental.then_some(&cs_changed as &dyn Fn(&_) -> bool),
    );
    paginate(
        &mut jobs,
        all_posts.clone(),
        "blog/",
        "Blog",
        "posts",
        "list.html",
        &urls,
        incremental.then_some(&post_changed as &dyn Fn(&_) -> bool),
    );
    paginate(
        &mut jobs,
        all_testimonials.clone(),
        "testimonials/",
        "Testimonials",
        "testimonials",
        "testimonials.html",
        &urls,
        incremental.then_some(&t_changed as &dyn Fn(&_) -> bool),
    );
    if !incremental {
        // Client logos come from partner.toml, whose changes always rebuild everything.
        paginate(
            &mut jobs,
            all_logos.clone(),
            "clients/",
            "Clients",
            "clients",
            "clients.html",
            &urls,
            None,
        );
    }
    let feed_changed = |cs: bool| {
        !incremental
            || if cs {
                all_cs.iter().take(FEED_ENTRIES).any(cs_changed)
            } else {
                all_posts.iter().take(FEED_ENTRIES).any(post_changed)
            }
    };
    for (path, title, items) in [
        ("blog/atom.xml", "Blog", serde_feed(&all_posts)),
        ("case-studies/atom.xml", "Case studies", serde_feed(&all_cs)),
    ] {
        if !feed_changed(path.starts_with("case-studies")) {
            continue;
        }
        let mut ctx = Context::new();
        ctx.insert("feed_title", &format!("{} — {title}", c.title));
        ctx.insert("feed_url", &urls.abs(path));
        ctx.insert("home_url", &urls.abs(path.trim_end_matches("atom.xml")));
        ctx.insert("entries", &items);
        ctx.insert(
            "updated",
            &items
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        );
        jobs.push(Job::Template {
            path: path.into(),
            template: "atom.xml",
            ctx: Box::new(ctx).into(),
            sitemap: false,
        });
    }

    if only.is_none() {
        jobs.push(Job::Template {
            path: "404.html".into(),
            template: "404.html",
            ctx: Box::new(page_ctx("Page not found", "404.html", &urls)).into(),
            sitemap: false,
        });
        jobs.push(Job::Bytes {
            path: ".nojekyll".into(),
            bytes: Vec::new(),
        });
        jobs.push(Job::Bytes {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                urls.abs("sitemap.xml")
            )
            .into_bytes(),
        });
        if let Some(cname) = &c.cname {
            jobs.push(Job::Bytes {
                path: "CNAME".into(),
                bytes: format!("{cname}\n").into_bytes(),
            });
        }
        for (path, source) in &theme.static_files {
            if let theme::StaticFile::Disk(file) = source {
                let rel = file.strip_prefix(&c.root).unwrap_or(file);
                sources.push((path.clone(), Owner::whole(rel)));
            }
            jobs.push(Job::Copy {
                path: path.clone(),
                source: source.clone(),
            });
        }
    }
    for extra in extras.pages {
        let mut ctx = page_ctx(&extra.title, &extra.path, &urls);
        ctx.extend(extra.ctx);
        jobs.push(Job::Template {
            path: format!("{}index.html", extra.path),
            template: extra.template,
            ctx: Box::new(ctx).into(),
            sitemap: true,
        });
    }
    for (path, bytes) in extras.files {
        jobs.push(Job::Bytes { path, bytes });
    }

    if only.is_none() {
        let sitemap: Vec<String> = jobs
            .iter()
            .filter_map(|j| match j {
                Job::Template {
                    path,
                    sitemap: true,
                    ..
                } => Some(urls.abs(path.trim_end_matches("index.html"))),
                _ => None,
            })
            .collect();
        let mut sitemap = sitemap;
        sitemap.sort();
        let mut ctx = Context::new();
        ctx.insert("urls", &sitemap);
        jobs.push(Job::Template {
            path: "sitemap.xml".into(),
            template: "sitemap.xml",
            ctx: Box::new(ctx).into(),
            sitemap: false,
        });
    }
    Ok(Planned {
        jobs,
        sources,
        failed,
    })
}

/// The directory home page, partners.json and one listing page per facet value.
fn plan_directory(
    site: &Site,
    cards: &[views::Card],
    card_values: &[Value],
    tera: &tera::Tera,
    facets: &[(Facet, Vec<views::Term>)],
    urls: &Urls,
    jobs: &mut Vec<Job>,
) -> Result<std::result::Result<(), tera::Error>> {
    let c = &site.config;
    let urls = urls.clone();
    // Each card is rendered once with card.html; the home page and the value pages (where
    // a partner appears about ten times) reuse the HTML. Templates also get the data.
    let card_html: Vec<Value> = match card_values
        .par_iter()
        .map(|card| {
            let mut ctx = Context::new();
            ctx.insert_value("partner", card.clone());
            tera.render("card.html", &ctx)
                .map(|html| Value::safe_string(&html))
        })
        .collect::<std::result::Result<_, _>>()
    {
        Ok(html) => html,
        Err(e) => return Ok(Err(e)),
    };
    let mut ctx = page_ctx(&c.title, "", &urls);
    ctx.insert_value("partners", Value::from(card_values.to_vec()));
    ctx.insert_value("cards", Value::from(card_html.clone()));
    jobs.push(Job::Template {
        path: "index.html".into(),
        template: "index.html",
        ctx: Box::new(ctx).into(),
        sitemap: true,
    });
    jobs.push(Job::Bytes {
        path: "partners.json".into(),
        bytes: partners_json(site, cards, facets)?,
    });
    for (facet, terms) in facets {
        // One pass over partners per facet: value -> indices (linear in N).
        let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in site.partners.iter().enumerate() {
            for v in facet.values(p) {
                members.entry(v).or_default().push(i);
            }
        }
        for t in terms {
            let path = paths::value(facet.segment(), &t.id);
            let ix = members.get(&t.id).map(Vec::as_slice).unwrap_or_default();
            let pick = |all: &[Value]| -> Value {
                Value::from(
                    ix.iter()
                        .filter_map(|&i| all.get(i).cloned())
                        .collect::<Vec<_>>(),
                )
            };
            let mut ctx = page_ctx(&format!("{}: {}", facet.label(), t.label), &path, &urls);
            ctx.insert("facet", facet.label());
            ctx.insert("term", &t);
            ctx.insert_value("partners", pick(card_values));
            ctx.insert_value("cards", pick(&card_html));
            jobs.push(Job::Template {
                path: format!("{path}index.html"),
                template: "listing.html",
                ctx: Box::new(ctx).into(),
                sitemap: true,
            });
        }
    }

    Ok(Ok(()))
}

/// The jobs of one partner, plus the views its items contribute to the listings.
struct PartnerPlan<'a> {
    jobs: Vec<Job<'a>>,
    sources: Sources,
    case_studies: Vec<(views::CaseStudyView, crate::date::Date)>,
    posts: Vec<(views::PostView, crate::date::Date)>,
    testimonials: Vec<(views::TestimonialView, crate::date::Date)>,
    logos: Vec<(views::ClientLogoView, crate::date::Date)>,
}

/// The context of an item page (case study or post).
fn item_page<V: Serialize>(
    title: &str,
    path: &str,
    urls: &Urls,
    view: &V,
    html: &std::sync::Arc<str>,
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

fn item_views(
    p: &crate::content::Partner,
    c: &crate::config::SiteConfig,
    urls: &Urls,
) -> ItemViews {
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
        ts: p
            .testimonials
            .iter()
            .map(|x| views::testimonial(x, p, urls))
            .collect(),
        logos: p
            .client_logos
            .iter()
            .map(|l| views::ClientLogoView {
                client: l.client.clone(),
                src: urls.url(&paths::asset(&p.slug, &l.file.rel)),
                date: l.date.to_string(),
                partner: views::partner_ref(p, urls),
            })
            .collect(),
    }
}

/// Plan a partner's profile, item pages, badge and assets. `pages = false` only collects
/// the listing views (incremental rebuild of another partner); `assets = false` skips the
/// badge and file copies (they cannot change in an incremental rebuild).
fn plan_partner<'a>(
    p: &'a crate::content::Partner,
    card: &Value,
    c: &'a crate::config::SiteConfig,
    urls: &Urls,
    panel: Option<&Value>,
    pages: bool,
    assets: bool,
) -> PartnerPlan<'a> {
    let path = paths::partner(&p.slug);
    let ItemViews {
        cs,
        posts,
        ts,
        logos,
    } = item_views(p, c, urls);
    let mut jobs = Vec::new();
    let mut sources = Vec::new();
    if pages {
        // Contexts are built when the page is rendered, from references into the model:
        // holding 80,000 contexts (or cloned views) at once would cost hundreds of MB.
        let urls_rc = std::sync::Arc::new(urls.clone());
        let (card, panel, u) = (card.clone(), panel.cloned(), urls_rc.clone());
        let ctx = Ctx::Lazy(Box::new(move || {
            let urls = &*u;
            let path = paths::partner(&p.slug);
            let mut ctx = page_ctx(&p.name, &path, urls);
            ctx.insert_value("partner", card.clone());
            ctx.insert("about", &p.about_html);
            ctx.insert("website", &p.website);
            ctx.insert("contact", &p.contact);
            ctx.insert("joined", &p.joined.map(|d| d.to_string()));
            let views = item_views(p, c, urls);
            ctx.insert("case_studies", &views.cs);
            ctx.insert("posts", &views.posts);
            ctx.insert("testimonials", &views.ts);
            ctx.insert("client_logos", &views.logos);
            ctx.insert("badge_url", &urls.abs(&format!("{path}badge.svg")));
            ctx.insert("profile_permalink", &urls.abs(&path));
            if let Some(panel) = &panel {
                ctx.insert_value("extra", panel.clone());
            }
            ctx
        }));
        sources.push((format!("{path}index.html"), Owner::file(&p.record_path)));
        jobs.push(Job::Template {
            path: format!("{path}index.html"),
            template: "partner.html",
            ctx,
            sitemap: true,
        });
        // An about.md image may be the logo itself: it is copied once.
        let logos: Vec<String> = std::iter::once(&p.logo.rel)
            .chain(p.client_logos.iter().map(|l| &l.file.rel))
            .map(|rel| paths::asset(&p.slug, rel))
            .collect();
        image_jobs(&p.about_links, &logos, &mut jobs, &mut sources);
        for item in &p.case_studies {
            let path = paths::case_study(&p.slug, &item.slug);
            sources.push((format!("{path}index.html"), Owner::file(&item.path)));
            image_jobs(&item.links, &[], &mut jobs, &mut sources);
            let u = urls_rc.clone();
            jobs.push(Job::Template {
                template: "case_study.html",
                ctx: Ctx::Lazy(Box::new(move || {
                    item_page(
                        &item.title,
                        &paths::case_study(&p.slug, &item.slug),
                        &u,
                        &views::case_study(item, p, &u),
                        &item.html,
                    )
                })),
                path: format!("{path}index.html"),
                sitemap: true,
            });
        }
        for item in &p.posts {
            let path = paths::post(Some(&p.slug), &item.slug);
            sources.push((format!("{path}index.html"), Owner::file(&item.path)));
            image_jobs(&item.links, &[], &mut jobs, &mut sources);
            let u = urls_rc.clone();
            jobs.push(Job::Template {
                template: "post.html",
                ctx: Ctx::Lazy(Box::new(move || {
                    item_page(
                        &item.title,
                        &paths::post(Some(&p.slug), &item.slug),
                        &u,
                        &views::post(item, Some(p), c, &u),
                        &item.html,
                    )
                })),
                path: format!("{path}index.html"),
                sitemap: true,
            });
        }
    }
    if assets {
        let tier = c.tiers.label(&p.tier).unwrap_or(&p.tier);
        let (w1, w2) = (badge_text_width(tier), badge_text_width(&p.name));
        let mut badge = Context::new();
        badge.insert("tier_label", tier);
        badge.insert("name", &p.name);
        badge.insert("left_width", &w1);
        badge.insert("right_width", &w2);
        badge.insert("width", &(w1 + w2));
        jobs.push(Job::Template {
            path: format!("{path}badge.svg"),
            template: "badge.svg",
            ctx: Box::new(badge).into(),
            sitemap: false,
        });
        sources.push((
            paths::asset(&p.slug, &p.logo.rel),
            Owner::asset(&p.record_path, &p.logo, "`logo`"),
        ));
        jobs.push(Job::Copy {
            path: paths::asset(&p.slug, &p.logo.rel),
            source: theme::StaticFile::Disk(p.logo.source.clone()),
        });
        for l in &p.client_logos {
            sources.push((
                paths::asset(&p.slug, &l.file.rel),
                Owner::asset(&p.record_path, &l.file, "[[client_logos]] `file`"),
            ));
            jobs.push(Job::Copy {
                path: paths::asset(&p.slug, &l.file.rel),
                source: theme::StaticFile::Disk(l.file.source.clone()),
            });
        }
    }
    PartnerPlan {
        jobs,
        sources,
        case_studies: cs
            .into_iter()
            .zip(p.case_studies.iter().map(|x| x.date))
            .collect(),
        posts: posts
            .into_iter()
            .zip(p.posts.iter().map(|x| x.date))
            .collect(),
        testimonials: ts
            .into_iter()
            .zip(p.testimonials.iter().map(|x| x.date))
            .collect(),
        logos: logos
            .into_iter()
            .zip(p.client_logos.iter().map(|x| x.date))
            .collect(),
    }
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: Option<String>,
    author: Option<String>,
}

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
fn serde_feed<T: FeedItem>(items: &[T]) -> Vec<FeedEntry> {
    items
        .iter()
        .take(FEED_ENTRIES)
        .map(FeedItem::entry)
        .collect()
}

/// Approximate rendered width in pixels of badge text (11px sans-serif), plus padding.
fn badge_text_width(text: &str) -> u32 {
    let w: f64 = text
        .chars()
        .map(|ch| match ch {
            'i' | 'l' | 'j' | '\'' | '.' | ',' | ':' | ';' | '|' | '!' => 3.5,
            'f' | 't' | 'r' | 'I' | ' ' | '(' | ')' => 4.5,
            'm' | 'w' | 'M' | 'W' => 10.0,
            c if c.is_uppercase() => 8.0,
            _ => 6.5,
        })
        .sum();
    // Whole pixels: the badge must be byte-identical across runs.
    (w.ceil() as u32) + 12
}

/// Render the whole site into `sink`. Content problems (duplicate URLs, template errors)
/// come back as diagnostics; I/O problems as errors.
pub fn render(
    site: &Site,
    theme: &Theme,
    extras: Extras,
    opts: &RenderOptions,
    sink: &dyn Sink,
) -> Result<std::result::Result<RenderSummary, Diagnostics>> {
    let c = &site.config;
    let urls = Urls::new(c);
    let mut nav: Vec<NavLink> = vec![
        NavLink {
            title: "Partners".into(),
            url: urls.url(""),
        },
        NavLink {
            title: "Case studies".into(),
            url: urls.url("case-studies/"),
        },
        NavLink {
            title: "Blog".into(),
            url: urls.url("blog/"),
        },
        NavLink {
            title: "Testimonials".into(),
            url: urls.url("testimonials/"),
        },
        NavLink {
            title: "Clients".into(),
            url: urls.url("clients/"),
        },
    ];
    for (title, path) in &extras.nav {
        nav.push(NavLink {
            title: title.clone(),
            url: urls.url(path),
        });
    }
    for p in &site.pages {
        nav.push(NavLink {
            title: p.title.clone(),
            url: urls.url(&paths::page(&p.slug)),
        });
    }
    // Each facet's values, computed once for the filters and the value pages.
    let facet_terms: Vec<(Facet, Vec<views::Term>)> = Facet::ALL
        .iter()
        .map(|&f| (f, views::facet_terms(f, site, &urls)))
        .collect();
    let facets: Vec<FacetView> = facet_terms
        .iter()
        .map(|(f, terms)| FacetView {
            key: f.key(),
            segment: f.segment(),
            label: f.label(),
            terms: terms.clone(),
        })
        .collect();
    let site_view = SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base: &urls.base,
        base_url: &urls.absolute,
        nav,
        facets,
    };
    let mut tera = theme.tera.clone();
    tera.global_context().insert("site", &site_view);
    tera.global_context()
        .insert("live_reload", &opts.body_end.is_some());

    let t = std::time::Instant::now();
    let Planned {
        jobs,
        sources,
        failed: planned_failed,
    } = plan(site, theme, &tera, &facet_terms, extras, opts)?;
    let t = crate::timings::stage("plan", t);

    let (paths, mut diags) = collisions(&jobs, &sources);
    // Every internal link against the planned output, before anything is written. An
    // incremental rebuild plans only part of the site: its links are checked by the next
    // full one.
    let t = crate::timings::stage("urls", t);
    if opts.only.is_none() {
        let outputs: std::collections::HashSet<&str> = paths.iter().copied().collect();
        let docs = crate::links::documents(site);
        diags.extend(crate::links::check(&docs, &outputs, c.links.internal));
    }
    let t = crate::timings::stage("links", t);
    // Colliding outputs or broken links cannot be written, but every page is still
    // rendered (into nothing) so that template errors come out in the same run.
    let sink: &dyn Sink = if diags.has_errors() { &Discard } else { sink };
    let outputs: Vec<String> = paths.iter().map(|p| p.to_string()).collect();

    // Every folder once, parents first, instead of a create_dir_all per file.
    let mut dirs: Vec<String> = Vec::new();
    for path in &paths {
        let mut end = 0;
        while let Some(i) = path.get(end..).and_then(|rest| rest.find('/')) {
            end += i + 1;
            dirs.push(path.get(..end - 1).unwrap_or_default().to_string());
        }
    }
    dirs.sort();
    dirs.dedup();
    drop(paths);
    sink.prepare_dirs(&dirs)?;
    let pages = AtomicUsize::new(0);
    let failed = render_jobs(jobs, &tera, opts, sink, &pages)?;
    crate::timings::stage("render", t);
    if diags.has_errors() || !failed.is_empty() || !planned_failed.is_empty() {
        let mut diags = diags;
        diags.extend(render_errors(
            planned_failed.into_iter().chain(failed).collect(),
            &theme.sources,
        ));
        return Ok(Err(diags.sorted()));
    }
    let pages = pages.into_inner();
    Ok(Ok(RenderSummary {
        pages,
        files: outputs.len(),
        outputs,
        warnings: diags.sorted(),
    }))
}

/// Render and write every job in parallel; the pages whose template failed come back.
fn render_jobs(
    jobs: Vec<Job>,
    tera: &tera::Tera,
    opts: &RenderOptions,
    sink: &dyn Sink,
    pages: &AtomicUsize,
) -> Result<Vec<(String, tera::Error)>> {
    Ok(jobs
        .into_par_iter()
        .map(|job| -> Result<Option<(String, tera::Error)>> {
            match job {
                Job::Template {
                    path,
                    template,
                    ctx,
                    ..
                } => {
                    let built;
                    let ctx: &Context = match &ctx {
                        Ctx::Ready(c) => c,
                        Ctx::Lazy(f) => {
                            built = f();
                            &built
                        }
                    };
                    let rendered = match tera.render(template, ctx) {
                        Ok(s) => s,
                        Err(e) => return Ok(Some((path, e))),
                    };
                    let rendered = match (&opts.body_end, path.ends_with(".html")) {
                        (Some(snippet), true) => inject_before_body_end(rendered, snippet),
                        _ => rendered,
                    };
                    pages.fetch_add(1, Ordering::Relaxed);
                    sink.write(&path, rendered.as_bytes())?;
                }
                Job::Bytes { path, bytes } => sink.write(&path, &bytes)?,
                Job::Copy { path, source } => match source {
                    theme::StaticFile::Embedded(b) => sink.write(&path, b)?,
                    theme::StaticFile::Disk(p) => sink
                        .copy(&path, &p)
                        .with_context(|| format!("copying {}", p.display()))?,
                },
            }
            Ok(None)
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect())
}

fn inject_before_body_end(mut html: String, snippet: &str) -> String {
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, snippet),
        None => html.push_str(snippet),
    }
    html
}

/// Templates rendered by partnersite itself rather than for one source file.
fn generated(job: &Job) -> Option<String> {
    match job {
        Job::Template { template, .. }
            if !matches!(
                *template,
                "page.html" | "post.html" | "case_study.html" | "partner.html"
            ) =>
        {
            Some(format!(
                "partnersite generates it from the template {template}"
            ))
        }
        Job::Bytes { .. } => Some("partnersite generates it".into()),
        Job::Copy {
            source: theme::StaticFile::Embedded(_),
            ..
        } => Some("it is a static file of the default theme".into()),
        _ => None,
    }
}

/// Every output path planned twice, or planned as a file and needed as a folder, found
/// before anything is written and named against the source files involved. Also returns
/// the set of planned paths.
fn collisions<'j>(jobs: &'j [Job], sources: &Sources) -> (BTreeSet<&'j str>, Diagnostics) {
    let mut by_path: BTreeMap<&str, Vec<&Job>> = BTreeMap::new();
    for j in jobs {
        by_path.entry(j.path()).or_default().push(j);
    }
    let mut owners: BTreeMap<&str, Vec<&Owner>> = BTreeMap::new();
    for (path, o) in sources {
        owners.entry(path.as_str()).or_default().push(o);
    }
    let other = |path: &str| {
        by_path
            .get(path)
            .and_then(|js| js.iter().find_map(|j| generated(j)))
    };
    let mut diags = Diagnostics::default();
    for (&path, js) in by_path.iter().filter(|(_, js)| js.len() > 1) {
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let files = owners.get(path).map(Vec::as_slice).unwrap_or_default();
        diags.push(match files {
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
                .hint(RESERVED_HINT),
            [] => Diagnostic::error(
                "content",
                format!("{} outputs have the same URL {url}", js.len()),
            )
            .hint("rename the page, post or static file that produces it"),
        });
    }
    let paths: BTreeSet<&str> = by_path.keys().copied().collect();
    for (file, inside) in crate::output::folder_conflicts(&paths) {
        let first = |p: &str| owners.get(p).and_then(|o| o.first().copied());
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

/// Where pages go when the output cannot be written (colliding paths).
struct Discard;

impl Sink for Discard {
    fn write(&self, _path: &str, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
    fn copy(&self, _path: &str, _source: &std::path::Path) -> Result<()> {
        Ok(())
    }
}

const RESERVED_HINT: &str = "rename the file (section names such as blog, partners, case-studies, regions and the file name badge.svg are reserved)";

/// Template failures as diagnostics, one per template problem however many pages hit it
/// (a broken partner.html fails every profile), naming the first page and the count.
fn render_errors(
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
