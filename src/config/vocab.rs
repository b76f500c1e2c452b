//! The `id = "label"` tables of site.toml (tiers, services, topics, ...) and the
//! `[regions.<id>]` tables: their ordered types, and the checks of their ids, labels and
//! country codes.

use super::{SITE_FILE, error_at};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::iso;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use toml::Spanned;

/// True for `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An ordered `id = "label"` table. Order is display order.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub entries: Vec<VocabEntry>,
}

#[derive(Debug, Clone)]
pub struct VocabEntry {
    pub id: String,
    pub label: String,
    /// Byte span of the id in site.toml (for error positions).
    pub span: std::ops::Range<usize>,
}

impl Vocab {
    pub fn label(&self, id: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.label.as_str())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.entries.iter().map(|e| e.id.as_str())
    }
}

impl<'de> Deserialize<'de> for Vocab {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vocab;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of `id = \"label\"` entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vocab, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, label)) = map.next_entry::<Spanned<String>, String>()? {
                    let span = key.span();
                    entries.push(VocabEntry {
                        id: key.into_inner(),
                        label,
                        span,
                    });
                }
                Ok(Vocab { entries })
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionDef {
    label: String,
    #[serde(default)]
    countries: Vec<Spanned<String>>,
}

/// One `[regions.<id>]` table: a label and the countries (upper-case alpha-2) it holds.
#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub label: String,
    pub countries: Vec<String>,
    pub span: std::ops::Range<usize>,
}

/// Ordered `[regions.<id>]` tables.
#[derive(Debug, Clone, Default)]
pub struct Regions(pub Vec<Region>);

impl<'de> Deserialize<'de> for Regions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Regions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one `[regions.<id>]` table per region")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Regions, A::Error> {
                let mut out = Vec::new();
                while let Some((key, def)) = map.next_entry::<Spanned<String>, RegionDef>()? {
                    let span = key.span();
                    out.push(Region {
                        id: key.into_inner(),
                        label: def.label,
                        countries: def.countries.into_iter().map(Spanned::into_inner).collect(),
                        span,
                    });
                }
                Ok(Regions(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Regions {
    pub fn get(&self, id: &str) -> Option<&Region> {
        self.0.iter().find(|r| r.id == id)
    }
    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.iter().map(|r| r.id.as_str())
    }
    /// The region whose country list holds `country` (upper-case alpha-2).
    pub fn of_country(&self, country: &str) -> Option<&Region> {
        self.0
            .iter()
            .find(|r| r.countries.iter().any(|c| c == country))
    }
}

/// The ids and labels of one vocabulary table.
pub(super) fn check_vocab(table: &str, vocab: &Vocab, text: &str, diags: &mut Diagnostics) {
    check_ids(
        table,
        vocab.entries.iter().map(|e| (e.id.as_str(), &e.span)),
        text,
        diags,
    );
    for e in &vocab.entries {
        if e.label.trim().is_empty() {
            diags.push(error_at(
                text,
                e.span.start,
                format!("[{table}] `{}` has an empty label", e.id),
            ));
        }
    }
}

/// The region ids, and each country code: a real one, in one region at most.
pub(super) fn check_regions(regions: &Regions, text: &str, diags: &mut Diagnostics) {
    check_ids(
        "regions",
        regions.0.iter().map(|r| (r.id.as_str(), &r.span)),
        text,
        diags,
    );
    let mut seen_country: Vec<(&str, &str)> = Vec::new();
    for region in &regions.0 {
        for c in &region.countries {
            if iso::country_name(c).is_none() {
                diags.push(unknown_country(region, c, text));
            } else if let Some((_, other)) = seen_country.iter().find(|(cc, _)| cc == c) {
                if *other == region.id {
                    diags.push(
                        error_at(
                            text,
                            region.span.start,
                            format!("country `{c}` is listed twice in region `{other}`"),
                        )
                        .hint(format!("remove the second `{c}`")),
                    );
                    continue;
                }
                diags.push(
                    error_at(
                        text,
                        region.span.start,
                        format!(
                            "country `{c}` is in both region `{other}` and region `{}`",
                            region.id
                        ),
                    )
                    .hint("a country belongs to one region at most; remove it from one of them"),
                );
            } else {
                seen_country.push((c, &region.id));
            }
        }
    }
}

/// `c` in the country list of `region` is no ISO 3166-1 alpha-2 code.
fn unknown_country(region: &Region, c: &str, text: &str) -> Diagnostic {
    let hint = if c.len() == 2 && iso::country_name(&c.to_ascii_uppercase()).is_some() {
        format!("write it in upper case: \"{}\"", c.to_ascii_uppercase())
    } else {
        "use an ISO 3166-1 alpha-2 code such as \"DE\" or \"BR\"".to_string()
    };
    let at = find_in_table(text, &format!("regions.{}", region.id), &format!("\"{c}\""))
        .unwrap_or(region.span.start);
    error_at(
        text,
        at,
        format!(
            "region `{}`: `{c}` is not an ISO 3166-1 alpha-2 country code",
            region.id
        ),
    )
    .hint(hint)
}

fn check_ids<'a>(
    table: &str,
    ids: impl Iterator<Item = (&'a str, &'a std::ops::Range<usize>)>,
    text: &str,
    diags: &mut Diagnostics,
) {
    for (id, span) in ids {
        if !is_slug(id) {
            diags.push(
                Diagnostic::error(SITE_FILE, format!("[{table}] id `{id}` is not a valid id"))
                    .at_offset(text, span.start, 0)
                    .hint(format!("ids are URL segments: lower-case letters, digits and single hyphens, e.g. `{}`", slugify(id))),
            );
        }
    }
}

/// A best-effort slug suggestion for a bad id or file name.
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "example".into()
    } else {
        out
    }
}

/// Byte offset of `needle` after the `[header]` line of a table (for array items that
/// carry no span of their own).
fn find_in_table(text: &str, header: &str, needle: &str) -> Option<usize> {
    let start = text.find(&format!("[{header}]"))?;
    text[start..].find(needle).map(|i| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("open-edx"));
        assert!(is_slug("500-plus"));
        assert!(!is_slug("Open"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
        assert_eq!(slugify("Östersjö Lärande!"), "ostersjo-larande");
    }
}
