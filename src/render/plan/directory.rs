//! The directory: the home page, `partners.json` and one listing page per facet value,
//! all built from the partners' cards and the facets table.

use super::{Cards, FacetTerms, Planned, Prepare, SharedCards};
use crate::content::{Partner, Site};
use crate::facets::{self, Arity, FacetDef};
use crate::render::deps::Deps;
use crate::render::job::{Ctx, Job, Make, page_ctx};
use crate::render::views::{self, Urls, paths};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeStruct as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::{Context, Value};

/// The format version of `partners.json`. Bump it when a key is removed or renamed, or a
/// value changes type or meaning; a key added is not a bump (readers ignore keys they do
/// not know, as the README promises).
const PARTNERS_JSON_VERSION: u32 = 1;

/// Plan the directory. Its pages read the cards built by the [`Prepare`] it adds; a
/// card.html failure is reported once, against the home page, and leaves them out.
pub(super) fn plan<'a>(
    site: &'a Site,
    facets: &FacetTerms,
    cards: &SharedCards,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let (cell, u) = (cards.clone(), urls.clone());
    out.prepare.push(Prepare {
        deps: Deps::Structure,
        run: Box::new(move |tera| match build_cards(site, tera, &u) {
            Ok(cards) => {
                let _ = cell.set(cards);
                None
            }
            Err(e) => Some((String::new(), e)),
        }),
    });
    let (cell, u) = (cards.clone(), urls.clone());
    let ctx = Ctx::Lazy(Box::new(move || {
        let cards = cell.get()?;
        let mut ctx = page_ctx(&site.config.title, "", &u);
        ctx.insert_value("partners", Value::from(cards.values.clone()));
        ctx.insert_value("cards", Value::from(cards.html.clone()));
        Some(ctx)
    }));
    out.jobs
        .push(Job::page("", "index.html", ctx, Deps::Structure));
    let (f, u) = (facets.clone(), urls.clone());
    out.jobs.push(Job {
        path: "partners.json".into(),
        deps: Deps::Structure,
        make: Make::Generate(Box::new(move || partners_json(site, &f, &u))),
    });
    for (facet, terms) in facets.iter() {
        value_pages(site, facet, terms, cards, urls, out);
    }
}

/// Each card as a value, and rendered once with card.html; the home page and the value
/// pages reuse the HTML. Templates also get the data.
fn build_cards(site: &Site, tera: &tera::Tera, urls: &Urls) -> Result<Cards, tera::Error> {
    let values: Vec<Value> = site
        .partners
        .par_iter()
        .map(|p| Value::from_serializable(&views::card(p, &site.config, urls)))
        .collect();
    let html = values
        .par_iter()
        .map(|card| {
            let mut ctx = Context::new();
            ctx.insert_value("partner", card.clone());
            tera.render("card.html", &ctx)
                .map(|html| Value::safe_string(&html))
        })
        .collect::<Result<_, _>>()?;
    Ok(Cards { values, html })
}

/// One page per value of a facet, listing the partners that have it.
fn value_pages<'a>(
    site: &'a Site,
    facet: &'static FacetDef,
    terms: &[views::Term],
    cards: &SharedCards,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    // One pass over partners: value -> indices (linear in N).
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in site.partners.iter().enumerate() {
        for v in (facet.values)(p) {
            members.entry(v).or_default().push(i);
        }
    }
    let members = Arc::new(members);
    for t in terms {
        let path = paths::value(facet.segment, &t.id);
        let (cell, u, m, t) = (cards.clone(), urls.clone(), members.clone(), t.clone());
        let ctx = Ctx::Lazy(Box::new(move || {
            let cards = cell.get()?;
            let ix = m.get(&t.id).map(Vec::as_slice).unwrap_or_default();
            let pick = |all: &[Value]| -> Value {
                Value::from(
                    ix.iter()
                        .filter_map(|&i| all.get(i).cloned())
                        .collect::<Vec<_>>(),
                )
            };
            let path = paths::value(facet.segment, &t.id);
            let mut ctx = page_ctx(&format!("{}: {}", facet.label, t.label), &path, &u);
            ctx.insert("facet", facet.label);
            ctx.insert("term", &t);
            ctx.insert_value("partners", pick(&cards.values));
            ctx.insert_value("cards", pick(&cards.html));
            Some(ctx)
        }));
        out.jobs
            .push(Job::page(&path, "listing.html", ctx, Deps::Structure));
    }
}

/// `partners.json`: every public field of every listed partner, vocabulary values as
/// ids, and the labels of those ids once in `vocabularies` (documented in the README).
#[derive(Serialize)]
struct PartnersJson<'a> {
    version: u32,
    /// facet key -> [[id, label], ...] in display order.
    vocabularies: BTreeMap<&'static str, Vec<[&'a str; 2]>>,
    partners: Vec<PartnerJson<'a>>,
}

/// One partner in `partners.json`: its own fields, then each facet's value ids under the
/// facet's key (in [`facets::record_order`]).
struct PartnerJson<'a> {
    p: &'a Partner,
    url: String,
    logo: String,
}

impl Serialize for PartnerJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.p;
        let mut st = s.serialize_struct("PartnerJson", 8 + facets::FACETS.len())?;
        st.serialize_field("slug", &p.slug)?;
        st.serialize_field("name", &p.name)?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("logo", &self.logo)?;
        st.serialize_field("summary", &p.summary)?;
        st.serialize_field("website", &p.website)?;
        st.serialize_field("contact", &p.contact)?;
        st.serialize_field("joined", &p.joined.map(|d| d.to_string()))?;
        for facet in facets::record_order() {
            let values = (facet.values)(p);
            match facet.arity {
                Arity::One => {
                    st.serialize_field(facet.key, values.first().map_or("", String::as_str))?
                }
                Arity::Many => st.serialize_field(facet.key, &values)?,
                Arity::Optional => st.serialize_field(facet.key, &values.first())?,
            }
        }
        st.end()
    }
}

fn partners_json(site: &Site, facets: &FacetTerms, urls: &Urls) -> anyhow::Result<Vec<u8>> {
    let vocabularies = facets
        .iter()
        .map(|(f, terms)| {
            (
                f.key,
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
        .map(|p| PartnerJson {
            p,
            url: urls.url(&paths::partner(&p.slug)),
            logo: urls.url(&paths::asset(&p.slug, &p.logo.rel)),
        })
        .collect();
    Ok(serde_json::to_vec(&PartnersJson {
        version: PARTNERS_JSON_VERSION,
        vocabularies,
        partners,
    })?)
}
