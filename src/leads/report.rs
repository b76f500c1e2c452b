//! [`Digest`] -> the `/transparency/` page, its downloads (leads.json and one CSV per
//! table) and the per-partner profile panels. Reads only the digest and public partner
//! records, so a site built from a digest equals the one built from the export.

use super::charts::{self, Bar};
use super::{Cell, Digest, Ratio, UNSPECIFIED, write_digest};
use crate::config::SiteConfig;
use crate::content::{Partner, Site};
use crate::diagnostics::{Diagnostic, suggest};
use crate::render::{ExtraPage, Extras};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Value};

/// Output folder of the report.
pub const DIR: &str = "transparency/";
/// Bars drawn in the per-partner chart; the rest are summed in one "other partners" bar.
pub const CHART_PARTNERS: usize = 20;

/// The URL of the allocation policy page (`[leads] policy`), checked against the
/// published pages.
pub fn policy_url(site: &Site) -> Result<Option<String>, Diagnostic> {
    let Some(policy) = site.config.leads.as_ref().and_then(|l| l.policy.as_ref()) else {
        return Ok(None);
    };
    let slug = policy.get_ref();
    if site.pages.iter().any(|p| &p.slug == slug) {
        Ok(Some(format!("{}{slug}/", site.config.base_path())))
    } else {
        Err(site
            .config
            .error_at(
                &policy.span(),
                format!("[leads] policy: there is no published page `{slug}` in content/pages"),
            )
            .hint(suggest(slug, site.pages.iter().map(|p| p.slug.as_str()))))
    }
}

/// What the report adds to the site: the page, the downloads, a nav entry and a panel
/// per partner (`extra.leads` in the profile template).
///
/// `partners` is every partner record: partners counted but not published (unlisted by
/// the rules) are shown by name without a link. A partner is linked when `site` (the
/// published view) has it.
pub fn extras(
    digest: &Digest,
    site: &Site,
    partners: &[Partner],
    policy_url: Option<String>,
) -> Extras {
    let c = &site.config;
    let lookup = |slug: &str| partners.iter().find(|p| p.slug == slug);
    let linked = |slug: &str| {
        site.partner(slug)
            .map(|_| format!("{}partners/{slug}/", c.base_path()))
    };
    let withheld = format!("< {}", digest.min_cell);

    let mut downloads = vec![Download::new("leads.json", "All aggregates (JSON)")];
    let mut files: Vec<(String, Vec<u8>)> =
        vec![(format!("{DIR}leads.json"), write_digest(digest))];
    let mut add_csv = |name: String, title: String, bytes: Vec<u8>| {
        downloads.push(Download::new(&name, &title));
        files.push((format!("{DIR}{name}"), bytes));
    };

    // Summary, totals, concentration, audit.
    let t = &digest.totals;
    let summary: Vec<(&str, String)> = vec![
        ("period_from", digest.period.from.to_string()),
        ("period_to", digest.period.to.to_string()),
        ("min_cell", digest.min_cell.to_string()),
        ("leads", t.leads.to_string()),
        ("assigned", t.assigned.to_string()),
        ("unassigned", t.unassigned.to_string()),
        ("new", t.new.to_string()),
        ("contacted", t.contacted.to_string()),
        ("won", t.won.to_string()),
        ("lost", t.lost.to_string()),
        ("gini", dec(digest.concentration.gini)),
        ("top5_share", dec(digest.concentration.top5_share)),
        (
            "audit_outside_served_region",
            digest.audit.outside_served_region.to_string(),
        ),
        (
            "audit_unknown_partner",
            digest.audit.unknown_partner.to_string(),
        ),
    ];
    add_csv(
        "summary.csv".into(),
        "Totals, concentration and audit".into(),
        csv_bytes(
            &["metric", "value"],
            summary.iter().map(|(k, v)| vec![k.to_string(), v.clone()]),
        ),
    );

    // Regions.
    let regions: Vec<RegionView> = digest
        .by_region
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
    add_csv(
        "by-region.csv".into(),
        "Leads per region".into(),
        csv_bytes(
            &[
                "region", "label", "leads", "assigned", "won", "lost", "won_rate",
            ],
            digest.by_region.iter().map(|(id, r)| {
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
    let region_bars: Vec<Bar> = regions
        .iter()
        .filter(|r| r.id != UNSPECIFIED || r.leads > 0)
        .map(|r| Bar {
            label: r.label.clone(),
            value: Some(r.leads),
        })
        .collect();
    let region_chart = charts::bars(
        "Leads per region",
        &charts::describe(&region_bars, &withheld),
        &region_bars,
        &withheld,
    );

    // Partners: the table sorted by name, the chart by leads.
    let mut partner_views: Vec<PartnerView> = digest
        .by_partner
        .iter()
        .map(|(slug, r)| {
            let p = lookup(slug);
            PartnerView {
                slug: slug.to_string(),
                name: p.map_or_else(|| slug.to_string(), |p| p.name.clone()),
                sort_key: p.map_or_else(|| slug.to_string(), |p| p.sort_key.clone()),
                url: linked(slug),
                tier: p.map_or_else(String::new, |p| {
                    c.tiers.label(&p.tier).unwrap_or(&p.tier).to_string()
                }),
                country: p.map_or_else(String::new, |p| {
                    crate::iso::country_name(&p.country)
                        .unwrap_or(&p.country)
                        .to_string()
                }),
                regions: p.map_or_else(String::new, |p| {
                    p.regions
                        .iter()
                        .map(|r| region_label(c, r))
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                leads: r.leads,
                new: r.new,
                contacted: r.contacted,
                won: r.won,
                lost: r.lost,
                won_rate: pct(r.won_rate),
                share: pct(r.share),
            }
        })
        .collect();
    partner_views.sort_by(|a, b| (&a.sort_key, &a.slug).cmp(&(&b.sort_key, &b.slug)));
    add_csv(
        "by-partner.csv".into(),
        "Leads per partner".into(),
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
            digest.by_partner.iter().map(|(slug, r)| {
                let p = lookup(slug);
                vec![
                    slug.to_string(),
                    p.map_or_else(|| slug.to_string(), |p| p.name.clone()),
                    p.map_or_else(String::new, |p| p.tier.clone()),
                    p.map_or_else(String::new, |p| p.country.clone()),
                    p.map_or_else(String::new, |p| p.regions.join(" ")),
                    r.leads.to_string(),
                    r.new.to_string(),
                    r.contacted.to_string(),
                    r.won.to_string(),
                    r.lost.to_string(),
                    dec(r.won_rate),
                    dec(r.share),
                ]
            }),
        ),
    );
    let mut by_leads: Vec<&PartnerView> = partner_views.iter().collect();
    by_leads.sort_by(|a, b| {
        b.leads
            .cmp(&a.leads)
            .then((&a.sort_key, &a.slug).cmp(&(&b.sort_key, &b.slug)))
    });
    let mut partner_bars: Vec<Bar> = by_leads
        .iter()
        .take(CHART_PARTNERS)
        .map(|p| Bar {
            label: p.name.clone(),
            value: Some(p.leads),
        })
        .collect();
    if let Some(rest) = by_leads.get(CHART_PARTNERS..).filter(|r| !r.is_empty()) {
        partner_bars.push(Bar {
            label: format!("Other partners ({})", rest.len()),
            value: Some(rest.iter().map(|p| p.leads).sum()),
        });
    }
    let partner_chart = charts::bars(
        "Leads per partner",
        &charts::describe(&partner_bars, &withheld),
        &partner_bars,
        &withheld,
    );

    // Quarters.
    let quarters: Vec<QuarterView> = digest
        .by_quarter
        .iter()
        .map(|(q, n)| QuarterView {
            quarter: q.to_string(),
            leads: *n,
            cells: digest
                .by_quarter_region
                .get(q)
                .map(|row| row.iter().map(|(_, v)| cell(*v, &withheld)).collect())
                .unwrap_or_default(),
        })
        .collect();
    let quarter_regions: Vec<String> = digest
        .by_quarter_region
        .iter()
        .next()
        .map(|(_, row)| row.keys().map(|r| region_label(c, r)).collect())
        .unwrap_or_default();
    add_csv(
        "by-quarter.csv".into(),
        "Leads per quarter".into(),
        csv_bytes(
            &["quarter", "leads"],
            digest
                .by_quarter
                .iter()
                .map(|(q, n)| vec![q.to_string(), n.to_string()]),
        ),
    );
    add_csv(
        "by-quarter-region.csv".into(),
        "Leads per quarter and region".into(),
        csv_bytes(
            &["quarter", "region", "leads"],
            digest.by_quarter_region.iter().flat_map(|(q, row)| {
                row.iter()
                    .map(move |(r, v)| vec![q.to_string(), r.to_string(), csv_cell(*v)])
            }),
        ),
    );
    let quarter_cols: Vec<(String, u64)> = quarters
        .iter()
        .map(|q| (q.quarter.clone(), q.leads))
        .collect();
    let quarter_desc = quarter_cols
        .iter()
        .map(|(q, n)| format!("{q}: {n}"))
        .collect::<Vec<_>>()
        .join("; ");
    let quarter_chart = charts::columns("Leads per quarter", &quarter_desc, &quarter_cols);

    // Countries.
    let countries: Vec<KeyView> = digest
        .by_country
        .iter()
        .map(|(code, v)| KeyView {
            key: code.to_string(),
            label: country_label(code),
            value: cell(*v, &withheld),
            withheld: v.is_none(),
        })
        .collect();
    add_csv(
        "by-country.csv".into(),
        "Leads per country".into(),
        csv_bytes(
            &["country", "name", "leads"],
            digest
                .by_country
                .iter()
                .map(|(code, v)| vec![code.to_string(), country_label(code), csv_cell(*v)]),
        ),
    );

    // Categories: each a chart, a table and a CSV.
    let mut categories: Vec<Value> = Vec::new();
    for (name, values) in digest.by_category.iter() {
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
                value: cell(*n, &withheld),
                withheld: n.is_none(),
            })
            .collect();
        let bars: Vec<Bar> = values
            .iter()
            .zip(&rows)
            .map(|((_, n), r)| Bar {
                label: r.label.clone(),
                value: *n,
            })
            .collect();
        let title = format!("Leads per {}", label.to_lowercase());
        let chart = charts::bars(
            &title,
            &charts::describe(&bars, &withheld),
            &bars,
            &withheld,
        );
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
        categories.push(Value::from(m));
        add_csv(
            file,
            format!("Leads per {}", label.to_lowercase()),
            csv_bytes(
                &["value", "leads"],
                values
                    .iter()
                    .map(|(v, n)| vec![v.to_string(), csv_cell(*n)]),
            ),
        );
    }

    // Partner attributes.
    let attr = &digest.by_partner_attribute;
    let attributes: Vec<AttributeView> = attr
        .tables()
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
    add_csv(
        "by-partner-attribute.csv".into(),
        "Leads per partner attribute".into(),
        csv_bytes(
            &["attribute", "value", "label", "leads"],
            attr.tables().iter().flat_map(|(key, table)| {
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

    // Region x partner allocation.
    let name_of = |slug: &str| lookup(slug).map_or_else(|| slug.to_string(), |p| p.name.clone());
    let region_partner: Vec<RegionPartnerView> = digest
        .region_partner
        .iter()
        .filter(|(_, row)| !row.is_empty())
        .map(|(r, row)| {
            let mut rows: Vec<LabelCount> = row
                .iter()
                .map(|(slug, n)| LabelCount {
                    label: name_of(slug),
                    leads: *n,
                    url: linked(slug),
                })
                .collect();
            rows.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.label.cmp(&b.label)));
            RegionPartnerView {
                label: region_label(c, r),
                total: rows.iter().map(|x| x.leads).sum(),
                rows,
            }
        })
        .collect();
    add_csv(
        "region-partner.csv".into(),
        "Leads per region and partner".into(),
        csv_bytes(
            &["region", "partner", "leads"],
            digest.region_partner.iter().flat_map(|(r, row)| {
                row.iter()
                    .map(move |(slug, n)| vec![r.to_string(), slug.to_string(), n.to_string()])
            }),
        ),
    );

    // Equity per region.
    let equity: Vec<EquityView> = digest
        .region_equity
        .iter()
        .map(|(r, e)| EquityView {
            label: region_label(c, r),
            leads_share: pct(e.leads_share),
            partners_serving_share: pct(e.partners_serving_share),
            partners_hq_share: pct(e.partners_hq_share),
            leads_per_serving_partner: one_decimal(e.leads_per_serving_partner),
        })
        .collect();
    add_csv(
        "region-equity.csv".into(),
        "Equity per region".into(),
        csv_bytes(
            &[
                "region",
                "label",
                "leads_share",
                "partners_serving_share",
                "partners_hq_share",
                "leads_per_serving_partner",
            ],
            digest.region_equity.iter().map(|(r, e)| {
                vec![
                    r.to_string(),
                    region_label(c, r),
                    dec(e.leads_share),
                    dec(e.partners_serving_share),
                    dec(e.partners_hq_share),
                    dec(e.leads_per_serving_partner),
                ]
            }),
        ),
    );

    let view = View {
        period_from: digest.period.from.to_string(),
        period_to: digest.period.to.to_string(),
        min_cell: digest.min_cell,
        withheld: withheld.clone(),
        totals: digest.totals.clone(),
        won_rate: pct(super::ratio(t.won, t.won + t.lost)),
        policy_url,
        regions,
        partners: partner_views,
        quarters,
        quarter_regions,
        countries,
        attributes,
        region_partner,
        equity,
        gini: dec(digest.concentration.gini),
        top5_share: pct(digest.concentration.top5_share),
        outside_served_region: digest.audit.outside_served_region,
        unknown_partner: digest.audit.unknown_partner,
        downloads: downloads
            .iter()
            .map(|d| Download {
                file: d.file.clone(),
                title: d.title.clone(),
                url: format!("{}{DIR}{}", c.base_path(), d.file),
            })
            .collect(),
    };

    let mut ctx = Context::new();
    ctx.insert("report", &view);
    ctx.insert_value("categories", Value::from(categories));
    let mut charts_map: BTreeMap<String, Value> = BTreeMap::new();
    charts_map.insert("regions".into(), Value::safe_string(&region_chart));
    charts_map.insert("partners".into(), Value::safe_string(&partner_chart));
    charts_map.insert("quarters".into(), Value::safe_string(&quarter_chart));
    ctx.insert_value("charts", Value::from(charts_map));

    let partner_panels = digest
        .by_partner
        .iter()
        .map(|(slug, r)| {
            let panel = Panel {
                leads: PanelLeads {
                    leads: r.leads,
                    won: r.won,
                    lost: r.lost,
                    won_rate: r.won_rate,
                    won_rate_pct: whole_pct(r.won_rate),
                    share: r.share,
                },
            };
            (slug.to_string(), Value::from_serializable(&panel))
        })
        .collect();

    Extras {
        pages: vec![ExtraPage {
            path: DIR.into(),
            template: "transparency.html",
            title: "Lead distribution transparency report".into(),
            ctx,
        }],
        files,
        nav: vec![("Transparency".into(), DIR.into())],
        partner_panels,
    }
}

#[derive(Serialize)]
struct Panel {
    leads: PanelLeads,
}

#[derive(Serialize)]
struct PanelLeads {
    leads: u64,
    won: u64,
    lost: u64,
    won_rate: Ratio,
    /// "42%", or none when no lead is closed.
    won_rate_pct: Option<String>,
    share: Ratio,
}

#[derive(Serialize)]
struct View {
    period_from: String,
    period_to: String,
    min_cell: u32,
    /// How a withheld cell is shown: "< 5".
    withheld: String,
    totals: super::Totals,
    won_rate: String,
    policy_url: Option<String>,
    regions: Vec<RegionView>,
    partners: Vec<PartnerView>,
    quarters: Vec<QuarterView>,
    /// Column labels of the quarter x region table.
    quarter_regions: Vec<String>,
    countries: Vec<KeyView>,
    attributes: Vec<AttributeView>,
    region_partner: Vec<RegionPartnerView>,
    equity: Vec<EquityView>,
    gini: String,
    top5_share: String,
    outside_served_region: u64,
    unknown_partner: u64,
    downloads: Vec<Download>,
}

#[derive(Serialize)]
struct RegionView {
    id: String,
    label: String,
    leads: u64,
    assigned: u64,
    won: u64,
    lost: u64,
    won_rate: String,
}

#[derive(Serialize)]
struct PartnerView {
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

#[derive(Serialize)]
struct QuarterView {
    quarter: String,
    leads: u64,
    /// Per region, in the order of `quarter_regions`; withheld as "< 5".
    cells: Vec<String>,
}

#[derive(Serialize)]
struct KeyView {
    key: String,
    label: String,
    value: String,
    withheld: bool,
}

#[derive(Serialize)]
struct LabelCount {
    label: String,
    leads: u64,
    url: Option<String>,
}

#[derive(Serialize)]
struct AttributeView {
    key: &'static str,
    title: &'static str,
    rows: Vec<LabelCount>,
}

#[derive(Serialize)]
struct RegionPartnerView {
    label: String,
    total: u64,
    rows: Vec<LabelCount>,
}

#[derive(Serialize)]
struct EquityView {
    label: String,
    leads_share: String,
    partners_serving_share: String,
    partners_hq_share: String,
    leads_per_serving_partner: String,
}

#[derive(Serialize)]
struct Download {
    file: String,
    title: String,
    url: String,
}

impl Download {
    fn new(file: &str, title: &str) -> Download {
        Download {
            file: file.into(),
            title: title.into(),
            url: String::new(),
        }
    }
}

fn region_label(c: &SiteConfig, id: &str) -> String {
    if id == UNSPECIFIED {
        return "Unspecified".into();
    }
    c.regions
        .get(id)
        .map_or_else(|| id.to_string(), |r| r.label.clone())
}

fn country_label(code: &str) -> String {
    if code == UNSPECIFIED {
        return "Not specified".into();
    }
    crate::iso::country_name(code).map_or_else(|| code.to_string(), str::to_string)
}

fn attribute_title(key: &str) -> &'static str {
    match key {
        "tier" => "Tier",
        "company_size" => "Company size",
        "pricing" => "Pricing",
        "market_size" => "Market size",
        _ => "Headquarters region",
    }
}

fn attribute_label(c: &SiteConfig, key: &str, id: &str) -> String {
    if id == UNSPECIFIED {
        return "Not specified".into();
    }
    let vocab = match key {
        "tier" => &c.tiers,
        "company_size" => &c.company_size,
        "pricing" => &c.pricing,
        "market_size" => &c.market_size,
        _ => return region_label(c, id),
    };
    vocab.label(id).unwrap_or(id).to_string()
}

/// `market_segment` -> `Market segment`.
/// A category value's display label: the vocabulary's label for a declared id.
fn category_label(declared: Option<&crate::config::Category>, value: &str) -> String {
    if let Some(label) = declared.and_then(|d| d.label(value)) {
        return label.to_string();
    }
    match value {
        UNSPECIFIED => "Not specified".into(),
        crate::config::OTHER => "Other".into(),
        _ => value.to_string(),
    }
}

fn humanize(name: &str) -> String {
    let s = name.replace(['_', '-'], " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// The integer k of a ratio `k / 10000` (ratios are stored rounded to 4 decimals).
fn ten_thousandths(r: f64) -> u64 {
    (r * 10_000.0).round().max(0.0) as u64
}

/// `0.4286` -> `42.9%` (half-up); `—` when there is no ratio.
fn pct(r: Ratio) -> String {
    match r {
        Some(r) => {
            let tenths = (ten_thousandths(r) + 5) / 10;
            format!("{}.{}%", tenths / 10, tenths % 10)
        }
        None => "—".into(),
    }
}

/// `0.4286` -> `43%`.
fn whole_pct(r: Ratio) -> Option<String> {
    r.map(|r| format!("{}%", (ten_thousandths(r) + 50) / 100))
}

/// `12.3456` -> `12.3`.
fn one_decimal(r: Ratio) -> String {
    match r {
        Some(r) => {
            let tenths = (ten_thousandths(r) + 500) / 1000;
            format!("{}.{}", tenths / 10, tenths % 10)
        }
        None => "—".into(),
    }
}

/// A ratio in CSV: 4 decimals, empty when there is none.
fn dec(r: Ratio) -> String {
    r.map_or_else(String::new, |r| format!("{r:.4}"))
}

fn cell(c: Cell, withheld: &str) -> String {
    c.map_or_else(|| withheld.to_string(), |n| n.to_string())
}

fn csv_cell(c: Cell) -> String {
    c.map_or_else(String::new, |n| n.to_string())
}

/// A cell that a spreadsheet would run as a formula gets a leading apostrophe.
fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// RFC 4180 CSV (quotes where needed, `\n` line ends), formulas neutralised.
fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| neutralise(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(pct(Some(0.4286)), "42.9%");
        assert_eq!(pct(Some(0.1235)), "12.4%");
        assert_eq!(pct(Some(1.0)), "100.0%");
        assert_eq!(pct(None), "—");
        assert_eq!(whole_pct(Some(0.425)).as_deref(), Some("43%"));
        assert_eq!(whole_pct(Some(0.4249)).as_deref(), Some("42%"));
        assert_eq!(one_decimal(Some(12.25)), "12.3");
        assert_eq!(dec(Some(0.5)), "0.5000");
    }

    #[test]
    fn csv_neutralises_formulas() {
        let out = csv_bytes(
            &["a", "b"],
            [
                vec!["=1+1".to_string(), "x, \"y\"".to_string()],
                vec!["@SUM(A1)".into(), "-2".into()],
            ]
            .into_iter(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\n'=1+1,\"x, \"\"y\"\"\"\n'@SUM(A1),'-2\n"
        );
    }

    #[test]
    fn humanizes_names() {
        assert_eq!(humanize("market_segment"), "Market segment");
        assert_eq!(humanize("budget"), "Budget");
    }
}
