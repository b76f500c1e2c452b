//! Required marketing content: for each partner and the reporting year, how many items of
//! each kind the program's rule (`[rules]` in site.toml) requires, which items count, and
//! which were ignored and why.

use crate::config::{Kind, RuleName, Rules};
use crate::content::{Partner, Site};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, display_path};
use crate::kinds::{self, Shape};
use serde::Serialize;
use std::collections::BTreeMap;

/// Per-kind numbers, serialized with the kind ids as keys, in the documented order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerKind(pub [u64; Kind::ALL.len()]);

impl PerKind {
    pub fn get(&self, k: Kind) -> u64 {
        self.0.get(k as usize).copied().unwrap_or(0)
    }
    fn set(&mut self, k: Kind, v: u64) {
        if let Some(slot) = self.0.get_mut(k as usize) {
            *slot = v;
        }
    }
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

impl Serialize for PerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(Kind::ALL.len()))?;
        for k in Kind::ALL {
            m.serialize_entry(k.id(), &self.get(k))?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Missing,
    Exempt,
}

/// An item that did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignored {
    pub path: String,
    pub reason: String,
    #[serde(skip)]
    pub kind: Kind,
}

/// An item that counted (for the text report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub kind: Kind,
    /// Source file, or `partner.toml (client logo "X")`.
    pub label: String,
}

/// One partner's verdict for the reporting year.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    #[serde(skip)]
    pub slug: String,
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub record_path: String,
    pub status: Status,
    /// Exemption reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub x: u64,
    /// `[clients] acquired`, for the text report.
    #[serde(skip)]
    pub acquired: u64,
    pub required: PerKind,
    pub counted: PerKind,
    pub missing: PerKind,
    pub ignored: Vec<Ignored>,
    #[serde(skip)]
    pub counted_items: Vec<Counted>,
}

/// Every partner's verdict plus rule-level warnings.
#[derive(Debug, Clone)]
pub struct Report {
    pub year: u16,
    pub rule: RuleName,
    pub rules: Rules,
    pub verdicts: Vec<Verdict>,
    pub warnings: Vec<Diagnostic>,
}

impl Report {
    pub fn failing(&self) -> impl Iterator<Item = &Verdict> {
        self.verdicts.iter().filter(|v| v.status == Status::Missing)
    }
    pub fn is_ok(&self) -> bool {
        self.failing().next().is_none()
    }
    /// One line describing the rule, e.g. "percent rule: 20% of clients acquired, at least 1".
    pub fn describe_rule(&self) -> String {
        let r = &self.rules;
        let mut s = match r.rule {
            RuleName::Percent => format!(
                "percent rule: {}% of clients acquired, at least {}",
                r.percent, r.minimum
            ),
            RuleName::Fixed => format!("fixed rule: {} per kind", r.fixed),
        };
        for (k, n) in &r.overrides {
            s.push_str(&format!("; {} {} (override)", n, kinds::by_rule(*k).plural));
        }
        s
    }
}

/// X for a number of clients acquired, in integers: `max(minimum, ceil(percent% * acquired))`
/// or `fixed`.
pub fn x_for(rules: &Rules, acquired: u64) -> u64 {
    match rules.rule {
        RuleName::Percent => {
            let scaled = rules.percent.saturating_mul(acquired);
            rules.minimum.max(scaled.div_ceil(100))
        }
        RuleName::Fixed => rules.fixed,
    }
}

/// Required count per kind for a partner (kinds not required are 0).
pub fn required(rules: &Rules, p: &Partner) -> (u64, PerKind) {
    let x = x_for(rules, p.clients.acquired);
    let mut req = PerKind::default();
    for &k in &rules.require {
        let xk = rules
            .overrides
            .iter()
            .find(|(o, _)| *o == k)
            .map_or(x, |(_, n)| *n);
        let cap = match k {
            Kind::Testimonials => Some(
                p.clients
                    .acquired
                    .saturating_sub(p.clients.refused_testimonial),
            ),
            Kind::ClientLogos => Some(p.clients.acquired.saturating_sub(p.clients.refused_logo)),
            _ => None,
        };
        req.set(k, cap.map_or(xk, |c| xk.min(c)));
    }
    (x, req)
}

fn in_year(d: Date, year: u16) -> bool {
    d.year == year
}

/// An item the rules may count, before its date and draft flag are checked.
struct Candidate {
    kind: Kind,
    /// How the text report names it when it counts.
    label: String,
    /// Where the report says it is when it does not.
    path: String,
    date: Date,
    draft: bool,
    /// A reason specific to the kind why it does not count (a post's topic).
    problem: Option<String>,
    /// Prefix of the reason for items that are not files (`client logo "X" `).
    what: String,
}

impl Candidate {
    /// An item that is a Markdown file of its own.
    fn file(kind: Kind, path: &std::path::Path, date: Date, draft: bool) -> Self {
        let path = display_path(path);
        Candidate {
            kind,
            label: path.clone(),
            path,
            date,
            draft,
            problem: None,
            what: String::new(),
        }
    }
}

/// The items of `p` the rules may count as `kind`; the kind's shape says where they are.
fn candidates(rules: &Rules, p: &Partner, kind: Kind, record_path: &str) -> Vec<Candidate> {
    let file = |path, date, draft| Candidate::file(kind, path, date, draft);
    match kinds::by_rule(kind).shape {
        Shape::CaseStudy => p
            .case_studies
            .iter()
            .map(|c| file(&c.path, c.date, c.draft))
            .collect(),
        Shape::Post => p
            .posts
            .iter()
            .map(|post| Candidate {
                problem: topic_problem(rules, post.topic.as_deref()),
                ..file(&post.path, post.date, post.draft)
            })
            .collect(),
        Shape::Testimonial => p
            .testimonials
            .iter()
            .map(|t| file(&t.path, t.date, t.draft))
            .collect(),
        Shape::ClientLogo => p
            .client_logos
            .iter()
            .map(|l| Candidate {
                kind,
                label: format!("{record_path} (client logo \"{}\")", l.client),
                path: record_path.to_string(),
                date: l.date,
                draft: false,
                problem: None,
                what: format!("client logo \"{}\" ", l.client),
            })
            .collect(),
        // Kinds no rule counts.
        Shape::Page | Shape::Decision => Vec::new(),
    }
}

/// Why a post does not count whatever its date: only posts on an approved topic do.
fn topic_problem(rules: &Rules, topic: Option<&str>) -> Option<String> {
    match topic {
        None => Some("no topic: only posts on an approved topic count".to_string()),
        Some(t) if !rules.approved_topics.iter().any(|a| a == t) => {
            Some(format!("topic \"{t}\" is not an approved topic"))
        }
        Some(_) => None,
    }
}

/// What counted and what was ignored, per kind.
#[derive(Default)]
struct Tally {
    counted: PerKind,
    ignored: Vec<Ignored>,
    counted_items: Vec<Counted>,
}

impl Tally {
    fn consider(&mut self, year: u16, c: Candidate) {
        let reason = if c.draft {
            Some("draft".to_string())
        } else if !in_year(c.date, year) {
            Some(format!("{}dated {}, outside {year}", c.what, c.date))
        } else {
            c.problem
        };
        match reason {
            None => {
                self.counted.set(c.kind, self.counted.get(c.kind) + 1);
                self.counted_items.push(Counted {
                    kind: c.kind,
                    label: c.label,
                });
            }
            // Items of other years are noise in the report unless they are this year's
            // drafts or were dated just outside: list them all, the editor decides.
            Some(reason) => self.ignored.push(Ignored {
                path: c.path,
                reason,
                kind: c.kind,
            }),
        }
    }
}

/// Evaluate one partner.
pub fn verdict(rules: &Rules, p: &Partner) -> Verdict {
    let record_path = display_path(&p.record_path);
    let exemption = rules.exemptions.iter().find(|e| e.id == p.slug);
    let (x, req) = required(rules, p);
    let mut tally = Tally::default();
    for kind in kinds::counted().filter_map(|k| k.rule) {
        if rules.require.contains(&kind) {
            for c in candidates(rules, p, kind, &record_path) {
                tally.consider(rules.year, c);
            }
        }
    }
    let mut missing = PerKind::default();
    for k in Kind::ALL {
        missing.set(k, req.get(k).saturating_sub(tally.counted.get(k)));
    }
    let status = if exemption.is_some() {
        Status::Exempt
    } else if missing.total() > 0 {
        Status::Missing
    } else {
        Status::Ok
    };
    Verdict {
        slug: p.slug.clone(),
        name: p.name.clone(),
        record_path,
        status,
        reason: exemption.map(|e| e.label.clone()),
        x,
        acquired: p.clients.acquired,
        required: req,
        counted: tally.counted,
        missing,
        ignored: tally.ignored,
        counted_items: tally.counted_items,
    }
}

/// Evaluate every published partner (drafts are not checked: they are not listed).
pub fn evaluate(site: &Site, rules: &Rules) -> Report {
    let mut warnings = Vec::new();
    if rules.require.contains(&Kind::Posts) && rules.approved_topics.is_empty() {
        warnings.push(
            Diagnostic::warning("site.toml", "[rules] has no approved_topics: no post counts toward the requirement")
                .hint("list the topics the Marketing Working Group approved, e.g. approved_topics = [\"accessibility\"]"),
        );
    }
    let verdicts = site
        .partners
        .iter()
        .filter(|p| !p.draft)
        .map(|p| verdict(rules, p))
        .collect();
    Report {
        year: rules.year,
        rule: rules.rule,
        rules: rules.clone(),
        verdicts,
        warnings,
    }
}

/// `missing 1 case study and 2 posts`.
pub fn missing_phrase(v: &Verdict) -> String {
    let parts: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| v.missing.get(**k) > 0)
        .map(|&k| kinds::by_rule(k).required(v.missing.get(k)))
        .collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Diagnostic code of missing required content.
pub const MISSING_CONTENT: &str = "missing-content";

/// One diagnostic per failing partner, pointing at its partner.toml.
pub fn diagnostics(report: &Report, as_warnings: bool) -> Vec<Diagnostic> {
    report
        .failing()
        .map(|v| {
            let msg = format!("{} is missing {} for {}", v.slug, missing_phrase(v), report.year);
            let d = if as_warnings { Diagnostic::warning(&v.record_path, msg) } else { Diagnostic::error(&v.record_path, msg) };
            d.at(1, 1)
                .code(MISSING_CONTENT)
                .hint(format!("add content dated in {}; `partnersite check --partner {}` lists what counted and what was ignored", report.year, v.slug))
        })
        .collect()
}

/// JSON output of `check --format json` (schema documented in the README).
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub year: Option<u16>,
    pub rule: Option<RuleName>,
    pub partners: BTreeMap<&'a str, &'a Verdict>,
    pub errors: Vec<JsonError>,
}

#[derive(Serialize)]
pub struct JsonError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The diagnostic's `= help:` line; `null` when it has none.
    pub help: Option<String>,
}

/// Per-partner contribution counts for `/program/contributions/`.
#[derive(Serialize)]
pub struct Contribution {
    pub slug: String,
    pub name: String,
    pub counted: PerKind,
    /// What the rule requires of the partner, per kind (0 for kinds not required).
    pub required: PerKind,
    /// `required - counted`, at least 0.
    pub missing: PerKind,
    /// The items missing, all kinds together.
    pub missing_total: u64,
    pub status: Status,
    /// The exemption's reason.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::OnMissing;

    fn rules(rule: RuleName) -> Rules {
        Rules {
            year: 2026,
            rule,
            percent: 20,
            minimum: 1,
            fixed: 1,
            require: Kind::ALL.to_vec(),
            approved_topics: vec!["accessibility".into()],
            on_missing: OnMissing::Fail,
            overrides: vec![],
            exemptions: vec![],
            publish_contributions: false,
        }
    }

    #[test]
    fn percent_rounding_table() {
        let r = rules(RuleName::Percent);
        for (acquired, x) in [
            (0, 1),
            (3, 1),
            (5, 1),
            (6, 2),
            (10, 2),
            (11, 3),
            (22, 5),
            (48, 10),
        ] {
            assert_eq!(x_for(&r, acquired), x, "acquired {acquired}");
        }
    }

    #[test]
    fn minimum_and_fixed() {
        let mut r = rules(RuleName::Percent);
        r.minimum = 3;
        assert_eq!(x_for(&r, 10), 3);
        assert_eq!(x_for(&r, 48), 10);
        r.minimum = 0;
        assert_eq!(x_for(&r, 0), 0);
        let mut f = rules(RuleName::Fixed);
        f.fixed = 4;
        assert_eq!(x_for(&f, 0), 4);
        assert_eq!(x_for(&f, 100), 4);
    }
}
