//! `[badge]` in site.toml: the colour of each tier in the partner badges
//! (`[badge.colors]`, tier id = `"#rrggbb"`), checked against `[tiers]`, with a default
//! palette for tiers it leaves out; and the colour arithmetic that picks a text colour
//! with at least 4.5:1 contrast on any background.

use super::{Vocab, error_at};
use crate::diagnostics::{Diagnostics, suggest};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use toml::Spanned;

/// Tier colours when `[badge.colors]` names none, by the tier's place in `[tiers]`
/// (cycling): the program red first, then green, blue, purple, brown and navy.
pub const DEFAULT_PALETTE: [Rgb; 6] = [
    Rgb(0xd2, 0x32, 0x28),
    Rgb(0x0a, 0x6e, 0x4f),
    Rgb(0x1c, 0x4f, 0xa0),
    Rgb(0x6b, 0x3f, 0xa0),
    Rgb(0x8a, 0x53, 0x00),
    Rgb(0x1f, 0x2a, 0x44),
];

/// The WCAG 2 contrast that badge text keeps with its background (AA, normal text).
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
    pub const BLACK: Rgb = Rgb(0, 0, 0);

    /// `#rgb` or `#rrggbb`, either case.
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1).unwrap_or("0"), 16).ok();
        let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("0"), 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => None,
        }
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2 relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// WCAG 2 contrast ratio with `other` (1 to 21).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The text colour for this background: white when it keeps [`MIN_TEXT_CONTRAST`],
    /// else black, which then always does (no background has less than 4.58:1 with both).
    pub fn text_on(self) -> Rgb {
        if self.contrast(Rgb::WHITE) >= MIN_TEXT_CONTRAST {
            Rgb::WHITE
        } else {
            Rgb::BLACK
        }
    }
}

/// A tier's colours in the badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierColor {
    pub background: Rgb,
    /// Picked for contrast with `background` ([`Rgb::text_on`]).
    pub text: Rgb,
}

/// Every tier's badge colour, in `[tiers]` order.
#[derive(Debug, Clone, Default)]
pub struct BadgeColors(pub Vec<(String, TierColor)>);

impl BadgeColors {
    /// The colours of tier `id` (the first palette colour for an unknown tier).
    pub fn tier(&self, id: &str) -> TierColor {
        self.0
            .iter()
            .find(|(t, _)| t == id)
            .map_or_else(|| colored(palette(0)), |(_, c)| *c)
    }
}

/// The default colour of the tier at `index` in `[tiers]`.
fn palette(index: usize) -> Rgb {
    let [first, ..] = DEFAULT_PALETTE;
    DEFAULT_PALETTE
        .get(index % DEFAULT_PALETTE.len())
        .copied()
        .unwrap_or(first)
}

fn colored(background: Rgb) -> TierColor {
    TierColor {
        background,
        text: background.text_on(),
    }
}

/// The `[badge]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBadge {
    #[serde(default)]
    colors: ColorTable,
}

/// `[badge.colors]`: tier id = colour, both with their spans.
#[derive(Debug, Clone, Default)]
struct ColorTable(Vec<(Spanned<String>, Spanned<String>)>);

impl<'de> Deserialize<'de> for ColorTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ColorTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of `tier-id = \"#rrggbb\"` entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColorTable, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<Spanned<String>, Spanned<String>>()? {
                    out.push(entry);
                }
                Ok(ColorTable(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Check `[badge.colors]` against the tiers (every problem reported) and give every tier
/// its colour: the one written, else the default palette's by position.
pub(super) fn validate(
    raw: &RawBadge,
    tiers: &Vocab,
    text: &str,
    diags: &mut Diagnostics,
) -> BadgeColors {
    let mut written: Vec<(&str, Rgb)> = Vec::new();
    for (id, value) in &raw.colors.0 {
        let rgb = Rgb::parse(value.get_ref().trim());
        if rgb.is_none() {
            diags.push(
                error_at(
                    text,
                    value.span().start,
                    format!(
                        "[badge.colors] `{}`: {:?} is not a hex colour",
                        id.get_ref(),
                        value.get_ref()
                    ),
                )
                .hint("write it as `#` and six hex digits, e.g. \"#0a6e4f\""),
            );
        }
        if !tiers.contains(id.get_ref()) {
            diags.push(
                error_at(
                    text,
                    id.span().start,
                    format!("[badge.colors] `{}` is not a tier", id.get_ref()),
                )
                .hint(suggest(id.get_ref(), tiers.ids())),
            );
        } else if let Some(rgb) = rgb {
            written.push((id.get_ref(), rgb));
        }
    }
    let colors = tiers.entries.iter().enumerate().map(|(i, tier)| {
        let rgb = written
            .iter()
            .find(|(id, _)| *id == tier.id)
            .map_or_else(|| palette(i), |(_, c)| *c);
        (tier.id.clone(), colored(rgb))
    });
    BadgeColors(colors.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_hex() {
        assert_eq!(Rgb::parse("#0A6e4f"), Some(Rgb(0x0a, 0x6e, 0x4f)));
        assert_eq!(Rgb::parse("#fff"), Some(Rgb::WHITE));
        assert_eq!(Rgb(0x0a, 0x6e, 0x4f).hex(), "#0a6e4f");
        for bad in ["0a6e4f", "#0a6e4", "#0a6e4g", "#", "#+1+2+3", "red", "#ééé"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((Rgb::WHITE.contrast(Rgb::BLACK) - 21.0).abs() < 1e-9);
        // #767676 is the classic lightest grey with 4.5:1 on white.
        let grey = Rgb(0x76, 0x76, 0x76);
        assert!(grey.contrast(Rgb::WHITE) >= 4.5 && grey.contrast(Rgb::WHITE) < 4.6);
    }

    #[test]
    fn picked_text_keeps_aa_contrast_on_every_background() {
        let steps = (0..=255u8)
            .step_by(15)
            .chain([0x76, 0x77, 0x78, 0x80, 0xff]);
        for r in steps.clone() {
            for g in steps.clone() {
                for b in steps.clone() {
                    let bg = Rgb(r, g, b);
                    let c = bg.contrast(bg.text_on());
                    assert!(c >= MIN_TEXT_CONTRAST, "{} has {c:.2}:1", bg.hex());
                }
            }
        }
        // Mid grey gets black text, navy white.
        assert_eq!(Rgb(0x80, 0x80, 0x80).text_on(), Rgb::BLACK);
        assert_eq!(Rgb(0x1f, 0x2a, 0x44).text_on(), Rgb::WHITE);
    }

    #[test]
    fn the_default_palette_takes_white_text() {
        for c in DEFAULT_PALETTE {
            assert_eq!(c.text_on(), Rgb::WHITE, "{}", c.hex());
        }
    }
}
