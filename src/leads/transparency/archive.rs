//! The archive's pages: `/transparency/<id>/` for every `[[leads.period]]` (the same
//! page as `/transparency/`, with its own downloads, made from that period's digest
//! alone), the period switcher on each, and the comparison page ([`super::trends`]).
//!
//! A period's page must not change when a later period is added: its switcher lists the
//! periods up to itself (never a later one), the current report and the trends page,
//! whose URLs do not change.

use super::format::period;
use super::{DIR, extras_in, trends};
use crate::config::TRENDS;
use crate::content::{Partner, Site};
use crate::leads::Archived;
use crate::render::Extras;
use serde::Serialize;

/// Add the archive to the current report's extras `x`: the switcher on `/transparency/`,
/// a page (and its downloads) per period, and the trends page. Nothing with one
/// `[leads] source` (an empty archive).
pub fn archive_extras(
    archive: &[Archived],
    site: &Site,
    partners: &[Partner],
    policy_url: &Option<String>,
    x: &mut Extras,
) {
    if archive.is_empty() {
        return;
    }
    let base = site.config.base_path();
    let links: Vec<PeriodLink> = archive
        .iter()
        .map(|a| PeriodLink {
            id: a.id.clone(),
            period: period(a.digest.period.from, a.digest.period.to),
            url: format!("{base}{DIR}{}/", a.id),
        })
        .collect();
    let nav = |id: Option<&str>, upto: usize| Switcher {
        id: id.map(str::to_string),
        periods: links.iter().take(upto).cloned().collect(),
        current_url: format!("{base}{DIR}"),
        trends_url: format!("{base}{DIR}{TRENDS}/"),
    };
    if let Some(page) = x.pages.first_mut() {
        page.ctx.insert("archive", &nav(None, links.len()));
    }
    for (i, a) in archive.iter().enumerate() {
        let dir = format!("{DIR}{}/", a.id);
        let y = extras_in(&a.digest, site, partners, policy_url.clone(), &dir);
        for mut page in y.pages {
            page.title = format!("Lead distribution transparency report: {}", a.id);
            page.ctx.insert("archive", &nav(Some(&a.id), i + 1));
            x.pages.push(page);
        }
        x.files.extend(y.files);
    }
    x.pages
        .push(trends::page(archive, site, nav(Some(TRENDS), links.len())));
}

/// A link of the switcher.
#[derive(Debug, Clone, Serialize)]
pub(super) struct PeriodLink {
    pub(super) id: String,
    /// "1 Jan – 30 Jun 2026".
    pub(super) period: String,
    pub(super) url: String,
}

/// `archive` in the context of the report pages and of the trends page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Switcher {
    /// The page's period (`trends` on the comparison page); none on `/transparency/`.
    id: Option<String>,
    /// Oldest first: every period on `/transparency/` and the trends page, the periods
    /// up to this one on a period's page.
    pub(super) periods: Vec<PeriodLink>,
    current_url: String,
    trends_url: String,
}
