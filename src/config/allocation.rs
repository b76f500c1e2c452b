//! `[allocation]`: the public policy that assigns leads to partners (issue 13), and its
//! checks against the tiers, the partner facets and `[leads.categories]`.

use super::{LeadsConfig, SITE_FILE, Vocab, error_at};
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::facets::{FACETS, FacetDef};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;
use toml::Spanned;

/// The built-in constraint: the partner serves the lead's region.
pub const REGION: &str = "region";
/// The largest weight a tier may have.
pub const MAX_WEIGHT: i64 = 1000;

/// `[allocation]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAllocation {
    seed: Spanned<String>,
    eligible_tiers: Option<Vec<Spanned<String>>>,
    balance: Option<Spanned<String>>,
    #[serde(default, rename = "match")]
    constraints: Vec<Spanned<String>>,
    #[serde(default)]
    weights: Pairs<Spanned<i64>>,
    #[serde(default)]
    categories: Pairs<Spanned<String>>,
}

/// An ordered table whose keys keep their spans.
#[derive(Debug, Clone)]
pub(super) struct Pairs<V>(pub(super) Vec<(Spanned<String>, V)>);

impl<V> Default for Pairs<V> {
    fn default() -> Self {
        Pairs(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Pairs<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pv<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Pv<V> {
            type Value = Pairs<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of `name = value` entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<Spanned<String>, V>()? {
                    out.push(entry);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(Pv(PhantomData))
    }
}

/// How counts are kept when balancing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// One queue: a partner's leads in every region count.
    Overall,
    /// Each region (and `unspecified`) its own queue.
    PerRegion,
}

impl Balance {
    /// The value as written in site.toml.
    pub fn id(self) -> &'static str {
        match self {
            Balance::Overall => "overall",
            Balance::PerRegion => "per-region",
        }
    }
}

/// One `match` constraint.
#[derive(Debug, Clone)]
pub enum Constraint {
    /// The partner serves the lead's region.
    Region,
    /// The lead's value of a `[leads.categories]` entry is among the partner's ids for a
    /// facet.
    Category {
        /// The `[leads.categories]` name.
        name: String,
        /// The export column it reads.
        column: String,
        /// The partner facet it must match.
        facet: &'static FacetDef,
    },
}

impl Constraint {
    /// The name as written in `match`.
    pub fn name(&self) -> &str {
        match self {
            Constraint::Region => REGION,
            Constraint::Category { name, .. } => name,
        }
    }
}

/// The validated `[allocation]` table.
#[derive(Debug, Clone)]
pub struct Allocation {
    /// Public; mixed into tie-breaks.
    pub seed: String,
    /// The tiers that receive leads (`[allocation]`, else `[leads]`); `None` = every tier.
    pub eligible_tiers: Option<Vec<String>>,
    pub balance: Balance,
    /// The constraints in order; relaxed from the last.
    pub constraints: Vec<Constraint>,
    /// Tier -> weight, for every tier of `[tiers]` in its order (1 unless set).
    pub weights: Vec<(String, u32)>,
    /// `[allocation.categories]`: lead category -> partner facet, in site.toml order.
    pub categories: Vec<(String, &'static FacetDef)>,
}

impl Allocation {
    /// The weight of a tier (1 for a tier not in `[tiers]`).
    pub fn weight(&self, tier: &str) -> u32 {
        self.weights
            .iter()
            .find(|(t, _)| t == tier)
            .map_or(1, |(_, w)| *w)
    }

    /// True when partners of `tier` receive leads.
    pub fn tier_eligible(&self, tier: &str) -> bool {
        self.eligible_tiers
            .as_ref()
            .is_none_or(|ts| ts.iter().any(|t| t == tier))
    }
}

/// Check `[allocation]` against `[tiers]`, the facets and `[leads]`; every problem is
/// reported with its position. `None` when it cannot be used.
pub(super) fn validate(
    raw: RawAllocation,
    tiers: &Vocab,
    leads: Option<&LeadsConfig>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Allocation> {
    let before = diags.error_count();
    let at = |span: std::ops::Range<usize>, msg: String| error_at(text, span.start, msg);
    let Some(leads) = leads else {
        diags.push(
            at(raw.seed.span(), "[allocation] needs a [leads] table".into())
                .hint("allocation reads the lead export mapped in [leads] and [leads.columns]"),
        );
        return None;
    };
    if raw.seed.get_ref().trim().is_empty() {
        diags.push(
            at(raw.seed.span(), "[allocation] seed is empty".into())
                .hint("give a public word or phrase, e.g. seed = \"openedx-2026\""),
        );
    }
    let eligible = check_tiers(raw.eligible_tiers.as_deref(), tiers, text, diags).or_else(|| {
        leads
            .eligible_tiers
            .as_ref()
            .map(|ts| ts.iter().map(|t| t.get_ref().clone()).collect())
    });
    let balance = match raw.balance.as_ref().map(|b| b.get_ref().as_str()) {
        None | Some("overall") => Balance::Overall,
        Some("per-region") => Balance::PerRegion,
        Some(other) => {
            let span = raw.balance.as_ref().map(Spanned::span).unwrap_or_default();
            diags.push(
                at(
                    span,
                    format!("[allocation] balance: unknown value `{other}`"),
                )
                .hint(suggest(other, ["overall", "per-region"])),
            );
            Balance::Overall
        }
    };
    let weights = check_weights(&raw.weights, tiers, text, diags);
    let categories = check_categories(&raw.categories, leads, text, diags);
    let constraints = check_match(&raw.constraints, &categories, leads, text, diags);
    (diags.error_count() == before).then(|| Allocation {
        seed: raw.seed.into_inner(),
        eligible_tiers: eligible,
        balance,
        constraints,
        weights,
        categories: categories.into_iter().map(|(n, f, _)| (n, f)).collect(),
    })
}

/// `[allocation] eligible_tiers`: known tiers.
fn check_tiers(
    list: Option<&[Spanned<String>]>,
    tiers: &Vocab,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let list = list?;
    for t in list {
        if !tiers.contains(t.get_ref()) {
            diags.push(
                error_at(
                    text,
                    t.span().start,
                    format!(
                        "[allocation] eligible_tiers: unknown tier `{}`",
                        t.get_ref()
                    ),
                )
                .hint(suggest(t.get_ref(), tiers.ids())),
            );
        }
    }
    Some(list.iter().map(|t| t.get_ref().clone()).collect())
}

/// `[allocation.weights]`: known tiers, integers from 1 to [`MAX_WEIGHT`], each once.
fn check_weights(
    weights: &Pairs<Spanned<i64>>,
    tiers: &Vocab,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, u32)> {
    for (i, (tier, w)) in weights.0.iter().enumerate() {
        let name = tier.get_ref();
        if !tiers.contains(name) {
            diags.push(
                error_at(
                    text,
                    tier.span().start,
                    format!("[allocation.weights]: unknown tier `{name}`"),
                )
                .hint(suggest(name, tiers.ids())),
            );
        }
        if weights.0.iter().take(i).any(|(t, _)| t.get_ref() == name) {
            diags.push(
                error_at(
                    text,
                    tier.span().start,
                    format!("[allocation.weights]: `{name}` is set twice"),
                )
                .hint("give each tier one weight"),
            );
        }
        if !(1..=MAX_WEIGHT).contains(w.get_ref()) {
            diags.push(
                error_at(
                    text,
                    w.span().start,
                    format!("[allocation.weights] {name}: the weight {} is not an integer from 1 to {MAX_WEIGHT}", w.get_ref()),
                )
                .hint("weights are relative shares: 2 gives a tier twice the leads of a tier weighing 1"),
            );
        }
    }
    tiers
        .ids()
        .map(|t| {
            let w = weights
                .0
                .iter()
                .find(|(k, _)| k.get_ref() == t)
                .and_then(|(_, w)| u32::try_from(*w.get_ref()).ok())
                .filter(|w| (1..=MAX_WEIGHT as u32).contains(w))
                .unwrap_or(1);
            (t.to_string(), w)
        })
        .collect()
}

/// `[allocation.categories]`: `[leads.categories]` names mapped to partner facets.
/// Gives (name, facet, column) for the valid entries.
fn check_categories(
    categories: &Pairs<Spanned<String>>,
    leads: &LeadsConfig,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, &'static FacetDef, String)> {
    let declared = leads.categories.as_ref();
    let names = || {
        declared
            .into_iter()
            .flat_map(|c| c.0.iter().map(|c| c.name.as_str()))
    };
    let mut out: Vec<(String, &'static FacetDef, String)> = Vec::new();
    for (name, facet) in &categories.0 {
        let n = name.get_ref();
        let cat = declared.and_then(|c| c.get(n));
        if cat.is_none() {
            diags.push(
                error_at(
                    text,
                    name.span().start,
                    format!("[allocation.categories]: `{n}` is not a [leads.categories] name"),
                )
                .hint(if names().next().is_none() {
                    "declare the category in [leads.categories] first (the export column it reads)"
                        .to_string()
                } else {
                    suggest(n, names())
                }),
            );
        }
        let def = FACETS.iter().find(|f| f.key == facet.get_ref());
        if def.is_none() {
            diags.push(
                error_at(
                    text,
                    facet.span().start,
                    format!(
                        "[allocation.categories] {n}: no partner facet `{}`",
                        facet.get_ref()
                    ),
                )
                .hint(format!(
                    "{} (the partner facets: {})",
                    suggest(facet.get_ref(), FACETS.iter().map(|f| f.key)),
                    FACETS.iter().map(|f| f.key).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        if out.iter().any(|(o, _, _)| o == n) {
            diags.push(
                error_at(
                    text,
                    name.span().start,
                    format!("[allocation.categories]: `{n}` is set twice"),
                )
                .hint("map each category to one facet"),
            );
        }
        if let (Some(cat), Some(def)) = (cat, def) {
            out.push((n.clone(), def, cat.column.clone()));
        }
    }
    out
}

/// `match`: `region` or an `[allocation.categories]` name, each once.
fn check_match(
    list: &[Spanned<String>],
    categories: &[(String, &'static FacetDef, String)],
    leads: &LeadsConfig,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<Constraint> {
    let mut out: Vec<Constraint> = Vec::new();
    for m in list {
        let name = m.get_ref();
        let err =
            |msg: String| Diagnostic::error(SITE_FILE, msg).at_offset(text, m.span().start, 0);
        if out.iter().any(|c| c.name() == name) {
            diags.push(
                err(format!("[allocation] match: `{name}` is listed twice"))
                    .hint("list each constraint once"),
            );
            continue;
        }
        if name == REGION {
            out.push(Constraint::Region);
            continue;
        }
        match categories.iter().find(|(n, _, _)| n == name) {
            Some((n, facet, column)) => out.push(Constraint::Category {
                name: n.clone(),
                column: column.clone(),
                facet,
            }),
            None => {
                let known =
                    std::iter::once(REGION).chain(categories.iter().map(|(n, _, _)| n.as_str()));
                let declared = leads
                    .categories
                    .as_ref()
                    .and_then(|c| c.get(name))
                    .is_some();
                let hint = if declared {
                    format!(
                        "map it to a partner facet in [allocation.categories], e.g. {name} = \"services\""
                    )
                } else {
                    suggest(name, known)
                };
                diags.push(
                    err(format!("[allocation] match: unknown constraint `{name}`")).hint(format!(
                        "{hint} (`region`, or a name of [allocation.categories])"
                    )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostics;
    use std::path::Path;

    const BASE: &str = r#"title = "T"
base_url = "https://x.org/"
[tiers]
partner = "Partner"
verified-provider = "Verified"
[regions.europe]
label = "Europe"
countries = ["DE"]
[services]
hosting = "Hosting"
[leads]
source = "leads/x.csv"
eligible_tiers = ["partner"]
[leads.columns]
id = "id"
received = "received"
country = "country"
partner = "partner"
status = "status"
[leads.categories]
service = { column = "service", values = "services" }
"#;

    fn parse(allocation: &str) -> (Option<super::Allocation>, Diagnostics) {
        let text = format!("{BASE}{allocation}");
        let (c, d) = super::super::parse_str(Path::new("/nonexistent"), text);
        (c.and_then(|c| c.allocation), d)
    }

    fn errors(allocation: &str) -> Vec<String> {
        let (_, d) = parse(allocation);
        d.sorted()
            .iter()
            .filter(|d| d.is_error() && !d.message.contains("theme"))
            .map(|d| {
                format!(
                    "{}:{}: {} ({})",
                    d.line,
                    d.col,
                    d.message,
                    d.hint.clone().unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn a_valid_policy_resolves_defaults_and_weights() {
        let (a, d) = parse(
            "[allocation]\nseed = \"s\"\nmatch = [\"region\", \"service\"]\n[allocation.weights]\npartner = 3\n[allocation.categories]\nservice = \"services\"\n",
        );
        assert!(!d.has_errors(), "{d:?}");
        let a = a.unwrap();
        assert_eq!(a.balance, super::Balance::Overall);
        // eligible_tiers falls back to [leads] eligible_tiers.
        assert_eq!(a.eligible_tiers, Some(vec!["partner".to_string()]));
        assert_eq!(a.weight("partner"), 3);
        assert_eq!(a.weight("verified-provider"), 1);
        let names: Vec<&str> = a.constraints.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["region", "service"]);
    }

    #[test]
    fn every_name_is_checked_with_its_position_and_a_suggestion() {
        let errs = errors(
            "[allocation]\nseed = \"s\"\neligible_tiers = [\"partnr\"]\nbalance = \"per_region\"\nmatch = [\"regoin\", \"servise\", \"region\", \"region\"]\n[allocation.weights]\nverified-provder = 2\npartner = 0\n[allocation.categories]\nservice = \"servics\"\nbudget = \"pricing\"\n",
        );
        let want = [
            "24:19: [allocation] eligible_tiers: unknown tier `partnr` (did you mean `partner`?)",
            "25:11: [allocation] balance: unknown value `per_region` (did you mean `per-region`?)",
            "26:10: [allocation] match: unknown constraint `regoin`",
            "26:20: [allocation] match: unknown constraint `servise`",
            "26:41: [allocation] match: `region` is listed twice",
            "28:1: [allocation.weights]: unknown tier `verified-provder` (did you mean `verified-provider`?)",
            "29:11: [allocation.weights] partner: the weight 0 is not an integer from 1 to 1000",
            "31:11: [allocation.categories] service: no partner facet `servics`",
            "32:1: [allocation.categories]: `budget` is not a [leads.categories] name",
        ];
        assert_eq!(errs.len(), want.len(), "{errs:#?}");
        for (got, want) in errs.iter().zip(want) {
            assert!(got.starts_with(want), "{got}\n  wanted {want}");
        }
        assert!(errs[2].contains("did you mean `region`?"), "{}", errs[2]);
        assert!(errs[7].contains("did you mean `services`?"), "{}", errs[7]);
    }

    #[test]
    fn a_weight_above_1000_and_a_policy_without_leads_are_refused() {
        let errs = errors("[allocation]\nseed = \"s\"\n[allocation.weights]\npartner = 1001\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        let text =
            BASE.split("[leads]").next().unwrap().to_string() + "[allocation]\nseed = \"s\"\n";
        let (_, d) = super::super::parse_str(Path::new("/nonexistent"), text);
        assert!(
            d.iter()
                .any(|d| d.message.contains("[allocation] needs a [leads] table")),
            "{d:?}"
        );
    }
}
