//! The directory: the home page, `partners.json` and one listing page per facet value,
//! all built from the partners' cards and the facets table.

use super::{Cards, FacetTerms, Planned, Prepare, SharedCards};
use crate::config::SiteConfig;
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
    let (cell, u, f) = (cards.clone(), urls.clone(), facets.clone());
    out.prepare.push(Prepare {
        deps: Deps::Structure,
        run: Box::new(move |tera| match build_cards(site, &f, tera, &u) {
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
        ctx.insert("serves", &serves_groups(site));
        ctx.insert(
            "consultations",
            &super::decisions::open_consultations(site, &u),
        );
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
        make: Make::Generate(Box::new(move |w| partners_json(site, &f, &u, w))),
    });
    for (facet, terms) in facets.iter() {
        value_pages(site, facet, terms, cards, urls, out);
    }
}

/// Each card as a value, and rendered once with card.html; the home page and the value
/// pages reuse the HTML. Templates also get the data.
fn build_cards(
    site: &Site,
    facets: &FacetTerms,
    tera: &tera::Tera,
    urls: &Urls,
) -> Result<Cards, tera::Error> {
    let terms = views::TermValues::of(facets, &site.config, urls);
    let values: Vec<Value> = site
        .partners
        .par_iter()
        .map(|p| card_value(p, &site.config, urls, &terms))
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

/// A partner's card as card.html gets it (also for a page rendered without the shared
/// cards: an item's sidebar in an incremental rebuild): the card, plus what the
/// directory's sort orders show (membership year, number of case studies).
pub(super) fn card_value(
    p: &Partner,
    c: &SiteConfig,
    urls: &Urls,
    terms: &views::TermValues,
) -> Value {
    let extra = [
        ("case_studies", Value::from(p.case_studies.len())),
        ("joined_year", Value::from(p.joined.map(|d| d.year))),
    ];
    views::card_value(p, c, urls, terms, extra)
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
            ctx.insert("facet_url", &u.url(&format!("{}/", facet.segment)));
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
    /// facet key -> [[id, label], ...] in display order; `serves` holds every country of
    /// some region (by name), which the "Serves country" filter offers.
    vocabularies: BTreeMap<&'static str, Vec<[String; 2]>>,
    /// region id -> the countries it holds (lower case): "serves France" is "serves a
    /// region that holds `fr`".
    region_countries: BTreeMap<&'a str, Vec<String>>,
    partners: PartnersList<'a>,
}

/// The partners of `partners.json`, serialized a few hundred at a time: each batch's
/// search texts are made in parallel, and at N = 10,000 the 15 MB of them are never all
/// held at once.
struct PartnersList<'a> {
    partners: &'a [Partner],
    urls: &'a Urls,
}

/// Partners per batch of [`PartnersList`].
const JSON_BATCH: usize = 256;

impl Serialize for PartnersList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = s.serialize_seq(Some(self.partners.len()))?;
        for batch in self.partners.chunks(JSON_BATCH) {
            let urls = self.urls;
            let batch: Vec<PartnerJson> = batch
                .par_iter()
                .map(|p| PartnerJson {
                    p,
                    url: urls.url(&paths::partner(&p.slug)),
                    logo: urls.url(&paths::asset(&p.slug, &p.logo.rel)),
                    search: search_text(p),
                })
                .collect();
            for p in &batch {
                seq.serialize_element(p)?;
            }
        }
        seq.end()
    }
}

/// A region and its countries (by name), for the "Serves country" filter of the home page.
#[derive(Serialize)]
struct ServesGroup<'a> {
    id: &'a str,
    label: &'a str,
    /// Lower-case ids, by name.
    countries: Vec<Named>,
}

/// `{id, label}`.
#[derive(Serialize)]
struct Named {
    id: String,
    label: String,
}

/// One partner in `partners.json`: its own fields, then each facet's value ids under the
/// facet's key (in [`facets::record_order`]).
struct PartnerJson<'a> {
    p: &'a Partner,
    url: String,
    logo: String,
    search: String,
}

impl Serialize for PartnerJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.p;
        let mut st = s.serialize_struct("PartnerJson", 10 + facets::FACETS.len())?;
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
        st.serialize_field("case_studies", &p.case_studies.len())?;
        st.serialize_field("search", &self.search)?;
        st.end()
    }
}

fn partners_json(
    site: &Site,
    facets: &FacetTerms,
    urls: &Urls,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let mut vocabularies: BTreeMap<&'static str, Vec<[String; 2]>> = facets
        .iter()
        .map(|(f, terms)| {
            (
                f.key,
                terms
                    .iter()
                    .map(|t| [t.id.clone(), t.label.clone()])
                    .collect(),
            )
        })
        .collect();
    vocabularies.insert("serves", served_countries(site));
    let region_countries = site
        .config
        .regions
        .0
        .iter()
        .map(|r| {
            let ccs = r.countries.iter().map(|c| c.to_ascii_lowercase());
            (r.id.as_str(), ccs.collect())
        })
        .collect();
    let partners = PartnersList {
        partners: &site.partners,
        urls,
    };
    // Streamed (the renderer buffers the writes): at N = 10,000 the file is 13 MB.
    serde_json::to_writer(
        out,
        &PartnersJson {
            version: PARTNERS_JSON_VERSION,
            vocabularies,
            region_countries,
            partners,
        },
    )?;
    Ok(())
}

/// The name of a country code (upper or lower case); the code itself when ISO has none.
fn country_label(cc: &str) -> String {
    crate::iso::country_name(&cc.to_ascii_uppercase())
        .map_or_else(|| cc.to_string(), str::to_string)
}

/// Every country some region holds, once, as `[id, name]` sorted by name.
fn served_countries(site: &Site) -> Vec<[String; 2]> {
    let mut ids: Vec<String> = site
        .config
        .regions
        .0
        .iter()
        .flat_map(|r| r.countries.iter().map(|c| c.to_ascii_lowercase()))
        .collect();
    ids.sort();
    ids.dedup();
    let mut out: Vec<[String; 2]> = ids
        .into_iter()
        .map(|id| {
            let label = country_label(&id);
            [id, label]
        })
        .collect();
    out.sort_by_cached_key(|[id, label]| (crate::content::sort_key(label), id.clone()));
    out
}

/// The regions with their countries by name, for the home page's "Serves country" list.
fn serves_groups(site: &Site) -> Vec<ServesGroup<'_>> {
    site.config
        .regions
        .0
        .iter()
        .map(|r| {
            let mut countries: Vec<Named> = r
                .countries
                .iter()
                .map(|c| {
                    let id = c.to_ascii_lowercase();
                    let label = country_label(&id);
                    Named { id, label }
                })
                .collect();
            countries.sort_by_cached_key(|t| crate::content::sort_key(&t.label));
            ServesGroup {
                id: &r.id,
                label: &r.label,
                countries,
            }
        })
        .collect()
}

/// How much of the about text the search index keeps (bytes of distinct words): enough
/// for the words a buyer types, small enough that `partners.json` stays light.
const ABOUT_SEARCH_MAX: usize = 480;

/// Words too common to be worth a place in the search index.
const STOP_WORDS: &[&str] = &[
    "and", "are", "but", "for", "from", "has", "have", "into", "its", "not", "our", "that", "the",
    "their", "them", "then", "they", "this", "was", "were", "which", "while", "who", "with", "you",
    "your",
];

/// The partner's free text folded for search: the distinct words of its name, summary and
/// (the first [`ABOUT_SEARCH_MAX`] bytes of distinct words of) its about text, lower
/// case, Latin letters without accents, separated by single spaces. directory.js folds a
/// query the same way and adds the vocabulary labels (services, countries, languages)
/// itself, from `vocabularies`.
fn search_text(p: &Partner) -> String {
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |w: &str, out: &mut String| {
        if seen.insert(w.to_string()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    };
    for w in fold(&format!("{} {}", p.name, p.summary)).split(' ') {
        if !w.is_empty() {
            push(w, &mut out);
        }
    }
    let head = out.len();
    let about = p
        .about_html
        .as_ref()
        .map(|h| plain_text(&h.text()))
        .unwrap_or_default();
    for w in fold(&about).split(' ') {
        if w.chars().count() < 3 || STOP_WORDS.contains(&w) {
            continue;
        }
        if out.len() + 1 + w.len() > head + ABOUT_SEARCH_MAX {
            break;
        }
        push(w, &mut out);
    }
    out
}

/// Lower case, Latin letters transliterated to ASCII ("Östersjö" -> "ostersjo", "ß" ->
/// "ss"), every run of characters that are not letters or digits one space. Other
/// scripts keep their letters (lower case); directory.js removes their marks.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if is_latin(c) {
                let t = deunicode::deunicode_char(c).unwrap_or("");
                out.extend(
                    t.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .map(|c| c.to_ascii_lowercase()),
                );
            } else {
                out.extend(c.to_lowercase());
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Latin-1 Supplement letters to Latin Extended-B and Latin Extended Additional.
fn is_latin(c: char) -> bool {
    matches!(c, '\u{00c0}'..='\u{024f}' | '\u{1e00}'..='\u{1eff}')
}

/// The text of sanitised HTML: tags dropped (each one a space), the entities the
/// sanitiser writes decoded, any other entity dropped.
fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            out.push(' ');
            rest = rest.find('>').map_or("", |j| &rest[j + 1..]);
            continue;
        }
        let end = rest.find(';').filter(|&j| j <= 10);
        let Some(j) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        out.push_str(match &rest[1..j] {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "#39" | "#x27" | "apos" => "'",
            "nbsp" => " ",
            _ => " ",
        });
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{fold, plain_text};

    #[test]
    fn fold_drops_accents_case_and_punctuation() {
        assert_eq!(
            fold("Östersjö Lärande, e-Learning!"),
            "ostersjo larande e learning"
        );
        assert_eq!(fold("Straße  ÆON"), "strasse aeon");
        assert_eq!(fold("Ελληνικά 学习"), "ελληνικά 学习");
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>R&amp;D <em>for</em>&nbsp;you</p><p>x&lt;y"),
            " R&D  for  you  x<y"
        );
        assert_eq!(plain_text("a & b"), "a & b");
    }
}
