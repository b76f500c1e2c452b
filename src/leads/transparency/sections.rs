//! The sections of the transparency page, one function each: a section returns what its
//! part of the page shows (table rows, and a chart as inline SVG) and adds its CSV to the
//! downloads. [`super::extras`] calls them in the order the downloads are listed.

use super::format::{
    Numbers, attribute_label, attribute_title, category_label, country_label, csv_bytes, csv_cell,
    dec, humanize, period, quarter_label, region_label,
};
use super::{CHART_PARTNERS, Downloads};
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
    /// How counts and percentages are written (the site's language).
    pub(super) num: Numbers,
    /// The period, as named next to every number: "1 Jan – 30 Jun 2026".
    pub(super) period: String,
}

impl<'a> Report<'a> {
    pub(super) fn new(digest: &'a Digest, site: &'a Site, partners: &'a [Partner]) -> Self {
        Report {
            digest,
            config: &site.config,
            site,
            partners,
            withheld: format!("< {}", digest.min_cell),
            num: Numbers::for_language(&site.config.language),
            period: period(digest.period.from, digest.period.to),
        }
    }

    /// The site's configuration (labels of ids).
    pub(super) fn config(&self) -> &'a SiteConfig {
        self.config
    }

    fn count(&self, n: u64) -> String {
        self.num.count(n)
    }

    /// A bar of a count that is always published.
    fn bar(&self, label: String, n: u64) -> Bar {
        Bar {
            label,
            value: Some(n),
            shown: self.count(n),
        }
    }

    fn partner(&self, slug: &str) -> Option<&'a Partner> {
        self.partners.iter().find(|p| p.slug == slug)
    }

    /// The partner's name; its slug when there is no record.
    pub(super) fn name(&self, slug: &str) -> String {
        self.partner(slug)
            .map_or_else(|| slug.to_string(), |p| p.name.clone())
    }

    /// The partner's profile URL; `None` when it is not published.
    pub(super) fn url(&self, slug: &str) -> Option<String> {
        self.site
            .partner(slug)
            .map(|_| format!("{}partners/{slug}/", self.config.base_path()))
    }

    /// A bar chart whose description lists the values (withheld ones as "< 5"); its
    /// title names the period.
    pub(super) fn bar_chart(&self, title: &str, bars: &[Bar]) -> String {
        charts::bars(
            &format!("{title}, {}", self.period),
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
    #[serde(skip)]
    n: u64,
    leads: String,
    assigned: String,
    won: String,
    lost: String,
    won_rate: String,
}

/// Leads per region: the table, a bar chart (without an empty `unspecified` bar) and
/// `by-region.csv`.
pub(super) fn regions(r: &Report, dl: &mut Downloads) -> Charted<RegionView> {
    let c = r.config;
    let by_region = &r.digest.by_region;
    let rows: Vec<RegionView> = by_region
        .iter()
        .map(|(id, row)| RegionView {
            id: id.to_string(),
            label: region_label(c, id),
            n: row.leads,
            leads: r.count(row.leads),
            assigned: r.count(row.assigned),
            won: r.count(row.won),
            lost: r.count(row.lost),
            won_rate: r.num.pct(row.won_rate),
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
        .filter(|row| row.id != UNSPECIFIED || row.n > 0)
        .map(|row| r.bar(row.label.clone(), row.n))
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
    #[serde(skip)]
    n: u64,
    leads: String,
    new: String,
    contacted: String,
    won: String,
    lost: String,
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
        n: row.leads,
        leads: r.count(row.leads),
        new: r.count(row.new),
        contacted: r.count(row.contacted),
        won: r.count(row.won),
        lost: r.count(row.lost),
        won_rate: r.num.pct(row.won_rate),
        share: r.num.pct(row.share),
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
        b.n.cmp(&a.n)
            .then((&a.sort_key, &a.slug).cmp(&(&b.sort_key, &b.slug)))
    });
    let mut bars: Vec<Bar> = by_leads
        .iter()
        .take(CHART_PARTNERS)
        .map(|p| r.bar(p.name.clone(), p.n))
        .collect();
    if let Some(rest) = by_leads.get(CHART_PARTNERS..).filter(|r| !r.is_empty()) {
        bars.push(r.bar(
            format!("Other partners ({})", r.count(rest.len() as u64)),
            rest.iter().map(|p| p.n).sum(),
        ));
    }
    r.bar_chart("Leads per partner", &bars)
}

#[derive(Serialize)]
pub(super) struct QuarterView {
    /// `Q1 2026`.
    quarter: String,
    #[serde(skip)]
    n: u64,
    leads: String,
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
            quarter: quarter_label(q),
            n: *n,
            leads: r.count(*n),
            cells: d
                .by_quarter_region
                .get(q)
                .map(|row| {
                    row.iter()
                        .map(|(_, v)| r.num.cell(*v, &r.withheld))
                        .collect()
                })
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
    let chart = quarter_chart(r, &rows);
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

fn quarter_chart(r: &Report, rows: &[QuarterView]) -> String {
    let cols: Vec<charts::Column> = rows
        .iter()
        .map(|q| charts::Column {
            label: q.quarter.clone(),
            value: q.n,
            shown: q.leads.clone(),
        })
        .collect();
    let desc = cols
        .iter()
        .map(|c| format!("{}: {}", c.label, c.shown))
        .collect::<Vec<_>>()
        .join("; ");
    charts::columns(&format!("Leads per quarter, {}", r.period), &desc, &cols)
}

/// A row of a table whose counts may be withheld (countries, category values).
#[derive(Serialize)]
pub(super) struct KeyView {
    key: String,
    label: String,
    value: String,
    withheld: bool,
}

/// The countries of one region (or of none), sorted by name: one collapsed table.
#[derive(Serialize)]
pub(super) struct CountryGroup {
    label: String,
    /// "33 countries".
    summary: String,
    rows: Vec<KeyView>,
}

/// Leads per country, grouped by region (site.toml order, then countries in no region,
/// then leads without a country) and sorted by name within a group; and
/// `by-country.csv` (by code, as in leads.json).
pub(super) fn countries(r: &Report, dl: &mut Downloads) -> Vec<CountryGroup> {
    let c = r.config;
    let by_country = &r.digest.by_country;
    let group_of = |code: &str| -> usize {
        if code == UNSPECIFIED {
            return c.regions.0.len() + 1;
        }
        c.regions
            .0
            .iter()
            .position(|g| g.countries.iter().any(|x| x == code))
            .unwrap_or(c.regions.0.len())
    };
    let mut labels: Vec<String> = c.regions.0.iter().map(|g| g.label.clone()).collect();
    labels.push("In no region".into());
    labels.push("Not specified".into());
    let mut groups: Vec<Vec<(String, KeyView)>> = labels.iter().map(|_| Vec::new()).collect();
    for (code, v) in by_country.iter() {
        let label = country_label(c, code);
        let row = KeyView {
            key: code.to_string(),
            label: label.clone(),
            value: r.num.cell(*v, &r.withheld),
            withheld: v.is_none(),
        };
        if let Some(g) = groups.get_mut(group_of(code)) {
            g.push((crate::content::sort_key(&label), row));
        }
    }
    let out = labels
        .into_iter()
        .zip(groups)
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(label, mut rows)| {
            rows.sort_by(|a, b| (&a.0, &a.1.key).cmp(&(&b.0, &b.1.key)));
            let n = rows.len() as u64;
            CountryGroup {
                label,
                summary: format!(
                    "{} {}",
                    r.count(n),
                    if n == 1 { "country" } else { "countries" }
                ),
                rows: rows.into_iter().map(|(_, row)| row).collect(),
            }
        })
        .collect();
    dl.add(
        "by-country.csv",
        "Leads per country",
        csv_bytes(
            &["country", "name", "leads"],
            by_country
                .iter()
                .map(|(code, v)| vec![code.to_string(), country_label(c, code), csv_cell(*v)]),
        ),
    );
    out
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
            value: r.num.cell(*n, &r.withheld),
            withheld: n.is_none(),
        })
        .collect();
    let bars: Vec<Bar> = values
        .iter()
        .zip(&rows)
        .map(|((_, n), row)| Bar {
            label: row.label.clone(),
            value: *n,
            shown: row.value.clone(),
        })
        .collect();
    let title = format!("Leads per {}", label.to_lowercase());
    let chart = r.bar_chart(&title, &bars);
    // The CSV's title in the downloads list does not name the period.
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert("name".into(), Value::from(name));
    m.insert("label".into(), Value::from(label.as_str()));
    m.insert(
        "title".into(),
        Value::from(format!("{title}, {}", r.period).as_str()),
    );
    m.insert("rows".into(), Value::from_serializable(&rows));
    m.insert("chart".into(), Value::safe_string(&chart));
    m.insert("csv".into(), Value::from(dl.url(&file)));
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
    #[serde(skip)]
    n: u64,
    leads: String,
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
                    n: *n,
                    leads: r.count(*n),
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
    total: String,
    pub(super) rows: Vec<LabelCount>,
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
                    n: *n,
                    leads: r.count(*n),
                    url: r.url(slug),
                })
                .collect();
            rows.sort_by(|a, b| b.n.cmp(&a.n).then(a.label.cmp(&b.label)));
            RegionPartnerView {
                label: region_label(r.config, region),
                total: r.count(rows.iter().map(|x| x.n).sum()),
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
            leads_share: r.num.pct(e.leads_share),
            partners_serving_share: r.num.pct(e.partners_serving_share),
            partners_hq_share: r.num.pct(e.partners_hq_share),
            leads_per_serving_partner: r.num.one_decimal(e.leads_per_serving_partner),
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

/// A partner the audit names: its name, link, count and where the count comes from.
#[derive(Serialize)]
pub(super) struct NamedCell {
    name: String,
    url: Option<String>,
    #[serde(skip)]
    n: Option<u64>,
    #[serde(skip)]
    sort_key: String,
    /// The count, or "< 5" when withheld.
    leads: String,
    /// "Europe 7, Africa 5", or "joined 10 Nov 2026".
    detail: String,
}

/// Leads received before a partner's `joined` date.
#[derive(Serialize)]
pub(super) struct BeforeJoinedView {
    leads: String,
    partners: Vec<NamedCell>,
}

/// The allocation audit with the partners and cells concerned.
#[derive(Serialize)]
pub(super) struct AuditView {
    outside_served_region: String,
    unknown_partner: String,
    /// Partners that received leads of regions they do not serve, most first: the
    /// region x partner cells of `region_partner` (always published).
    outside: Vec<NamedCell>,
    /// `None` when the digest's format did not count them (format 0 or 1).
    before_joined: Option<BeforeJoinedView>,
}

/// Most leads first (withheld ones after the published), then by name.
fn sort_named(cells: &mut [NamedCell]) {
    cells.sort_by(|a, b| {
        (b.n.is_some(), b.n)
            .cmp(&(a.n.is_some(), a.n))
            .then(a.sort_key.cmp(&b.sort_key))
    });
}

/// The audit: its counts, the region x partner cells outside the regions each partner
/// serves, and the partners that received leads before they joined.
pub(super) fn audit(r: &Report) -> AuditView {
    let d = r.digest;
    let mut outside: Vec<NamedCell> = Vec::new();
    for (slug, _) in d.by_partner.iter() {
        let Some(p) = r.partner(slug) else { continue };
        let cells: Vec<(String, u64)> = d
            .region_partner
            .iter()
            .filter(|(region, _)| *region != UNSPECIFIED && !p.regions.iter().any(|x| x == region))
            .filter_map(|(region, row)| row.get(slug).map(|n| (region_label(r.config, region), *n)))
            .filter(|(_, n)| *n > 0)
            .collect();
        if cells.is_empty() {
            continue;
        }
        let n: u64 = cells.iter().map(|(_, n)| n).sum();
        outside.push(NamedCell {
            name: p.name.clone(),
            url: r.url(slug),
            n: Some(n),
            sort_key: p.sort_key.clone(),
            leads: r.count(n),
            detail: cells
                .iter()
                .map(|(label, n)| format!("{label} {}", r.count(*n)))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    sort_named(&mut outside);
    let before_joined = d.audit.before_joined.as_ref().map(|b| {
        let mut partners: Vec<NamedCell> = b
            .by_partner
            .iter()
            .map(|(slug, v)| {
                let p = r.partner(slug);
                NamedCell {
                    name: r.name(slug),
                    url: r.url(slug),
                    n: *v,
                    sort_key: p.map_or_else(|| slug.to_string(), |p| p.sort_key.clone()),
                    leads: r.num.cell(*v, &r.withheld),
                    detail: p
                        .and_then(|p| p.joined)
                        .map(|j| format!("joined {}", super::format::long_date(j)))
                        .unwrap_or_default(),
                }
            })
            .collect();
        sort_named(&mut partners);
        BeforeJoinedView {
            leads: r.count(b.leads),
            partners,
        }
    });
    AuditView {
        outside_served_region: r.count(d.audit.outside_served_region),
        unknown_partner: r.count(d.audit.unknown_partner),
        outside,
        before_joined,
    }
}
