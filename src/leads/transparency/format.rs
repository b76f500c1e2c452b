//! How the report writes what the digest holds: labels for ids, percentages and
//! decimals, withheld cells, and CSV (formulas neutralised).

use crate::config::SiteConfig;
use crate::date::Date;
use crate::facets::{self, FacetDef};
use crate::leads::{Cell, Ratio, UNSPECIFIED};

/// A region's label from site.toml; `Unspecified` for leads in no region.
pub(super) fn region_label(c: &SiteConfig, id: &str) -> String {
    if id == UNSPECIFIED {
        return "Unspecified".into();
    }
    facets::REGION.label_of(c, id)
}

/// A country's English name; the code itself when it has none.
pub(super) fn country_label(c: &SiteConfig, code: &str) -> String {
    if code == UNSPECIFIED {
        return "Not specified".into();
    }
    facets::COUNTRY.label_of(c, code)
}

/// The facet a partner-attribute table counts by (`PartnerAttributes::tables`), by its
/// key; `None` for the partner's headquarters region, which is no facet.
fn attribute_facet(key: &str) -> Option<&'static FacetDef> {
    facets::FACETS.iter().find(|f| f.key == key)
}

/// The heading of a partner-attribute table: its facet's label.
pub(super) fn attribute_title(key: &str) -> &'static str {
    attribute_facet(key).map_or("Headquarters region", |f| f.label)
}

/// A partner-attribute value's label from its facet's vocabulary.
pub(super) fn attribute_label(c: &SiteConfig, key: &str, id: &str) -> String {
    if id == UNSPECIFIED {
        return "Not specified".into();
    }
    match attribute_facet(key) {
        Some(facet) => facet.label_of(c, id),
        None => region_label(c, id),
    }
}

/// A category value's display label: the vocabulary's label for a declared id.
pub(super) fn category_label(declared: Option<&crate::config::Category>, value: &str) -> String {
    if let Some(label) = declared.and_then(|d| d.label(value)) {
        return label.to_string();
    }
    match value {
        UNSPECIFIED => "Not specified".into(),
        crate::config::OTHER => "Other".into(),
        _ => value.to_string(),
    }
}

/// `market_segment` -> `Market segment`.
pub(super) fn humanize(name: &str) -> String {
    let s = name.replace(['_', '-'], " ");
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// The integer k of a ratio `k / 10000` (ratios are stored rounded to 4 decimals).
fn ten_thousandths(r: f64) -> u64 {
    (r * 10_000.0).round().max(0.0) as u64
}

/// How the page writes numbers, from the site's `language`: the digit group separator
/// and the decimal mark. Every count, percentage and decimal on the report and the
/// profile panels goes through one of these, so they all follow one rule:
///
/// - counts have a separator every three digits (`1,234`; `1.234` in German, `1 234`
///   with a narrow no-break space in French; `1,234` for a language not listed);
/// - a percentage is the ratio published in leads.json (4 decimals, rounded half-up from
///   the counts) times 100, rounded half-up to one decimal: `0.4286` -> `42.9%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Numbers {
    group: &'static str,
    decimal: char,
}

impl Numbers {
    /// The conventions of a BCP 47 language tag (`en`, `de-CH`, `pt-BR`): its primary
    /// subtag decides; unknown ones get `1,234.5`.
    pub(crate) fn for_language(tag: &str) -> Numbers {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let (group, decimal) = match primary.to_ascii_lowercase().as_str() {
            "de" | "es" | "it" | "nl" | "pt" | "id" | "tr" | "da" | "el" | "ro" | "hr" | "sl"
            | "sr" | "vi" => (".", ','),
            "fr" | "sv" | "nb" | "nn" | "no" | "fi" | "pl" | "cs" | "sk" | "ru" | "uk" | "hu"
            | "bg" | "lt" | "lv" | "et" => ("\u{202f}", ','),
            _ => (",", '.'),
        };
        Numbers { group, decimal }
    }

    /// `1234567` -> `1,234,567`.
    pub(crate) fn count(&self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(self.group);
            }
            out.push(c);
        }
        out
    }

    /// `0.4286` -> `42.9%` (half-up, see [`Numbers`]); `—` when there is no ratio.
    pub(crate) fn pct(&self, r: Ratio) -> String {
        match r {
            Some(r) => {
                let tenths = (ten_thousandths(r) + 5) / 10;
                format!(
                    "{}{}{}%",
                    self.count(tenths / 10),
                    self.decimal,
                    tenths % 10
                )
            }
            None => "—".into(),
        }
    }

    /// `12.3456` -> `12.3` (half-up from the 4 decimals).
    pub(crate) fn one_decimal(&self, r: Ratio) -> String {
        match r {
            Some(r) => {
                let tenths = (ten_thousandths(r) + 500) / 1000;
                format!("{}{}{}", self.count(tenths / 10), self.decimal, tenths % 10)
            }
            None => "—".into(),
        }
    }

    /// A ratio with its 4 decimals (the Gini coefficient): `0.2345` -> `0.2345`.
    pub(crate) fn ratio(&self, r: Ratio) -> String {
        match r {
            Some(r) => {
                let k = ten_thousandths(r);
                format!("{}{}{:04}", k / 10_000, self.decimal, k % 10_000)
            }
            None => "—".into(),
        }
    }

    /// A cell on the page: the count, or `withheld` ("< 5").
    pub(crate) fn cell(&self, c: Cell, withheld: &str) -> String {
        c.map_or_else(|| withheld.to_string(), |n| self.count(n))
    }
}

/// English month abbreviations, for the period.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn day_month(d: Date) -> String {
    let m = MONTHS
        .get(usize::from(d.month.saturating_sub(1)))
        .unwrap_or(&"");
    format!("{} {m}", d.day)
}

/// `10 Nov 2026`.
pub(crate) fn long_date(d: Date) -> String {
    format!("{} {}", day_month(d), d.year)
}

/// The report's period as people write it: `1 Jan – 30 Jun 2026`, or `1 Jan 2025 – 30 Jun
/// 2026` across years.
pub(crate) fn period(from: Date, to: Date) -> String {
    if from.year == to.year {
        format!("{} – {} {}", day_month(from), day_month(to), to.year)
    } else {
        format!(
            "{} {} – {} {}",
            day_month(from),
            from.year,
            day_month(to),
            to.year
        )
    }
}

/// `2026-Q1` -> `Q1 2026`.
pub(super) fn quarter_label(key: &str) -> String {
    match key.split_once("-Q") {
        Some((year, q)) => format!("Q{q} {year}"),
        None => key.to_string(),
    }
}

/// A ratio in CSV: 4 decimals, empty when there is none.
pub(super) fn dec(r: Ratio) -> String {
    r.map_or_else(String::new, |r| format!("{r:.4}"))
}

/// A cell in CSV: the count, or empty when withheld.
pub(super) fn csv_cell(c: Cell) -> String {
    c.map_or_else(String::new, |n| n.to_string())
}

/// A cell that a spreadsheet would run as a formula gets a leading apostrophe.
fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// RFC 4180 CSV (quotes where needed, `\n` line ends), formulas neutralised.
pub(super) fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| neutralise(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up() {
        let en = Numbers::for_language("en");
        assert_eq!(en.pct(Some(0.4286)), "42.9%");
        assert_eq!(en.pct(Some(0.1235)), "12.4%");
        assert_eq!(en.pct(Some(1.0)), "100.0%");
        assert_eq!(en.pct(None), "—");
        assert_eq!(en.one_decimal(Some(12.25)), "12.3");
        assert_eq!(en.one_decimal(Some(1234.5)), "1,234.5");
        assert_eq!(en.ratio(Some(0.05)), "0.0500");
        assert_eq!(dec(Some(0.5)), "0.5000");
        let de = Numbers::for_language("de-CH");
        assert_eq!(de.pct(Some(0.4286)), "42,9%");
    }

    #[test]
    fn counts_have_group_separators() {
        let en = Numbers::for_language("en");
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(en.count(n), s);
        }
        assert_eq!(Numbers::for_language("xx").count(12_345), "12,345");
        assert_eq!(Numbers::for_language("de").count(12_345), "12.345");
        assert_eq!(Numbers::for_language("fr").count(12_345), "12\u{202f}345");
        assert_eq!(en.cell(None, "< 5"), "< 5");
        assert_eq!(en.cell(Some(3200), "< 5"), "3,200");
    }

    #[test]
    fn periods_and_quarters_read_as_words() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(
            period(d("2026-01-01"), d("2026-06-30")),
            "1 Jan – 30 Jun 2026"
        );
        assert_eq!(
            period(d("2025-01-01"), d("2026-06-30")),
            "1 Jan 2025 – 30 Jun 2026"
        );
        assert_eq!(quarter_label("2026-Q1"), "Q1 2026");
    }

    #[test]
    fn csv_neutralises_formulas() {
        let out = csv_bytes(
            &["a", "b"],
            [
                vec!["=1+1".to_string(), "x, \"y\"".to_string()],
                vec!["@SUM(A1)".into(), "-2".into()],
            ]
            .into_iter(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\n'=1+1,\"x, \"\"y\"\"\"\n'@SUM(A1),'-2\n"
        );
    }

    #[test]
    fn humanizes_names() {
        assert_eq!(humanize("market_segment"), "Market segment");
        assert_eq!(humanize("budget"), "Budget");
    }
}
