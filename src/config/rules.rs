//! `[rules]`: the required-content rule as written, and its checks and defaults.

use super::{Kind, SITE_FILE, Vocab, VocabEntry};
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use serde::Deserialize;
use toml::Spanned;

/// `rule = "percent"` (X is a share of the clients acquired) or `"fixed"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleName {
    Percent,
    Fixed,
}

/// `on_missing`: what a partner without its required content gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnMissing {
    Fail,
    Warn,
    Unlist,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverrides {
    #[serde(rename = "case-studies")]
    case_studies: Option<Spanned<i64>>,
    posts: Option<Spanned<i64>>,
    testimonials: Option<Spanned<i64>>,
    #[serde(rename = "client-logos")]
    client_logos: Option<Spanned<i64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    year: Spanned<i64>,
    rule: Option<RuleName>,
    percent: Option<Spanned<i64>>,
    minimum: Option<Spanned<i64>>,
    fixed: Option<Spanned<i64>>,
    require: Option<Vec<Kind>>,
    approved_topics: Option<Vec<Spanned<String>>>,
    on_missing: Option<OnMissing>,
    overrides: Option<RawOverrides>,
    exemptions: Option<Vocab>,
    #[serde(default)]
    publish_contributions: bool,
}

/// The program's required-content rule (`[rules]`), with defaults applied.
#[derive(Debug, Clone)]
pub struct Rules {
    pub year: u16,
    pub rule: RuleName,
    pub percent: u64,
    pub minimum: u64,
    pub fixed: u64,
    pub require: Vec<Kind>,
    pub approved_topics: Vec<String>,
    pub on_missing: OnMissing,
    /// Per-kind X replacing the rule's X.
    pub overrides: Vec<(Kind, u64)>,
    /// slug -> reason, with the slug's span in site.toml.
    pub exemptions: Vec<VocabEntry>,
    pub publish_contributions: bool,
}

fn non_negative(v: &Spanned<i64>, key: &str, text: &str, diags: &mut Diagnostics) -> u64 {
    match u64::try_from(*v.get_ref()) {
        Ok(n) => n,
        Err(_) => {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!("[rules] `{key}` is negative ({})", v.get_ref()),
                )
                .at_offset(text, v.span().start, 0)
                .hint("use a whole number of 0 or more"),
            );
            0
        }
    }
}

/// `[rules]` with its defaults applied; every bad value is reported (and left at its
/// default) so the rest is still checked.
pub(super) fn validate(r: RawRules, topics: &Vocab, text: &str, diags: &mut Diagnostics) -> Rules {
    let year = match u16::try_from(*r.year.get_ref()) {
        Ok(y) if (1970..=9999).contains(&y) => y,
        _ => {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!(
                        "[rules] `year` {} is not a plausible year",
                        r.year.get_ref()
                    ),
                )
                .at_offset(text, r.year.span().start, 0)
                .hint("write the reporting year, e.g. `year = 2026`"),
            );
            2000
        }
    };
    let num = |v: &Option<Spanned<i64>>, key: &str, default: u64, diags: &mut Diagnostics| {
        v.as_ref()
            .map_or(default, |v| non_negative(v, key, text, diags))
    };
    let percent = num(&r.percent, "percent", 20, diags);
    let minimum = num(&r.minimum, "minimum", 1, diags);
    let fixed = num(&r.fixed, "fixed", 1, diags);
    let mut overrides = Vec::new();
    if let Some(o) = &r.overrides {
        for (kind, v) in [
            (Kind::CaseStudies, &o.case_studies),
            (Kind::Posts, &o.posts),
            (Kind::Testimonials, &o.testimonials),
            (Kind::ClientLogos, &o.client_logos),
        ] {
            if let Some(v) = v {
                overrides.push((
                    kind,
                    non_negative(v, &format!("overrides.{}", kind.id()), text, diags),
                ));
            }
        }
    }
    let approved = approved_topics(r.approved_topics, topics, text, diags);
    let mut require = r.require.unwrap_or_else(|| Kind::ALL.to_vec());
    require.sort();
    require.dedup();
    Rules {
        year,
        rule: r.rule.unwrap_or(RuleName::Percent),
        percent,
        minimum,
        fixed,
        require,
        approved_topics: approved,
        on_missing: r.on_missing.unwrap_or(OnMissing::Fail),
        overrides,
        exemptions: r.exemptions.map(|v| v.entries).unwrap_or_default(),
        publish_contributions: r.publish_contributions,
    }
}

/// The approved topics that are topics of `[topics]`; the others are reported.
fn approved_topics(
    approved: Option<Vec<Spanned<String>>>,
    topics: &Vocab,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<String> {
    approved
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| {
            if topics.contains(t.get_ref()) {
                Some(t.into_inner())
            } else {
                diags.push(
                    Diagnostic::error(
                        SITE_FILE,
                        format!(
                            "[rules] approved_topics: `{}` is not a topic in [topics]",
                            t.get_ref()
                        ),
                    )
                    .at_offset(text, t.span().start, 0)
                    .hint(suggest(t.get_ref(), topics.ids())),
                );
                None
            }
        })
        .collect()
}
