//! Counters -> [`Digest`]: ratios (rounded half-up to 4 decimals), small-count
//! suppression with complementary suppression, and concentration (Gini, top-5 share).

// The count arrays here are indexed by ids this module interns itself (partner, region,
// country slot, status, category value), each below its array's length by construction:
// an out-of-range index would be a bug in this file, never a property of the input.
#![allow(clippy::indexing_slicing)]

use super::audit;
use super::read::{CONTACTED, COUNTRY_SLOTS, Counts, LOST, Model, NEW, NO_COUNTRY, WON};
use super::{
    Audit, Cell, Concentration, Digest, Equity, OrderedMap, PartnerAttributes, PartnerRow, Period,
    Ratio, RegionRow, Totals, UNSPECIFIED,
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

/// Small-count suppression of one table whose cells (zeros included) add up to a
/// published total: `audit::protect` on that one sum. A cell with `0 < count <
/// min_cell` is withheld (`None`), with complementary cells until each withheld cell's
/// attacker interval is at least `min_cell` wide (or as wide as the total allows).
pub fn suppress(counts: &[u64], min_cell: u64) -> Vec<Cell> {
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
    let config = model.config;
    let nreg = model.nreg;
    let min_cell = u64::from(leads.min_cell);
    let region_keys: Vec<String> = model
        .regions
        .iter()
        .map(|r| r.to_string())
        .chain([UNSPECIFIED.to_string()])
        .collect();

    // Without bounds in site.toml, the first and last received date counted. (When no
    // row falls in the period, the one bound given stands for both.)
    let epoch = Date {
        year: 1970,
        month: 1,
        day: 1,
    };
    let period = Period {
        from: model.from.or(n.first).or(model.to).unwrap_or(epoch),
        to: model.to.or(n.last).or(model.from).unwrap_or(epoch),
    };

    let totals = Totals {
        leads: n.leads,
        assigned: n.assigned,
        unassigned: n.leads - n.assigned,
        new: n.status[NEW],
        contacted: n.status[CONTACTED],
        won: n.status[WON],
        lost: n.status[LOST],
    };

    let by_region = region_keys
        .iter()
        .zip(&n.region)
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
        .collect();

    let listed: Vec<usize> = (0..model.partners.len())
        .filter(|&i| model.partners[i].listed)
        .collect();
    let partner_leads = |i: usize| n.partner[i].iter().sum::<u64>();
    let by_partner = listed
        .iter()
        .map(|&i| {
            let s = n.partner[i];
            (
                model.partners[i].partner.slug.clone(),
                PartnerRow {
                    leads: partner_leads(i),
                    new: s[NEW],
                    contacted: s[CONTACTED],
                    won: s[WON],
                    lost: s[LOST],
                    won_rate: won_rate(s[WON], s[LOST]),
                    share: ratio(partner_leads(i), n.assigned),
                },
            )
        })
        .collect();

    // Every quarter of the period, zeros included, in order.
    let mut quarters = n.quarters.clone();
    quarters.sort_by_key(|(k, _)| *k);
    let (q0, q1) = (quarter_key(period.from), quarter_key(period.to));
    let keys: Vec<u32> = (q0.min(q1)..=q1.max(q0)).collect();
    let row_of = |k: u32| quarters.iter().find(|(q, _)| *q == k).map(|(_, r)| r);
    let by_quarter = keys
        .iter()
        .map(|&k| (quarter_name(k), row_of(k).map_or(0, |r| r.iter().sum())))
        .collect();
    // The grid, row by row; each row adds up to its quarter and each column to its region.
    let width = nreg + 1;
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
    let region_totals: Vec<(String, u64)> = region_keys
        .iter()
        .cloned()
        .zip(n.region.iter().map(|r| r.leads))
        .collect();
    let quarter_totals: Vec<(String, u64)> = keys
        .iter()
        .map(|&k| (quarter_name(k), row_of(k).map_or(0, |r| r.iter().sum())))
        .collect();
    let grid_cells = audit::protect(
        &audit::grid_table(&quarter_totals, &region_totals),
        &grid,
        min_cell,
    );
    let by_quarter_region = keys
        .iter()
        .enumerate()
        .map(|(r, &k)| {
            let cells = grid_cells.iter().skip(r * width).take(width).copied();
            (
                quarter_name(k),
                region_keys.iter().cloned().zip(cells).collect(),
            )
        })
        .collect();

    // Countries seen, by code, then `unspecified`.
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
    // Countries add up to the grand total and, within a region, to the region's total.
    let country_table =
        audit::country_table(&country_keys, &config.regions, &region_totals, n.leads);
    let by_country = country_keys
        .into_iter()
        .zip(audit::protect(&country_table, &country_counts, min_cell))
        .collect();

    // Category values in published order (declared, or sorted), `other` and
    // `unspecified` last.
    let names = leads
        .categories
        .as_ref()
        .map(|c| c.0.iter().map(|c| c.name.as_str()).collect::<Vec<_>>());
    let by_category = names
        .unwrap_or_default()
        .into_iter()
        .zip(&n.categories)
        .map(|(name, cat)| {
            let values = cat.published();
            let counts: Vec<u64> = values.iter().map(|(_, c)| *c).collect();
            let keys: Vec<String> = values.iter().map(|(v, _)| v.to_string()).collect();
            let table = audit::category_table(name, &keys, n.leads);
            let cells = audit::protect(&table, &counts, min_cell);
            (
                name.to_string(),
                values
                    .iter()
                    .map(|(v, _)| v.to_string())
                    .zip(cells)
                    .collect(),
            )
        })
        .collect();

    // Leads received by listed partners, by partner attribute.
    let by_attr = |vocab: &Vocab, attr: &dyn Fn(usize) -> Option<String>| -> OrderedMap<u64> {
        let mut keys: Vec<String> = vocab.ids().map(str::to_string).collect();
        let mut counts = vec![0u64; keys.len()];
        let mut unspecified = None;
        for &i in &listed {
            let slot = match attr(i).and_then(|v| keys.iter().position(|k| *k == v)) {
                Some(s) => s,
                None => *unspecified.get_or_insert_with(|| {
                    keys.push(UNSPECIFIED.to_string());
                    counts.push(0);
                    keys.len() - 1
                }),
            };
            counts[slot] += partner_leads(i);
        }
        keys.into_iter().zip(counts).collect()
    };
    let p = |i: usize| model.partners[i].partner;
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
    let by_partner_attribute = PartnerAttributes {
        tier: by_attr(&config.tiers, &|i| Some(p(i).tier.clone())),
        company_size: by_attr(&config.company_size, &|i| p(i).company_size.clone()),
        pricing: by_attr(&config.pricing, &|i| p(i).pricing.clone()),
        market_size: by_attr(&config.market_size, &|i| p(i).market_size.clone()),
        region: by_attr(&region_vocab, &|i| {
            let r = model.partners[i].hq_region;
            (r < nreg).then(|| model.regions[r].to_string())
        }),
    };

    let np = model.partners.len();
    let region_partner = region_keys
        .iter()
        .enumerate()
        .map(|(r, key)| {
            (
                key.clone(),
                listed
                    .iter()
                    .filter(|&&i| n.region_partner[r * np + i] > 0)
                    .map(|&i| (p(i).slug.clone(), n.region_partner[r * np + i]))
                    .collect(),
            )
        })
        .collect();

    let eligible: Vec<usize> = listed
        .iter()
        .copied()
        .filter(|&i| model.partners[i].eligible)
        .collect();
    let n_eligible = eligible.len() as u64;
    let region_equity = region_keys
        .iter()
        .enumerate()
        .map(|(r, key)| {
            let serving = eligible
                .iter()
                .filter(|&&i| r < nreg && model.serves(i, r))
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
        .collect();

    let mut eligible_leads: Vec<u64> = eligible.iter().map(|&i| partner_leads(i)).collect();
    let gini = gini(&eligible_leads);
    eligible_leads.sort_unstable_by(|a, b| b.cmp(a));
    let top5: u64 = eligible_leads.iter().take(5).sum();
    let concentration = Concentration {
        gini,
        top5_share: ratio(top5, n.assigned),
    };

    Digest {
        version: super::DIGEST_VERSION,
        period,
        min_cell: leads.min_cell,
        totals,
        by_region,
        by_partner,
        by_quarter,
        by_quarter_region,
        by_country,
        by_category,
        by_partner_attribute,
        region_partner,
        region_equity,
        concentration,
        audit: Audit {
            outside_served_region: n.outside_served_region,
            unknown_partner: n.unknown_partner,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
