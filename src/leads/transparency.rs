//! [`Digest`] -> the `/transparency/` page, its downloads (leads.json and one CSV per
//! table) and the per-partner profile panels. Reads only the digest and public partner
//! records, so a site built from a digest equals the one built from the export.
//!
//! [`extras`] is the driver: each section of the page (`sections`) returns its rows,
//! chart and CSV download, in the order the page lists its downloads; `format` holds the
//! number, label and CSV formatting they share.

mod allocation;
mod archive;
mod format;
mod sections;
mod trends;

pub use archive::archive_extras;

use super::{Digest, Ratio, write_digest};
use crate::content::{Partner, Site};
use crate::diagnostics::{Diagnostic, suggest};
use crate::render::{ExtraPage, Extras};
use sections::{
    AttributeView, AuditView, Charted, CountryGroup, EquityView, PartnerView, Quarters,
    RegionPartnerView, RegionView, Report,
};
use serde::Serialize;
use std::collections::BTreeMap;
use tera::{Context, Value};

/// Output folder of the report.
pub const DIR: &str = "transparency/";
/// Bars drawn in the per-partner chart; the rest are summed in one "other partners" bar.
pub const CHART_PARTNERS: usize = 20;
/// A table with more rows than this is collapsed (`<details>`) behind a summary line.
pub const LONG_TABLE: usize = 15;

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
    extras_in(digest, site, partners, policy_url, DIR)
}

/// [`extras`] with the page and its downloads in `dir` (a period of the archive has
/// its own, `transparency/<id>/`).
fn extras_in(
    digest: &Digest,
    site: &Site,
    partners: &[Partner],
    policy_url: Option<String>,
    dir: &str,
) -> Extras {
    let report = Report::new(digest, site, partners);
    let mut downloads = Downloads::new(site.config.base_path(), dir, digest);
    // The sections in the order of the downloads list.
    sections::summary(&report, &mut downloads);
    let parts = Parts {
        regions: sections::regions(&report, &mut downloads),
        partners: sections::partners(&report, &mut downloads),
        quarters: sections::quarters(&report, &mut downloads),
        countries: sections::countries(&report, &mut downloads),
        categories: sections::categories(&report, &mut downloads),
        attributes: sections::attributes(&report, &mut downloads),
        region_partner: sections::region_partner(&report, &mut downloads),
        equity: sections::equity(&report, &mut downloads),
        audit: sections::audit(&report),
        allocation: allocation::allocation(&report, &mut downloads),
    };
    let Downloads { list, files, .. } = downloads;
    Extras {
        pages: vec![ExtraPage {
            path: dir.into(),
            template: "transparency.html",
            title: "Lead distribution transparency report".into(),
            ctx: page_context(&report, policy_url, parts, list),
        }],
        files,
        nav: vec![("Transparency".into(), DIR.into())],
        footer_nav: Vec::new(),
        partner_panels: partner_panels(&report),
        ..Extras::default()
    }
}

/// What the sections return, before it is put into the page's context.
struct Parts {
    regions: Charted<RegionView>,
    partners: Charted<PartnerView>,
    quarters: Quarters,
    countries: Vec<CountryGroup>,
    categories: Vec<Value>,
    attributes: Vec<AttributeView>,
    region_partner: Vec<RegionPartnerView>,
    equity: Vec<EquityView>,
    audit: AuditView,
    allocation: Option<allocation::AllocationView>,
}

/// The template's context: `report` (the [`View`]), `categories` and `charts` (the SVGs,
/// marked safe).
fn page_context(
    report: &Report,
    policy_url: Option<String>,
    parts: Parts,
    downloads: Vec<Download>,
) -> Context {
    let digest = report.digest;
    let t = &digest.totals;
    let n = |v: u64| report.num.count(v);
    let view = View {
        period_from: digest.period.from.to_string(),
        period_to: digest.period.to.to_string(),
        period: report.period.clone(),
        min_cell: digest.min_cell,
        withheld: report.withheld.clone(),
        long_table: LONG_TABLE,
        totals: TotalsView {
            leads: n(t.leads),
            assigned: n(t.assigned),
            unassigned: n(t.unassigned),
            new: n(t.new),
            contacted: n(t.contacted),
            won: n(t.won),
            lost: n(t.lost),
        },
        won_rate: report
            .num
            .pct(super::aggregate::ratio(t.won, t.won + t.lost)),
        policy_url,
        regions: parts.regions.rows,
        partners: parts.partners.rows,
        quarters: parts.quarters.rows,
        quarter_regions: parts.quarters.regions,
        country_count: n(digest
            .by_country
            .keys()
            .filter(|k| *k != super::UNSPECIFIED)
            .count() as u64),
        countries: parts.countries,
        attributes: parts.attributes,
        region_partner_rows: parts.region_partner.iter().map(|g| g.rows.len() + 1).sum(),
        region_partner: parts.region_partner,
        equity: parts.equity,
        gini: report.num.ratio(digest.concentration.gini),
        top5_share: report.num.pct(digest.concentration.top5_share),
        audit: parts.audit,
        allocation: parts.allocation,
        allocation_configured: report.config().allocation.is_some(),
        downloads,
    };
    let mut ctx = Context::new();
    ctx.insert("report", &view);
    ctx.insert_value("categories", Value::from(parts.categories));
    let mut charts_map: BTreeMap<String, Value> = BTreeMap::new();
    charts_map.insert("regions".into(), Value::safe_string(&parts.regions.chart));
    charts_map.insert("partners".into(), Value::safe_string(&parts.partners.chart));
    charts_map.insert("quarters".into(), Value::safe_string(&parts.quarters.chart));
    if let Some(a) = &view.allocation {
        charts_map.insert("allocation".into(), Value::safe_string(&a.chart));
    }
    ctx.insert_value("charts", Value::from(charts_map));
    ctx
}

/// One panel per counted partner (`extra.leads` on its profile page), its numbers
/// written as the report writes them (same separators, same percentage rule).
fn partner_panels(report: &Report) -> BTreeMap<String, Value> {
    let num = report.num;
    report
        .digest
        .by_partner
        .iter()
        .map(|(slug, r)| {
            let panel = Panel {
                leads: PanelLeads {
                    leads: num.count(r.leads),
                    won: num.count(r.won),
                    lost: num.count(r.lost),
                    won_rate: r.won_rate,
                    won_rate_pct: r.won_rate.map(|_| num.pct(r.won_rate)),
                    share: num.pct(r.share),
                    period: report.period.clone(),
                    period_from: report.digest.period.from.to_string(),
                    period_to: report.digest.period.to.to_string(),
                },
            };
            (slug.to_string(), Value::from_serializable(&panel))
        })
        .collect()
}

/// The report's files (leads.json first, then one CSV per table) and their list on the
/// page, in the same order.
struct Downloads {
    /// The site's base path, in front of each download's URL.
    base: String,
    /// The report's folder: [`DIR`], or a period's.
    dir: String,
    list: Vec<Download>,
    files: Vec<(String, Vec<u8>)>,
}

impl Downloads {
    fn new(base: &str, dir: &str, digest: &Digest) -> Downloads {
        let mut d = Downloads {
            base: base.to_string(),
            dir: dir.to_string(),
            list: Vec::new(),
            files: Vec::new(),
        };
        d.add("leads.json", "All aggregates (JSON)", write_digest(digest));
        d
    }

    /// The URL of the download `name`.
    fn url(&self, name: &str) -> String {
        format!("{}{}{name}", self.base, self.dir)
    }

    /// Add `transparency/<name>` and its entry in the list.
    fn add(&mut self, name: &str, title: &str, bytes: Vec<u8>) {
        self.list.push(Download {
            file: name.into(),
            title: title.into(),
            url: self.url(name),
        });
        self.files.push((format!("{}{name}", self.dir), bytes));
    }
}

#[derive(Serialize)]
struct Panel {
    leads: PanelLeads,
}

#[derive(Serialize)]
struct PanelLeads {
    /// Counts as written on the page: "1,234".
    leads: String,
    won: String,
    lost: String,
    /// The ratio, `none` when no lead is closed.
    won_rate: Ratio,
    /// "42.9%" (the report's rule), or none when no lead is closed.
    won_rate_pct: Option<String>,
    /// The partner's share of the forwarded leads: "9.3%".
    share: String,
    /// "1 Jan – 30 Jun 2026", and its bounds as ISO dates.
    period: String,
    period_from: String,
    period_to: String,
}

/// The totals as the page writes them.
#[derive(Serialize)]
struct TotalsView {
    leads: String,
    assigned: String,
    unassigned: String,
    new: String,
    contacted: String,
    won: String,
    lost: String,
}

/// `report` in the template's context.
#[derive(Serialize)]
struct View {
    period_from: String,
    period_to: String,
    /// "1 Jan – 30 Jun 2026".
    period: String,
    min_cell: u32,
    /// How a withheld cell is shown: "< 5".
    withheld: String,
    /// Tables with more rows are collapsed ([`LONG_TABLE`]).
    long_table: usize,
    totals: TotalsView,
    won_rate: String,
    policy_url: Option<String>,
    regions: Vec<RegionView>,
    partners: Vec<PartnerView>,
    quarters: Vec<sections::QuarterView>,
    /// Column labels of the quarter x region table.
    quarter_regions: Vec<String>,
    /// Countries with leads: "142".
    country_count: String,
    countries: Vec<CountryGroup>,
    attributes: Vec<AttributeView>,
    /// Rows of the region x partner table (a heading row per region).
    region_partner_rows: usize,
    region_partner: Vec<RegionPartnerView>,
    equity: Vec<EquityView>,
    gini: String,
    top5_share: String,
    audit: AuditView,
    /// The allocation section; `None` when the digest has none.
    allocation: Option<allocation::AllocationView>,
    /// site.toml has `[allocation]` (the page says when its digest publishes none).
    allocation_configured: bool,
    downloads: Vec<Download>,
}

#[derive(Serialize)]
struct Download {
    file: String,
    title: String,
    url: String,
}
