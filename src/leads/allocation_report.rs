//! The `allocation` section of the digest: `[allocation]` as configured, and what a
//! replay of the policy over the export ([`super::allocate::replay`], as `leads verify`
//! runs it) finds: counts by method per partner and per region, relaxations, each
//! partner's expected rule leads against its actual ones, and the commitment (SHA-256 of
//! the `--print-replay` text). Counts that describe requesters go through the same
//! suppression and auditor tables as the rest of the digest ([`super::audit`]).

// Row indices here are partner and region indices of the replay's own lists, each
// below its table's length by construction.
#![allow(clippy::indexing_slicing)]

use super::allocate::{self, Method, Replay};
use super::allocate_cmd::Loaded;
use super::audit;
use super::{Cell, OrderedMap, Period};
use crate::config::Allocation;
use crate::content::Partner;
use serde::{Deserialize, Serialize};

/// The key of leads that no allocation has run on yet: no partner and no method.
pub const UNALLOCATED: &str = "unallocated";

/// The methods a lead with a partner can have, in the order the tables list them.
pub const PARTNER_METHODS: [Method; 4] = [
    Method::Existing,
    Method::Manual,
    Method::Requested,
    Method::Rule,
];

/// Every method key of `methods` and of a region's row: the five methods, then
/// [`UNALLOCATED`].
pub fn method_keys() -> impl Iterator<Item = &'static str> {
    Method::ALL
        .into_iter()
        .map(Method::id)
        .chain(std::iter::once(UNALLOCATED))
}

/// `allocation` in leads.json (format 3): absent without `[allocation]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationSection {
    pub policy: PolicyView,
    /// The leads received in the period (the replay, and so the commitment, covers
    /// every row of the export, whatever the period).
    pub leads: u64,
    /// Method (the five, then `unallocated`) -> leads; always published (totals).
    pub methods: OrderedMap<u64>,
    /// Region (site.toml order, `unspecified` last) -> its leads and their methods.
    pub by_region: OrderedMap<MethodRow>,
    /// Listed partner (sorted by slug) -> its leads by method (existing, manual,
    /// requested, rule) and its expected rule leads.
    pub by_partner: OrderedMap<PartnerMethods>,
    /// Leads with a partner's method (existing, manual, requested, rule) whose partner is
    /// no listed record: an unknown slug, a draft, or none at all.
    pub unlisted_partner: MethodRow,
    /// Constraints dropped (`0` up to the number of `match` constraints) -> rule leads.
    pub relaxed: OrderedMap<Cell>,
    /// SHA-256 hex of exactly what `partnersite leads verify --print-replay` prints.
    pub commitment: String,
}

/// `[allocation]` as configured, after defaults: what the counts were computed under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyView {
    pub seed: String,
    /// `null`: every tier receives leads.
    pub eligible_tiers: Option<Vec<String>>,
    /// `overall` or `per-region`.
    pub balance: String,
    /// The constraints in order, relaxed from the last.
    #[serde(rename = "match")]
    pub constraints: Vec<String>,
    /// Every tier of `[tiers]` in order -> its weight.
    pub weights: OrderedMap<u32>,
    /// Lead category -> the partner facet it must match.
    pub categories: OrderedMap<String>,
}

impl PolicyView {
    pub fn new(a: &Allocation) -> Self {
        PolicyView {
            seed: a.seed.clone(),
            eligible_tiers: a.eligible_tiers.clone(),
            balance: a.balance.id().to_string(),
            constraints: a.constraints.iter().map(|c| c.name().to_string()).collect(),
            weights: a.weights.iter().map(|(t, w)| (t.clone(), *w)).collect(),
            categories: a
                .categories
                .iter()
                .map(|(n, f)| (n.clone(), f.key.to_string()))
                .collect(),
        }
    }

    /// The category constraints of `match`, by name.
    pub fn category_constraints(&self) -> impl Iterator<Item = &str> {
        self.constraints
            .iter()
            .map(String::as_str)
            .filter(|c| *c != "region")
    }
}

/// A row's leads and their cells by method (withheld below `min_cell` with their
/// complements: the rows add up to `leads`, the columns to `methods`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodRow {
    pub leads: u64,
    pub methods: OrderedMap<Cell>,
}

/// A partner's row: its leads by method and its expected `rule` leads under the policy
/// (the sum, over the `rule` leads it was a candidate for, of its weight over the total
/// weight of that lead's candidates), rounded half-up to one decimal. The actual rule
/// leads are `methods.rule`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerMethods {
    pub leads: u64,
    pub methods: OrderedMap<Cell>,
    pub expected_rule: f64,
}

/// The count arrays the section is built from, one pass over the replay.
struct Counts {
    /// Leads received in the period.
    leads: u64,
    methods: Vec<u64>,
    /// Per policy partner: expected rule leads (see [`PartnerMethods`]).
    expected: Vec<f64>,
    /// Region-major, [`method_keys`] wide.
    region: Vec<u64>,
    /// Partner-major (policy partner indices, then one row for unlisted partners),
    /// [`PARTNER_METHODS`] wide.
    partner: Vec<u64>,
    relaxed: Vec<u64>,
}

/// The slot of a lead's method in [`method_keys`].
fn method_slot(m: Option<Method>) -> usize {
    match m {
        Some(m) => Method::ALL.iter().position(|x| *x == m).unwrap_or(0),
        None => Method::ALL.len(),
    }
}

/// The counts of the leads received in the period (the replay itself ran over all).
fn count(loaded: &Loaded, replay: &Replay, listed: &[bool], period: &Period) -> Counts {
    let nm = Method::ALL.len() + 1;
    let np = listed.len();
    let nreg = loaded.resolved.regions.len();
    let mut c = Counts {
        leads: 0,
        expected: vec![0.0; np],
        methods: vec![0; nm],
        region: vec![0; nreg * nm],
        partner: vec![0; (np + 1) * PARTNER_METHODS.len()],
        relaxed: vec![0; loaded.resolved.allocation.constraints.len() + 1],
    };
    let mut scratch = Vec::new();
    for (lead, o) in loaded.leads.iter().zip(&replay.outcomes) {
        if lead.received < period.from || lead.received > period.to {
            continue;
        }
        c.leads += 1;
        // As `allocate::replay` sums its expectation: a lead recorded `rule` that the
        // policy also gives by rule.
        if o.method == Some(Method::Rule) && o.policy.is_some_and(|p| p.method == Method::Rule) {
            allocate::add_lead_expected(
                &loaded.resolved.policy,
                lead,
                &mut scratch,
                &mut c.expected,
            );
        }
        let slot = method_slot(o.method);
        bump(&mut c.methods, slot);
        bump(&mut c.region, lead.region.min(nreg - 1) * nm + slot);
        if let Some(m) = o
            .method
            .and_then(|m| PARTNER_METHODS.iter().position(|x| *x == m))
        {
            let row = o
                .partner
                .map(|p| p as usize)
                .filter(|&p| listed.get(p) == Some(&true))
                .unwrap_or(np);
            bump(&mut c.partner, row * PARTNER_METHODS.len() + m);
        }
        if o.method == Some(Method::Rule) {
            let k = o.relaxed.unwrap_or(0) as usize;
            bump(&mut c.relaxed, k);
        }
    }
    c
}

fn bump(v: &mut [u64], i: usize) {
    if let Some(n) = v.get_mut(i) {
        *n += 1;
    }
}

/// A grid's rows, protected (rows add up to their totals, columns to theirs), as
/// [`MethodRow`]s keyed by the first `cols.len()` method keys.
fn protected_rows(
    name: &str,
    rows: &[(String, u64)],
    cols: &[(String, u64)],
    cells: &[u64],
    min_cell: u64,
) -> Vec<MethodRow> {
    let protected = audit::protect(&audit::grid(name, rows, cols), cells, min_cell);
    let width = cols.len();
    rows.iter()
        .enumerate()
        .map(|(i, (_, leads))| MethodRow {
            leads: *leads,
            methods: cols
                .iter()
                .map(|(k, _)| k.clone())
                .zip(protected.iter().skip(i * width).take(width).copied())
                .collect(),
        })
        .collect()
}

/// Row totals of a row-major grid `width` wide, keyed by `names`.
fn row_totals(names: Vec<String>, cells: &[u64], width: usize) -> Vec<(String, u64)> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n, cells.iter().skip(i * width).take(width).sum()))
        .collect()
}

/// `x` rounded half-up to one decimal.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0 + 0.5).floor() / 10.0
}

/// Build the section from a replay (`leads verify`'s, without filling) of every lead:
/// the counts are of the leads received in the period, the commitment of the whole replay.
pub fn section(
    loaded: &Loaded,
    replay: &Replay,
    partners: &[Partner],
    min_cell: u32,
    period: &Period,
    commitment: String,
) -> AllocationSection {
    let r = &loaded.resolved;
    let listed: Vec<bool> = r
        .policy
        .partners
        .iter()
        .map(|c| partners.iter().any(|p| p.slug == c.slug && !p.draft))
        .collect();
    let c = count(loaded, replay, &listed, period);
    let min_cell = u64::from(min_cell);
    let keys: Vec<&str> = method_keys().collect();
    let methods: Vec<(String, u64)> = keys
        .iter()
        .map(|k| k.to_string())
        .zip(c.methods.iter().copied())
        .collect();
    let nm = keys.len();
    let region_rows = row_totals(r.regions.clone(), &c.region, nm);
    let by_region = protected_rows(
        "allocation.by_region",
        &region_rows,
        &methods,
        &c.region,
        min_cell,
    );
    let pw = PARTNER_METHODS.len();
    let np = listed.len();
    let names = (0..np)
        .map(|p| r.slug(p).to_string())
        .chain(std::iter::once("unlisted_partner".to_string()))
        .collect();
    let partner_rows = row_totals(names, &c.partner, pw);
    let mut partner_rows = protected_rows(
        "allocation.by_partner",
        &partner_rows,
        &methods[..pw],
        &c.partner,
        min_cell,
    );
    let unlisted_partner = partner_rows.pop().unwrap_or_default();
    let by_partner = partner_rows
        .into_iter()
        .enumerate()
        .filter(|(p, _)| listed[*p])
        .map(|(p, MethodRow { leads, methods })| {
            let expected = c.expected.get(p).copied().unwrap_or(0.0);
            (
                r.slug(p).to_string(),
                PartnerMethods {
                    leads,
                    methods,
                    expected_rule: one_decimal(expected),
                },
            )
        })
        .collect();
    let relaxed_keys: Vec<String> = (0..c.relaxed.len()).map(|k| k.to_string()).collect();
    let rule = c.methods.get(method_slot(Some(Method::Rule))).copied();
    let relaxed_cells = audit::protect(
        &audit::relaxed_table(&relaxed_keys, rule.unwrap_or(0)),
        &c.relaxed,
        min_cell,
    );
    AllocationSection {
        policy: PolicyView::new(r.allocation),
        leads: c.leads,
        methods: methods.into_iter().collect(),
        by_region: r.regions.iter().cloned().zip(by_region).collect(),
        by_partner,
        unlisted_partner,
        relaxed: relaxed_keys.into_iter().zip(relaxed_cells).collect(),
        commitment,
    }
}
