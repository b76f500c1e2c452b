//! Serializable views of the model, built once and shared by every page that shows them
//! (tera values are reference-counted, so a card costs nothing to list again).

use crate::config::SiteConfig;
use crate::content::{CaseStudy, Decision, Partner, Post, Site, Testimonial};
use crate::date::Date;
use crate::facets::{self, Arity, FacetDef};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Value;
use tera::value::Key;

/// `{id, label}` for a vocabulary value.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub id: String,
    pub label: String,
    /// Value page URL.
    pub url: String,
}

/// Turns site-relative paths into URLs under base_url's path.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `/` or `/partners/`.
    pub base: String,
    /// `https://x.org/partners/`.
    pub absolute: String,
}

impl Urls {
    pub fn new(config: &SiteConfig) -> Urls {
        Urls {
            base: config.base_path().to_string(),
            absolute: config.base_url.clone(),
        }
    }
    /// `partners/x/` -> `/partners/partners/x/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    pub fn abs(&self, path: &str) -> String {
        format!("{}{}", self.absolute, path)
    }
}

/// Output paths, in one place so links and files never disagree. Item pages go under
/// their kind's `item_section` ([`crate::kinds::Kind`]).
pub mod paths {
    use crate::kinds::{Kind, Shape, by_shape};

    /// A partner's profile: `partners/<slug>/`.
    pub fn partner(slug: &str) -> String {
        format!("partners/{slug}/")
    }
    /// A file partner.toml names: `partners/<slug>/<rel>`.
    pub fn asset(slug: &str, rel: &str) -> String {
        format!("partners/{slug}/{rel}")
    }
    /// An item's page: `<item_section>/<partner>/<slug>/` for a partner's item,
    /// `<item_section>/<slug>/` for the program's (no section: `<slug>/`).
    pub fn item(kind: &Kind, partner: Option<&str>, slug: &str) -> String {
        let section = kind.item_section.filter(|s| !s.is_empty());
        let mut path = String::new();
        for part in [section, partner, Some(slug)].into_iter().flatten() {
            path.push_str(part);
            path.push('/');
        }
        path
    }
    /// A partner's case study page.
    pub fn case_study(partner: &str, slug: &str) -> String {
        item(by_shape(Shape::CaseStudy), Some(partner), slug)
    }
    /// A post's page, a partner's or (`None`) the program's.
    pub fn post(partner: Option<&str>, slug: &str) -> String {
        item(by_shape(Shape::Post), partner, slug)
    }
    /// A program page.
    pub fn page(slug: &str) -> String {
        item(by_shape(Shape::Page), None, slug)
    }
    /// Value page of a facet: `regions/europe/`.
    pub fn value(facet: &str, id: &str) -> String {
        format!("{facet}/{id}/")
    }
}

/// Every value of a facet as terms, in display order (see [`FacetDef::terms`]).
pub fn facet_terms(facet: &FacetDef, site: &Site, urls: &Urls) -> Vec<Term> {
    facet
        .terms(&site.config, &site.partners)
        .into_iter()
        .map(|(id, label)| Term {
            url: urls.url(&paths::value(facet.segment, &id)),
            id,
            label,
        })
        .collect()
}

fn term(facet: &FacetDef, c: &SiteConfig, urls: &Urls, id: &str) -> Term {
    Term {
        id: id.to_string(),
        label: facet.label_of(c, id),
        url: urls.url(&paths::value(facet.segment, id)),
    }
}

/// One template value per facet term (`{id, label, url}`), shared by every card that
/// shows it. Serialized card by card, 10,000 cards held ~150,000 copies of a few dozen
/// small maps: about half of the cards' memory at N = 10,000.
#[derive(Default)]
pub struct TermValues(BTreeMap<&'static str, BTreeMap<String, Value>>);

impl TermValues {
    /// The values of every term of these facets (a term missing here is serialized when a
    /// card shows it).
    pub fn of(facets: &[(&'static FacetDef, Vec<Term>)], c: &SiteConfig, urls: &Urls) -> Self {
        let mut all: BTreeMap<&'static str, BTreeMap<String, Value>> = BTreeMap::new();
        for (facet, terms) in facets {
            let values = all.entry(facet.key).or_default();
            for t in terms {
                let value = Value::from_serializable(&term(facet, c, urls, &t.id));
                values.insert(t.id.clone(), value);
            }
        }
        TermValues(all)
    }

    fn get(&self, facet: &FacetDef, c: &SiteConfig, urls: &Urls, id: &str) -> Value {
        match self.0.get(facet.key).and_then(|v| v.get(id)) {
            Some(value) => value.clone(),
            None => Value::from_serializable(&term(facet, c, urls, id)),
        }
    }
}

/// The term of a facet of arity one that a partner has no value for.
fn no_term() -> Term {
    Term {
        id: String::new(),
        label: String::new(),
        url: String::new(),
    }
}

/// What a directory card shows of a partner, as a template value: `slug`, `name`, `url`,
/// `logo`, `summary`, then each facet under its key (in [`facets::record_order`]; a term,
/// a list of terms or none, by the facet's [`Arity`]), then `extra`. The terms' values
/// are shared through `terms`.
pub fn card_value(
    p: &Partner,
    c: &SiteConfig,
    urls: &Urls,
    terms: &TermValues,
    extra: [(&'static str, Value); 2],
) -> Value {
    let mut map = tera::Map::default();
    let mut put = |key: &'static str, value: Value| map.insert(Key::Str(key), value);
    put("slug", Value::from(p.slug.as_str()));
    put("name", Value::from(p.name.as_str()));
    put("url", Value::from(urls.url(&paths::partner(&p.slug))));
    put(
        "logo",
        Value::from(urls.url(&paths::asset(&p.slug, &p.logo.rel))),
    );
    put("summary", Value::from(p.summary.as_str()));
    for facet in facets::record_order() {
        let mut values = (facet.values)(p)
            .into_iter()
            .map(|id| terms.get(facet, c, urls, &id));
        let value = match facet.arity {
            Arity::Many => Value::from(values.collect::<Vec<_>>()),
            Arity::Optional => values.next().unwrap_or_else(Value::none),
            Arity::One => values
                .next()
                .unwrap_or_else(|| Value::from_serializable(&no_term())),
        };
        put(facet.key, value);
    }
    for (key, value) in extra {
        put(key, value);
    }
    Value::from(map)
}

/// A partner link as shown next to an item (with its logo, for the listings).
#[derive(Debug, Clone, Serialize)]
pub struct PartnerRef {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub logo: String,
}

pub fn partner_ref(p: &Partner, urls: &Urls) -> PartnerRef {
    PartnerRef {
        slug: p.slug.clone(),
        name: p.name.clone(),
        url: urls.url(&paths::partner(&p.slug)),
        logo: urls.url(&paths::asset(&p.slug, &p.logo.rel)),
    }
}

/// One of a partner's other items, as the sidebar of an item page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedItem {
    /// "Case study" or "Post".
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub date: String,
}

/// One of a partner's Markdown items, to pick the sidebar's from.
#[derive(Clone, Copy)]
pub enum ItemRef<'a> {
    CaseStudy(&'a CaseStudy),
    Post(&'a Post),
}

impl PartialEq for ItemRef<'_> {
    /// The same item of the model (not an equal one).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ItemRef::CaseStudy(a), ItemRef::CaseStudy(b)) => std::ptr::eq(*a, *b),
            (ItemRef::Post(a), ItemRef::Post(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

impl ItemRef<'_> {
    /// Date, then kind (case studies first) and slug: the order of the choice.
    fn key(&self) -> (crate::date::Date, u8, &str) {
        match self {
            ItemRef::CaseStudy(x) => (x.date, 0, &x.slug),
            ItemRef::Post(x) => (x.date, 1, &x.slug),
        }
    }
}

/// The partner's items other than `except`, newest first (same day: case studies first,
/// then by slug), at most `n`: what an item page's sidebar offers next. Only the items
/// shown get a URL (this runs once per item page).
pub fn related(p: &Partner, urls: &Urls, except: ItemRef, n: usize) -> Vec<RelatedItem> {
    let cs = p.case_studies.iter().map(ItemRef::CaseStudy);
    let posts = p.posts.iter().map(ItemRef::Post);
    let mut all: Vec<ItemRef> = cs.chain(posts).filter(|x| *x != except).collect();
    all.sort_unstable_by(|a, b| {
        let (a, b) = (a.key(), b.key());
        b.0.cmp(&a.0).then_with(|| (a.1, a.2).cmp(&(b.1, b.2)))
    });
    all.into_iter()
        .take(n)
        .map(|x| match x {
            ItemRef::CaseStudy(x) => RelatedItem {
                kind: "Case study",
                title: x.title.clone(),
                url: urls.url(&paths::case_study(&p.slug, &x.slug)),
                date: x.date.to_string(),
            },
            ItemRef::Post(x) => RelatedItem {
                kind: "Post",
                title: x.title.clone(),
                url: urls.url(&paths::post(Some(&p.slug), &x.slug)),
                date: x.date.to_string(),
            },
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseStudyView {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub date: String,
    /// The client's name, or `None` (shown as "Anonymous client" when anonymous).
    pub client: Option<String>,
    pub anonymous: bool,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    /// The tags that have a page (blank ones have none), each with its page's URL.
    pub tag_links: Vec<TagLink>,
    pub partner: PartnerRef,
}

/// A tag as written on a case study, with the URL of its page (`None` past the first
/// [`TAGS_WITH_PAGES`] tags).
#[derive(Debug, Clone, Serialize)]
pub struct TagLink {
    pub label: String,
    pub url: Option<String>,
    /// The URL segment of the page, empty without one.
    #[serde(skip)]
    pub slug: String,
}

/// How many of a case study's tags get a page: the others show without a link, so that
/// one file listing thousands of tags cannot make thousands of pages that each list them.
pub const TAGS_WITH_PAGES: usize = 20;

/// The non-blank tags, each linked to its page up to [`TAGS_WITH_PAGES`].
pub fn tag_links(tags: &[String], urls: &Urls) -> Vec<TagLink> {
    let tags = tags.iter().filter(|t| !t.trim().is_empty());
    tags.enumerate()
        .map(|(i, t)| {
            let label = t.trim().to_string();
            match super::plan::tag_slug(t).filter(|_| i < TAGS_WITH_PAGES) {
                Some(slug) => TagLink {
                    label,
                    url: Some(urls.url(&super::plan::tag_path(&slug))),
                    slug,
                },
                None => TagLink {
                    label,
                    url: None,
                    slug: String::new(),
                },
            }
        })
        .collect()
}

pub fn case_study(cs: &CaseStudy, p: &Partner, urls: &Urls) -> CaseStudyView {
    CaseStudyView {
        slug: cs.slug.clone(),
        url: urls.url(&paths::case_study(&p.slug, &cs.slug)),
        title: cs.title.clone(),
        date: cs.date.to_string(),
        client: cs.client.clone(),
        anonymous: cs.anonymous,
        summary: cs.summary.clone(),
        tags: cs.tags.clone(),
        tag_links: tag_links(&cs.tags, urls),
        partner: partner_ref(p, urls),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub date: String,
    pub topic: Option<Term>,
    pub summary: Option<String>,
    /// `None` for program posts.
    pub partner: Option<PartnerRef>,
}

pub fn post(post: &Post, p: Option<&Partner>, c: &SiteConfig, urls: &Urls) -> PostView {
    PostView {
        slug: post.slug.clone(),
        url: urls.url(&paths::post(p.map(|p| p.slug.as_str()), &post.slug)),
        title: post.title.clone(),
        date: post.date.to_string(),
        topic: post.topic.as_ref().map(|t| Term {
            id: t.clone(),
            label: c.topics.label(t).unwrap_or(t).to_string(),
            url: urls.url(&super::plan::topic_path(t)),
        }),
        summary: post.summary.clone(),
        partner: p.map(|p| partner_ref(p, urls)),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TestimonialView {
    pub slug: String,
    pub author: Option<String>,
    pub role: Option<String>,
    pub client: Option<String>,
    pub anonymous: bool,
    pub date: String,
    /// The quote, as HTML.
    pub html: std::sync::Arc<str>,
    pub partner: PartnerRef,
}

pub fn testimonial(t: &Testimonial, p: &Partner, urls: &Urls) -> TestimonialView {
    TestimonialView {
        slug: t.slug.clone(),
        author: t.author.clone(),
        role: if t.anonymous { None } else { t.role.clone() },
        client: t.client.clone(),
        anonymous: t.anonymous,
        date: t.date.to_string(),
        html: t.html.clone(),
        partner: partner_ref(p, urls),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientLogoView {
    pub client: String,
    pub src: String,
    pub date: String,
    pub partner: PartnerRef,
}

/// A program decision as its page, the listing, the feed and the home page show it.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    pub slug: String,
    pub url: String,
    pub title: String,
    /// Its `status` value.
    pub status: &'static str,
    /// Where it stands today ([`crate::decisions::Stage::id`]): `open`, `awaiting`, ...
    pub stage: &'static str,
    /// The badge's words (`Open for comments`, `Closed, awaiting decision`, ...).
    pub badge: &'static str,
    /// ISO dates (`human_date` writes them out).
    pub opened: String,
    pub closes: Option<String>,
    pub decided: Option<String>,
    /// The date that orders it in its group: decided, else opened.
    pub date: String,
    /// The `[decision_topics]` it affects, labelled.
    pub affects: Vec<Label>,
    pub discussion: Option<String>,
    pub outcome: Option<String>,
    /// One sentence for the page description and the feed: the outcome, or where the
    /// decision stands.
    pub summary: String,
}

/// `{id, label}` of a vocabulary value without a page of its own.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub id: String,
    pub label: String,
}

pub fn decision(d: &Decision, today: Option<Date>, c: &SiteConfig, urls: &Urls) -> DecisionView {
    use crate::decisions::Stage;
    let stage = Stage::of(d, today);
    let human = |date: Option<Date>| {
        date.map(|x| super::theme::dates::human(x, &c.language))
            .unwrap_or_default()
    };
    let summary = match (stage, &d.outcome) {
        (Stage::Decided | Stage::Withdrawn, Some(outcome)) => outcome.clone(),
        (Stage::Open, _) => format!("Open for comments until {}.", human(d.closes)),
        (Stage::Awaiting, _) => format!(
            "The consultation closed on {}; a decision is awaited.",
            human(d.closes)
        ),
        (Stage::Proposed, _) => format!("Proposed on {}.", human(Some(d.opened))),
        (_, None) => format!("{}.", stage.badge()),
    };
    DecisionView {
        slug: d.slug.clone(),
        url: urls.url(&paths::item(
            crate::kinds::by_shape(crate::kinds::Shape::Decision),
            None,
            &d.slug,
        )),
        title: d.title.clone(),
        status: d.status.name(),
        stage: stage.id(),
        badge: stage.badge(),
        opened: d.opened.to_string(),
        closes: d.closes.map(|x| x.to_string()),
        decided: d.decided.map(|x| x.to_string()),
        date: d.date().to_string(),
        affects: d
            .affects
            .iter()
            .map(|id| Label {
                id: id.clone(),
                label: c.decision_topics.label(id).unwrap_or(id).to_string(),
            })
            .collect(),
        discussion: d.discussion.clone(),
        outcome: d.outcome.clone(),
        summary,
    }
}

/// Link in the site's navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}
