//! The disclosure auditor: every table with withheld cells as a system of published sums,
//! the attacker's bounds on each withheld cell by linear programming, the protection rule
//! and the suppression loop that meets it (README, "Privacy: small-count suppression").
//!
//! A table's cells are tied by published sums (each equal to a published total). For a
//! withheld cell `x` the attacker's interval is `[min x, max x]` over every assignment of
//! the withheld cells that meets every sum with each cell `>= lower`. Its width `W` is
//! compared with `W*`, the width the same cell would have if every cell of the table
//! were withheld (what the published totals alone allow): a withheld cell is protected
//! when `W >= min(min_cell, W*)` and `W* > 0`. A cell with `W* = 0` is determined by
//! published totals whatever is withheld, so it is published instead of pretending.

// Cell and sum indices come from the tables built here, each below its vector's length.
#![allow(clippy::indexing_slicing)]

use super::{Cell, Digest, UNSPECIFIED};
use crate::config::Regions;
use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// Published cells plus the sums they must meet: a table as the attacker sees it.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's key in leads.json, e.g. `by_country` or `by_category.service`.
    pub name: String,
    /// Per cell: its key (a country code, a category value, `2026-Q1 × europe`).
    pub labels: Vec<String>,
    /// The least value of a withheld cell: 1 when only non-zero keys are listed.
    pub lower: u64,
    /// Sums that always hold.
    pub sums: Vec<Sum>,
    /// Sums that hold only when every lead's region comes from its country (no region
    /// column overrode it): the attacker uses them whenever they are consistent.
    pub optional: Vec<Sum>,
}

/// `sum(cells) = total`, with `total` published.
#[derive(Debug, Clone)]
pub struct Sum {
    pub cells: Vec<usize>,
    pub total: u64,
}

/// A withheld cell the attacker can pin or narrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub table: String,
    pub label: String,
    /// Determined exactly (`W = 0`), else narrowed below the rule.
    pub determined: bool,
}

/// Integer bounds of one withheld cell.
type Bounds = (u64, u64);

fn width(b: Bounds) -> u64 {
    b.1.saturating_sub(b.0)
}

/// Sums restricted to their withheld cells: `sum(vars) = rhs`.
type Rows = Vec<(Vec<usize>, u64)>;

impl Table {
    fn active_sums(&self, optional: bool) -> impl Iterator<Item = &Sum> {
        self.sums
            .iter()
            .chain(self.optional.iter().filter(move |_| optional))
    }

    /// The active sums over the withheld cells, or `None` when the published values
    /// cannot meet them.
    fn rows(&self, cells: &[Cell], optional: bool) -> Option<Rows> {
        let mut rows = Vec::new();
        for s in self.active_sums(optional) {
            let published: u64 = s.cells.iter().filter_map(|&i| cells[i]).sum();
            let rhs = s.total.checked_sub(published)?;
            let vars: Vec<usize> = s
                .cells
                .iter()
                .copied()
                .filter(|&i| cells[i].is_none())
                .collect();
            if vars.is_empty() {
                if rhs != 0 {
                    return None;
                }
                continue;
            }
            rows.push((vars, rhs));
        }
        Some(rows)
    }

    /// Bounds of every withheld cell (`None` for published ones), or `None` when the
    /// published values cannot meet the sums.
    fn intervals(&self, cells: &[Cell], optional: bool) -> Option<Vec<Option<Bounds>>> {
        let rows = self.rows(cells, optional)?;
        let mut out: Vec<Option<Bounds>> = vec![None; cells.len()];
        for comp in components(cells.len(), &rows) {
            for &cell in &comp.cells {
                out[cell] = Some(bounds_of(self.lower, &comp, &rows, cell)?);
            }
        }
        // A withheld cell in no sum is bounded only below.
        for (i, c) in cells.iter().enumerate() {
            if c.is_none() && out[i].is_none() {
                out[i] = Some((self.lower, u64::MAX));
            }
        }
        Some(out)
    }

    /// The attacker's models of this state: the sums that always hold, and those plus the
    /// optional sums when they are consistent with what is published (an attacker would
    /// try them). Empty when the table does not add up even without them.
    fn models(&self, cells: &[Cell]) -> Vec<(bool, Vec<Option<Bounds>>)> {
        let mut out = Vec::new();
        if let Some(b) = self.intervals(cells, false) {
            out.push((false, b));
            if !self.optional.is_empty()
                && let Some(b) = self.intervals(cells, true)
            {
                out.push((true, b));
            }
        }
        out
    }

    /// Whether the true counts meet every optional sum (then that model is the truth).
    fn optional_holds(&self, truth: &[u64]) -> bool {
        self.optional
            .iter()
            .all(|s| s.cells.iter().map(|&i| truth[i]).sum::<u64>() == s.total)
    }
}

/// Bounds of `target` within its component: by hand for a single sum (a category, or
/// countries without region sums), else a minimising and a maximising LP.
fn bounds_of(
    lower: u64,
    comp: &Component,
    rows: &[(Vec<usize>, u64)],
    target: usize,
) -> Option<Bounds> {
    if let [r] = comp.rows.as_slice() {
        let (vars, rhs) = &rows[*r];
        let rest = lower * (vars.len() as u64 - 1);
        let hi = rhs.checked_sub(rest).filter(|&h| h >= lower)?;
        // The others are bounded only below, so the target can go down to `lower`,
        // unless it is the sum's only cell.
        let lo = if vars.len() == 1 { hi } else { lower };
        return Some((lo, hi));
    }
    let bound = |dir: OptimizationDirection| -> Option<f64> {
        let mut p = Problem::new(dir);
        let vars: Vec<_> = comp
            .cells
            .iter()
            .map(|&c| {
                p.add_var(
                    if c == target { 1.0 } else { 0.0 },
                    (lower as f64, f64::INFINITY),
                )
            })
            .collect();
        for &r in &comp.rows {
            let (cells, rhs) = &rows[r];
            let expr: Vec<_> = cells
                .iter()
                .filter_map(|c| comp.cells.iter().position(|x| x == c))
                .map(|k| (vars[k], 1.0))
                .collect();
            p.add_constraint(expr.as_slice(), ComparisonOp::Eq, *rhs as f64);
        }
        match p.solve() {
            Ok(outcome) => outcome.solution().map(|s| s.objective()),
            Err(microlp::Error::Unbounded) => Some(f64::INFINITY),
            Err(_) => None,
        }
    };
    let lo = bound(OptimizationDirection::Minimize)?;
    let hi = bound(OptimizationDirection::Maximize)?;
    // The sums here are 2-D and nested (laminar) systems, whose LP vertices are integral:
    // rounding inward only removes floating-point noise.
    let lo = (lo - 1e-6).ceil().max(0.0) as u64;
    let hi = if hi.is_finite() {
        (hi + 1e-6).floor().max(0.0) as u64
    } else {
        u64::MAX
    };
    (lo <= hi).then_some((lo, hi))
}

/// Withheld cells linked through shared sums, and those sums.
struct Component {
    cells: Vec<usize>,
    rows: Vec<usize>,
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

fn components(n: usize, rows: &[(Vec<usize>, u64)]) -> Vec<Component> {
    let mut parent: Vec<usize> = (0..n).collect();
    for (vars, _) in rows {
        for w in vars.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            parent[a] = b;
        }
    }
    let mut out: Vec<(usize, Component)> = Vec::new();
    for (r, (vars, _)) in rows.iter().enumerate() {
        let root = find(&mut parent, vars[0]);
        let k = match out.iter().position(|(x, _)| *x == root) {
            Some(k) => k,
            None => {
                out.push((
                    root,
                    Component {
                        cells: Vec::new(),
                        rows: Vec::new(),
                    },
                ));
                out.len() - 1
            }
        };
        let comp = &mut out[k].1;
        comp.rows.push(r);
        for &v in vars {
            if !comp.cells.contains(&v) {
                comp.cells.push(v);
            }
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// The attacker's view of one state of a table: the model, the bounds `W` of each
/// withheld cell, and (computed on demand, cached) the bounds `W*` of any cell when the
/// whole table is withheld.
struct Assessment<'a> {
    table: &'a Table,
    optional: bool,
    bounds: Vec<Option<Bounds>>,
    all_rows: Rows,
    all: Option<Component>,
    best: Vec<Option<Option<Bounds>>>,
}

impl<'a> Assessment<'a> {
    fn new(table: &'a Table, optional: bool, bounds: Vec<Option<Bounds>>) -> Option<Self> {
        let none = vec![None; bounds.len()];
        // A feasible state stays feasible with more withheld: this cannot fail.
        let all_rows = table.rows(&none, optional)?;
        let all = merge(components(bounds.len(), &all_rows));
        Some(Assessment {
            table,
            optional,
            best: vec![None; bounds.len()],
            bounds,
            all_rows,
            all,
        })
    }

    fn all(table: &'a Table, cells: &[Cell]) -> Option<Vec<Self>> {
        let models = table.models(cells);
        if models.is_empty() {
            return None;
        }
        models
            .into_iter()
            .map(|(optional, bounds)| Assessment::new(table, optional, bounds))
            .collect()
    }

    /// `min(min_cell, W*)` for cell `i`: what the rule asks of it when withheld.
    fn required(&mut self, i: usize, min_cell: u64) -> u64 {
        if self.best[i].is_none() {
            let b = self
                .all
                .as_ref()
                .filter(|c| c.cells.contains(&i))
                .and_then(|c| bounds_of(self.table.lower, c, &self.all_rows, i));
            self.best[i] = Some(b);
        }
        self.best[i].flatten().map_or(0, width).min(min_cell)
    }

    fn width(&self, i: usize) -> u64 {
        self.bounds[i].map_or(u64::MAX, width)
    }
}

/// The components of a whole table as one (LP bounds are per component anyway; a cell's
/// bounds only involve its own rows, which the LP keeps separate).
fn merge(comps: Vec<Component>) -> Option<Component> {
    let mut all = Component {
        cells: Vec::new(),
        rows: Vec::new(),
    };
    for c in comps {
        all.cells.extend(c.cells);
        all.rows.extend(c.rows);
    }
    (!all.rows.is_empty()).then_some(all)
}

/// The withheld cells of `cells` that break the rule under some model; `Err` when the
/// published values do not meet the table's sums.
pub fn check(table: &Table, cells: &[Cell], min_cell: u64) -> Result<Vec<Finding>, ()> {
    let mut models = Assessment::all(table, cells).ok_or(())?;
    let mut out = Vec::new();
    for i in (0..cells.len()).filter(|&i| cells[i].is_none()) {
        let mut finding: Option<bool> = None;
        for a in &mut models {
            let w = a.width(i);
            if w < a.required(i, min_cell) {
                finding = Some(finding.unwrap_or(false) || w == 0);
            }
        }
        if let Some(determined) = finding {
            out.push(Finding {
                table: table.name.clone(),
                label: table.labels[i].clone(),
                determined,
            });
        }
    }
    Ok(out)
}

/// Small-count suppression of one table: withhold `0 < count < min_cell`, publish what
/// the true sums determine anyway, then add complementary cells until every withheld
/// cell meets the rule under every model (withholding every cell does, so the loop ends).
pub fn protect(table: &Table, truth: &[u64], min_cell: u64) -> Vec<Cell> {
    let mut withheld: Vec<bool> = truth.iter().map(|&c| c > 0 && c < min_cell).collect();
    let holds = table.optional_holds(truth);
    let mut first = true;
    loop {
        let cells: Vec<Cell> = truth
            .iter()
            .zip(&withheld)
            .map(|(&c, &w)| (!w).then_some(c))
            .collect();
        if withheld.iter().all(|w| !w) {
            return cells;
        }
        // The true counts always meet the sums that hold, so this is `Some`.
        let Some(mut models) = Assessment::all(table, &cells) else {
            return cells;
        };
        let mut changed = false;
        if first {
            first = false;
            // A cell the true sums determine even with the whole table withheld is
            // published: withholding it would only pretend.
            for a in models.iter_mut().filter(|a| !a.optional || holds) {
                for i in (0..cells.len()).filter(|&i| cells[i].is_none()) {
                    if a.required(i, min_cell) == 0 {
                        withheld[i] = false;
                        changed = true;
                    }
                }
            }
            if changed {
                continue;
            }
        }
        let mut touched = vec![false; table.sums.len() + table.optional.len()];
        for a in &mut models {
            for i in (0..cells.len()).filter(|&i| cells[i].is_none()) {
                let (w, need) = (a.width(i), a.required(i, min_cell));
                if w >= need {
                    continue;
                }
                if let Some(j) = complement(a, &cells, truth, i, need - w, &mut touched)
                    && !withheld[j]
                {
                    withheld[j] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return cells;
        }
    }
}

/// The cell to withhold next for cell `i`, which lacks `needed` of width: from its sum
/// with the fewest withheld cells, the smallest published cell whose own slack covers
/// `needed`, else that sum's largest. `None` when this round already widened one of
/// `i`'s sums (`touched`), or when no published cell is left in any sum of its table.
fn complement(
    a: &mut Assessment,
    cells: &[Cell],
    truth: &[u64],
    i: usize,
    needed: u64,
    touched: &mut [bool],
) -> Option<usize> {
    let table = a.table;
    let sums: Vec<(usize, &Sum)> = table.active_sums(a.optional).enumerate().collect();
    let withheld_in = |s: &Sum| s.cells.iter().filter(|&&j| cells[j].is_none()).count();
    let mut mine: Vec<&(usize, &Sum)> = sums.iter().filter(|(_, s)| s.cells.contains(&i)).collect();
    if mine.iter().any(|(k, _)| touched[*k]) {
        return None;
    }
    mine.sort_by_key(|(k, s)| (withheld_in(s), *k));
    // Fall back to any sum of the table that holds a withheld cell.
    let rest = sums.iter().filter(|(_, s)| withheld_in(s) > 0);
    let slack = |j: usize| truth[j].saturating_sub(table.lower);
    for (k, s) in mine.into_iter().chain(rest) {
        let c: Vec<usize> = s
            .cells
            .iter()
            .copied()
            .filter(|&j| cells[j].is_some())
            .collect();
        // A cell the totals determine anyway adds no doubt.
        let c: Vec<usize> = c
            .into_iter()
            .filter(|&j| a.required(j, u64::MAX) > 0)
            .collect();
        let pick = c
            .iter()
            .copied()
            .filter(|&j| slack(j) >= needed)
            .min_by_key(|&j| (truth[j], j))
            .or_else(|| {
                c.iter()
                    .copied()
                    .max_by_key(|&j| (truth[j], usize::MAX - j))
            });
        if let Some(j) = pick {
            touched[*k] = true;
            return Some(j);
        }
    }
    None
}

/// Region index (in `region_ids`, `unspecified` last) of each country key.
fn country_regions(keys: &[String], regions: &Regions, region_ids: &[String]) -> Vec<usize> {
    let unspecified = region_ids.len().saturating_sub(1);
    keys.iter()
        .map(|code| {
            if code == UNSPECIFIED {
                return unspecified;
            }
            regions
                .of_country(code)
                .and_then(|r| region_ids.iter().position(|id| *id == r.id))
                .unwrap_or(unspecified)
        })
        .collect()
}

/// Countries: all of them add up to the leads; when regions come from countries, those
/// of each region (countries in no region and no country for `unspecified`) add up to
/// the region's leads.
pub fn country_table(
    keys: &[String],
    regions: &Regions,
    region_totals: &[(String, u64)],
    leads: u64,
) -> Table {
    let ids: Vec<String> = region_totals.iter().map(|(k, _)| k.clone()).collect();
    let of = country_regions(keys, regions, &ids);
    let optional = region_totals
        .iter()
        .enumerate()
        .map(|(r, (_, total))| Sum {
            cells: (0..keys.len()).filter(|&i| of[i] == r).collect(),
            total: *total,
        })
        .collect();
    Table {
        name: "by_country".into(),
        labels: keys.to_vec(),
        lower: 1,
        sums: vec![Sum {
            cells: (0..keys.len()).collect(),
            total: leads,
        }],
        optional,
    }
}

/// Quarter x region, row by row: each row adds up to its quarter's leads and each
/// column to its region's leads.
pub fn grid_table(quarters: &[(String, u64)], region_totals: &[(String, u64)]) -> Table {
    grid("by_quarter_region", quarters, region_totals)
}

/// A two-way table, row by row: each row adds up to its published total and each column
/// to its own; cells `>= 0`.
pub fn grid(name: &str, rows: &[(String, u64)], cols: &[(String, u64)]) -> Table {
    let width = cols.len();
    let mut sums: Vec<Sum> = rows
        .iter()
        .enumerate()
        .map(|(q, (_, total))| Sum {
            cells: (q * width..(q + 1) * width).collect(),
            total: *total,
        })
        .collect();
    sums.extend(cols.iter().enumerate().map(|(r, (_, total))| Sum {
        cells: (0..rows.len()).map(|q| q * width + r).collect(),
        total: *total,
    }));
    Table {
        name: name.into(),
        labels: rows
            .iter()
            .flat_map(|(q, _)| cols.iter().map(move |(r, _)| format!("{q} × {r}")))
            .collect(),
        lower: 0,
        sums,
        optional: Vec::new(),
    }
}

/// Rule leads by number of dropped constraints (every number listed, zeros included):
/// they add up to the rule leads (`allocation.methods.rule`).
pub fn relaxed_table(keys: &[String], rule: u64) -> Table {
    Table {
        name: "allocation.relaxed".into(),
        labels: keys.to_vec(),
        lower: 0,
        sums: vec![Sum {
            cells: (0..keys.len()).collect(),
            total: rule,
        }],
        optional: Vec::new(),
    }
}

/// One category: its values add up to the leads.
pub fn category_table(name: &str, values: &[String], leads: u64) -> Table {
    Table {
        name: format!("by_category.{name}"),
        labels: values.to_vec(),
        lower: 1,
        sums: vec![Sum {
            cells: (0..values.len()).collect(),
            total: leads,
        }],
        optional: Vec::new(),
    }
}

/// Leads received before their partner joined, per partner: they add up to the
/// published total (`audit.before_joined.leads`).
pub fn before_joined_table(partners: &[String], leads: u64) -> Table {
    Table {
        name: "audit.before_joined".into(),
        labels: partners.to_vec(),
        lower: 1,
        sums: vec![Sum {
            cells: (0..partners.len()).collect(),
            total: leads,
        }],
        optional: Vec::new(),
    }
}

/// Every table of a digest with its published cells, as the attacker rebuilds them.
fn tables(digest: &Digest, regions: &Regions) -> Vec<(Table, Vec<Cell>)> {
    let leads = digest.totals.leads;
    let region_totals: Vec<(String, u64)> = digest
        .by_region
        .iter()
        .map(|(k, r)| (k.to_string(), r.leads))
        .collect();
    let keys: Vec<String> = digest.by_country.keys().map(str::to_string).collect();
    let mut out = vec![(
        country_table(&keys, regions, &region_totals, leads),
        digest.by_country.iter().map(|(_, v)| *v).collect(),
    )];
    let quarters: Vec<(String, u64)> = digest
        .by_quarter
        .iter()
        .map(|(k, n)| (k.to_string(), *n))
        .collect();
    let grid: Vec<Cell> = digest
        .by_quarter
        .keys()
        .flat_map(|q| {
            let row = digest.by_quarter_region.get(q);
            region_totals
                .iter()
                .map(move |(r, _)| row.and_then(|row| row.get(r).copied()).unwrap_or(Some(0)))
        })
        .collect();
    out.push((grid_table(&quarters, &region_totals), grid));
    for (name, values) in digest.by_category.iter() {
        let keys: Vec<String> = values.keys().map(str::to_string).collect();
        out.push((
            category_table(name, &keys, leads),
            values.iter().map(|(_, v)| *v).collect(),
        ));
    }
    if let Some(b) = &digest.audit.before_joined {
        let keys: Vec<String> = b.by_partner.keys().map(str::to_string).collect();
        out.push((
            before_joined_table(&keys, b.leads),
            b.by_partner.iter().map(|(_, v)| *v).collect(),
        ));
    }
    if let Some(a) = &digest.allocation {
        out.extend(allocation_tables(a));
    }
    out
}

/// The allocation section's protected tables as the attacker rebuilds them: region x
/// method and partner x method (rows add up to their `leads`, columns to `methods`),
/// and the relaxations (adding up to the rule leads). A key missing from a row is read
/// as a withheld cell.
fn allocation_tables(a: &super::AllocationSection) -> Vec<(Table, Vec<Cell>)> {
    let methods: Vec<(String, u64)> = a.methods.iter().map(|(k, n)| (k.to_string(), *n)).collect();
    let grid_of = |name: &str, rows: Vec<(String, &super::OrderedMap<Cell>, u64)>, width: usize| {
        let cols = &methods[..width.min(methods.len())];
        let cells: Vec<Cell> = rows
            .iter()
            .flat_map(|(_, m, _)| cols.iter().map(|(k, _)| m.get(k).copied().flatten()))
            .collect();
        let rows: Vec<(String, u64)> = rows.into_iter().map(|(k, _, n)| (k, n)).collect();
        (grid(name, &rows, cols), cells)
    };
    let regions = a
        .by_region
        .iter()
        .map(|(k, r)| (k.to_string(), &r.methods, r.leads))
        .collect();
    let partners = a
        .by_partner
        .iter()
        .map(|(k, r)| (k.to_string(), &r.methods, r.leads))
        .chain(std::iter::once((
            "unlisted_partner".to_string(),
            &a.unlisted_partner.methods,
            a.unlisted_partner.leads,
        )))
        .collect();
    let keys: Vec<String> = a.relaxed.keys().map(str::to_string).collect();
    let rule = a.methods.get("rule").copied().unwrap_or(0);
    vec![
        grid_of("allocation.by_region", regions, methods.len()),
        grid_of(
            "allocation.by_partner",
            partners,
            super::allocation_report::PARTNER_METHODS.len(),
        ),
        (
            relaxed_table(&keys, rule),
            a.relaxed.iter().map(|(_, v)| *v).collect(),
        ),
    ]
}

/// Audit what a digest publishes: the withheld cells an attacker can determine or narrow
/// below the rule, and the tables whose published values do not add up (`label` empty).
pub fn audit(digest: &Digest, regions: &Regions) -> Vec<Finding> {
    let min_cell = u64::from(digest.min_cell);
    let mut out = Vec::new();
    for (table, cells) in tables(digest, regions) {
        if cells.iter().all(Option::is_some) {
            continue;
        }
        match check(&table, &cells, min_cell) {
            Ok(findings) => out.extend(findings),
            Err(()) => out.push(Finding {
                table: table.name.clone(),
                label: String::new(),
                determined: false,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Region;

    fn regions() -> Regions {
        Regions(vec![Region {
            id: "dach".into(),
            label: "DACH".into(),
            countries: vec!["DE".into()],
            span: 0..0,
        }])
    }

    /// A hand-made digest: DE is withheld but is dach's published total, and FR (in no
    /// region) is the unspecified region minus the published no-country count.
    fn digest(de: &str, unspecified: &str) -> Digest {
        let json = format!(
            r#"{{"period": {{"from": "2025-01-01", "to": "2025-03-31"}}, "min_cell": 5,
            "totals": {{"leads": 33, "assigned": 0, "unassigned": 33, "new": 33, "contacted": 0, "won": 0, "lost": 0}},
            "by_region": {{
              "dach": {{"leads": 3, "assigned": 0, "won": 0, "lost": 0, "won_rate": null}},
              "unspecified": {{"leads": 30, "assigned": 0, "won": 0, "lost": 0, "won_rate": null}}}},
            "by_partner": {{}}, "by_quarter": {{"2025-Q1": 33}},
            "by_quarter_region": {{"2025-Q1": {{"dach": 3, "unspecified": 30}}}},
            "by_country": {{"DE": {de}, "FR": null, "unspecified": {unspecified}}},
            "by_category": {{}},
            "by_partner_attribute": {{"tier": {{}}, "company_size": {{}}, "pricing": {{}}, "market_size": {{}}, "region": {{}}}},
            "region_partner": {{}}, "region_equity": {{}},
            "concentration": {{"gini": null, "top5_share": null}},
            "audit": {{"outside_served_region": 0, "unknown_partner": 0}}}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn refuses_a_digest_with_a_recoverable_cell() {
        let found = audit(&digest("3", "28"), &regions());
        assert_eq!(
            found,
            vec![Finding {
                table: "by_country".into(),
                label: "FR".into(),
                determined: true,
            }]
        );
        // Withholding the no-country count too leaves FR in [1, 29]: accepted. (DE is
        // published: it is dach's total.)
        assert_eq!(audit(&digest("3", "null"), &regions()), vec![]);
    }

    #[test]
    fn the_named_before_joined_cells_are_audited() {
        let with = |cells: &str, total: u64| {
            let mut d = digest("3", "null");
            d.audit.before_joined = Some(
                serde_json::from_str(&format!(
                    r#"{{"leads": {total}, "by_partner": {{{cells}}}}}"#
                ))
                .unwrap(),
            );
            audit(&d, &regions())
        };
        // One partner's small count withheld, the other's and the total published: it is
        // the total minus the other.
        assert_eq!(
            with(r#""alpha": null, "beta": 9"#, 12),
            vec![Finding {
                table: "audit.before_joined".into(),
                label: "alpha".into(),
                determined: true,
            }]
        );
        // Two withheld with 7 between them: each in [1, 6], wide enough.
        assert_eq!(
            with(r#""alpha": null, "beta": null, "gamma": 9"#, 16),
            vec![]
        );
        // What protect publishes for counts 3 and 9 passes the audit.
        let keys: Vec<String> = ["alpha", "beta"].map(String::from).into();
        let cells = protect(&before_joined_table(&keys, 12), &[3, 9], 5);
        assert_eq!(cells, vec![None, None]);
    }

    /// An allocation section of two partners (alpha: 2 existing, 1 rule; beta: 5
    /// existing, 7 rule) with the given partner cells (`null` = withheld).
    fn allocation(alpha: [&str; 2], beta: [&str; 2]) -> crate::leads::AllocationSection {
        let methods = "\"existing\": 7, \"manual\": 0, \"requested\": 0, \"rule\": 8, \"none\": 0, \"unallocated\": 0";
        let row = |c: [&str; 2], leads: u64| {
            format!(
                r#"{{"leads": {leads}, "methods": {{"existing": {}, "manual": 0, "requested": 0, "rule": {}}}, "expected_rule": 4.0}}"#,
                c[0], c[1]
            )
        };
        serde_json::from_str(&format!(
            r#"{{"policy": {{"seed": "s", "eligible_tiers": null, "balance": "overall", "match": ["region"], "weights": {{}}, "categories": {{}}}},
            "leads": 15, "methods": {{{methods}}},
            "by_region": {{"dach": {{"leads": 15, "methods": {{{methods}}}}}}},
            "by_partner": {{"alpha": {}, "beta": {}}},
            "unlisted_partner": {{"leads": 0, "methods": {{"existing": 0, "manual": 0, "requested": 0, "rule": 0}}}},
            "relaxed": {{"0": 8, "1": 0}}, "commitment": "00"}}"#,
            row(alpha, 3),
            row(beta, 12)
        ))
        .unwrap()
    }

    #[test]
    fn the_allocation_tables_are_audited() {
        let with = |a: crate::leads::AllocationSection| {
            let mut d = digest("3", "null");
            d.allocation = Some(a);
            audit(&d, &regions())
        };
        // Alpha's rule cell withheld alone: it is its leads minus its existing ones.
        assert_eq!(
            with(allocation(["2", "null"], ["5", "7"])),
            vec![Finding {
                table: "allocation.by_partner".into(),
                label: "alpha × rule".into(),
                determined: true,
            }]
        );
        // With its complements (the other cell of its row and of its column, and the
        // fourth corner) each cell keeps a width of at least min(5, W*): accepted.
        assert_eq!(with(allocation(["null", "null"], ["null", "null"])), vec![]);
        // What protect withholds for these counts passes the audit.
        let rows = [("alpha".to_string(), 3), ("beta".to_string(), 12)];
        let cols: Vec<(String, u64)> = [
            ("existing", 7),
            ("manual", 0),
            ("requested", 0),
            ("rule", 8),
        ]
        .map(|(k, n)| (k.to_string(), n))
        .into();
        let table = grid("allocation.by_partner", &rows, &cols);
        let cells = protect(&table, &[2, 0, 0, 1, 5, 0, 0, 7], 5);
        assert!(cells[3].is_none() && cells[0].is_none(), "{cells:?}");
        assert_eq!(check(&table, &cells, 5), Ok(vec![]));
        // A relaxation count below min_cell is withheld with a complement.
        let keys: Vec<String> = ["0", "1", "2"].map(String::from).into();
        let relaxed = protect(&relaxed_table(&keys, 12), &[9, 3, 0], 5);
        assert_eq!(relaxed[1], None);
        assert_eq!(check(&relaxed_table(&keys, 12), &relaxed, 5), Ok(vec![]));
    }

    #[test]
    fn protect_publishes_what_the_totals_determine_and_pairs_the_rest() {
        let keys: Vec<String> = ["DE", "FR", "unspecified"].map(String::from).into();
        let totals = vec![("dach".to_string(), 3), ("unspecified".to_string(), 30)];
        let table = country_table(&keys, &regions(), &totals, 33);
        assert_eq!(protect(&table, &[3, 2, 28], 5), vec![Some(3), None, None]);
        // One quarter: every cell is its region's total.
        let grid = grid_table(&[("2025-Q1".into(), 33)], &totals);
        assert_eq!(protect(&grid, &[3, 30], 5), vec![Some(3), Some(30)]);
    }
}
