//! Serializable views of the model, built once and shared by every page that shows them
//! (tera values are reference-counted, so a card costs nothing to list again).

use crate::config::{SiteConfig, Vocab};
use crate::content::{CaseStudy, Partner, Post, Site, Testimonial};
use crate::iso;
use serde::Serialize;

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

/// Output paths, in one place so links and files never disagree.
pub mod paths {
    pub fn partner(slug: &str) -> String {
        format!("partners/{slug}/")
    }
    pub fn asset(slug: &str, rel: &str) -> String {
        format!("partners/{slug}/{rel}")
    }
    pub fn case_study(partner: &str, slug: &str) -> String {
        format!("case-studies/{partner}/{slug}/")
    }
    pub fn post(partner: Option<&str>, slug: &str) -> String {
        match partner {
            Some(p) => format!("blog/{p}/{slug}/"),
            None => format!("blog/{slug}/"),
        }
    }
    pub fn page(slug: &str) -> String {
        format!("{slug}/")
    }
    /// Value page of a facet: `regions/europe/`.
    pub fn value(facet: &str, id: &str) -> String {
        format!("{facet}/{id}/")
    }
}

/// The filterable facets, in the order the directory shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Tier,
    Region,
    Country,
    Service,
    Pricing,
    CompanySize,
    MarketSize,
    Language,
}

impl Facet {
    pub const ALL: [Facet; 8] = [
        Facet::Tier,
        Facet::Region,
        Facet::Country,
        Facet::Service,
        Facet::Pricing,
        Facet::CompanySize,
        Facet::MarketSize,
        Facet::Language,
    ];
    /// URL segment of the value pages, and the key in partners.json.
    pub fn segment(self) -> &'static str {
        match self {
            Facet::Tier => "tiers",
            Facet::Region => "regions",
            Facet::Country => "countries",
            Facet::Service => "services",
            Facet::Pricing => "pricing",
            Facet::CompanySize => "company-size",
            Facet::MarketSize => "market-size",
            Facet::Language => "languages",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Facet::Tier => "tier",
            Facet::Region => "regions",
            Facet::Country => "country",
            Facet::Service => "services",
            Facet::Pricing => "pricing",
            Facet::CompanySize => "company_size",
            Facet::MarketSize => "market_size",
            Facet::Language => "languages",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Facet::Tier => "Tier",
            Facet::Region => "Region",
            Facet::Country => "Country",
            Facet::Service => "Service",
            Facet::Pricing => "Pricing",
            Facet::CompanySize => "Company size",
            Facet::MarketSize => "Market size",
            Facet::Language => "Language",
        }
    }
    /// The value ids a partner has for this facet (`countries` in lower case).
    pub fn values(self, p: &Partner) -> Vec<String> {
        match self {
            Facet::Tier => vec![p.tier.clone()],
            Facet::Region => p.regions.clone(),
            Facet::Country => vec![p.country.to_ascii_lowercase()],
            Facet::Service => p.services.clone(),
            Facet::Pricing => p.pricing.iter().cloned().collect(),
            Facet::CompanySize => p.company_size.iter().cloned().collect(),
            Facet::MarketSize => p.market_size.iter().cloned().collect(),
            Facet::Language => p.languages.clone(),
        }
    }
}

/// Every value of a facet, in display order: vocabulary order for the configured ones;
/// countries and languages that at least one partner has, by name.
pub fn facet_terms(facet: Facet, site: &Site, urls: &Urls) -> Vec<Term> {
    let c = &site.config;
    let vocab = |v: &Vocab| -> Vec<(String, String)> {
        v.entries
            .iter()
            .map(|e| (e.id.clone(), e.label.clone()))
            .collect()
    };
    let pairs: Vec<(String, String)> = match facet {
        Facet::Tier => vocab(&c.tiers),
        Facet::Region => c
            .regions
            .0
            .iter()
            .map(|r| (r.id.clone(), r.label.clone()))
            .collect(),
        Facet::Service => vocab(&c.services),
        Facet::Pricing => vocab(&c.pricing),
        Facet::CompanySize => vocab(&c.company_size),
        Facet::MarketSize => vocab(&c.market_size),
        Facet::Country | Facet::Language => {
            let mut ids: Vec<String> = site.partners.iter().flat_map(|p| facet.values(p)).collect();
            ids.sort();
            ids.dedup();
            let mut pairs: Vec<(String, String)> = ids
                .into_iter()
                .map(|id| {
                    let label = term_label(facet, c, &id);
                    (id, label)
                })
                .collect();
            pairs.sort_by(|a, b| {
                crate::content::sort_key(&a.1)
                    .cmp(&crate::content::sort_key(&b.1))
                    .then(a.0.cmp(&b.0))
            });
            pairs
        }
    };
    pairs
        .into_iter()
        .map(|(id, label)| Term {
            url: urls.url(&paths::value(facet.segment(), &id)),
            id,
            label,
        })
        .collect()
}

/// Human label of a facet value id.
pub fn term_label(facet: Facet, c: &SiteConfig, id: &str) -> String {
    let found = match facet {
        Facet::Tier => c.tiers.label(id).map(str::to_string),
        Facet::Region => c.regions.get(id).map(|r| r.label.clone()),
        Facet::Country => iso::country_name(&id.to_ascii_uppercase()).map(str::to_string),
        Facet::Service => c.services.label(id).map(str::to_string),
        Facet::Pricing => c.pricing.label(id).map(str::to_string),
        Facet::CompanySize => c.company_size.label(id).map(str::to_string),
        Facet::MarketSize => c.market_size.label(id).map(str::to_string),
        Facet::Language => iso::language_name(id).map(str::to_string),
    };
    found.unwrap_or_else(|| id.to_string())
}

fn term(facet: Facet, c: &SiteConfig, urls: &Urls, id: &str) -> Term {
    Term {
        id: id.to_string(),
        label: term_label(facet, c, id),
        url: urls.url(&paths::value(facet.segment(), id)),
    }
}

/// What a directory card and partners.json show of a partner.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub logo: String,
    pub summary: String,
    pub tier: Term,
    pub country: Term,
    pub regions: Vec<Term>,
    pub services: Vec<Term>,
    pub languages: Vec<Term>,
    pub pricing: Option<Term>,
    pub company_size: Option<Term>,
    pub market_size: Option<Term>,
}

pub fn card(p: &Partner, c: &SiteConfig, urls: &Urls) -> Card {
    Card {
        slug: p.slug.clone(),
        name: p.name.clone(),
        url: urls.url(&paths::partner(&p.slug)),
        logo: urls.url(&paths::asset(&p.slug, &p.logo.rel)),
        summary: p.summary.clone(),
        tier: term(Facet::Tier, c, urls, &p.tier),
        country: term(Facet::Country, c, urls, &p.country.to_ascii_lowercase()),
        regions: p
            .regions
            .iter()
            .map(|r| term(Facet::Region, c, urls, r))
            .collect(),
        services: p
            .services
            .iter()
            .map(|s| term(Facet::Service, c, urls, s))
            .collect(),
        languages: p
            .languages
            .iter()
            .map(|l| term(Facet::Language, c, urls, l))
            .collect(),
        pricing: p
            .pricing
            .as_deref()
            .map(|v| term(Facet::Pricing, c, urls, v)),
        company_size: p
            .company_size
            .as_deref()
            .map(|v| term(Facet::CompanySize, c, urls, v)),
        market_size: p
            .market_size
            .as_deref()
            .map(|v| term(Facet::MarketSize, c, urls, v)),
    }
}

/// A partner link as shown next to an item.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerRef {
    pub slug: String,
    pub name: String,
    pub url: String,
}

pub fn partner_ref(p: &Partner, urls: &Urls) -> PartnerRef {
    PartnerRef {
        slug: p.slug.clone(),
        name: p.name.clone(),
        url: urls.url(&paths::partner(&p.slug)),
    }
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
    pub partner: PartnerRef,
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
            url: String::new(),
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

/// Link in the site's navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}
