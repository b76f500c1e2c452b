//! Share metadata of every page: Open Graph and Twitter card values and JSON-LD, built
//! here in Rust and handed to base.html's `<head>` as `meta`. It is attached after
//! planning to every HTML job ([`attach`]) from the page's template and the values its
//! context already holds, so a page kind added later gets the defaults (a `WebPage`, the
//! site's share image) without a change here. Also plans the share images themselves
//! ([`image_jobs`]).
//!
//! JSON-LD is written by [`super::jsonld`] as serde_json would write it, made safe for a
//! `<script>` element: `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026` (and
//! U+2028/U+2029 are escaped), so a `</script>` in a partner's name cannot end the element.

use super::deps::Deps;
use super::job::{Ctx, Job, Make};
use super::jsonld::{Obj, array};
use super::theme::escape_into;
use super::views::{NavLink, Urls, paths};
use crate::content::Site;
use crate::facets::{self, FACETS};
use crate::ogimage::{self, Cache, Card};
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::{Context, Value};

/// A page's share metadata. In its context `meta` holds `description` and `tags`, these
/// values written as base.html's `<head>` tags ([`Meta::tags`]).
struct Meta {
    title: String,
    description: String,
    /// `og:type`: `article` for case studies and posts, else `website`.
    og_type: &'static str,
    /// The canonical absolute URL; `None` on the 404 page, which is served at any
    /// missing URL (so it has no canonical and is `noindex`).
    url: Option<String>,
    noindex: bool,
    site_name: String,
    /// `og:locale`: the site's language with `_` (`en`, `pt_BR`).
    locale: String,
    image: Image,
    /// `summary_large_image`: every page has a share image.
    twitter_card: &'static str,
    /// `article:published_time` (item pages).
    published: Option<String>,
    /// JSON-LD documents, each already escaped for a `<script>` element.
    jsonld: Vec<String>,
}

#[derive(Clone)]
struct Image {
    url: String,
    width: u32,
    height: u32,
    alt: String,
}

/// What every page's metadata draws on, built once per render.
pub(super) struct SiteMeta {
    title: String,
    description: String,
    language: String,
    urls: Urls,
    /// slug -> (name, tier label): the alt text of partner images.
    partners: BTreeMap<String, (String, String)>,
    /// Folder path -> its name in breadcrumbs (sections, facets, partners' folders).
    crumbs: BTreeMap<String, String>,
    /// The header's and the footer's links.
    nav: super::navhtml::Nav,
}

impl SiteMeta {
    pub fn new(site: &Site, urls: &Urls, nav: (Vec<NavLink>, Vec<NavLink>)) -> SiteMeta {
        let c = &site.config;
        let mut crumbs = BTreeMap::from([("partners/".to_string(), "Partners".to_string())]);
        for kind in crate::kinds::listed() {
            if let Some(l) = &kind.listing {
                crumbs.insert(l.path.to_string(), l.title.to_string());
            }
        }
        for f in FACETS {
            crumbs.insert(format!("{}/", f.segment), f.label.to_string());
        }
        let mut partners = BTreeMap::new();
        for p in &site.partners {
            for folder in [paths::partner(&p.slug)].into_iter().chain(
                crate::kinds::KINDS
                    .iter()
                    .filter(|k| k.partner_folder.is_some())
                    .filter_map(|k| k.item_section.filter(|s| !s.is_empty()))
                    .map(|s| format!("{s}/{}/", p.slug)),
            ) {
                crumbs.insert(folder, p.name.clone());
            }
            let tier = facets::TIER.label_of(c, &p.tier);
            partners.insert(p.slug.clone(), (p.name.clone(), tier));
        }
        SiteMeta {
            title: c.title.clone(),
            description: c.description.clone(),
            language: c.language.clone(),
            urls: urls.clone(),
            partners,
            crumbs,
            nav: super::navhtml::Nav::new(&nav, &urls.base),
        }
    }

    fn site_image(&self) -> Image {
        Image {
            url: self.urls.abs(ogimage::SITE_FILE),
            width: ogimage::WIDTH,
            height: ogimage::HEIGHT,
            alt: self.title.clone(),
        }
    }

    /// A partner's share image (the site's for an unknown slug).
    fn partner_image(&self, slug: &str) -> Image {
        match self.partners.get(slug) {
            Some((name, tier)) => Image {
                url: self.urls.abs(&format!(
                    "{}{}",
                    paths::partner(slug),
                    ogimage::PARTNER_FILE
                )),
                width: ogimage::WIDTH,
                height: ogimage::HEIGHT,
                alt: format!("{name}: {tier} · {}", self.title),
            },
            None => self.site_image(),
        }
    }

    /// An internal URL (`/partners/x/`) made absolute.
    fn absolute(&self, url: &str) -> String {
        match url.strip_prefix(&self.urls.base) {
            Some(rel) => self.urls.abs(rel),
            None => url.to_string(),
        }
    }

    /// The program as a schema.org `Organization` (publisher of every page).
    fn publisher(&self) -> String {
        let o = Obj::new()
            .str("@type", "Organization")
            .str("name", &self.title);
        o.str("url", &self.urls.abs("")).finish()
    }

    fn website(&self) -> String {
        let o = Obj::new().str("@type", "WebSite").str("name", &self.title);
        o.str("url", &self.urls.abs("")).finish()
    }

    /// `BreadcrumbList` from the site's root down to the page at `path`: every folder
    /// above a page has an index page, so each crumb names a page that exists.
    fn breadcrumbs(&self, path: &str, title: &str) -> String {
        let mut items = vec![(self.title.clone(), String::new())];
        let mut end = 0;
        while let Some(i) = path.get(end..).and_then(|rest| rest.find('/')) {
            end += i + 1;
            let folder = path.get(..end).unwrap_or_default();
            let name = match folder == path {
                true => title.to_string(),
                false => self.crumbs.get(folder).cloned().unwrap_or_else(|| {
                    let seg = folder.trim_end_matches('/').rsplit('/').next();
                    seg.unwrap_or_default().replace('-', " ")
                }),
            };
            items.push((name, folder.to_string()));
        }
        let list: Vec<String> = items
            .into_iter()
            .enumerate()
            .map(|(i, (name, folder))| {
                let o = Obj::new().str("@type", "ListItem").num("position", i + 1);
                o.str("name", &name)
                    .str("item", &self.urls.abs(&folder))
                    .finish()
            })
            .collect();
        let o = Obj::new().str("@context", "https://schema.org");
        let o = o.str("@type", "BreadcrumbList");
        o.raw("itemListElement", array(list)).finish()
    }
}

/// A string value of the context at a dotted path (`partner.slug`).
fn text<'c>(ctx: &'c Context, path: &'c str) -> Option<&'c str> {
    let (first, rest) = path.split_once('.').unwrap_or((path, ""));
    let v = ctx.get(first)?;
    let v = match rest {
        "" => v,
        _ => v.get_from_path(rest)?,
    };
    v.as_str().filter(|s| !s.is_empty())
}

/// Attach `meta` to every HTML page planned (called once the plan is complete).
pub(super) fn attach<'a>(
    jobs: &mut [Job<'a>],
    site: &Site,
    urls: &Urls,
    nav: (Vec<NavLink>, Vec<NavLink>),
) {
    let sm = Arc::new(SiteMeta::new(site, urls, nav));
    for job in jobs.iter_mut() {
        let Make::Template { template, ctx, .. } = &mut job.make else {
            continue;
        };
        if !job.path.ends_with(".html") {
            continue;
        }
        let (template, path) = (*template, job.path.trim_end_matches("index.html"));
        let path = path.to_string();
        let placeholder = Ctx::Ready(Box::default());
        *ctx = match std::mem::replace(ctx, placeholder) {
            Ctx::Ready(mut c) => {
                complete(template, &path, &mut c, &sm);
                Ctx::Ready(c)
            }
            Ctx::Lazy(f) => {
                let sm = sm.clone();
                Ctx::Lazy(Box::new(move || {
                    let mut c = f()?;
                    complete(template, &path, &mut c, &sm);
                    Some(c)
                }))
            }
        };
    }
}

/// Build and insert `meta` for a page of `template` at `path` (its folder, or
/// `404.html`).
fn complete(template: &str, path: &str, ctx: &mut Context, sm: &SiteMeta) {
    let title = text(ctx, "page.title").unwrap_or(&sm.title).to_string();
    let not_found = template == "404.html";
    let description = description(template, ctx, sm);
    let url = sm.urls.abs(path);
    let partner = match template {
        "partner.html" => text(ctx, "partner.slug"),
        "case_study.html" | "post.html" => text(ctx, "item.partner.slug"),
        _ => None,
    };
    let image = partner.map_or_else(|| sm.site_image(), |slug| sm.partner_image(slug));
    let published = matches!(template, "case_study.html" | "post.html")
        .then(|| text(ctx, "item.date").map(str::to_string))
        .flatten();
    let main = main_entity(template, ctx, sm, (&title, &description, &url, &image));
    let mut jsonld: Vec<String> = main.into_iter().collect();
    if !not_found && !path.is_empty() {
        jsonld.push(sm.breadcrumbs(path, &title));
    }
    let meta = Meta {
        og_type: if published.is_some() {
            "article"
        } else {
            "website"
        },
        url: (!not_found).then_some(url),
        noindex: not_found,
        site_name: sm.title.clone(),
        locale: sm.language.replace('-', "_"),
        image,
        twitter_card: "summary_large_image",
        published,
        jsonld,
        title,
        description,
    };
    let page_url = text(ctx, "page.url").unwrap_or_default();
    let (header, footer) = (sm.nav.header(page_url), sm.nav.footer(page_url));
    ctx.insert_value("nav_header", Value::safe_string(&header));
    ctx.insert_value("nav_footer", Value::safe_string(&footer));
    let values = BTreeMap::from([
        ("tags", Value::safe_string(&meta.tags())),
        ("description", Value::from(meta.description)),
    ]);
    ctx.insert_value("meta", Value::from(values));
}

impl Meta {
    /// The `<head>` tags: robots or canonical, Open Graph, Twitter card and JSON-LD, each
    /// on its own line.
    fn tags(&self) -> String {
        let mut out = String::with_capacity(2048);
        let mut tag = |open: &str, value: &str| {
            out.push_str(open);
            escape_into(&mut out, value);
            out.push_str("\">\n");
        };
        match (&self.url, self.noindex) {
            (_, true) => tag("<meta name=\"robots\" content=\"", "noindex"),
            (url, false) => tag(
                "<link rel=\"canonical\" href=\"",
                url.as_deref().unwrap_or(""),
            ),
        }
        tag("<meta property=\"og:type\" content=\"", self.og_type);
        tag(
            "<meta property=\"og:site_name\" content=\"",
            &self.site_name,
        );
        tag("<meta property=\"og:title\" content=\"", &self.title);
        tag(
            "<meta property=\"og:description\" content=\"",
            &self.description,
        );
        if let Some(url) = self.url.as_deref().filter(|u| !u.is_empty()) {
            tag("<meta property=\"og:url\" content=\"", url);
        }
        tag("<meta property=\"og:locale\" content=\"", &self.locale);
        let image = &self.image;
        tag("<meta property=\"og:image\" content=\"", &image.url);
        tag(
            "<meta property=\"og:image:width\" content=\"",
            &image.width.to_string(),
        );
        tag(
            "<meta property=\"og:image:height\" content=\"",
            &image.height.to_string(),
        );
        tag("<meta property=\"og:image:alt\" content=\"", &image.alt);
        if let Some(published) = self.published.as_deref().filter(|p| !p.is_empty()) {
            tag(
                "<meta property=\"article:published_time\" content=\"",
                published,
            );
        }
        tag("<meta name=\"twitter:card\" content=\"", self.twitter_card);
        tag("<meta name=\"twitter:title\" content=\"", &self.title);
        tag(
            "<meta name=\"twitter:description\" content=\"",
            &self.description,
        );
        for ld in &self.jsonld {
            out.push_str("<script type=\"application/ld+json\">");
            out.push_str(ld);
            out.push_str("</script>\n");
        }
        out
    }
}

/// The page's description, the same text as its `<meta name="description">` (base.html's
/// default block and the templates that override it).
fn description(template: &str, ctx: &Context, sm: &SiteMeta) -> String {
    let text = |path| text(ctx, path);
    match template {
        "partner.html" => text("partner.summary").map(str::to_string),
        "case_study.html" | "post.html" | "decision.html" => {
            text("item.summary").map(str::to_string)
        }
        "listing.html" => text("facet")
            .zip(text("term.label"))
            .map(|(f, t)| format!("{f}: {t} · {}", sm.description)),
        "request.html" => Some(match text("for_partner.name") {
            Some(name) => format!("Ask {name} for a proposal through {}.", sm.title),
            None => format!(
                "Ask for a proposal: {} forwards your request to a partner.",
                sm.title
            ),
        }),
        "transparency.html" => text("report.period").map(|period| {
            format!(
                "How many leads the program forwarded to partners ({period}), per region, \
                 partner, quarter and category, with equity and concentration figures."
            )
        }),
        "trends.html" => text("trends.span").map(|span| {
            format!(
                "How lead distribution changed across the report periods, {span}: leads and \
                 equity per region, concentration, won rate and leads per category."
            )
        }),
        _ => None,
    }
    .unwrap_or_else(|| sm.description.clone())
}

/// The page's main schema.org entity: `WebSite` (home), `Organization` (profiles),
/// `Article` (case studies, posts), `CollectionPage` (listings, value pages, folder
/// indexes), `WebPage` (the rest); none on the 404 page.
fn main_entity(
    template: &str,
    ctx: &Context,
    sm: &SiteMeta,
    (title, description, url, image): (&str, &str, &str, &Image),
) -> Option<String> {
    let mut entity = match template {
        "404.html" => return None,
        "index.html" => Obj::new()
            .str("@type", "WebSite")
            .str("name", &sm.title)
            .str("url", url)
            .str("description", description)
            .str("inLanguage", &sm.language)
            .raw("publisher", sm.publisher()),
        "partner.html" => organization(ctx, sm, url, image),
        "case_study.html" | "post.html" => article(ctx, sm, title, url, image),
        "listing.html" | "folder.html" | "list.html" | "testimonials.html" | "clients.html"
        | "decisions.html" => {
            let o = Obj::new().str("@type", "CollectionPage").str("name", title);
            o.str("url", url).raw("isPartOf", sm.website())
        }
        _ => {
            let o = Obj::new().str("@type", "WebPage").str("name", title);
            o.str("url", url).raw("isPartOf", sm.website())
        }
    };
    // An article's description is its page's (`<meta name="description">`).
    if template != "case_study.html" && template != "post.html" && !entity.has("description") {
        entity = entity.str("description", description);
    }
    Some(entity.str("@context", "https://schema.org").finish())
}

/// A profile's partner: its site, logo, headquarters country and the regions it serves.
fn organization(ctx: &Context, sm: &SiteMeta, url: &str, image: &Image) -> Obj {
    let text = |path| text(ctx, path);
    let regions: Vec<&str> = ctx
        .get("partner")
        .and_then(|p| p.get_from_path("regions"))
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r.get_from_path("label").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let mut org = Obj::new()
        .str("@type", "Organization")
        .str("@id", &format!("{url}#organization"))
        .opt_str("name", text("partner.name"))
        .str("url", text("website").unwrap_or(url))
        .str("image", &image.url)
        .strs("areaServed", regions)
        .raw("memberOf", sm.publisher());
    if let Some(logo) = text("partner.logo") {
        org = org.str("logo", &sm.absolute(logo));
    }
    if let Some(site) = text("website") {
        org = org.strs("sameAs", [site]);
    }
    if let Some(cc) = text("partner.country.id") {
        let address = Obj::new().str("@type", "PostalAddress");
        let address = address.str("addressCountry", &cc.to_ascii_uppercase());
        org = org.raw("address", address.finish());
    }
    org
}

/// A case study or post: by its partner (the program for program posts), published by
/// the program.
fn article(ctx: &Context, sm: &SiteMeta, title: &str, url: &str, image: &Image) -> Obj {
    let author = match (
        text(ctx, "item.partner.name"),
        text(ctx, "item.partner.url"),
    ) {
        (Some(name), Some(profile)) => Obj::new()
            .str("@type", "Organization")
            .str("name", name)
            .str("url", &sm.absolute(profile))
            .finish(),
        _ => sm.publisher(),
    };
    Obj::new()
        .str("@type", "Article")
        .str("headline", title)
        .str("url", url)
        .opt_str("datePublished", text(ctx, "item.date"))
        .raw("author", author)
        .raw("publisher", sm.publisher())
        .str("image", &image.url)
}

/// The share images: the site's at the root and each partner's in its profile folder,
/// rendered when written (from the cache when it has them). They depend on partner.toml
/// and site.toml alone.
pub(super) fn image_jobs<'a>(site: &'a Site, jobs: &mut Vec<Job<'a>>) {
    let c = &site.config;
    jobs.push(Job {
        path: ogimage::SITE_FILE.into(),
        deps: Deps::Structure,
        make: Make::Generate(Box::new(move |w| {
            Ok(w.write_all(&Card::site(c).png(&Cache::new(&c.root))?)?)
        })),
    });
    for p in &site.partners {
        jobs.push(Job {
            path: format!("{}{}", paths::partner(&p.slug), ogimage::PARTNER_FILE),
            deps: Deps::Structure,
            make: Make::Generate(Box::new(move |w| {
                Ok(w.write_all(&Card::partner(p, c).png(&Cache::new(&c.root))?)?)
            })),
        });
    }
}
