//! Text for the share images without a font database: the one bundled font (DejaVu Sans
//! Bold, licence beside it in `font/`) is parsed once, and each glyph becomes an SVG path
//! in font units, placed by its advance (and the font's `kern` pairs). No system font is
//! ever read, so a card looks the same, byte for byte, on every machine.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock, RwLock};
use ttf_parser::{Face, GlyphId, OutlineBuilder};

/// DejaVu Sans Bold 2.37 (Bitstream Vera licence, `font/LICENSE-DejaVu.txt`).
static FONT_DATA: &[u8] = include_bytes!("font/DejaVuSans-Bold.ttf");

/// The bundled font, parsed once, with the SVG outline of each glyph used so far.
pub struct Font {
    face: Face<'static>,
    /// Glyph id -> path data in font units (y up).
    outlines: RwLock<HashMap<u16, Arc<str>>>,
}

impl Font {
    /// The bundled font (`None` only if the file embedded at build time does not parse).
    pub fn get() -> Option<&'static Font> {
        static FONT: OnceLock<Option<Font>> = OnceLock::new();
        FONT.get_or_init(|| {
            Face::parse(FONT_DATA, 0).ok().map(|face| Font {
                face,
                outlines: RwLock::new(HashMap::new()),
            })
        })
        .as_ref()
    }

    /// The glyph of a character: a missing one shows as `?`, never as nothing.
    fn glyph(&self, c: char) -> GlyphId {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .unwrap_or(GlyphId(0))
    }

    fn scale(&self, size: f32) -> f32 {
        size / f32::from(self.face.units_per_em().max(1))
    }

    /// The pen position of each glyph of `text` (font units) and the total advance.
    fn layout(&self, text: &str) -> (Vec<(GlyphId, i32)>, i32) {
        let mut out = Vec::with_capacity(text.len());
        let mut pen = 0i32;
        let mut prev: Option<GlyphId> = None;
        for c in text.chars() {
            let g = self.glyph(c);
            if let Some(p) = prev {
                pen += i32::from(self.kerning(p, g));
            }
            out.push((g, pen));
            pen += i32::from(self.face.glyph_hor_advance(g).unwrap_or(0));
            prev = Some(g);
        }
        (out, pen)
    }

    fn kerning(&self, left: GlyphId, right: GlyphId) -> i16 {
        let Some(kern) = self.face.tables().kern else {
            return 0;
        };
        kern.subtables
            .into_iter()
            .filter(|s| s.horizontal && !s.variable)
            .find_map(|s| s.glyphs_kerning(left, right))
            .unwrap_or(0)
    }

    /// Width of `text` in pixels at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.layout(text).1 as f32 * self.scale(size)
    }

    /// Draw `text` with its baseline starting at (x, y): one `<use>` of each glyph's
    /// outline (see [`Canvas::defs`]) at its pen position, in font units.
    pub fn draw(&self, text: &str, size: f32, (x, y): (f32, f32), canvas: &mut Canvas) {
        let k = self.scale(size);
        // Fixed decimals: the SVG text (the cache key) is the same on every run.
        let _ = write!(
            canvas.body,
            r#"<g transform="matrix({k:.5} 0 0 -{k:.5} {x:.2} {y:.2})">"#
        );
        for (g, pen) in self.layout(text).0 {
            let blank = self.outline(g).is_empty();
            canvas.glyphs.insert(g.0);
            if blank {
                continue;
            }
            let _ = write!(canvas.body, r##"<use href="#g{}" x="{pen}"/>"##, g.0);
        }
        canvas.body.push_str("</g>");
    }

    fn outline(&self, g: GlyphId) -> Arc<str> {
        if let Some(d) = self.outlines.read().ok().and_then(|m| m.get(&g.0).cloned()) {
            return d;
        }
        let mut path = PathData(String::new());
        self.face.outline_glyph(g, &mut path);
        let d: Arc<str> = path.0.into();
        if let Ok(mut m) = self.outlines.write() {
            m.insert(g.0, d.clone());
        }
        d
    }
}

/// An SVG being drawn: its elements, and the glyphs they use. The elements name glyphs
/// by id only, so they are short to hash (the cache key); the outlines are added
/// ([`Canvas::defs`]) only when the card is rendered.
#[derive(Default)]
pub struct Canvas {
    pub body: String,
    glyphs: BTreeSet<u16>,
}

impl Canvas {
    /// A `<defs>` element with the outline of every glyph drawn.
    pub fn defs(&self, font: &Font) -> String {
        let mut defs = String::from("<defs>");
        for &g in &self.glyphs {
            let d = font.outline(GlyphId(g));
            if !d.is_empty() {
                let _ = write!(defs, r#"<path id="g{g}" d="{d}"/>"#);
            }
        }
        defs.push_str("</defs>");
        defs
    }
}

/// SVG path data in font units, rounded to whole units (TrueType points are integers).
struct PathData(String);

impl OutlineBuilder for PathData {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "M{} {}", x.round(), y.round());
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "L{} {}", x.round(), y.round());
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "Q{} {} {} {}",
            x1.round(),
            y1.round(),
            x.round(),
            y.round()
        );
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "C{} {} {} {} {} {}",
            x1.round(),
            y1.round(),
            x2.round(),
            y2.round(),
            x.round(),
            y.round()
        );
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

/// Split `text` into at most `max_lines` lines no wider than `max_width` pixels at `size`,
/// breaking between words (inside a word only when it is wider than a line); text that
/// does not fit ends the last line with an ellipsis.
pub fn wrap(font: &Font, text: &str, size: f32, max_width: f32, max_lines: usize) -> Vec<String> {
    let fits = |s: &str| font.width(s, size) <= max_width;
    let space = font.width(" ", size);
    let mut lines: Vec<String> = Vec::new();
    let (mut current, mut width) = (String::new(), 0.0f32);
    for word in text.split_whitespace() {
        // Words are measured once; a line is their widths and the spaces between.
        let w = font.width(word, size);
        let with = if current.is_empty() {
            w
        } else {
            width + space + w
        };
        if with <= max_width {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            width = with;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        (current, width) = (word.to_string(), w);
        if w > max_width {
            // A word wider than a line is broken where it overflows.
            current.clear();
            for c in word.chars() {
                current.push(c);
                if !fits(&current) && current.chars().count() > 1 {
                    current.pop();
                    lines.push(std::mem::replace(&mut current, c.to_string()));
                }
            }
            width = font.width(&current, size);
        }
        if lines.len() > max_lines {
            break;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = ellipsize(font, last, size, max_width);
        }
    }
    lines
}

/// `text` cut so that it and a trailing ellipsis fit in `max_width`.
fn ellipsize(font: &Font, text: &str, size: f32, max_width: f32) -> String {
    let mut s = text.trim_end().to_string();
    while !s.is_empty() && font.width(&format!("{s}…"), size) > max_width {
        s.pop();
        s.truncate(s.trim_end().len());
    }
    format!("{s}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_then_ends_with_an_ellipsis() {
        let font = Font::get().unwrap();
        let text = "word ".repeat(100);
        let lines = wrap(font, &text, 40.0, 500.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        for l in &lines {
            assert!(font.width(l, 40.0) <= 500.0, "{l}");
        }
        let one = wrap(font, &"W".repeat(200), 40.0, 500.0, 3);
        assert_eq!(one.len(), 3, "an endless word is broken: {one:?}");
        assert_eq!(wrap(font, "Short", 40.0, 500.0, 2), ["Short"]);
    }

    #[test]
    fn glyphs_become_paths_and_missing_ones_show() {
        let font = Font::get().unwrap();
        let mut canvas = Canvas::default();
        font.draw("Aé A", 30.0, (10.0, 50.0), &mut canvas);
        assert_eq!(
            canvas.body.matches("<use").count(),
            3,
            "the space draws nothing"
        );
        assert_eq!(canvas.defs(font).matches("<path").count(), 2, "A once");
        let mut missing = Canvas::default();
        font.draw("\u{10FFFD}", 30.0, (10.0, 50.0), &mut missing);
        assert_eq!(missing.body.matches("<use").count(), 1, "shown as `?`");
    }
}
