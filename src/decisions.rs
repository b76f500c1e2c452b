//! Program decisions against "today" ([`crate::today`]): which consultations are still
//! open, the order of the `/decisions/` groups, and `check`'s warning for a
//! consultation whose closing day has passed without a decision.

use crate::content::{Decision, DecisionStatus, Site};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::today::{self, Source};

/// Where a decision stands on a given day: its status, with a consultation split into
/// open and closed (awaiting a decision). The order of the variants is the order of the
/// groups of `/decisions/`: what partners can still act on first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// A consultation on or before its `closes` day: partners can comment.
    Open,
    /// A consultation past its `closes` day, not decided yet.
    Awaiting,
    Proposed,
    Decided,
    Withdrawn,
}

impl Stage {
    /// The stage of `d` on `today` (no today: every consultation is open).
    pub fn of(d: &Decision, today: Option<Date>) -> Stage {
        match d.status {
            DecisionStatus::Consultation if d.awaiting_decision(today) => Stage::Awaiting,
            DecisionStatus::Consultation => Stage::Open,
            DecisionStatus::Proposed => Stage::Proposed,
            DecisionStatus::Decided => Stage::Decided,
            DecisionStatus::Withdrawn => Stage::Withdrawn,
        }
    }

    /// Every stage, in listing order.
    pub const ALL: [Stage; 5] = [
        Stage::Open,
        Stage::Awaiting,
        Stage::Proposed,
        Stage::Decided,
        Stage::Withdrawn,
    ];

    /// Its id in templates and CSS classes (`status-open`).
    pub fn id(self) -> &'static str {
        match self {
            Stage::Open => "open",
            Stage::Awaiting => "awaiting",
            Stage::Proposed => "proposed",
            Stage::Decided => "decided",
            Stage::Withdrawn => "withdrawn",
        }
    }

    /// The badge of one decision.
    pub fn badge(self) -> &'static str {
        match self {
            Stage::Open => "Open for comments",
            Stage::Awaiting => "Closed, awaiting decision",
            Stage::Proposed => "Proposed",
            Stage::Decided => "Decided",
            Stage::Withdrawn => "Withdrawn",
        }
    }

    /// The heading of its group on `/decisions/`.
    pub fn heading(self) -> &'static str {
        match self {
            Stage::Open => "Open consultations",
            Stage::Awaiting => "Closed, awaiting decision",
            Stage::Proposed => "Proposed",
            Stage::Decided => "Decided",
            Stage::Withdrawn => "Withdrawn",
        }
    }
}

/// The site's today for its decisions: `None` when the site has none (nothing depends
/// on it), an error when `SOURCE_DATE_EPOCH` cannot be read.
pub fn today_of(site: &Site) -> Result<Option<(Date, Source)>, Diagnostic> {
    if site.decisions.is_empty() {
        return Ok(None);
    }
    today::today(site).map_err(|message| {
        Diagnostic::error("SOURCE_DATE_EPOCH", message)
            .hint("it decides which consultations are still open (see the README, \"Decisions and consultations\")")
    })
}

/// A warning for each consultation whose `closes` day is before today: it shows as
/// "closed, awaiting decision" until its status changes. Warnings never fail a build.
pub fn warnings(site: &Site, today: Option<(Date, Source)>) -> Diagnostics {
    let mut out = Diagnostics::default();
    let Some((day, source)) = today else {
        return out;
    };
    let from = match source {
        Source::Epoch => "from SOURCE_DATE_EPOCH",
        Source::Content => "the newest dated content",
    };
    for d in site
        .decisions
        .iter()
        .filter(|d| d.awaiting_decision(Some(day)))
    {
        let closes = d.closes.map(|c| c.to_string()).unwrap_or_default();
        let (line, col) = d.closes_at;
        out.push(
            Diagnostic::warning(
                &d.path,
                format!(
                    "the consultation closed on {closes}, before today ({day}, {from}): \
                     it shows as \"closed, awaiting decision\""
                ),
            )
            .at(line, col)
            .hint(
                "once decided, set `status = \"decided\"` with `decided` and `outcome`; \
                 to keep it open, move `closes` later",
            ),
        );
    }
    out
}
