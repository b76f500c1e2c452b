//! `/transparency/trends/`: the periods of the archive side by side. Every number is one
//! a period's page already publishes (read from that period's digest), so the page adds
//! no equation on a withheld cell: a withheld cell stays withheld, and a change between
//! two periods is shown only when both cells are published (never worked out from totals).

use super::DIR;
use super::archive::Switcher;
use super::format::{Numbers, category_label, humanize, period, region_label};
use crate::config::{SiteConfig, TRENDS};
use crate::content::Site;
use crate::leads::aggregate::ratio;
use crate::leads::charts::{self, Bar};
use crate::leads::{Archived, Cell, Ratio, UNSPECIFIED};
use crate::render::ExtraPage;
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Value};

/// Shown for a change between two periods when either cell is withheld.
const WITHHELD_CHANGE: &str = "withheld";

/// The comparison page.
pub(super) fn page(archive: &[Archived], site: &Site, nav: Switcher) -> ExtraPage {
    let num = Numbers::for_language(&site.config.language);
    let c = &site.config;
    let base = c.base_path();
    let periods: Vec<PeriodView> = archive.iter().map(|a| period_view(a, &num, base)).collect();
    let view = View {
        span: span(archive),
        change_from: archive.iter().rev().nth(1).map(|a| a.id.clone()),
        change_to: archive.last().map(|a| a.id.clone()),
        regions: regions(archive, c, &num),
        categories: categories(archive, c, &num),
        allocation: allocation(archive, &num),
        allocation_missing: archive.iter().any(|a| a.digest.allocation.is_none()),
        periods,
    };
    let mut ctx = Context::new();
    ctx.insert("trends", &view);
    ctx.insert("archive", &nav);
    ctx.insert_value("charts", Value::from(trend_charts(archive, &num)));
    ExtraPage {
        path: format!("{DIR}{TRENDS}/"),
        template: "trends.html",
        title: "Lead distribution across periods".into(),
        ctx,
    }
}

/// `trends` in the template's context.
#[derive(Serialize)]
struct View {
    /// From the first period's start to the last one's end, as named in the captions.
    span: String,
    /// The two periods the change column compares (none with one period).
    change_from: Option<String>,
    change_to: Option<String>,
    periods: Vec<PeriodView>,
    regions: Vec<RegionTrend>,
    categories: Vec<CategoryTrend>,
    allocation: Vec<AllocationTrend>,
    /// Some period's digest has no `allocation` section (its cells are "—").
    allocation_missing: bool,
}

/// A period's totals as its page writes them.
#[derive(Serialize)]
struct PeriodView {
    id: String,
    period: String,
    url: String,
    leads: String,
    assigned: String,
    won_rate: String,
    gini: String,
    top5_share: String,
    min_cell: u32,
}

fn period_view(a: &Archived, num: &Numbers, base: &str) -> PeriodView {
    let d = &a.digest;
    let t = &d.totals;
    PeriodView {
        id: a.id.clone(),
        period: period(d.period.from, d.period.to),
        url: format!("{base}{DIR}{}/", a.id),
        leads: num.count(t.leads),
        assigned: num.count(t.assigned),
        won_rate: num.pct(ratio(t.won, t.won + t.lost)),
        gini: num.ratio(d.concentration.gini),
        top5_share: num.pct(d.concentration.top5_share),
        min_cell: d.min_cell,
    }
}

/// A region across the periods.
#[derive(Serialize)]
struct RegionTrend {
    label: String,
    cells: Vec<RegionCell>,
    /// Change of the share of leads between the last two periods ("+1.2 pp").
    share_change: String,
}

/// One period of a region ("—" when the period has no such region).
#[derive(Serialize)]
struct RegionCell {
    leads: String,
    share: String,
    per_serving_partner: String,
    won_rate: String,
}

/// Ids of a table over the periods: `first` (site.toml order), then ids only some
/// digest has (in the order met), `unspecified` last.
fn union<'a>(first: impl Iterator<Item = &'a str>, tables: &[Vec<&'a str>]) -> Vec<&'a str> {
    let seen: Vec<&str> = tables.iter().flatten().copied().collect();
    let mut out: Vec<&str> = first.filter(|id| seen.contains(id)).collect();
    for id in &seen {
        if *id != UNSPECIFIED && !out.contains(id) {
            out.push(id);
        }
    }
    if seen.contains(&UNSPECIFIED) {
        out.push(UNSPECIFIED);
    }
    out
}

fn regions(archive: &[Archived], c: &SiteConfig, num: &Numbers) -> Vec<RegionTrend> {
    let tables: Vec<Vec<&str>> = archive
        .iter()
        .map(|a| a.digest.by_region.keys().collect())
        .collect();
    let ids = union(c.regions.0.iter().map(|r| r.id.as_str()), &tables);
    ids.into_iter()
        .map(|id| {
            let cells = archive
                .iter()
                .map(|a| {
                    let d = &a.digest;
                    let (row, eq) = (d.by_region.get(id), d.region_equity.get(id));
                    RegionCell {
                        leads: row.map_or_else(|| "—".into(), |r| num.count(r.leads)),
                        share: num.pct(eq.and_then(|e| e.leads_share)),
                        per_serving_partner: num
                            .one_decimal(eq.and_then(|e| e.leads_per_serving_partner)),
                        won_rate: num.pct(row.and_then(|r| r.won_rate)),
                    }
                })
                .collect();
            let share = |a: &Archived| a.digest.region_equity.get(id).and_then(|e| e.leads_share);
            RegionTrend {
                label: region_label(c, id),
                cells,
                share_change: last_two(archive, share)
                    .map_or_else(|| "—".into(), |(a, b)| points(num, a, b)),
            }
        })
        .collect()
}

/// The value `f` gives the last two periods, when both have one.
fn last_two<T>(archive: &[Archived], f: impl Fn(&Archived) -> Option<T>) -> Option<(T, T)> {
    match archive {
        [.., prev, last] => Some((f(prev)?, f(last)?)),
        _ => None,
    }
}

/// The change from ratio `a` to `b` in percentage points: "+1.2 pp", "−0.4 pp", "0.0 pp".
fn points(num: &Numbers, a: f64, b: f64) -> String {
    // Both ratios have 4 decimals: the difference in ten-thousandths is an integer.
    let d = ((b - a) * 10_000.0).round();
    let shown = num.one_decimal(Some(d.abs() / 100.0));
    let sign = if shown == num.one_decimal(Some(0.0)) {
        ""
    } else if d > 0.0 {
        "+"
    } else {
        "−"
    };
    format!("{sign}{shown} pp")
}

/// A category across the periods.
#[derive(Serialize)]
struct CategoryTrend {
    title: String,
    rows: Vec<CategoryRow>,
}

#[derive(Serialize)]
struct CategoryRow {
    label: String,
    /// Per period: the count, "< 5" (that period's `min_cell`) when withheld, "—" when
    /// the period did not count the category.
    cells: Vec<String>,
    withheld: Vec<bool>,
    /// The last period's count minus the previous one's, only when both are published.
    change: String,
}

fn categories(archive: &[Archived], c: &SiteConfig, num: &Numbers) -> Vec<CategoryTrend> {
    let declared = c.leads.as_ref().and_then(|l| l.categories.as_ref());
    let names: Vec<Vec<&str>> = archive
        .iter()
        .map(|a| a.digest.by_category.keys().collect())
        .collect();
    let names = union(
        declared
            .into_iter()
            .flat_map(|d| d.0.iter().map(|c| c.name.as_str())),
        &names,
    );
    names
        .into_iter()
        .map(|name| {
            let cat = declared.and_then(|d| d.get(name));
            let values: Vec<Vec<&str>> = archive
                .iter()
                .map(|a| {
                    a.digest
                        .by_category
                        .get(name)
                        .map(|v| v.keys().collect())
                        .unwrap_or_default()
                })
                .collect();
            let known = cat.and_then(|c| c.known.as_ref());
            let order = known
                .into_iter()
                .flat_map(|k| k.iter().map(|e| e.id.as_str()));
            let rows = union(order.chain([crate::config::OTHER]), &values)
                .into_iter()
                .map(|v| category_row(archive, num, name, v, cat))
                .collect();
            CategoryTrend {
                title: format!("Leads per {}", humanize(name).to_lowercase()),
                rows,
            }
        })
        .collect()
}

/// The cell of value `v` of category `name` in one period: `None` when the period did
/// not count the category; a value the category does not list is 0 (only values with
/// leads are listed).
fn cell_of(a: &Archived, name: &str, v: &str) -> Option<Cell> {
    let values = a.digest.by_category.get(name)?;
    Some(values.get(v).copied().unwrap_or(Some(0)))
}

fn category_row(
    archive: &[Archived],
    num: &Numbers,
    name: &str,
    v: &str,
    cat: Option<&crate::config::Category>,
) -> CategoryRow {
    let cells: Vec<Option<Cell>> = archive.iter().map(|a| cell_of(a, name, v)).collect();
    let change = match cells.as_slice() {
        [.., Some(Some(a)), Some(Some(b))] => signed(num, *a, *b),
        [.., Some(_), Some(_)] => WITHHELD_CHANGE.into(),
        _ => "—".into(),
    };
    CategoryRow {
        label: category_label(cat, v),
        withheld: cells.iter().map(|c| matches!(c, Some(None))).collect(),
        cells: archive
            .iter()
            .zip(&cells)
            .map(|(a, c)| match c {
                Some(c) => num.cell(*c, &format!("< {}", a.digest.min_cell)),
                None => "—".into(),
            })
            .collect(),
        change,
    }
}

/// `b - a` with its sign: "+12", "−3", "0".
fn signed(num: &Numbers, a: u64, b: u64) -> String {
    match b.cmp(&a) {
        std::cmp::Ordering::Greater => format!("+{}", num.count(b - a)),
        std::cmp::Ordering::Less => format!("−{}", num.count(a - b)),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

/// Allocation methods across the periods: one row per method of any period's
/// `allocation` section (in the digest's order), its leads per period; "—" for a period
/// whose digest has no such section (no `[allocation]` then, or an older digest). The
/// method counts are totals every period's page publishes, so nothing new is derived.
#[derive(Serialize)]
struct AllocationTrend {
    label: String,
    cells: Vec<String>,
}

fn allocation(archive: &[Archived], num: &Numbers) -> Vec<AllocationTrend> {
    let mut ids: Vec<&str> = Vec::new();
    for a in archive {
        for (id, _) in a.digest.allocation.iter().flat_map(|s| &s.methods.0) {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
    }
    ids.into_iter()
        .map(|id| AllocationTrend {
            label: super::allocation::method_label(id).to_string(),
            cells: archive
                .iter()
                .map(|a| {
                    let section = a.digest.allocation.as_ref();
                    let n = section.and_then(|s| s.methods.0.iter().find(|(m, _)| m == id));
                    n.map_or_else(|| "—".to_string(), |(_, n)| num.count(*n))
                })
                .collect(),
        })
        .collect()
}

/// "1 Jul 2024 – 30 Jun 2026": from the first period's start to the last one's end.
fn span(archive: &[Archived]) -> String {
    match (archive.first(), archive.last()) {
        (Some(f), Some(l)) => period(f.digest.period.from, l.digest.period.to),
        _ => String::new(),
    }
}

/// Leads, won rate, Gini coefficient and top-5 share per period.
fn trend_charts(archive: &[Archived], num: &Numbers) -> BTreeMap<String, Value> {
    let span = span(archive);
    let leads: Vec<Bar> = archive
        .iter()
        .map(|a| Bar {
            label: a.id.clone(),
            value: Some(a.digest.totals.leads),
            shown: num.count(a.digest.totals.leads),
        })
        .collect();
    let mut out = BTreeMap::new();
    out.insert(
        "leads".to_string(),
        Value::safe_string(&charts::bars(
            &format!("Leads per period, {span}"),
            &charts::describe(&leads, "—"),
            &leads,
            "—",
        )),
    );
    let ratio_chart = |title: &str, f: &dyn Fn(&Archived) -> Ratio, pct: bool| {
        let bars: Vec<Bar> = archive
            .iter()
            .map(|a| Bar {
                label: a.id.clone(),
                value: f(a).map(|r| (r * 10_000.0).round() as u64),
                shown: if pct { num.pct(f(a)) } else { num.ratio(f(a)) },
            })
            .collect();
        let title = format!("{title}, {span}");
        Value::safe_string(&charts::bars(
            &title,
            &charts::describe(&bars, "—"),
            &bars,
            "—",
        ))
    };
    let won = |a: &Archived| {
        ratio(
            a.digest.totals.won,
            a.digest.totals.won + a.digest.totals.lost,
        )
    };
    out.insert(
        "won_rate".into(),
        ratio_chart("Won rate per period", &won, true),
    );
    let gini = |a: &Archived| a.digest.concentration.gini;
    out.insert(
        "gini".into(),
        ratio_chart("Gini coefficient per period", &gini, false),
    );
    let top5 = |a: &Archived| a.digest.concentration.top5_share;
    out.insert(
        "top5".into(),
        ratio_chart("Top-5 share per period", &top5, true),
    );
    out
}
