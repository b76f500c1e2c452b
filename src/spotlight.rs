//! The spotlight for smaller companies (`[spotlight]`): which partners and items this
//! week's edition features. Fair and deterministic, from the build's "today"
//! ([`crate::today`]) alone:
//!
//! - an **edition** is the ISO week of today ([`crate::week`]);
//! - the **eligible** partners are the published partners whose `company_size` is one of
//!   `[spotlight] company_sizes` and that have a case study or a post dated in the
//!   [`RECENT_DAYS`] days up to today, sorted by slug;
//! - edition number `e` (weeks since 2024-W01) features the `count` eligible partners
//!   from position `e × count` on, wrapping around: see [`rotation`]. Over any run of
//!   consecutive editions the positions featured are consecutive too, so with a fixed
//!   eligible set every partner is featured either ⌊m⌋ or ⌈m⌉ times, m being the mean;
//! - each featured partner shows its newest recent item.

use crate::config::Spotlight;
use crate::content::{CaseStudy, Partner, Post, Site};
use crate::date::Date;
use crate::week::IsoWeek;

/// How far back "recent" goes: an item counts when dated at most this many days before
/// today (and not after today).
pub const RECENT_DAYS: i64 = 365;

/// A featured item: a case study or a post of the partner.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    CaseStudy(&'a CaseStudy),
    Post(&'a Post),
}

impl Item<'_> {
    pub fn date(&self) -> Date {
        match self {
            Item::CaseStudy(c) => c.date,
            Item::Post(p) => p.date,
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            Item::CaseStudy(c) => &c.slug,
            Item::Post(p) => &p.slug,
        }
    }
}

/// A partner this edition features, with the item shown.
#[derive(Debug, Clone, Copy)]
pub struct Featured<'a> {
    pub partner: &'a Partner,
    pub item: Item<'a>,
}

/// This week's edition.
#[derive(Debug, Clone)]
pub struct Edition<'a> {
    /// The day the edition was computed for; `None` for a site without dated content.
    pub today: Option<Date>,
    /// The ISO week of `today`.
    pub week: Option<IsoWeek>,
    /// The eligible partners, by slug.
    pub eligible: Vec<&'a Partner>,
    /// The featured partners, newest item first (ties by slug).
    pub featured: Vec<Featured<'a>>,
}

/// The positions (into the `n` eligible partners sorted by slug) that edition `index`
/// features: `min(count, n)` consecutive positions from `index × count` (mod `n`). Within
/// an edition they are all different; edition after edition they continue where the last
/// one stopped, so the partners take turns in slug order.
pub fn rotation(n: usize, count: usize, index: i64) -> Vec<usize> {
    let (Ok(n_wide), Ok(count_wide)) = (i128::try_from(n), i128::try_from(count)) else {
        return Vec::new();
    };
    if n == 0 {
        return Vec::new();
    }
    let start = (i128::from(index) * count_wide).rem_euclid(n_wide);
    let start = usize::try_from(start).unwrap_or(0);
    (0..count.min(n)).map(|j| (start + j) % n).collect()
}

/// The partner's newest case study or post dated within [`RECENT_DAYS`] up to `today`
/// (drafts never count; a case study wins a tie with a post, then the smaller slug).
pub fn newest_recent<'a>(partner: &'a Partner, today: Date) -> Option<Item<'a>> {
    let recent = |d: Date| d <= today && d.days() >= today.days() - RECENT_DAYS;
    let cases = partner
        .case_studies
        .iter()
        .filter(|c| !c.draft)
        .map(Item::CaseStudy);
    let posts = partner.posts.iter().filter(|p| !p.draft).map(Item::Post);
    cases
        .chain(posts)
        .filter(|i| recent(i.date()))
        .enumerate()
        .max_by(|(ia, a), (ib, b)| {
            a.date()
                .cmp(&b.date())
                .then_with(|| matches!(a, Item::CaseStudy(_)).cmp(&matches!(b, Item::CaseStudy(_))))
                .then_with(|| b.slug().cmp(a.slug()))
                .then_with(|| ib.cmp(ia))
        })
        .map(|(_, item)| item)
}

/// The edition of `today` (`None`: no dated content, so nothing is featured).
pub fn edition<'a>(site: &'a Site, spotlight: &Spotlight, today: Option<Date>) -> Edition<'a> {
    let Some(today) = today else {
        return Edition {
            today: None,
            week: None,
            eligible: Vec::new(),
            featured: Vec::new(),
        };
    };
    let mut eligible: Vec<(&Partner, Item)> = site
        .partners
        .iter()
        .filter(|p| !p.draft)
        .filter(|p| {
            p.company_size
                .as_ref()
                .is_some_and(|s| spotlight.company_sizes.contains(s))
        })
        .filter_map(|p| newest_recent(p, today).map(|item| (p, item)))
        .collect();
    eligible.sort_by(|(a, _), (b, _)| a.slug.cmp(&b.slug));
    let week = IsoWeek::of(today);
    let mut featured: Vec<Featured> = rotation(eligible.len(), spotlight.count, week.index())
        .into_iter()
        .filter_map(|i| eligible.get(i))
        .map(|&(partner, item)| Featured { partner, item })
        .collect();
    featured.sort_by(|a, b| {
        b.item
            .date()
            .cmp(&a.item.date())
            .then_with(|| a.partner.slug.cmp(&b.partner.slug))
    });
    Edition {
        today: Some(today),
        week: Some(week),
        eligible: eligible.into_iter().map(|(p, _)| p).collect(),
        featured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Monday from `from` for `weeks` weeks, as editions.
    fn editions(from: Date, weeks: i64) -> Vec<IsoWeek> {
        let first = IsoWeek::of(from);
        (0..weeks).map(|i| first.plus(i)).collect()
    }

    #[test]
    fn an_edition_features_different_partners() {
        assert_eq!(rotation(5, 3, 0), [0, 1, 2]);
        assert_eq!(rotation(5, 3, 1), [3, 4, 0]);
        assert_eq!(rotation(5, 3, 2), [1, 2, 3]);
        assert_eq!(rotation(5, 3, -1), [2, 3, 4]);
        assert_eq!(rotation(2, 3, 7), [1, 0]);
        assert_eq!(rotation(3, 3, 7), [0, 1, 2]);
        assert_eq!(rotation(0, 3, 7), Vec::<usize>::new());
        assert_eq!(rotation(1, 1, i64::MIN), [0]);
        assert_eq!(rotation(7, 12, i64::MAX).len(), 7);
    }

    /// Over every run of 52 consecutive editions starting between 2025-W40 and 2027-W10
    /// (so across 2025→2026, 2026-W53 and 2026→2027), each of `n` partners is featured
    /// within one of the mean, never twice in one edition.
    #[test]
    fn over_any_52_editions_each_partner_is_featured_within_one_of_the_mean() {
        let start = Date::new(2025, 9, 29).unwrap();
        let weeks = editions(start, 52 + 75);
        assert!(weeks.iter().any(|w| w.year == 2026 && w.week == 53));
        assert_eq!(weeks.first().map(|w| w.to_string()).unwrap(), "2025-W40");
        for n in [
            1, 2, 3, 4, 5, 7, 8, 10, 13, 17, 26, 40, 51, 52, 53, 60, 104, 105,
        ] {
            for count in 1..=12 {
                for window in weeks.windows(52) {
                    let mut times = vec![0usize; n];
                    for week in window {
                        let picked = rotation(n, count, week.index());
                        assert_eq!(picked.len(), count.min(n));
                        let mut distinct = picked.clone();
                        distinct.sort_unstable();
                        distinct.dedup();
                        assert_eq!(distinct.len(), picked.len(), "n {n} count {count} {week}");
                        for i in picked {
                            times[i] += 1;
                        }
                    }
                    let mean = (52 * count.min(n)) as f64 / n as f64;
                    for (i, t) in times.iter().enumerate() {
                        assert!(
                            (*t as f64 - mean).abs() < 1.0,
                            "n {n} count {count} from {}: partner {i} featured {t} times, mean {mean}",
                            window[0]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn consecutive_editions_across_week_53_continue_the_turn() {
        // 2026-W53 (Monday 2026-12-28) is followed by 2027-W01: no edition is skipped or
        // repeated, so the turn goes on with the next partners.
        let w53 = IsoWeek::of(Date::new(2026, 12, 31).unwrap());
        let next = IsoWeek::of(Date::new(2027, 1, 4).unwrap());
        assert_eq!(w53.to_string(), "2026-W53");
        assert_eq!(next.index(), w53.index() + 1);
        let a = rotation(7, 3, w53.index());
        let b = rotation(7, 3, next.index());
        assert_eq!(b.first().copied(), a.last().map(|i| (i + 1) % 7));
    }
}
