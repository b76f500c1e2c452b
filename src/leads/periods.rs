//! The transparency archive (`[[leads.period]]`): one digest per period, each read from
//! its own source exactly as a single `[leads] source` is (same reader, same suppression,
//! same auditor), then checked for order and overlap with the bounds the data gave.
//!
//! Why overlapping periods are refused: two published reports over overlapping periods
//! (`2026` and `2026-h1`) let a reader subtract one from the other, and a cell withheld in
//! one would follow from the difference; the auditor protects each digest on its own and
//! cannot see that. Disjoint periods share no lead, so no published cell of one period
//! adds an equation on a withheld cell of another, and the comparison page publishes
//! only values the period pages already publish (no sum or difference over withheld
//! cells).

use super::{Digest, load_with_warnings};
use crate::config::{PeriodConfig, SiteConfig};
use crate::content::Partner;
use crate::diagnostics::Diagnostics;

/// One period of the archive: its id (the URL segment) and its digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Archived {
    pub id: String,
    pub digest: Digest,
}

/// The current report and the archive: with one `[leads] source`, its digest and no
/// archive (the site is what it always was); with `[[leads.period]]`, the newest period's
/// digest and every period, oldest first. Every period's problems come back in one run.
pub fn load_archive(
    config: &SiteConfig,
    partners: &[Partner],
) -> Result<(Option<Digest>, Vec<Archived>, Diagnostics), Diagnostics> {
    let periods = match &config.leads {
        // No source at all: site.toml's error says so; there is nothing to read.
        Some(leads) if leads.periods.is_empty() && !crate::config::has_source(leads) => {
            return Ok((None, Vec::new(), Diagnostics::default()));
        }
        Some(leads) if !leads.periods.is_empty() => &leads.periods,
        _ => return load_with_warnings(config, partners).map(|(d, w)| (d, Vec::new(), w)),
    };
    let mut errors = Diagnostics::default();
    let mut warnings = Diagnostics::default();
    let mut archive = Vec::with_capacity(periods.len());
    for p in periods {
        match load_with_warnings(&period_config(config, p), partners) {
            Ok((Some(digest), w)) => {
                warnings.extend(w);
                archive.push(Archived {
                    id: p.id.get_ref().clone(),
                    digest,
                });
            }
            Ok((None, _)) => {}
            Err(d) => errors.extend(d),
        }
    }
    if archive.len() == periods.len() {
        check_order(config, periods, &archive, &mut errors);
    }
    if errors.has_errors() {
        errors.extend(warnings);
        return Err(errors.sorted());
    }
    let current = archive.last().map(|a| a.digest.clone());
    Ok((current, archive, warnings))
}

/// The digest of one period (`leads digest --period ID`): `Ok(None)` when there is no
/// such period.
pub fn load_period(
    config: &SiteConfig,
    partners: &[Partner],
    id: &str,
) -> Result<Option<(Option<Digest>, Diagnostics)>, Diagnostics> {
    let Some(p) = config
        .leads
        .as_ref()
        .and_then(|l| l.periods.iter().find(|p| p.id.get_ref() == id))
    else {
        return Ok(None);
    };
    load_with_warnings(&period_config(config, p), partners).map(Some)
}

/// The ids of `[[leads.period]]`, oldest first.
pub fn period_ids(config: &SiteConfig) -> Vec<&str> {
    config
        .leads
        .as_ref()
        .map(|l| l.periods.iter().map(|p| p.id.get_ref().as_str()).collect())
        .unwrap_or_default()
}

/// The site's config as if `p` were the only `[leads] source`.
fn period_config(config: &SiteConfig, p: &PeriodConfig) -> SiteConfig {
    let mut c = config.clone();
    if let Some(leads) = &mut c.leads {
        leads.source = p.source.clone();
        leads.from = p.from_date();
        leads.to = p.to_date();
        leads.periods = Vec::new();
    }
    c
}

/// Each period starts after the previous one ends, with the bounds the digests have (a
/// pair whose bounds were both declared is checked with site.toml already).
fn check_order(
    config: &SiteConfig,
    periods: &[PeriodConfig],
    archive: &[Archived],
    errors: &mut Diagnostics,
) {
    for (i, pair) in archive.windows(2).enumerate() {
        let ([prev, cur], Some(pc), Some(cc)) = (pair, periods.get(i), periods.get(i + 1)) else {
            continue;
        };
        if pc.to.is_some() && cc.from.is_some() {
            continue;
        }
        let (end, start) = (prev.digest.period.to, cur.digest.period.from);
        if start > end {
            continue;
        }
        errors.push(crate::config::period_order_error(
            &config.text,
            cc.id.span().start,
            &cur.id,
            start,
            &prev.id,
            end,
        ));
    }
}
