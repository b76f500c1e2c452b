//! `[[leads.period]]`: the transparency archive, one report per period, and its checks.
//!
//! Every other `[leads]` key (min_cell, columns, categories, policy, eligible_tiers,
//! allow_unknown_partners) is shared by all periods. After validation `[leads] source`,
//! `from` and `to` are the newest period's, so everything that reads the current report
//! (the `/transparency/` page, the profile panels, `leads digest`) works as with one
//! source.

use super::{error_at, is_slug, slugify};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The URL segment of the comparison page (`/transparency/trends/`): no period may take it.
pub const TRENDS: &str = "trends";

/// One `[[leads.period]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodConfig {
    /// A slug: the URL segment of `/transparency/<id>/`.
    pub id: Spanned<String>,
    /// A digest or an export, as `[leads] source`.
    pub source: Spanned<String>,
    pub from: Option<Spanned<Date>>,
    pub to: Option<Spanned<Date>>,
}

impl PeriodConfig {
    pub fn from_date(&self) -> Option<Date> {
        self.from.as_ref().map(|d| *d.get_ref())
    }

    pub fn to_date(&self) -> Option<Date> {
        self.to.as_ref().map(|d| *d.get_ref())
    }
}

/// The value of `[leads] source` when the key is absent (an empty span: no real key has
/// one, since the `[leads]` header comes first).
pub(super) fn absent_source() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}

/// False when `[leads]` has no `source` key (its value then has an empty span).
pub fn has_source(leads: &super::LeadsConfig) -> bool {
    leads.source.span() != (0..0)
}

/// Check `source` against `[[leads.period]]` and each period (its id, its source, its
/// bounds, their order); then make the newest period `[leads]`'s source and bounds.
pub(super) fn validate(
    leads: &mut super::LeadsConfig,
    root: &Path,
    text: &str,
    diags: &mut Diagnostics,
) {
    let header = leads_header(text);
    if leads.periods.is_empty() {
        // A `[[leads.period]]` that did not parse is reported by the parser already.
        if !has_source(leads) && !text.contains("[[leads.period]]") {
            diags.push(
                error_at(text, header, "[leads] has no `source`")
                    .hint("add source = \"leads/\" (a CSV file, a folder of CSVs or a digest), or one [[leads.period]] per report"),
            );
        }
        return;
    }
    if has_source(leads) {
        diags.push(
            error_at(text, leads.source.span().start, "[leads] has both `source` and [[leads.period]]")
                .hint("move `source` (with `from` and `to`) into the newest [[leads.period]], or remove the periods"),
        );
    }
    if leads.from.is_some() || leads.to.is_some() {
        diags.push(
            error_at(
                text,
                header,
                "[leads] `from` and `to` do not apply to [[leads.period]]",
            )
            .hint("give each [[leads.period]] its own `from` and `to`"),
        );
    }
    check_ids(&leads.periods, text, diags);
    for p in &leads.periods {
        check_period(p, root, text, diags);
    }
    for pair in leads.periods.windows(2) {
        if let [prev, cur] = pair {
            check_order(prev, cur, text, diags);
        }
    }
    if let Some(newest) = leads.periods.last() {
        leads.source = newest.source.clone();
        leads.from = newest.from_date();
        leads.to = newest.to_date();
    }
}

/// Offset of the `[leads]` header (for errors about the table as a whole).
fn leads_header(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("[leads]") {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}

/// Ids are slugs, unique, and not the comparison page's segment.
fn check_ids(periods: &[PeriodConfig], text: &str, diags: &mut Diagnostics) {
    for (i, p) in periods.iter().enumerate() {
        let id = p.id.get_ref();
        let at = p.id.span().start;
        if !is_slug(id) {
            diags.push(
                error_at(text, at, format!("[[leads.period]] id `{id}` is not a slug"))
                    .hint(format!("the id is the page's URL segment (/transparency/<id>/): lower-case letters, digits and single hyphens, e.g. `{}`", slugify(id))),
            );
        } else if id == TRENDS {
            diags.push(
                error_at(text, at, format!("[[leads.period]] id `{TRENDS}` is reserved"))
                    .hint(format!("/transparency/{TRENDS}/ is the page comparing the periods: name the period by its dates, e.g. `2026-h1`")),
            );
        }
        if let Some(first) = periods.iter().take(i).find(|q| q.id.get_ref() == id) {
            let line = text[..first.id.span().start.min(text.len())]
                .lines()
                .count()
                .max(1);
            diags.push(
                error_at(
                    text,
                    at,
                    format!("[[leads.period]] id `{id}` is used twice"),
                )
                .hint(format!(
                    "the first is on line {line}; each period needs its own id"
                )),
            );
        }
    }
}

/// A period's source is outside the published folders, and its bounds are in order.
fn check_period(p: &PeriodConfig, root: &Path, text: &str, diags: &mut Diagnostics) {
    let id = p.id.get_ref();
    if let Some(folder) = super::leads::leads_in_site_folder(root, p.source.get_ref()) {
        diags.push(
            error_at(
                text,
                p.source.span().start,
                format!(
                    "[[leads.period]] `{id}`: source `{}` is inside `{folder}/`, which partnersite reads or publishes",
                    p.source.get_ref()
                ),
            )
            .hint("keep the private export out of content/, static/, templates/ and themes/ (e.g. in leads/, or outside the repository)"),
        );
    }
    if let (Some(from), Some(to)) = (&p.from, &p.to)
        && from.get_ref() > to.get_ref()
    {
        diags.push(
            error_at(
                text,
                from.span().start,
                format!(
                    "[[leads.period]] `{id}`: `from` ({}) is after `to` ({})",
                    from.get_ref(),
                    to.get_ref()
                ),
            )
            .hint("swap the two dates"),
        );
    }
}

/// Periods are listed oldest first and do not overlap, as far as their declared bounds
/// tell (bounds taken from the data are checked once the sources are read).
fn check_order(prev: &PeriodConfig, cur: &PeriodConfig, text: &str, diags: &mut Diagnostics) {
    let (Some(end), Some(start)) = (&prev.to, &cur.from) else {
        return;
    };
    if start.get_ref() > end.get_ref() {
        return;
    }
    diags.push(period_order_error(
        text,
        start.span().start,
        cur.id.get_ref(),
        *start.get_ref(),
        prev.id.get_ref(),
        *end.get_ref(),
    ));
}

/// "period `b` starts on or before the end of `a`": the message for declared bounds and
/// for bounds read from the data.
pub fn period_order_error(
    text: &str,
    at: usize,
    id: &str,
    start: Date,
    prev: &str,
    end: Date,
) -> Diagnostic {
    error_at(
        text,
        at,
        format!("[[leads.period]] `{id}` starts on {start}, not after the end of `{prev}` ({end})"),
    )
    .hint("list the periods oldest first, each starting after the previous one ends: overlapping periods would let a reader subtract one report from the other and recover withheld counts")
}

#[cfg(test)]
mod tests {
    use super::leads_header;

    #[test]
    fn header_offset() {
        assert_eq!(leads_header("a = 1\n[leads]\n"), 6);
        assert_eq!(leads_header("x\n  [leads]\n"), 4);
    }
}
