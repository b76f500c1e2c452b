//! The partner badges: the 20 px strip (`badge.svg`) and the 320x120 card
//! (`badge-card.svg`). Text is measured with DejaVu Sans advance widths (the font the
//! templates name first), and every text carries that width as `textLength`, so a
//! fallback font is stretched or squeezed to the box and never overflows it.

mod metrics;

use crate::config::SiteConfig;
use crate::content::Partner;
use crate::facets;
use serde::Serialize;
use tera::Context;

/// Strip height and the size of its text, in px.
const STRIP_FONT: u32 = 11;
/// Left edge of the mark in the strip, its size, and the gap before the tier label.
const STRIP_MARK_X: u32 = 5;
const STRIP_MARK: u32 = 14;
const STRIP_GAP: u32 = 4;
/// Space between a text and the edge of its segment.
const STRIP_PAD: u32 = 6;

/// Card size, its inner margin, and the widest a text may be.
const CARD_W: u32 = 320;
const CARD_MARGIN: u32 = 14;
const CARD_TEXT_MAX: u32 = CARD_W - 2 * CARD_MARGIN;

/// One weight of the font the badges name first.
#[derive(Clone, Copy)]
pub enum Weight {
    Book,
    Bold,
}

/// Width in px of `text` set at `size` px, rounded up to a tenth of a pixel (whole
/// tenths keep the output byte-identical across runs and machines). Kerning is left
/// out, so the width is never less than the font's own.
pub fn text_width(text: &str, size: u32, weight: Weight) -> f64 {
    let table = match weight {
        Weight::Book => metrics::BOOK,
        Weight::Bold => metrics::BOLD,
    };
    let units: u64 = text.chars().map(|c| u64::from(advance(table, c))).sum();
    let tenths = (units * u64::from(size) * 10).div_ceil(u64::from(metrics::UNITS_PER_EM));
    tenths as f64 / 10.0
}

/// A character's advance in font units; characters outside the table take a wide
/// digit's width, or a full em from the CJK blocks on.
fn advance(table: &[(u32, &[u16])], c: char) -> u16 {
    let code = u32::from(c);
    let at = table.partition_point(|(start, _)| *start <= code);
    let found = at
        .checked_sub(1)
        .and_then(|i| table.get(i))
        .and_then(|(start, ws)| {
            let offset = usize::try_from(code - start).ok()?;
            ws.get(offset).copied()
        });
    match found {
        Some(w) => w,
        None if code >= 0x2E80 => metrics::UNITS_PER_EM,
        None => 1400,
    }
}

/// One line of badge text: where it starts and the length it is set to.
#[derive(Debug, Serialize)]
pub struct Line {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub size: u32,
    /// `textLength`: the measured width, or the room there is when that is less.
    pub length: f64,
}

/// The strip's geometry.
#[derive(Debug, Serialize)]
pub struct Strip {
    pub width: u32,
    /// Where the name's segment starts (the tier's ends).
    pub split: u32,
    pub tier: Line,
    pub name: Line,
}

/// Lay out the strip: `[mark tier-label | name]`, each segment as wide as its text.
pub fn strip(tier_label: &str, name: &str) -> Strip {
    let tier_w = text_width(tier_label, STRIP_FONT, Weight::Book);
    let name_w = text_width(name, STRIP_FONT, Weight::Book);
    let tier_x = STRIP_MARK_X + STRIP_MARK + STRIP_GAP;
    let split = (f64::from(tier_x + STRIP_PAD) + tier_w).ceil() as u32;
    let width = split + (f64::from(2 * STRIP_PAD) + name_w).ceil() as u32;
    let line = |text: &str, x: u32, length: f64| Line {
        text: text.to_string(),
        x: f64::from(x),
        y: 14.0,
        size: STRIP_FONT,
        length,
    };
    Strip {
        width,
        split,
        tier: line(tier_label, tier_x, tier_w),
        name: line(name, split + STRIP_PAD, name_w),
    }
}

/// A line of the card, set at `size` and squeezed to the card's text width if wider.
fn card_line(text: &str, y: f64, size: u32, weight: Weight) -> Line {
    let measured = text_width(text, size, weight);
    Line {
        text: text.to_string(),
        x: f64::from(CARD_MARGIN),
        y,
        size,
        length: measured.min(f64::from(CARD_TEXT_MAX)),
    }
}

/// The partner's name on the card: one line at 20 px down to 17 px when it fits, else
/// two lines at 16 px broken at the space that balances them best (each squeezed if
/// still too wide).
pub fn card_name(name: &str) -> Vec<Line> {
    let max = f64::from(CARD_TEXT_MAX);
    if let Some(size) = (17..=20)
        .rev()
        .find(|s| text_width(name, *s, Weight::Bold) <= max)
    {
        return vec![card_line(name, 76.0, size, Weight::Bold)];
    }
    let widest = |i: usize| {
        let (a, b) = name.split_at(i);
        text_width(a.trim_end(), 16, Weight::Bold).max(text_width(b.trim_start(), 16, Weight::Bold))
    };
    let best = name
        .char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| (widest(i), i))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    match best {
        Some((_, i)) => {
            let (a, b) = name.split_at(i);
            vec![
                card_line(a.trim_end(), 66.0, 16, Weight::Bold),
                card_line(b.trim_start(), 86.0, 16, Weight::Bold),
            ]
        }
        None => vec![card_line(name, 74.0, 16, Weight::Bold)],
    }
}

/// The strip's context (`badge.svg`).
pub fn strip_context(p: &Partner, c: &SiteConfig) -> Context {
    let tier = facets::TIER.label_of(c, &p.tier);
    let color = c.badge.tier(&p.tier);
    let mut ctx = Context::new();
    ctx.insert("tier_label", &tier);
    ctx.insert("name", &p.name);
    ctx.insert("badge", &strip(&tier, &p.name));
    ctx.insert("background", &color.background.hex());
    ctx.insert("text_color", &color.text.hex());
    ctx
}

/// The card's context (`badge-card.svg`): mark and tier on the tier's colour, the name,
/// and "Member since <year> · <site title>".
pub fn card_context(p: &Partner, c: &SiteConfig) -> Context {
    let tier = facets::TIER.label_of(c, &p.tier);
    let color = c.badge.tier(&p.tier);
    let since = p.joined.map(|d| format!("Member since {}", d.year));
    let footer = match &since {
        Some(s) => format!("{s} \u{b7} {}", c.title),
        None => c.title.clone(),
    };
    let label = match &since {
        Some(s) => format!("{tier}: {}, {}", p.name, s.to_lowercase()),
        None => format!("{tier}: {}", p.name),
    };
    let mut ctx = Context::new();
    ctx.insert("label", &label);
    ctx.insert("tier", &card_tier(&tier));
    ctx.insert("name_lines", &card_name(&p.name));
    ctx.insert("footer", &card_line(&footer, 108.0, 11, Weight::Book));
    ctx.insert("background", &color.background.hex());
    ctx.insert("text_color", &color.text.hex());
    ctx
}

/// The tier label in the card's band, right of the 24 px mark.
fn card_tier(tier: &str) -> Line {
    let x = CARD_MARGIN + 24 + 10;
    let room = f64::from(CARD_W - x - CARD_MARGIN);
    Line {
        text: tier.to_string(),
        x: f64::from(x),
        y: 25.0,
        size: 14,
        length: text_width(tier, 14, Weight::Bold).min(room),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text ends inside its segment, with the padding left over.
    fn assert_fits(s: &Strip) {
        assert!(s.tier.length >= text_width(&s.tier.text, 11, Weight::Book));
        assert!(s.tier.x + s.tier.length + f64::from(STRIP_PAD) <= f64::from(s.split));
        assert!(s.name.x >= f64::from(s.split + STRIP_PAD));
        assert!(s.name.x + s.name.length + f64::from(STRIP_PAD) <= f64::from(s.width));
    }

    #[test]
    fn widths_come_from_the_font_table() {
        // DejaVu Sans: space 651, `a` 1255 units of 2048; at 11 px.
        assert_eq!(text_width(" ", 11, Weight::Book), 3.5);
        assert_eq!(text_width("a", 11, Weight::Book), 6.8);
        assert!(text_width("W", 11, Weight::Book) > text_width("i", 11, Weight::Book) * 3.0);
        assert!(text_width("a", 11, Weight::Bold) > text_width("a", 11, Weight::Book));
        // Accented letters are in the table; an unknown character is not free.
        assert_eq!(
            text_width("é", 11, Weight::Book),
            text_width("e", 11, Weight::Book)
        );
        assert!(text_width("\u{4e2d}", 11, Weight::Book) >= 11.0);
    }

    #[test]
    fn every_example_tier_label_fits_its_box() {
        let site = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/site.toml"))
            .expect("the example site.toml");
        let table: toml::Table = site.parse().expect("site.toml parses");
        let tiers = table["tiers"].as_table().expect("[tiers]");
        assert!(tiers.len() >= 3);
        for label in tiers.values() {
            let label = label.as_str().expect("a label");
            assert_fits(&strip(label, "eduVantage"));
        }
        // The label that ran into the edge of the old fixed-width estimate.
        let s = strip("Community Contributor", "Cedar & Quill Learning");
        assert_fits(&s);
        assert!(s.split as f64 >= 23.0 + 120.0);
    }

    #[test]
    fn a_sixty_character_label_fits() {
        let long = "Wide Wandering Mammoth Workshop Wonders WWW Multimedia Maker";
        assert_eq!(long.chars().count(), 60);
        let s = strip(long, long);
        assert_fits(&s);
        let c = card_name(long);
        assert_eq!(c.len(), 2);
        for line in &c {
            assert!(line.x + line.length <= f64::from(CARD_W - CARD_MARGIN));
        }
    }

    #[test]
    fn the_card_name_breaks_where_the_lines_balance() {
        assert_eq!(card_name("eduVantage").len(), 1);
        let lines = card_name("International Association of Learning Technology Providers");
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "International Association of",
                "Learning Technology Providers"
            ]
        );
        // One long word cannot break: it is squeezed to the card's width.
        let one = card_name(&"W".repeat(60));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].length, f64::from(CARD_TEXT_MAX));
    }
}
