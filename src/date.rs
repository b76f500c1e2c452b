//! Calendar dates as written in TOML (`2026-03-14`): validated, ordered, printed ISO-style.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar date without time or zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD` exactly.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        Date::new(
            u16::try_from(num(0..4)?).ok()?,
            u8::try_from(num(5..7)?).ok()?,
            u8::try_from(num(8..10)?).ok()?,
        )
    }

    /// Days since 1970-01-01 (negative before it), the proleptic Gregorian calendar.
    pub fn days(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`None` outside years 0..=9999).
    pub fn from_days(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok().filter(|y| *y <= 9999)?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// `2026-Q1`.
    pub fn quarter(&self) -> String {
        format!("{}-Q{}", self.year, (self.month - 1) / 3 + 1)
    }
}

/// Advice that leads straight to a valid value for a date written another way
/// (`14/03/2026`, `"2026-03-14"`, `2026-3-14`), as found in the file (quotes included);
/// `None` when `raw` does not look like a date or names no calendar day.
pub fn advice(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let inner = ["\"", "'"]
        .iter()
        .find_map(|q| raw.strip_prefix(q).and_then(|r| r.strip_suffix(q)));
    let quoted = inner.is_some();
    let value = inner.unwrap_or(raw).trim();
    if quoted && Date::parse(value).is_some() {
        return Some(format!("remove the quotes: {value}"));
    }
    let sep = value.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = value.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| -> Option<u16> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (na, nb, nc) = (num(a)?, num(b)?, num(c)?);
    let date = |y: u16, m: u16, d: u16| Date::new(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    let form = "(YYYY-MM-DD, without quotes)";
    if a.len() == 4 {
        let d = date(na, nb, nc)?;
        return Some(if sep == '-' {
            format!("write the date zero-padded: {d} {form}")
        } else {
            format!("write the date as {d} {form}")
        });
    }
    if c.len() != 4 {
        return None;
    }
    // Day first (14/03/2026) or month first (03/14/2026): the numbers decide when one
    // of them cannot be a month; else both readings are offered.
    match (date(nc, nb, na), date(nc, na, nb)) {
        (Some(d), Some(m)) if d != m => Some(format!(
            "write the date as {d} or {m} {form}, whichever you mean"
        )),
        (Some(d), _) | (None, Some(d)) => Some(format!("write the date as {d} {form}")),
        (None, None) => None,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(d)
            .map_err(|_| D::Error::custom("expected a date like 2026-03-14 (without quotes)"))?;
        match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => Date::new(date.year, date.month, date.day)
                .ok_or_else(|| D::Error::custom(format!("{date} is not a valid calendar date"))),
            _ => Err(D::Error::custom(format!(
                "expected a date like 2026-03-14, found `{dt}` (write only the date)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(d(1970, 1, 1).days(), 0);
        assert_eq!(d(2000, 3, 1).days(), 11_017);
        assert_eq!(d(2026, 12, 2).days(), 20_789);
        assert_eq!(d(1969, 12, 31).days(), -1);
        for n in (-719_000..2_900_000).step_by(997) {
            assert_eq!(Date::from_days(n).unwrap().days(), n);
        }
        assert_eq!(
            Date::from_days(d(2024, 2, 29).days() + 1),
            Some(d(2024, 3, 1))
        );
        assert_eq!(Date::from_days(3_000_000), None);
    }

    #[test]
    fn validates_calendar() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2026, 2, 29).is_none());
        assert!(Date::new(2026, 13, 1).is_none());
        assert_eq!(Date::parse("2026-03-14"), Date::new(2026, 3, 14));
        assert_eq!(Date::parse("2026-3-14"), None);
    }

    #[test]
    fn advice_leads_to_a_valid_value() {
        let form = "(YYYY-MM-DD, without quotes)";
        assert_eq!(
            advice("14/03/2026").unwrap(),
            format!("write the date as 2026-03-14 {form}")
        );
        assert_eq!(
            advice("03/14/2026").unwrap(),
            format!("write the date as 2026-03-14 {form}")
        );
        assert_eq!(
            advice("04/03/2026").unwrap(),
            format!("write the date as 2026-03-04 or 2026-04-03 {form}, whichever you mean")
        );
        assert_eq!(
            advice("\"2026-03-14\"").unwrap(),
            "remove the quotes: 2026-03-14"
        );
        assert_eq!(
            advice("2026-3-14").unwrap(),
            format!("write the date zero-padded: 2026-03-14 {form}")
        );
        assert_eq!(
            advice("'14.3.2026'").unwrap(),
            format!("write the date as 2026-03-14 {form}")
        );
        assert_eq!(advice("31/02/2026"), None);
        assert_eq!(advice("1.2.3"), None);
        assert_eq!(advice("\"hello\""), None);
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(
            Date::new(2026, 11, 2).map(|d| d.quarter()).as_deref(),
            Some("2026-Q4")
        );
    }
}
