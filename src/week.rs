//! ISO 8601 weeks (`2026-W53`): the week-numbering year and week of a date, the Monday a
//! week starts on, and the number of consecutive weeks since a fixed week. A spotlight
//! edition is one ISO week ([`crate::spotlight`]).
//!
//! An ISO week runs Monday to Sunday and belongs to the year of its Thursday, so week 1 is
//! the week holding the year's first Thursday (equivalently, January 4th), and a year has
//! 53 weeks when it starts on a Thursday, or on a Wednesday in a leap year (2020, 2026).

use crate::date::Date;
use std::fmt;

/// One ISO week: its week-numbering year and its number (1 to 52 or 53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    /// The ISO week-numbering year (the year of the week's Thursday); it differs from the
    /// calendar year in the days around January 1st.
    pub year: i32,
    pub week: u8,
    /// Days since 1970-01-01 of the week's Monday.
    monday: i64,
}

/// The Monday of the week [`IsoWeek::index`] counts from: 2024-01-01, the Monday of
/// `2024-W01` (days since 1970-01-01).
pub const EPOCH_MONDAY: i64 = 19_723;

/// Day of the week of a day number, Monday = 1 to Sunday = 7 (1970-01-01 was a Thursday).
pub fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7) + 1
}

/// Days since 1970-01-01 of January 1st of any proleptic Gregorian year.
fn jan1(year: i64) -> i64 {
    // Howard Hinnant's days_from_civil for month 1, day 1 (January counts in the year
    // before, as month 11 of a year that starts in March).
    let y = year - 1;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + 306;
    era * 146_097 + doe - 719_468
}

/// The Monday of week 1 of ISO year `year`: the Monday on or before January 4th.
fn week1_monday(year: i64) -> i64 {
    let jan4 = jan1(year) + 3;
    jan4 - (weekday(jan4) - 1)
}

/// How many ISO weeks year `year` has (52 or 53).
pub fn weeks_in_year(year: i32) -> u8 {
    let y = i64::from(year);
    let weeks = (week1_monday(y + 1) - week1_monday(y)) / 7;
    if weeks == 53 { 53 } else { 52 }
}

impl IsoWeek {
    /// The week holding `date`.
    pub fn of(date: Date) -> IsoWeek {
        IsoWeek::of_days(date.days())
    }

    /// The week holding the day `days` after 1970-01-01.
    pub fn of_days(days: i64) -> IsoWeek {
        let monday = days - (weekday(days) - 1);
        let thursday = monday + 3;
        // The Thursday is at most 3 days from `days`: its year is one of three.
        let civil = i64::from(Date::from_days(days).map_or(1970, |d| d.year));
        let year = if thursday >= jan1(civil + 1) {
            civil + 1
        } else if thursday < jan1(civil) {
            civil - 1
        } else {
            civil
        };
        let week = (monday - week1_monday(year)) / 7 + 1;
        IsoWeek {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            week: u8::try_from(week).unwrap_or(u8::MAX),
            monday,
        }
    }

    /// The week's Monday, as days since 1970-01-01.
    pub fn monday_days(&self) -> i64 {
        self.monday
    }

    /// The week's Monday and Sunday (`None` outside the years 0 to 9999).
    pub fn dates(&self) -> Option<(Date, Date)> {
        Some((
            Date::from_days(self.monday)?,
            Date::from_days(self.monday + 6)?,
        ))
    }

    /// The number of weeks since `2024-W01` ([`EPOCH_MONDAY`]), negative before it:
    /// consecutive weeks have consecutive indexes, across years of 52 or 53 weeks.
    pub fn index(&self) -> i64 {
        (self.monday - EPOCH_MONDAY).div_euclid(7)
    }

    /// The week `n` weeks after this one (before it when negative).
    pub fn plus(&self, n: i64) -> IsoWeek {
        IsoWeek::of_days(self.monday + 7 * n)
    }
}

impl fmt::Display for IsoWeek {
    /// `2026-W05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn w(y: u16, m: u8, day: u8) -> String {
        IsoWeek::of(d(y, m, day)).to_string()
    }

    #[test]
    fn known_weeks() {
        // Values from Python's date.isocalendar().
        assert_eq!(w(2026, 12, 2), "2026-W49");
        assert_eq!(w(2026, 1, 1), "2026-W01");
        assert_eq!(w(2025, 12, 29), "2026-W01");
        assert_eq!(w(2026, 12, 28), "2026-W53");
        assert_eq!(w(2026, 12, 31), "2026-W53");
        assert_eq!(w(2027, 1, 3), "2026-W53");
        assert_eq!(w(2027, 1, 4), "2027-W01");
        assert_eq!(w(2024, 12, 30), "2025-W01");
        assert_eq!(w(2021, 1, 3), "2020-W53");
        assert_eq!(w(2005, 1, 1), "2004-W53");
        assert_eq!(w(2005, 1, 3), "2005-W01");
        assert_eq!(w(2008, 12, 29), "2009-W01");
        assert_eq!(w(2010, 1, 3), "2009-W53");
        assert_eq!(w(2016, 1, 3), "2015-W53");
        assert_eq!(w(2023, 1, 1), "2022-W52");
        assert_eq!(w(2024, 1, 1), "2024-W01");
        assert_eq!(w(1970, 1, 1), "1970-W01");
        assert_eq!(w(2000, 2, 29), "2000-W09");
        assert_eq!(w(9999, 12, 31), "9999-W52");
        let first = IsoWeek::of(d(0, 1, 1));
        assert_eq!((first.year, first.week), (-1, 52));
        assert_eq!(IsoWeek::of(d(2024, 1, 1)).index(), 0);
        assert_eq!(IsoWeek::of(d(2024, 1, 7)).index(), 0);
        assert_eq!(IsoWeek::of(d(2023, 12, 31)).index(), -1);
        assert_eq!(d(2024, 1, 1).days(), EPOCH_MONDAY);
    }

    #[test]
    fn years_with_53_weeks() {
        let long: Vec<i32> = (2000..=2040).filter(|&y| weeks_in_year(y) == 53).collect();
        assert_eq!(long, [2004, 2009, 2015, 2020, 2026, 2032, 2037]);
    }

    #[test]
    fn every_day_is_in_one_week_and_weeks_follow_each_other() {
        let (start, end) = (d(1990, 1, 1).days(), d(2100, 12, 31).days());
        let mut prev = IsoWeek::of_days(start - 1);
        for days in start..=end {
            let week = IsoWeek::of_days(days);
            assert!(
                (1..=weeks_in_year(week.year)).contains(&week.week),
                "{week}"
            );
            assert_eq!(weekday(week.monday_days()), 1);
            assert!((0..7).contains(&(days - week.monday_days())));
            if weekday(days) == 1 {
                assert_eq!(week.index(), prev.index() + 1, "{prev} -> {week}");
                let next = if prev.week == weeks_in_year(prev.year) {
                    (prev.year + 1, 1)
                } else {
                    (prev.year, prev.week + 1)
                };
                assert_eq!((week.year, week.week), next, "{prev} -> {week}");
                assert_eq!(prev.plus(1), week);
                assert_eq!(week.plus(-1), prev);
            } else {
                assert_eq!(week, prev);
            }
            // The week's Thursday is in its year.
            let thursday = Date::from_days(week.monday_days() + 3).unwrap();
            assert_eq!(i32::from(thursday.year), week.year);
            prev = week;
        }
    }

    #[test]
    fn the_dates_of_a_week() {
        let week = IsoWeek::of(d(2027, 1, 1));
        assert_eq!(week.dates(), Some((d(2026, 12, 28), d(2027, 1, 3))));
    }
}
