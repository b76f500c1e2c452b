//! Inline SVG charts made at build time: horizontal bars and columns. Every label goes
//! through [`esc`]; geometry is integer so the bytes are the same on every run. No
//! `style` attribute (the CSP allows only the site's style sheet): presentation
//! attributes give the defaults, classes let the theme restyle.

use std::fmt::Write;

/// One bar: a label and its count (`None` = withheld by small-count suppression).
pub struct Bar {
    pub label: String,
    pub value: Option<u64>,
    /// The value as the page writes it (`1,234`); unused when withheld.
    pub shown: String,
}

const FILL: &str = "#1f2a44";
const INK: &str = "#222222";
const AXIS: &str = "#9aa3b5";
/// Width of every chart's coordinate system. The SVG has a `viewBox` and no size: the
/// style sheet makes it as wide as its container (up to a cap), so text of [`FONT`]
/// units stays readable from a 360 px phone to a wide screen.
pub const WIDTH: u64 = 320;
/// Font size in user units (about 13 px on a phone, 18 px at the cap).
const FONT: u64 = 14;
/// Longest label drawn in a chart (the table next to it has the full text).
const MAX_LABEL: usize = 44;

/// Text escaped for XML content and attribute values. Control characters (invalid in
/// XML) become spaces.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL - 1).collect();
        s.push('…');
        s
    }
}

/// The opening tag: a `viewBox` only (no `width`/`height`), so the chart scales.
fn open(out: &mut String, width: u64, height: u64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"{FONT}\"><title>{t}</title><desc>{d}</desc>",
        t = esc(title),
        d = esc(desc),
    );
}

/// Horizontal bars, one per row, each under its label, with the count after the bar
/// (written by the caller, e.g. with thousands separators). Withheld values show
/// `withheld` (e.g. "< 5") and no bar.
pub fn bars(title: &str, desc: &str, rows: &[Bar], withheld: &str) -> String {
    const LEFT: u64 = 4;
    /// Room kept right of the longest bar for its count.
    const VALUE_ROOM: u64 = 60;
    const BAR_MAX: u64 = WIDTH - LEFT - VALUE_ROOM;
    const ROW: u64 = 38;
    const BAR_H: u64 = 12;
    const PAD: u64 = 4;
    let height = PAD * 2 + ROW * rows.len().max(1) as u64;
    let max = rows
        .iter()
        .filter_map(|b| b.value)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut out = String::new();
    open(&mut out, WIDTH, height, title, desc);
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{PAD}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"{AXIS}\"/>",
        height - PAD
    );
    for (i, b) in rows.iter().enumerate() {
        let y = PAD + ROW * i as u64;
        let bar_y = y + 20;
        let _ = write!(
            out,
            "<text class=\"bar-label\" x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            LEFT + 4,
            y + 15,
            esc(&short(&b.label))
        );
        let (w, value) = match b.value {
            Some(v) => {
                let w = v * BAR_MAX / max;
                (if v > 0 { w.max(1) } else { 0 }, b.shown.clone())
            }
            None => (0, withheld.to_string()),
        };
        if w > 0 {
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{LEFT}\" y=\"{bar_y}\" width=\"{w}\" height=\"{BAR_H}\" fill=\"{FILL}\"/>"
            );
        }
        let _ = write!(
            out,
            "<text class=\"value-label\" x=\"{}\" y=\"{}\" fill=\"{INK}\">{}</text>",
            LEFT + w + 5,
            bar_y + BAR_H - 1,
            esc(&value)
        );
    }
    out.push_str("</svg>");
    out
}

/// One column of [`columns`]: its label (a space splits it over two lines, as in
/// `Q1 2026`), its count and the count as written.
pub struct Column {
    pub label: String,
    pub value: u64,
    pub shown: String,
}

/// Vertical columns, labels under the axis.
pub fn columns(title: &str, desc: &str, cols: &[Column]) -> String {
    const PITCH: u64 = 50;
    const COL_W: u64 = 32;
    const LEFT: u64 = 4;
    const TOP: u64 = 22;
    const PLOT: u64 = 150;
    let width = (LEFT * 2 + PITCH * cols.len() as u64).max(WIDTH);
    // The columns are centred in the chart's width.
    let offset = (width - LEFT * 2 - PITCH * cols.len() as u64) / 2 + LEFT;
    let height = TOP + PLOT + 38;
    let max = cols.iter().map(|c| c.value).max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    let base = TOP + PLOT;
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"{AXIS}\"/>",
        width - LEFT
    );
    for (i, c) in cols.iter().enumerate() {
        let x = offset + PITCH * i as u64 + (PITCH - COL_W) / 2;
        let center = x + COL_W / 2;
        let v = c.value;
        let h = if v > 0 { (v * PLOT / max).max(1) } else { 0 };
        if h > 0 {
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{COL_W}\" height=\"{h}\" fill=\"{FILL}\"/>",
                base - h
            );
        }
        let _ = write!(
            out,
            "<text class=\"value-label\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            base - h - 5,
            esc(&c.shown)
        );
        let label = short(&c.label);
        let (first, second) = label.split_once(' ').unwrap_or((label.as_str(), ""));
        let _ = write!(
            out,
            "<text class=\"bar-label\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            base + 18,
            esc(first)
        );
        if !second.is_empty() {
            let _ = write!(
                out,
                "<text class=\"bar-label\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                base + 35,
                esc(second)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// "Europe: 12; Africa: 3" for the chart's `<desc>` (escaped when drawn).
pub fn describe(rows: &[Bar], withheld: &str) -> String {
    rows.iter()
        .map(|b| match b.value {
            Some(_) => format!("{}: {}", b.label, b.shown),
            None => format!("{}: {withheld}", b.label),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<u64>) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.map(|v| v.to_string()).unwrap_or_default(),
        }
    }

    #[test]
    fn escapes_every_label() {
        let svg = bars(
            "Leads <per> partner",
            "A & B",
            &[
                bar(
                    "<script>alert(\"x\")</script> & 'co' and a longer tail",
                    Some(3),
                ),
                bar("Small", None),
            ],
            "< 5",
        );
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
        // Cut to 44 characters, then escaped.
        assert!(svg.contains(
            ">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39; and a lo…</text>"
        ));
        assert!(svg.contains("<desc>A &amp; B</desc>"));
        assert!(svg.contains("aria-label=\"Leads &lt;per&gt; partner\""));
        assert!(svg.contains(">&lt; 5</text>"));
        assert!(!svg.contains("style="));
        assert_eq!(svg.matches("<rect").count(), 1);
    }

    #[test]
    fn charts_scale_with_their_container() {
        let svg = bars("t", "", &[bar("a", Some(1234))], "< 5");
        let open = &svg[..svg.find('>').unwrap()];
        assert!(open.contains("viewBox=\"0 0 320 "), "{open}");
        assert!(!open.contains(" width="), "a fixed width: {open}");
        assert!(!open.contains(" height="), "a fixed height: {open}");
    }

    #[test]
    fn columns_scale_to_the_largest() {
        let col = |label: &str, value| Column {
            label: label.into(),
            value,
            shown: value.to_string(),
        };
        let svg = columns(
            "Per quarter",
            "",
            &[col("Q1 2026", 10), col("Q2 2026", 5), col("Q3 2026", 0)],
        );
        assert!(svg.contains("height=\"150\""));
        assert!(svg.contains("height=\"75\""));
        assert_eq!(svg.matches("<rect").count(), 2);
        // The label over two lines.
        assert!(svg.contains(">Q1</text>") && svg.contains(">2026</text>"));
        assert!(esc("a\u{1}b") == "a b");
    }
}
