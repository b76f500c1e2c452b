//! Share images (Open Graph / Twitter cards): one 1200x630 PNG per partner (its name,
//! tier and summary under the program's mark and colours) and one for the site, drawn as
//! an SVG and rasterised with resvg at build time. Text is laid out here with the bundled
//! font ([`text`]), so the output is the same on every machine; the PNGs are cached by
//! content hash outside the output ([`cache`]), so a rebuild costs a file read per card.

pub mod cache;
pub mod text;

use crate::config::SiteConfig;
use crate::content::Partner;
use crate::facets;
pub use cache::Cache;
use std::fmt::Write as _;
use text::{Canvas, Font};

/// Card width in pixels (the Open Graph recommendation).
pub const WIDTH: u32 = 1200;
/// Card height in pixels.
pub const HEIGHT: u32 = 630;
/// A partner's card, in its profile folder.
pub const PARTNER_FILE: &str = "og.png";
/// The site's card (pages that belong to no partner), at the output root.
pub const SITE_FILE: &str = "og.png";

const NAVY: &str = "#1f2a44";
const RED: &str = "#d23228";
const LIGHT: &str = "#d5dbea";
const MUTED: &str = "#9aa6c2";
const LEFT: f32 = 80.0;
const TEXT_WIDTH: f32 = 1040.0;

/// What a card shows. Text is cleaned (control characters dropped, spaces collapsed) and
/// cut to fit.
#[derive(Debug, Clone)]
pub struct Card {
    /// The line above the title (the program's name).
    pub eyebrow: String,
    /// The partner's name, or the site's title.
    pub title: String,
    /// The tier's label, shown as a pill.
    pub tier: Option<String>,
    pub summary: String,
    /// The site's address, at the bottom.
    pub footer: String,
}

impl Card {
    /// A partner's card.
    pub fn partner(p: &Partner, c: &SiteConfig) -> Card {
        Card {
            eyebrow: c.title.clone(),
            title: p.name.clone(),
            tier: Some(facets::TIER.label_of(c, &p.tier)),
            summary: p.summary.clone(),
            footer: host(&c.base_url),
        }
    }

    /// The site's card.
    pub fn site(c: &SiteConfig) -> Card {
        Card {
            eyebrow: host(&c.base_url),
            title: c.title.clone(),
            tier: None,
            summary: c.description.clone(),
            footer: String::new(),
        }
    }

    /// The card as a PNG: from `cache` when it holds this card, else rendered (and kept).
    /// A cache hit draws nothing: the key is the card's text and the layout's
    /// fingerprint (`layout_fingerprint`).
    pub fn png(&self, cache: &Cache) -> anyhow::Result<Vec<u8>> {
        let font = font()?;
        let mut key = layout_fingerprint(font).to_string();
        for field in [&self.eyebrow, &self.title, &self.summary, &self.footer] {
            let _ = write!(key, "\n{}:{field}", field.len());
        }
        if let Some(tier) = &self.tier {
            let _ = write!(key, "\n{}:{tier}", tier.len());
        }
        cache.get(&key, (WIDTH, HEIGHT), || {
            rasterise(&document(&self.draw(font), font))
        })
    }

    /// The card as an SVG document (text as glyph outlines; the words are only in
    /// `<title>`).
    pub fn svg(&self) -> anyhow::Result<String> {
        let font = font()?;
        Ok(document(&self.draw(font), font))
    }

    /// Everything inside the `<svg>` element but the glyph outlines.
    fn draw(&self, font: &Font) -> Canvas {
        let mut canvas = Canvas::default();
        let title = clean(&self.title);
        let label = match &self.tier {
            Some(tier) => format!("{title} · {}", clean(tier)),
            None => title.clone(),
        };
        let svg = &mut canvas.body;
        let _ = write!(svg, "<title>{}</title>", xml(&label));
        let _ = write!(
            svg,
            r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="{NAVY}"/><rect width="16" height="{HEIGHT}" fill="{RED}"/>"#
        );
        // The program's mark (the theme's favicon), white on the navy ground.
        let _ = write!(
            svg,
            r##"<g transform="translate({LEFT} 60) scale(2)"><rect width="32" height="32" rx="6" fill="#ffffff"/><path d="M8 22 L16 8 L24 22 Z" fill="{RED}"/></g>"##
        );
        let eyebrow = clean(&self.eyebrow);
        line(font, &mut canvas, &eyebrow, 30.0, (168.0, 104.0), LIGHT);
        self.body(font, &title, &mut canvas);
        if !self.footer.is_empty() {
            let footer = clean(&self.footer);
            line(font, &mut canvas, &footer, 24.0, (LEFT, 584.0), MUTED);
        }
        canvas
    }

    /// Title, tier pill and summary, top down.
    fn body(&self, font: &Font, title: &str, canvas: &mut Canvas) {
        let (size, step) = (72.0, 84.0);
        let mut y = 152.0;
        canvas.body.push_str(r##"<g fill="#ffffff">"##);
        for l in text::wrap(font, title, size, TEXT_WIDTH, 2) {
            y += step;
            font.draw(&l, size, (LEFT, y), canvas);
        }
        canvas.body.push_str("</g>");
        if let Some(tier) = &self.tier {
            let tier = text::wrap(font, &clean(tier), 28.0, TEXT_WIDTH - 48.0, 1);
            let tier = tier.first().map(String::as_str).unwrap_or("");
            let (top, w) = (y + 34.0, font.width(tier, 28.0) + 48.0);
            let _ = write!(
                canvas.body,
                r##"<rect x="{LEFT}" y="{top:.2}" width="{w:.2}" height="54" rx="27" fill="{RED}"/><g fill="#ffffff">"##
            );
            font.draw(tier, 28.0, (LEFT + 24.0, top + 37.0), canvas);
            canvas.body.push_str("</g>");
            y = top + 54.0;
        }
        // As many summary lines (up to 3) as fit above the footer.
        let (size, step) = (30.0, 42.0);
        let first = y + 62.0;
        let room = ((548.0 - first) / step).floor() as i64 + 1;
        let lines = room.clamp(0, 3) as usize;
        let _ = write!(canvas.body, r#"<g fill="{LIGHT}">"#);
        let summary = text::wrap(font, &clean(&self.summary), size, TEXT_WIDTH, lines);
        for (i, l) in summary.iter().enumerate() {
            font.draw(l, size, (LEFT, first + step * i as f32), canvas);
        }
        canvas.body.push_str("</g>");
    }
}

/// What the layout code makes of a reference card that wraps, breaks a long word, cuts
/// with an ellipsis and shows every element, as a drawing: it is part of every cache key,
/// so a change to the layout invalidates the cache without anyone remembering to. A
/// change that this card does not show must bump [`LAYOUT`].
fn layout_fingerprint(font: &Font) -> &'static str {
    static PRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PRINT.get_or_init(|| {
        let probe = Card {
            eyebrow: "Ecosystem Partner Directory of a Program".into(),
            title: "Probe Ñandú Internationale Gesellschaft Bildungstechnologie".into(),
            tier: Some("Community Contributor".into()),
            summary: format!("{} {}", "wrapping words ".repeat(12), "x".repeat(90)),
            footer: "example.org/partners".into(),
        };
        let drawing = format!("{LAYOUT}{}{}", svg_open(), probe.draw(font).body);
        cache::digest(&drawing)
    })
}

/// Bump when the layout changes in a way [`layout_fingerprint`]'s card does not show.
const LAYOUT: &str = "layout-v1";

fn font() -> anyhow::Result<&'static Font> {
    Font::get().ok_or_else(|| anyhow::anyhow!("the bundled font is unreadable"))
}

fn svg_open() -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">"#
    )
}

/// The whole SVG document: the drawing with the outlines of the glyphs it uses.
fn document(canvas: &Canvas, font: &Font) -> String {
    format!("{}{}{}</svg>", svg_open(), canvas.defs(font), canvas.body)
}

/// One line of text in a colour, cut to fit the width left of `x`.
fn line(font: &Font, canvas: &mut Canvas, s: &str, size: f32, (x, y): (f32, f32), fill: &str) {
    let width = LEFT + TEXT_WIDTH - x;
    let _ = write!(canvas.body, r#"<g fill="{fill}">"#);
    if let Some(l) = text::wrap(font, s, size, width, 1).first() {
        font.draw(l, size, (x, y), canvas);
    }
    canvas.body.push_str("</g>");
}

/// `https://x.org/partners/` -> `x.org/partners`.
fn host(base_url: &str) -> String {
    let s = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    s.trim_end_matches('/').to_string()
}

/// Text as a card shows it: control characters dropped, runs of spaces made one, and at
/// most 300 characters kept (a card shows far fewer; this bounds the layout work).
fn clean(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escaped for XML text (markup characters and what XML 1.0 forbids).
fn xml(s: &str) -> String {
    let mut out = Vec::new();
    let _ = crate::render::theme::escape(s, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Render an SVG document to an opaque RGB PNG of [`WIDTH`] x [`HEIGHT`].
pub fn rasterise(svg: &str) -> anyhow::Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| anyhow::anyhow!("cannot allocate a {WIDTH}x{HEIGHT} image"))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    // The ground is opaque: alpha carries nothing.
    let rgb: Vec<[u8; 3]> = pixmap
        .data()
        .chunks_exact(4)
        .map(|px| match px {
            [r, g, b, _] => [*r, *g, *b],
            _ => [0; 3],
        })
        .collect();
    encode(&rgb)
}

/// An 8-bit indexed PNG when the card has at most 256 colours (it has ~150: five flat
/// colours and their anti-aliased blends), which is lossless and a third of the bytes of
/// RGB; else RGB. The palette is in colour order, so the bytes never depend on a hash.
fn encode(rgb: &[[u8; 3]]) -> anyhow::Result<Vec<u8>> {
    let mut colours: Vec<[u8; 3]> = Vec::new();
    let mut seen: std::collections::HashSet<[u8; 3]> = std::collections::HashSet::new();
    let mut last = None;
    for px in rgb {
        if last != Some(px) && seen.insert(*px) {
            colours.push(*px);
            if colours.len() > 256 {
                break;
            }
        }
        last = Some(px);
    }
    colours.sort_unstable();
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_depth(png::BitDepth::Eight);
    // Measured on a card: no filter + balanced deflate gives the smallest file, and
    // adaptive filtering only costs time on flat colours.
    encoder.set_compression(png::Compression::Balanced);
    encoder.set_filter(png::Filter::NoFilter);
    let data: Vec<u8> = if colours.len() <= 256 {
        let index: std::collections::HashMap<[u8; 3], u8> = colours
            .iter()
            .zip(0u8..=255)
            .map(|(c, i)| (*c, i))
            .collect();
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_palette(colours.concat());
        let mut last: Option<(&[u8; 3], u8)> = None;
        rgb.iter()
            .map(|px| match last {
                Some((c, i)) if c == px => i,
                _ => {
                    let i = index.get(px).copied().unwrap_or(0);
                    last = Some((px, i));
                    i
                }
            })
            .collect()
    } else {
        encoder.set_color(png::ColorType::Rgb);
        rgb.concat()
    };
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str) -> Card {
        Card {
            eyebrow: "Open edX Partner Directory".into(),
            title: title.into(),
            tier: Some("Verified Provider".into()),
            summary: "Hosting and support. ".repeat(20),
            footer: "example.org/dir".into(),
        }
    }

    #[test]
    fn a_hostile_name_stays_text_in_a_valid_svg() {
        let svg = card("</title><script>alert(1)</script>&\u{1}")
            .svg()
            .unwrap();
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;/title&gt;&lt;script&gt;"));
        roxmltree::Document::parse(&svg).expect("well-formed SVG");
    }

    #[test]
    fn cards_are_1200_by_630_and_the_same_bytes_every_time() {
        let a = rasterise(&card("Ñandú Learning").svg().unwrap()).unwrap();
        let b = rasterise(&card("Ñandú Learning").svg().unwrap()).unwrap();
        assert_eq!(a, b);
        assert!(cache::valid_png(&a, WIDTH, HEIGHT));
        let size = imagesize::blob_size(&a).unwrap();
        assert_eq!((size.width, size.height), (1200, 630));
    }

    #[test]
    fn host_of_a_base_url() {
        assert_eq!(host("https://x.org/partners/"), "x.org/partners");
        assert_eq!(clean(" a \n\u{7} b\u{1b}c "), "a bc");
    }
}
