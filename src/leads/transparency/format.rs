//! How the report writes what the digest holds: labels for ids, percentages and
//! decimals, withheld cells, and CSV (formulas neutralised).

use crate::config::SiteConfig;
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

/// `0.4286` -> `42.9%` (half-up); `—` when there is no ratio.
pub(super) fn pct(r: Ratio) -> String {
    match r {
        Some(r) => {
            let tenths = (ten_thousandths(r) + 5) / 10;
            format!("{}.{}%", tenths / 10, tenths % 10)
        }
        None => "—".into(),
    }
}

/// `0.4286` -> `43%`.
pub(super) fn whole_pct(r: Ratio) -> Option<String> {
    r.map(|r| format!("{}%", (ten_thousandths(r) + 50) / 100))
}

/// `12.3456` -> `12.3`.
pub(super) fn one_decimal(r: Ratio) -> String {
    match r {
        Some(r) => {
            let tenths = (ten_thousandths(r) + 500) / 1000;
            format!("{}.{}", tenths / 10, tenths % 10)
        }
        None => "—".into(),
    }
}

/// A ratio in CSV: 4 decimals, empty when there is none.
pub(super) fn dec(r: Ratio) -> String {
    r.map_or_else(String::new, |r| format!("{r:.4}"))
}

/// A cell on the page: the count, or `withheld` ("< 5").
pub(super) fn cell(c: Cell, withheld: &str) -> String {
    c.map_or_else(|| withheld.to_string(), |n| n.to_string())
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
        assert_eq!(pct(Some(0.4286)), "42.9%");
        assert_eq!(pct(Some(0.1235)), "12.4%");
        assert_eq!(pct(Some(1.0)), "100.0%");
        assert_eq!(pct(None), "—");
        assert_eq!(whole_pct(Some(0.425)).as_deref(), Some("43%"));
        assert_eq!(whole_pct(Some(0.4249)).as_deref(), Some("42%"));
        assert_eq!(one_decimal(Some(12.25)), "12.3");
        assert_eq!(dec(Some(0.5)), "0.5000");
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
