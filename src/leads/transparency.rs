//! [`Digest`] -> the `/transparency/` page, its downloads (leads.json and one CSV per
//! table) and the per-partner profile panels. Reads only the digest and public partner
//! records, so a site built from a digest equals the one built from the export.
//!
//! [`extras`] is the driver: each section of the page (`sections`) returns its rows,
//! chart and CSV download, in the order the page lists its downloads; `format` holds the
//! number, label and CSV formatting they share.

mod format;
mod sections;

use super::{Digest, Ratio, Totals, write_digest};
use crate::content::{Partner, Site};
use crate::diagnostics::{Diagnostic, suggest};
use crate::render::{ExtraPage, Extras};
use format::{dec, pct, whole_pct};
use sections::{
    AttributeView, Charted, EquityView, KeyView, PartnerView, Quarters, RegionPartnerView,
    RegionView, Report,
};
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
    let report = Report::new(digest, site, partners);
    let mut downloads = Downloads::new(site.config.base_path(), digest);
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
    };
    let Downloads { list, files, .. } = downloads;
    Extras {
        pages: vec![ExtraPage {
            path: DIR.into(),
            template: "transparency.html",
            title: "Lead distribution transparency report".into(),
            ctx: page_context(&report, policy_url, parts, list),
        }],
        files,
        nav: vec![("Transparency".into(), DIR.into())],
        footer_nav: Vec::new(),
        partner_panels: partner_panels(digest),
    }
}

/// What the sections return, before it is put into the page's context.
struct Parts {
    regions: Charted<RegionView>,
    partners: Charted<PartnerView>,
    quarters: Quarters,
    countries: Vec<KeyView>,
    categories: Vec<Value>,
    attributes: Vec<AttributeView>,
    region_partner: Vec<RegionPartnerView>,
    equity: Vec<EquityView>,
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
    let view = View {
        period_from: digest.period.from.to_string(),
        period_to: digest.period.to.to_string(),
        min_cell: digest.min_cell,
        withheld: report.withheld.clone(),
        totals: t.clone(),
        won_rate: pct(super::aggregate::ratio(t.won, t.won + t.lost)),
        policy_url,
        regions: parts.regions.rows,
        partners: parts.partners.rows,
        quarters: parts.quarters.rows,
        quarter_regions: parts.quarters.regions,
        countries: parts.countries,
        attributes: parts.attributes,
        region_partner: parts.region_partner,
        equity: parts.equity,
        gini: dec(digest.concentration.gini),
        top5_share: pct(digest.concentration.top5_share),
        outside_served_region: digest.audit.outside_served_region,
        unknown_partner: digest.audit.unknown_partner,
        downloads,
    };
    let mut ctx = Context::new();
    ctx.insert("report", &view);
    ctx.insert_value("categories", Value::from(parts.categories));
    let mut charts_map: BTreeMap<String, Value> = BTreeMap::new();
    charts_map.insert("regions".into(), Value::safe_string(&parts.regions.chart));
    charts_map.insert("partners".into(), Value::safe_string(&parts.partners.chart));
    charts_map.insert("quarters".into(), Value::safe_string(&parts.quarters.chart));
    ctx.insert_value("charts", Value::from(charts_map));
    ctx
}

/// One panel per counted partner (`extra.leads` on its profile page).
fn partner_panels(digest: &Digest) -> BTreeMap<String, Value> {
    digest
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
        .collect()
}

/// The report's files (leads.json first, then one CSV per table) and their list on the
/// page, in the same order.
struct Downloads {
    /// The site's base path, in front of each download's URL.
    base: String,
    list: Vec<Download>,
    files: Vec<(String, Vec<u8>)>,
}

impl Downloads {
    fn new(base: &str, digest: &Digest) -> Downloads {
        let mut d = Downloads {
            base: base.to_string(),
            list: Vec::new(),
            files: Vec::new(),
        };
        d.add("leads.json", "All aggregates (JSON)", write_digest(digest));
        d
    }

    /// Add `transparency/<name>` and its entry in the list.
    fn add(&mut self, name: &str, title: &str, bytes: Vec<u8>) {
        self.list.push(Download {
            file: name.into(),
            title: title.into(),
            url: format!("{}{DIR}{name}", self.base),
        });
        self.files.push((format!("{DIR}{name}"), bytes));
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

/// `report` in the template's context.
#[derive(Serialize)]
struct View {
    period_from: String,
    period_to: String,
    min_cell: u32,
    /// How a withheld cell is shown: "< 5".
    withheld: String,
    totals: Totals,
    won_rate: String,
    policy_url: Option<String>,
    regions: Vec<RegionView>,
    partners: Vec<PartnerView>,
    quarters: Vec<sections::QuarterView>,
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
struct Download {
    file: String,
    title: String,
    url: String,
}
