//! Counters -> [`Digest`]: ratios (rounded half-up to 4 decimals), small-count
//! suppression with complementary suppression, and concentration (Gini, top-5 share).

// The count arrays here are indexed by ids this module interns itself (partner, region,
// country slot, status, category value), each below its array's length by construction:
// an out-of-range index would be a bug in this file, never a property of the input.
#![allow(clippy::indexing_slicing)]

use super::audit;
use super::read::{CONTACTED, COUNTRY_SLOTS, Counts, LOST, Model, NEW, NO_COUNTRY, WON};
use super::{
    Audit, BeforeJoined, Cell, Concentration, Digest, Equity, OrderedMap, PartnerAttributes,
    PartnerRow, Period, Ratio, RegionRow, Totals, UNSPECIFIED,
};
use crate::config::{LeadsConfig, Vocab};
use crate::date::Date;

/// `num / den` rounded half-up to 4 decimals, computed exactly on integers; `None` when
/// `den` is 0. The result is the double nearest to `k / 10000`, which JSON prints with at
/// most 4 decimals.
pub fn ratio(num: u64, den: u64) -> Ratio {
    if den == 0 {
        return None;
    }
    let (num, den) = (u128::from(num), u128::from(den));
    let k = (num * 20_000 + den) / (2 * den);
    Some(k as f64 / 10_000.0)
}

/// Gini coefficient of `xs`: mean absolute difference / (2 x mean), i.e.
/// `sum_i sum_j |x_i - x_j| / (2 n^2 mean)`, computed exactly as
/// `sum_i (2i - n + 1) x_(i) / (n * total)` over the sorted values. `None` for no values
/// or a zero total.
pub fn gini(xs: &[u64]) -> Ratio {
    let n = xs.len() as u64;
    let total: u64 = xs.iter().sum();
    if n == 0 || total == 0 {
        return None;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_unstable();
    let s: i128 = sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| (2 * i as i128 - n as i128 + 1) * i128::from(x))
        .sum();
    ratio(u64::try_from(s).unwrap_or(0), n * total)
}

fn won_rate(won: u64, lost: u64) -> Ratio {
    ratio(won, won + lost)
}

/// `2026-Q1` from a quarter key (`year * 4 + quarter - 1`).
fn quarter_name(key: u32) -> String {
    format!("{}-Q{}", key / 4, key % 4 + 1)
}

fn quarter_key(d: Date) -> u32 {
    u32::from(d.year) * 4 + u32::from((d.month - 1) / 3)
}

/// Build the digest from the counts.
pub fn digest(model: &Model, leads: &LeadsConfig, n: &Counts) -> Digest {
    let t = Tables::new(model, leads, n);
    let period = period(model, n);
    let (by_quarter, by_quarter_region) = t.by_quarter(&period);
    Digest {
        version: super::DIGEST_VERSION,
        period,
        min_cell: leads.min_cell,
        totals: totals(n),
        by_region: t.by_region(),
        by_partner: t.by_partner(),
        by_quarter,
        by_quarter_region,
        by_country: t.by_country(),
        by_category: t.by_category(leads),
        by_partner_attribute: t.by_partner_attribute(),
        region_partner: t.region_partner(),
        region_equity: t.region_equity(),
        concentration: t.concentration(),
        audit: Audit {
            outside_served_region: n.outside_served_region,
            unknown_partner: n.unknown_partner,
            before_joined: Some(t.before_joined()),
        },
        allocation: None,
    }
}

/// Without bounds in site.toml, the first and last received date counted. (When no row
/// falls in the period, the one bound given stands for both.)
fn period(model: &Model, n: &Counts) -> Period {
    let epoch = Date {
        year: 1970,
        month: 1,
        day: 1,
    };
    Period {
        from: model.from.or(n.first).or(model.to).unwrap_or(epoch),
        to: model.to.or(n.last).or(model.from).unwrap_or(epoch),
    }
}

fn totals(n: &Counts) -> Totals {
    Totals {
        leads: n.leads,
        assigned: n.assigned,
        unassigned: n.leads - n.assigned,
        new: n.status[NEW],
        contacted: n.status[CONTACTED],
        won: n.status[WON],
        lost: n.status[LOST],
    }
}

/// What the tables of the digest are built from: the model, the counts and the keys
/// they share. One method per table.
struct Tables<'a> {
    model: &'a Model<'a>,
    n: &'a Counts,
    min_cell: u64,
    /// Region ids in site.toml order, then `unspecified` (index `nreg`).
    region_keys: Vec<String>,
    /// Indices of the listed (not draft) partners, sorted by slug.
    listed: Vec<usize>,
}

impl<'a> Tables<'a> {
    fn new(model: &'a Model<'a>, leads: &LeadsConfig, n: &'a Counts) -> Self {
        let region_keys = model
            .regions
            .iter()
            .map(|r| r.to_string())
            .chain([UNSPECIFIED.to_string()])
            .collect();
        let listed = (0..model.partners.len())
            .filter(|&i| model.partners[i].listed)
            .collect();
        Tables {
            model,
            n,
            min_cell: u64::from(leads.min_cell),
            region_keys,
            listed,
        }
    }

    fn partner(&self, i: usize) -> &'a crate::content::Partner {
        self.model.partners[i].partner
    }

    /// All leads of partner `i`, whatever their status.
    fn partner_leads(&self, i: usize) -> u64 {
        self.n.partner[i].iter().sum::<u64>()
    }

    /// (region key, leads) for every region, `unspecified` last.
    fn region_totals(&self) -> Vec<(String, u64)> {
        self.region_keys
            .iter()
            .cloned()
            .zip(self.n.region.iter().map(|r| r.leads))
            .collect()
    }

    fn by_region(&self) -> OrderedMap<RegionRow> {
        self.region_keys
            .iter()
            .zip(&self.n.region)
            .map(|(k, c)| {
                (
                    k.clone(),
                    RegionRow {
                        leads: c.leads,
                        assigned: c.assigned,
                        won: c.won,
                        lost: c.lost,
                        won_rate: won_rate(c.won, c.lost),
                    },
                )
            })
            .collect()
    }

    fn by_partner(&self) -> OrderedMap<PartnerRow> {
        self.listed
            .iter()
            .map(|&i| {
                let s = self.n.partner[i];
                (
                    self.partner(i).slug.clone(),
                    PartnerRow {
                        leads: self.partner_leads(i),
                        new: s[NEW],
                        contacted: s[CONTACTED],
                        won: s[WON],
                        lost: s[LOST],
                        won_rate: won_rate(s[WON], s[LOST]),
                        share: ratio(self.partner_leads(i), self.n.assigned),
                    },
                )
            })
            .collect()
    }

    /// `by_quarter` and the protected quarter x region grid: every quarter of the
    /// period, zeros included, in order.
    fn by_quarter(&self, period: &Period) -> (OrderedMap<u64>, OrderedMap<OrderedMap<Cell>>) {
        let mut quarters = self.n.quarters.clone();
        quarters.sort_by_key(|(k, _)| *k);
        let (q0, q1) = (quarter_key(period.from), quarter_key(period.to));
        let keys: Vec<u32> = (q0.min(q1)..=q1.max(q0)).collect();
        let row_of = |k: u32| quarters.iter().find(|(q, _)| *q == k).map(|(_, r)| r);
        let quarter_totals: Vec<(String, u64)> = keys
            .iter()
            .map(|&k| (quarter_name(k), row_of(k).map_or(0, |r| r.iter().sum())))
            .collect();
        // The grid, row by row; each row adds up to its quarter and each column to its
        // region.
        let width = self.model.nreg + 1;
        let zeros = vec![0; width];
        let grid: Vec<u64> = keys
            .iter()
            .flat_map(|&k| {
                row_of(k)
                    .unwrap_or(&zeros)
                    .iter()
                    .copied()
                    .chain(std::iter::repeat(0))
                    .take(width)
            })
            .collect();
        let grid_cells = audit::protect(
            &audit::grid_table(&quarter_totals, &self.region_totals()),
            &grid,
            self.min_cell,
        );
        let by_quarter_region = keys
            .iter()
            .enumerate()
            .map(|(r, &k)| {
                let cells = grid_cells.iter().skip(r * width).take(width).copied();
                (
                    quarter_name(k),
                    self.region_keys.iter().cloned().zip(cells).collect(),
                )
            })
            .collect();
        (quarter_totals.into_iter().collect(), by_quarter_region)
    }

    /// Countries seen, by code, then `unspecified`, protected: countries add up to the
    /// grand total and, within a region, to the region's total.
    fn by_country(&self) -> OrderedMap<Cell> {
        let n = self.n;
        let mut country_keys = Vec::new();
        let mut country_counts = Vec::new();
        for slot in (0..COUNTRY_SLOTS).filter(|&s| n.country[s] > 0) {
            country_keys.push(if slot == NO_COUNTRY {
                UNSPECIFIED.to_string()
            } else {
                super::read::country_code_of(slot)
            });
            country_counts.push(n.country[slot]);
        }
        let country_table = audit::country_table(
            &country_keys,
            &self.model.config.regions,
            &self.region_totals(),
            n.leads,
        );
        country_keys
            .into_iter()
            .zip(audit::protect(
                &country_table,
                &country_counts,
                self.min_cell,
            ))
            .collect()
    }

    /// Category values in published order (declared, or sorted), `other` and
    /// `unspecified` last, protected per category.
    fn by_category(&self, leads: &LeadsConfig) -> OrderedMap<OrderedMap<Cell>> {
        let names = leads
            .categories
            .as_ref()
            .map(|c| c.0.iter().map(|c| c.name.as_str()).collect::<Vec<_>>());
        names
            .unwrap_or_default()
            .into_iter()
            .zip(&self.n.categories)
            .map(|(name, cat)| {
                let values = cat.published();
                let counts: Vec<u64> = values.iter().map(|(_, c)| *c).collect();
                let keys: Vec<String> = values.iter().map(|(v, _)| v.to_string()).collect();
                let table = audit::category_table(name, &keys, self.n.leads);
                let cells = audit::protect(&table, &counts, self.min_cell);
                (
                    name.to_string(),
                    values
                        .iter()
                        .map(|(v, _)| v.to_string())
                        .zip(cells)
                        .collect(),
                )
            })
            .collect()
    }

    /// Leads received by listed partners, by partner attribute.
    fn by_partner_attribute(&self) -> PartnerAttributes {
        let config = self.model.config;
        let region_vocab = Vocab {
            entries: config
                .regions
                .0
                .iter()
                .map(|r| crate::config::VocabEntry {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    span: 0..0,
                })
                .collect(),
        };
        let p = |i: usize| self.partner(i);
        let nreg = self.model.nreg;
        PartnerAttributes {
            tier: self.by_attribute(&config.tiers, &|i| Some(p(i).tier.clone())),
            company_size: self.by_attribute(&config.company_size, &|i| p(i).company_size.clone()),
            pricing: self.by_attribute(&config.pricing, &|i| p(i).pricing.clone()),
            market_size: self.by_attribute(&config.market_size, &|i| p(i).market_size.clone()),
            region: self.by_attribute(&region_vocab, &|i| {
                let r = self.model.partners[i].hq_region;
                (r < nreg).then(|| self.model.regions[r].to_string())
            }),
        }
    }

    /// Leads of listed partners per value of `attr`, in vocabulary order; partners with
    /// no value, or one not in the vocabulary, under `unspecified` (last, when any).
    fn by_attribute(
        &self,
        vocab: &Vocab,
        attr: &dyn Fn(usize) -> Option<String>,
    ) -> OrderedMap<u64> {
        let mut keys: Vec<String> = vocab.ids().map(str::to_string).collect();
        let mut counts = vec![0u64; keys.len()];
        let mut unspecified = None;
        for &i in &self.listed {
            let slot = match attr(i).and_then(|v| keys.iter().position(|k| *k == v)) {
                Some(s) => s,
                None => *unspecified.get_or_insert_with(|| {
                    keys.push(UNSPECIFIED.to_string());
                    counts.push(0);
                    keys.len() - 1
                }),
            };
            counts[slot] += self.partner_leads(i);
        }
        keys.into_iter().zip(counts).collect()
    }

    /// Per region, the listed partners that received its leads and how many.
    fn region_partner(&self) -> OrderedMap<OrderedMap<u64>> {
        let n = self.n;
        let np = self.model.partners.len();
        self.region_keys
            .iter()
            .enumerate()
            .map(|(r, key)| {
                (
                    key.clone(),
                    self.listed
                        .iter()
                        .filter(|&&i| n.region_partner[r * np + i] > 0)
                        .map(|&i| (self.partner(i).slug.clone(), n.region_partner[r * np + i]))
                        .collect(),
                )
            })
            .collect()
    }

    /// Listed partners whose tier receives leads.
    fn eligible(&self) -> Vec<usize> {
        self.listed
            .iter()
            .copied()
            .filter(|&i| self.model.partners[i].eligible)
            .collect()
    }

    fn region_equity(&self) -> OrderedMap<Equity> {
        let (model, n) = (self.model, self.n);
        let eligible = self.eligible();
        let n_eligible = eligible.len() as u64;
        self.region_keys
            .iter()
            .enumerate()
            .map(|(r, key)| {
                let serving = eligible
                    .iter()
                    .filter(|&&i| r < model.nreg && model.serves(i, r))
                    .count() as u64;
                let hq = eligible
                    .iter()
                    .filter(|&&i| model.partners[i].hq_region == r)
                    .count() as u64;
                (
                    key.clone(),
                    Equity {
                        leads_share: ratio(n.region[r].leads, n.leads),
                        partners_serving_share: ratio(serving, n_eligible),
                        partners_hq_share: ratio(hq, n_eligible),
                        leads_per_serving_partner: ratio(n.region[r].assigned, serving),
                    },
                )
            })
            .collect()
    }

    /// Listed partners (by slug) that received leads before their `joined` date, their
    /// counts protected like a category: they add up to the published total.
    fn before_joined(&self) -> BeforeJoined {
        let n = self.n;
        let (keys, counts): (Vec<String>, Vec<u64>) = self
            .listed
            .iter()
            .filter(|&&i| n.before_joined[i] > 0)
            .map(|&i| (self.partner(i).slug.clone(), n.before_joined[i]))
            .unzip();
        let leads = counts.iter().sum();
        let table = audit::before_joined_table(&keys, leads);
        let cells = audit::protect(&table, &counts, self.min_cell);
        BeforeJoined {
            leads,
            by_partner: keys.into_iter().zip(cells).collect(),
        }
    }

    fn concentration(&self) -> Concentration {
        let mut eligible_leads: Vec<u64> = self
            .eligible()
            .iter()
            .map(|&i| self.partner_leads(i))
            .collect();
        let gini = gini(&eligible_leads);
        eligible_leads.sort_unstable_by(|a, b| b.cmp(a));
        let top5: u64 = eligible_leads.iter().take(5).sum();
        Concentration {
            gini,
            top5_share: ratio(top5, self.n.assigned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small-count suppression of one table whose cells (zeros included) add up to a
    /// published total: `audit::protect` on that one sum. A cell with `0 < count <
    /// min_cell` is withheld (`None`), with complementary cells until each withheld cell's
    /// attacker interval is at least `min_cell` wide (or as wide as the total allows).
    fn suppress(counts: &[u64], min_cell: u64) -> Vec<Cell> {
        let table = audit::Table {
            name: String::new(),
            labels: vec![String::new(); counts.len()],
            lower: 0,
            sums: vec![audit::Sum {
                cells: (0..counts.len()).collect(),
                total: counts.iter().sum(),
            }],
            optional: Vec::new(),
        };
        audit::protect(&table, counts, min_cell)
    }

    #[test]
    fn ratio_rounds_half_up() {
        assert_eq!(ratio(1, 3), Some(0.3333));
        assert_eq!(ratio(2, 3), Some(0.6667));
        // 0.00005 exactly: half-up gives 0.0001 (banker's rounding would give 0).
        assert_eq!(ratio(1, 20_000), Some(0.0001));
        assert_eq!(ratio(1, 8), Some(0.125));
        // 0.12345 -> 0.1235 (an f64 round of 0.12345 * 1e4 gives 1234).
        assert_eq!(ratio(12_345, 100_000), Some(0.1235));
        assert_eq!(ratio(5, 5), Some(1.0));
        assert_eq!(ratio(0, 7), Some(0.0));
        assert_eq!(ratio(1, 0), None);
        assert_eq!(serde_json::to_string(&ratio(3, 7)).unwrap(), "0.4286");
    }

    #[test]
    fn suppression_withholds_small_cells() {
        // Two small cells: both withheld, nothing else.
        assert_eq!(
            suppress(&[3, 2, 10, 0], 5),
            vec![None, None, Some(10), Some(0)]
        );
        // Nothing small: unchanged.
        assert_eq!(suppress(&[5, 0, 9], 5), vec![Some(5), Some(0), Some(9)]);
        // min_cell 0 or 1: only zeros would qualify, and they are published.
        assert_eq!(suppress(&[1, 0], 1), vec![Some(1), Some(0)]);
    }

    #[test]
    fn complementary_suppression() {
        // One small cell: the smallest non-zero other cell goes too (zeros are skipped).
        assert_eq!(
            suppress(&[3, 0, 12, 7, 30], 5),
            vec![None, Some(0), Some(12), None, Some(30)]
        );
        // Ties: the first one.
        assert_eq!(suppress(&[8, 2, 8], 5), vec![None, None, Some(8)]);
        // Only zeros besides: a zero is withheld.
        assert_eq!(suppress(&[0, 4, 0], 5), vec![None, None, Some(0)]);
    }

    #[test]
    fn a_cell_its_total_determines_is_published() {
        // A table of one cell equals its published total: withholding it would pretend.
        assert_eq!(suppress(&[4], 5), vec![Some(4)]);
        // Two small cells whose sum leaves less than min_cell of doubt: a third goes.
        assert_eq!(suppress(&[1, 2, 6, 9], 5), vec![None, None, None, Some(9)]);
    }

    #[test]
    fn gini_by_hand() {
        // [0, 0, 0, 10]: pairs with 10 differ by 10, 6 ordered pairs -> sum 60;
        // 60 / (2 * 16 * 2.5) = 0.75.
        assert_eq!(gini(&[10, 0, 0, 0]), Some(0.75));
        // [1, 2, 3]: sum |xi - xj| = 2 * (1 + 2 + 1) = 8; 8 / (2 * 9 * 2) = 0.2222.
        assert_eq!(gini(&[3, 1, 2]), Some(0.2222));
        assert_eq!(gini(&[4, 4, 4]), Some(0.0));
        assert_eq!(gini(&[0, 0]), None);
        assert_eq!(gini(&[]), None);
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_name(2026 * 4), "2026-Q1");
        assert_eq!(quarter_name(2026 * 4 + 3), "2026-Q4");
        let d = Date::parse("2025-11-30").unwrap();
        assert_eq!(quarter_name(quarter_key(d)), d.quarter());
    }
}
