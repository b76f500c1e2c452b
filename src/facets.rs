//! The directory's facets as one table: where each facet's values come from (a
//! vocabulary of site.toml, or the values partners have), how they are named, and where
//! they appear (cards, value pages, `partners.json`, the directory's filters).
//!
//! Adding a facet is one row in [`FACETS`] (plus the field on `Partner` it reads and its
//! validation); the renderer, `partners.json` and the templates' `site.facets` follow.

use crate::config::{SiteConfig, Vocab};
use crate::content::Partner;
use crate::iso;

/// How many values a partner has for a facet: it decides the shape of the facet on a card
/// and in `partners.json` (a value, a list, or a value or `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arity {
    /// Exactly one (tier, country).
    One,
    /// Any number (regions, services, languages).
    Many,
    /// At most one (pricing, company size, market size).
    Optional,
}

/// Where a facet's values, their order and their labels come from.
#[derive(Debug, Clone, Copy)]
pub enum Vocabulary {
    /// A list in site.toml (`tiers = [...]`), shown in its order.
    Site(fn(&SiteConfig) -> &Vocab),
    /// The `[regions.<id>]` tables of site.toml, shown in their order.
    Regions,
    /// Derived from partners: the values at least one partner has, named by an ISO table
    /// (given the value id) and shown by name.
    Derived(fn(&str) -> Option<&'static str>),
}

/// One filterable facet of the directory.
#[derive(Debug)]
pub struct FacetDef {
    /// The facet's id: its key in `partners.json` (on each partner and in
    /// `vocabularies`), on cards and in the templates' `site.facets`.
    pub key: &'static str,
    /// URL segment of the value pages: `/<segment>/<value id>/`.
    pub segment: &'static str,
    /// Human label (`Company size`), e.g. "Company size: Small" on a value page.
    pub label: &'static str,
    /// Where the values and labels come from.
    pub vocabulary: Vocabulary,
    /// How many values a partner has.
    pub arity: Arity,
    /// The value ids a partner has (countries in lower case).
    pub values: fn(&Partner) -> Vec<String>,
}

/// Every facet, in the order the directory shows them (filters, `site.facets`). On cards
/// and in `partners.json` a partner's facets come in [`record_order`] instead.
pub static FACETS: &[FacetDef] = &[
    TIER,
    REGION,
    COUNTRY,
    SERVICE,
    PRICING,
    COMPANY_SIZE,
    MARKET_SIZE,
    LANGUAGE,
];

/// Partner tier (`tiers` in site.toml).
pub const TIER: FacetDef = FacetDef {
    key: "tier",
    segment: "tiers",
    label: "Tier",
    vocabulary: Vocabulary::Site(|c| &c.tiers),
    arity: Arity::One,
    values: |p| vec![p.tier.clone()],
};

/// Regions served (`[regions.<id>]` in site.toml).
pub const REGION: FacetDef = FacetDef {
    key: "regions",
    segment: "regions",
    label: "Region served",
    vocabulary: Vocabulary::Regions,
    arity: Arity::Many,
    values: |p| p.regions.clone(),
};

/// Country of the partner's seat (ISO 3166 alpha-2, lower case in URLs).
pub const COUNTRY: FacetDef = FacetDef {
    key: "country",
    segment: "countries",
    label: "Headquarters",
    vocabulary: Vocabulary::Derived(|id| iso::country_name(&id.to_ascii_uppercase())),
    arity: Arity::One,
    values: |p| vec![p.country.to_ascii_lowercase()],
};

/// Services offered (`services` in site.toml).
pub const SERVICE: FacetDef = FacetDef {
    key: "services",
    segment: "services",
    label: "Service",
    vocabulary: Vocabulary::Site(|c| &c.services),
    arity: Arity::Many,
    values: |p| p.services.clone(),
};

/// Pricing model (`pricing` in site.toml).
pub const PRICING: FacetDef = FacetDef {
    key: "pricing",
    segment: "pricing",
    label: "Pricing",
    vocabulary: Vocabulary::Site(|c| &c.pricing),
    arity: Arity::Optional,
    values: |p| p.pricing.iter().cloned().collect(),
};

/// Size of the partner company (`company_size` in site.toml).
pub const COMPANY_SIZE: FacetDef = FacetDef {
    key: "company_size",
    segment: "company-size",
    label: "Company size",
    vocabulary: Vocabulary::Site(|c| &c.company_size),
    arity: Arity::Optional,
    values: |p| p.company_size.iter().cloned().collect(),
};

/// Size of the clients served (`market_size` in site.toml).
pub const MARKET_SIZE: FacetDef = FacetDef {
    key: "market_size",
    segment: "market-size",
    label: "Market size",
    vocabulary: Vocabulary::Site(|c| &c.market_size),
    arity: Arity::Optional,
    values: |p| p.market_size.iter().cloned().collect(),
};

/// Working languages (ISO 639-1).
pub const LANGUAGE: FacetDef = FacetDef {
    key: "languages",
    segment: "languages",
    label: "Language",
    vocabulary: Vocabulary::Derived(iso::language_name),
    arity: Arity::Many,
    values: |p| p.languages.clone(),
};

/// The facets in the order a partner's record shows them (cards, `partners.json`):
/// single values first, then lists, then optional values, each group in table order.
pub fn record_order() -> impl Iterator<Item = &'static FacetDef> {
    let mut facets: Vec<&FacetDef> = FACETS.iter().collect();
    facets.sort_by_key(|f| f.arity);
    facets.into_iter()
}

impl FacetDef {
    /// The label of a value id; the id itself when it has none.
    pub fn label_of(&self, c: &SiteConfig, id: &str) -> String {
        let found = match self.vocabulary {
            Vocabulary::Site(vocab) => vocab(c).label(id).map(str::to_string),
            Vocabulary::Regions => c.regions.get(id).map(|r| r.label.clone()),
            Vocabulary::Derived(name) => name(id).map(str::to_string),
        };
        found.unwrap_or_else(|| id.to_string())
    }

    /// Every value of the facet as `(id, label)`, in display order: the vocabulary's
    /// order, or (derived facets) the values some partner has, by name.
    pub fn terms(&self, c: &SiteConfig, partners: &[Partner]) -> Vec<(String, String)> {
        let vocab = |v: &Vocab| -> Vec<(String, String)> {
            v.entries
                .iter()
                .map(|e| (e.id.clone(), e.label.clone()))
                .collect()
        };
        match self.vocabulary {
            Vocabulary::Site(v) => vocab(v(c)),
            Vocabulary::Regions => c
                .regions
                .0
                .iter()
                .map(|r| (r.id.clone(), r.label.clone()))
                .collect(),
            Vocabulary::Derived(_) => self.derived_terms(c, partners),
        }
    }

    fn derived_terms(&self, c: &SiteConfig, partners: &[Partner]) -> Vec<(String, String)> {
        let mut ids: Vec<String> = partners.iter().flat_map(|p| (self.values)(p)).collect();
        ids.sort();
        ids.dedup();
        let mut pairs: Vec<(String, String)> = ids
            .into_iter()
            .map(|id| {
                let label = self.label_of(c, &id);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_segments_are_unique() {
        for (i, a) in FACETS.iter().enumerate() {
            for b in FACETS.iter().skip(i + 1) {
                assert_ne!(a.key, b.key);
                assert_ne!(a.segment, b.segment);
            }
        }
    }

    #[test]
    fn record_order_is_the_order_partners_json_has_always_had() {
        let keys: Vec<&str> = record_order().map(|f| f.key).collect();
        assert_eq!(
            keys,
            [
                "tier",
                "country",
                "regions",
                "services",
                "languages",
                "pricing",
                "company_size",
                "market_size"
            ]
        );
    }
}
