//! The sections of the transparency page, one function each: a section returns what its
//! part of the page shows (table rows, and a chart as inline SVG) and adds its CSV to the
//! downloads. [`super::extras`] calls them in the order the downloads are listed.

use super::format::{
    attribute_label, attribute_title, category_label, cell, country_label, csv_bytes, csv_cell,
    dec, humanize, one_decimal, pct, region_label,
};
use super::{CHART_PARTNERS, DIR, Downloads};
use crate::config::SiteConfig;
use crate::content::{Partner, Site};
use crate::facets;
use crate::leads::charts::{self, Bar};
use crate::leads::{Cell, Digest, OrderedMap, PartnerRow, UNSPECIFIED};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Value;

/// What every section reads: the digest, the partner records and the published site.
pub(super) struct Report<'a> {
    pub(super) digest: &'a Digest,
    config: &'a SiteConfig,
    /// The published view: a partner is linked when it has the partner.
    site: &'a Site,
    /// Every partner record, unlisted ones included.
    partners: &'a [Partner],
    /// How a withheld cell is shown: "< 5".
    pub(super) withheld: String,
}

impl<'a> Report<'a> {
    pub(super) fn new(digest: &'a Digest, site: &'a Site, partners: &'a [Partner]) -> Self {
        Report {
            digest,
            config: &site.config,
            site,
            partners,
            withheld: format!("< {}", digest.min_cell),
        }
    }

    fn partner(&self, slug: &str) -> Option<&'a Partner> {
        self.partners.iter().find(|p| p.slug == slug)
    }

    /// The partner's name; its slug when there is no record.
    fn name(&self, slug: &str) -> String {
        self.partner(slug)
            .map_or_else(|| slug.to_string(), |p| p.name.clone())
    }

    /// The partner's profile URL; `None` when it is not published.
    fn url(&self, slug: &str) -> Option<String> {
        self.site
            .partner(slug)
            .map(|_| format!("{}partners/{slug}/", self.config.base_path()))
    }

    /// A bar chart whose description lists the values (withheld ones as "< 5").
    fn bar_chart(&self, title: &str, bars: &[Bar]) -> String {
        charts::bars(
            title,
            &charts::describe(bars, &self.withheld),
            bars,
            &self.withheld,
        )
    }
}

/// A section's table rows and its chart.
pub(super) struct Charted<T> {
    pub(super) rows: Vec<T>,
    pub(super) chart: String,
}

/// Totals, concentration and audit: only `summary.csv` (the page shows these figures
/// from the digest itself).
pub(super) fn summary(r: &Report, dl: &mut Downloads) {
    let d = r.digest;
    let t = &d.totals;
    let summary: Vec<(&str, String)> = vec![
        ("period_from", d.period.from.to_string()),
        ("period_to", d.period.to.to_string()),
        ("min_cell", d.min_cell.to_string()),
        ("leads", t.leads.to_string()),
        ("assigned", t.assigned.to_string()),
        ("unassigned", t.unassigned.to_string()),
        ("new", t.new.to_string()),
        ("contacted", t.contacted.to_string()),
        ("won", t.won.to_string()),
        ("lost", t.lost.to_string()),
        ("gini", dec(d.concentration.gini)),
        ("top5_share", dec(d.concentration.top5_share)),
        (
            "audit_outside_served_region",
            d.audit.outside_served_region.to_string(),
        ),
        ("audit_unknown_partner", d.audit.unknown_partner.to_string()),
    ];
    dl.add(
        "summary.csv",
        "Totals, concentration and audit",
        csv_bytes(
            &["metric", "value"],
            summary.iter().map(|(k, v)| vec![k.to_string(), v.clone()]),
        ),
    );
}

#[derive(Serialize)]
pub(super) struct RegionView {
    id: String,
    label: String,
    leads: u64,
    assigned: u64,
    won: u64,
    lost: u64,
    won_rate: String,
}

/// Leads per region: the table, a bar chart (without an empty `unspecified` bar) and
/// `by-region.csv`.
pub(super) fn regions(r: &Report, dl: &mut Downloads) -> Charted<RegionView> {
    let c = r.config;
    let by_region = &r.digest.by_region;
    let rows: Vec<RegionView> = by_region
        .iter()
        .map(|(id, r)| RegionView {
            id: id.to_string(),
            label: region_label(c, id),
            leads: r.leads,
            assigned: r.assigned,
            won: r.won,
            lost: r.lost,
            won_rate: pct(r.won_rate),
        })
        .collect();
    dl.add(
        "by-region.csv",
        "Leads per region",
        csv_bytes(
            &[
                "region", "label", "leads", "assigned", "won", "lost", "won_rate",
            ],
            by_region.iter().map(|(id, r)| {
                vec![
                    id.to_string(),
                    region_label(c, id),
                    r.leads.to_string(),
                    r.assigned.to_string(),
                    r.won.to_string(),
                    r.lost.to_string(),
                    dec(r.won_rate),
                ]
            }),
        ),
    );
    let bars: Vec<Bar> = rows
        .iter()
        .filter(|r| r.id != UNSPECIFIED || r.leads > 0)
        .map(|r| Bar {
            label: r.label.clone(),
            value: Some(r.leads),
        })
        .collect();
    let chart = r.bar_chart("Leads per region", &bars);
    Charted { rows, chart }
}

#[derive(Serialize)]
pub(super) struct PartnerView {
    slug: String,
    name: String,
    #[serde(skip)]
    sort_key: String,
    /// None when the partner is not published (unlisted): shown without a link.
    url: Option<String>,
    tier: String,
    country: String,
    regions: String,
    leads: u64,
    new: u64,
    contacted: u64,
    won: u64,
    lost: u64,
    won_rate: String,
    share: String,
}

/// Leads per partner: the table sorted by name, the chart by leads, and
/// `by-partner.csv` (in the digest's order, with ids rather than labels).
pub(super) fn partners(r: &Report, dl: &mut Downloads) -> Charted<PartnerView> {
    let mut rows: Vec<PartnerView> = r
        .digest
        .by_partner
        .iter()
        .map(|(slug, row)| partner_view(r, slug, row))
        .collect();
    rows.sort_by(|a, b| (&a.sort_key, &a.slug).cmp(&(&b.sort_key, &b.slug)));
    dl.add("by-partner.csv", "Leads per partner", partner_csv(r));
    let chart = partner_chart(r, &rows);
    Charted { rows, chart }
}

fn partner_view(r: &Report, slug: &str, row: &PartnerRow) -> PartnerView {
    let c = r.config;
    let p = r.partner(slug);
    PartnerView {
        slug: slug.to_string(),
        name: p.map_or_else(|| slug.to_string(), |p| p.name.clone()),
        sort_key: p.map_or_else(|| slug.to_string(), |p| p.sort_key.clone()),
        url: r.url(slug),
        tier: p.map_or_else(String::new, |p| facets::TIER.label_of(c, &p.tier)),
        country: p.map_or_else(String::new, |p| facets::COUNTRY.label_of(c, &p.country)),
        regions: p.map_or_else(String::new, |p| {
            p.regions
                .iter()
                .map(|r| region_label(c, r))
                .collect::<Vec<_>>()
                .join(", ")
        }),
        leads: row.leads,
        new: row.new,
        contacted: row.contacted,
        won: row.won,
        lost: row.lost,
        won_rate: pct(row.won_rate),
        share: pct(row.share),
    }
}

fn partner_csv(r: &Report) -> Vec<u8> {
    csv_bytes(
        &[
            "partner",
            "name",
            "tier",
            "country",
            "regions_served",
            "leads",
            "new",
            "contacted",
            "won",
            "lost",
            "won_rate",
            "share",
        ],
        r.digest.by_partner.iter().map(|(slug, row)| {
            let p = r.partner(slug);
            vec![
                slug.to_string(),
                p.map_or_else(|| slug.to_string(), |p| p.name.clone()),
                p.map_or_else(String::new, |p| p.tier.clone()),
                p.map_or_else(String::new, |p| p.country.clone()),
                p.map_or_else(String::new, |p| p.regions.join(" ")),
                row.leads.to_string(),
                row.new.to_string(),
                row.contacted.to_string(),
                row.won.to_string(),
                row.lost.to_string(),
                dec(row.won_rate),
                dec(row.share),
            ]
        }),
    )
}

/// The [`CHART_PARTNERS`] largest partners, then one bar summing the rest.
fn partner_chart(r: &Report, rows: &[PartnerView]) -> String {
    let mut by_leads: Vec<&PartnerView> = rows.iter().collect();
    by_leads.sort_by(|a, b| {
        b.leads
            .cmp(&a.leads)
            .then((&a.sort_key, &a.slug).cmp(&(&b.sort_key, &b.slug)))
    });
    let mut bars: Vec<Bar> = by_leads
        .iter()
        .take(CHART_PARTNERS)
        .map(|p| Bar {
            label: p.name.clone(),
            value: Some(p.leads),
        })
        .collect();
    if let Some(rest) = by_leads.get(CHART_PARTNERS..).filter(|r| !r.is_empty()) {
        bars.push(Bar {
            label: format!("Other partners ({})", rest.len()),
            value: Some(rest.iter().map(|p| p.leads).sum()),
        });
    }
    r.bar_chart("Leads per partner", &bars)
}

#[derive(Serialize)]
pub(super) struct QuarterView {
    quarter: String,
    leads: u64,
    /// Per region, in the order of `quarter_regions`; withheld as "< 5".
    cells: Vec<String>,
}

/// The quarter section: a row per quarter with its cells per region, the regions'
/// labels (the table's columns) and a column chart.
pub(super) struct Quarters {
    pub(super) rows: Vec<QuarterView>,
    pub(super) regions: Vec<String>,
    pub(super) chart: String,
}

/// Leads per quarter, and per quarter and region: the table, a column chart,
/// `by-quarter.csv` and `by-quarter-region.csv`.
pub(super) fn quarters(r: &Report, dl: &mut Downloads) -> Quarters {
    let d = r.digest;
    let rows: Vec<QuarterView> = d
        .by_quarter
        .iter()
        .map(|(q, n)| QuarterView {
            quarter: q.to_string(),
            leads: *n,
            cells: d
                .by_quarter_region
                .get(q)
                .map(|row| row.iter().map(|(_, v)| cell(*v, &r.withheld)).collect())
                .unwrap_or_default(),
        })
        .collect();
    let regions: Vec<String> = d
        .by_quarter_region
        .iter()
        .next()
        .map(|(_, row)| row.keys().map(|id| region_label(r.config, id)).collect())
        .unwrap_or_default();
    quarter_csvs(d, dl);
    let chart = quarter_chart(&rows);
    Quarters {
        rows,
        regions,
        chart,
    }
}

fn quarter_csvs(d: &Digest, dl: &mut Downloads) {
    dl.add(
        "by-quarter.csv",
        "Leads per quarter",
        csv_bytes(
            &["quarter", "leads"],
            d.by_quarter
                .iter()
                .map(|(q, n)| vec![q.to_string(), n.to_string()]),
        ),
    );
    dl.add(
        "by-quarter-region.csv",
        "Leads per quarter and region",
        csv_bytes(
            &["quarter", "region", "leads"],
            d.by_quarter_region.iter().flat_map(|(q, row)| {
                row.iter()
                    .map(move |(r, v)| vec![q.to_string(), r.to_string(), csv_cell(*v)])
            }),
        ),
    );
}

fn quarter_chart(rows: &[QuarterView]) -> String {
    let cols: Vec<(String, u64)> = rows.iter().map(|q| (q.quarter.clone(), q.leads)).collect();
    let desc = cols
        .iter()
        .map(|(q, n)| format!("{q}: {n}"))
        .collect::<Vec<_>>()
        .join("; ");
    charts::columns("Leads per quarter", &desc, &cols)
}

/// A row of a table whose counts may be withheld (countries, category values).
#[derive(Serialize)]
pub(super) struct KeyView {
    key: String,
    label: String,
    value: String,
    withheld: bool,
}

/// Leads per country: the table and `by-country.csv`.
pub(super) fn countries(r: &Report, dl: &mut Downloads) -> Vec<KeyView> {
    let by_country = &r.digest.by_country;
    let rows = by_country
        .iter()
        .map(|(code, v)| KeyView {
            key: code.to_string(),
            label: country_label(r.config, code),
            value: cell(*v, &r.withheld),
            withheld: v.is_none(),
        })
        .collect();
    dl.add(
        "by-country.csv",
        "Leads per country",
        csv_bytes(
            &["country", "name", "leads"],
            by_country.iter().map(|(code, v)| {
                vec![
                    code.to_string(),
                    country_label(r.config, code),
                    csv_cell(*v),
                ]
            }),
        ),
    );
    rows
}

/// Leads per category (`[leads.categories]`): for each, a chart, a table and a CSV.
pub(super) fn categories(r: &Report, dl: &mut Downloads) -> Vec<Value> {
    r.digest
        .by_category
        .iter()
        .map(|(name, values)| category(r, dl, name, values))
        .collect()
}

/// One category as the template reads it: `name`, `label`, `title`, `rows`, `chart`
/// (marked safe) and the URL of its `csv`.
fn category(r: &Report, dl: &mut Downloads, name: &str, values: &OrderedMap<Cell>) -> Value {
    let c = r.config;
    let file = format!("by-category-{}.csv", crate::config::slugify(name));
    let label = humanize(name);
    let declared = c
        .leads
        .as_ref()
        .and_then(|l| l.categories.as_ref())
        .and_then(|cats| cats.get(name));
    let rows: Vec<KeyView> = values
        .iter()
        .map(|(v, n)| KeyView {
            key: v.to_string(),
            label: category_label(declared, v),
            value: cell(*n, &r.withheld),
            withheld: n.is_none(),
        })
        .collect();
    let bars: Vec<Bar> = values
        .iter()
        .zip(&rows)
        .map(|((_, n), row)| Bar {
            label: row.label.clone(),
            value: *n,
        })
        .collect();
    let title = format!("Leads per {}", label.to_lowercase());
    let chart = r.bar_chart(&title, &bars);
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert("name".into(), Value::from(name));
    m.insert("label".into(), Value::from(label.as_str()));
    m.insert("title".into(), Value::from(title.as_str()));
    m.insert("rows".into(), Value::from_serializable(&rows));
    m.insert("chart".into(), Value::safe_string(&chart));
    m.insert(
        "csv".into(),
        Value::from(format!("{}{DIR}{file}", c.base_path())),
    );
    dl.add(
        &file,
        &title,
        csv_bytes(
            &["value", "leads"],
            values
                .iter()
                .map(|(v, n)| vec![v.to_string(), csv_cell(*n)]),
        ),
    );
    Value::from(m)
}

#[derive(Serialize)]
pub(super) struct LabelCount {
    label: String,
    leads: u64,
    url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct AttributeView {
    key: &'static str,
    title: &'static str,
    rows: Vec<LabelCount>,
}

/// Leads per partner attribute (tier, company size, ...): a table per attribute and
/// `by-partner-attribute.csv`.
pub(super) fn attributes(r: &Report, dl: &mut Downloads) -> Vec<AttributeView> {
    let c = r.config;
    let tables = r.digest.by_partner_attribute.tables();
    let views = tables
        .iter()
        .map(|(key, table)| AttributeView {
            key,
            title: attribute_title(key),
            rows: table
                .iter()
                .map(|(id, n)| LabelCount {
                    label: attribute_label(c, key, id),
                    leads: *n,
                    url: None,
                })
                .collect(),
        })
        .collect();
    dl.add(
        "by-partner-attribute.csv",
        "Leads per partner attribute",
        csv_bytes(
            &["attribute", "value", "label", "leads"],
            tables.iter().flat_map(|(key, table)| {
                table.iter().map(move |(id, n)| {
                    vec![
                        key.to_string(),
                        id.to_string(),
                        attribute_label(c, key, id),
                        n.to_string(),
                    ]
                })
            }),
        ),
    );
    views
}

#[derive(Serialize)]
pub(super) struct RegionPartnerView {
    label: String,
    total: u64,
    rows: Vec<LabelCount>,
}

/// The region x partner allocation: per region with leads, its partners by leads, and
/// `region-partner.csv`.
pub(super) fn region_partner(r: &Report, dl: &mut Downloads) -> Vec<RegionPartnerView> {
    let region_partner = &r.digest.region_partner;
    let views = region_partner
        .iter()
        .filter(|(_, row)| !row.is_empty())
        .map(|(region, row)| {
            let mut rows: Vec<LabelCount> = row
                .iter()
                .map(|(slug, n)| LabelCount {
                    label: r.name(slug),
                    leads: *n,
                    url: r.url(slug),
                })
                .collect();
            rows.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.label.cmp(&b.label)));
            RegionPartnerView {
                label: region_label(r.config, region),
                total: rows.iter().map(|x| x.leads).sum(),
                rows,
            }
        })
        .collect();
    dl.add(
        "region-partner.csv",
        "Leads per region and partner",
        csv_bytes(
            &["region", "partner", "leads"],
            region_partner.iter().flat_map(|(r, row)| {
                row.iter()
                    .map(move |(slug, n)| vec![r.to_string(), slug.to_string(), n.to_string()])
            }),
        ),
    );
    views
}

#[derive(Serialize)]
pub(super) struct EquityView {
    label: String,
    leads_share: String,
    partners_serving_share: String,
    partners_hq_share: String,
    leads_per_serving_partner: String,
}

/// Equity per region (its share of leads against its share of partners): the table and
/// `region-equity.csv`.
pub(super) fn equity(r: &Report, dl: &mut Downloads) -> Vec<EquityView> {
    let c = r.config;
    let region_equity = &r.digest.region_equity;
    let views = region_equity
        .iter()
        .map(|(id, e)| EquityView {
            label: region_label(c, id),
            leads_share: pct(e.leads_share),
            partners_serving_share: pct(e.partners_serving_share),
            partners_hq_share: pct(e.partners_hq_share),
            leads_per_serving_partner: one_decimal(e.leads_per_serving_partner),
        })
        .collect();
    dl.add(
        "region-equity.csv",
        "Equity per region",
        csv_bytes(
            &[
                "region",
                "label",
                "leads_share",
                "partners_serving_share",
                "partners_hq_share",
                "leads_per_serving_partner",
            ],
            region_equity.iter().map(|(id, e)| {
                vec![
                    id.to_string(),
                    region_label(c, id),
                    dec(e.leads_share),
                    dec(e.partners_serving_share),
                    dec(e.partners_hq_share),
                    dec(e.leads_per_serving_partner),
                ]
            }),
        ),
    );
    views
}
