//! "Today" for a build that must stay deterministic: what decides whether a consultation
//! is still open and which partners a spotlight edition features.
//!
//! The reproducible-builds convention comes first: when `SOURCE_DATE_EPOCH` is set (Unix
//! seconds, UTC) its day is today. Otherwise today is the newest date found in the
//! content (items, program posts, decisions opened or decided), so the same commit always builds the same site; a
//! site with no dated content has no today ([`None`]).

use crate::content::Site;
use crate::date::Date;

/// Where [`today`] took its date from, for messages and the README's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The `SOURCE_DATE_EPOCH` environment variable.
    Epoch,
    /// The newest dated content.
    Content,
}

/// The site's today and where it came from. An unreadable `SOURCE_DATE_EPOCH` is an error
/// (a silent fallback would build a different site than the one asked for).
pub fn today(site: &Site) -> Result<Option<(Date, Source)>, String> {
    if let Some(raw) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let raw = raw.to_string_lossy();
        return from_epoch(&raw).map(|d| Some((d, Source::Epoch)));
    }
    Ok(newest_content(site).map(|d| (d, Source::Content)))
}

/// The UTC day of `raw` Unix seconds.
pub fn from_epoch(raw: &str) -> Result<Date, String> {
    let secs: i64 = raw.trim().parse().map_err(|_| {
        format!(
            "SOURCE_DATE_EPOCH is {:?}, not a number of seconds since 1970-01-01 UTC; \
             set it to e.g. `$(git log -1 --format=%ct)` or unset it",
            raw.chars().take(40).collect::<String>()
        )
    })?;
    Date::from_days(secs.div_euclid(86_400))
        .ok_or_else(|| format!("SOURCE_DATE_EPOCH {secs} is outside the years 0 to 9999"))
}

/// The newest date of any dated content: partners' items, program posts, and the days
/// decisions were opened or decided (not `closes`: a consultation's closing day is
/// usually still to come, and would make it closed by definition).
pub fn newest_content(site: &Site) -> Option<Date> {
    let items = site.partners.iter().flat_map(|p| {
        let cs = p.case_studies.iter().map(|c| c.date);
        let posts = p.posts.iter().map(|c| c.date);
        let ts = p.testimonials.iter().map(|c| c.date);
        cs.chain(posts).chain(ts)
    });
    let decisions = site
        .decisions
        .iter()
        .flat_map(|d| std::iter::once(d.opened).chain(d.decided));
    items
        .chain(site.blog.iter().map(|p| p.date))
        .chain(decisions)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_a_utc_day() {
        assert_eq!(from_epoch("0"), Ok(Date::new(1970, 1, 1).unwrap()));
        assert_eq!(
            from_epoch("1796169599"),
            Ok(Date::new(2026, 12, 1).unwrap())
        );
        assert_eq!(
            from_epoch(" 1796169600\n"),
            Ok(Date::new(2026, 12, 2).unwrap())
        );
        assert_eq!(from_epoch("-1"), Ok(Date::new(1969, 12, 31).unwrap()));
        assert!(
            from_epoch("yesterday")
                .unwrap_err()
                .contains("SOURCE_DATE_EPOCH")
        );
        assert!(from_epoch("99999999999999").is_err());
    }
}
