//! Inline SVG charts made at build time: horizontal bars and columns. Every label goes
//! through [`esc`]; geometry is integer so the bytes are the same on every run. No
//! `style` attribute (the CSP allows only the site's style sheet): presentation
//! attributes give the defaults, classes let the theme restyle.

use std::fmt::Write;

/// One bar: a label and its count (`None` = withheld by small-count suppression).
pub struct Bar {
    pub label: String,
    pub value: Option<u64>,
}

const FILL: &str = "#1f2a44";
const INK: &str = "#222222";
const AXIS: &str = "#9aa3b5";
/// Longest label drawn in a chart (the table next to it has the full text).
const MAX_LABEL: usize = 28;

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

fn open(out: &mut String, width: u64, height: u64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"12\"><title>{t}</title><desc>{d}</desc>",
        t = esc(title),
        d = esc(desc),
    );
}

/// Horizontal bars, one per row, with the count after each bar. Withheld values show
/// `withheld` (e.g. "< 5") and no bar.
pub fn bars(title: &str, desc: &str, rows: &[Bar], withheld: &str) -> String {
    const WIDTH: u64 = 640;
    const LABEL_END: u64 = 192;
    const BAR_X: u64 = 200;
    const BAR_MAX: u64 = 380;
    const ROW: u64 = 24;
    const PAD: u64 = 6;
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
        "<line class=\"axis\" x1=\"{BAR_X}\" y1=\"{PAD}\" x2=\"{BAR_X}\" y2=\"{}\" stroke=\"{AXIS}\"/>",
        height - PAD
    );
    for (i, b) in rows.iter().enumerate() {
        let y = PAD + ROW * i as u64;
        let text_y = y + 16;
        let _ = write!(
            out,
            "<text class=\"bar-label\" x=\"{LABEL_END}\" y=\"{text_y}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            esc(&short(&b.label))
        );
        let (w, value) = match b.value {
            Some(v) => {
                let w = v * BAR_MAX / max;
                (if v > 0 { w.max(1) } else { 0 }, v.to_string())
            }
            None => (0, withheld.to_string()),
        };
        if w > 0 {
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{BAR_X}\" y=\"{}\" width=\"{w}\" height=\"16\" fill=\"{FILL}\"/>",
                y + 4
            );
        }
        let _ = write!(
            out,
            "<text class=\"value-label\" x=\"{}\" y=\"{text_y}\" fill=\"{INK}\">{}</text>",
            BAR_X + w + 6,
            esc(&value)
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns, one per (label, count), labels under the axis.
pub fn columns(title: &str, desc: &str, cols: &[(String, u64)]) -> String {
    const PITCH: u64 = 64;
    const COL_W: u64 = 40;
    const LEFT: u64 = 8;
    const TOP: u64 = 20;
    const PLOT: u64 = 160;
    let width = (LEFT * 2 + PITCH * cols.len() as u64).max(160);
    let height = TOP + PLOT + 28;
    let max = cols.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    let base = TOP + PLOT;
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"{AXIS}\"/>",
        width - LEFT
    );
    for (i, (label, v)) in cols.iter().enumerate() {
        let x = LEFT + PITCH * i as u64 + (PITCH - COL_W) / 2;
        let center = x + COL_W / 2;
        let h = if *v > 0 { (v * PLOT / max).max(1) } else { 0 };
        if h > 0 {
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{COL_W}\" height=\"{h}\" fill=\"{FILL}\"/>",
                base - h
            );
        }
        let _ = write!(
            out,
            "<text class=\"value-label\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{v}</text><text class=\"bar-label\" x=\"{center}\" y=\"{}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            base - h - 5,
            base + 18,
            esc(&short(label))
        );
    }
    out.push_str("</svg>");
    out
}

/// "Europe: 12; Africa: 3" for the chart's `<desc>` (escaped when drawn).
pub fn describe(rows: &[Bar], withheld: &str) -> String {
    rows.iter()
        .map(|b| match b.value {
            Some(v) => format!("{}: {v}", b.label),
            None => format!("{}: {withheld}", b.label),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_label() {
        let svg = bars(
            "Leads <per> partner",
            "A & B",
            &[
                Bar {
                    label: "<script>alert(\"x\")</script> & 'co'".into(),
                    value: Some(3),
                },
                Bar {
                    label: "Small".into(),
                    value: None,
                },
            ],
            "< 5",
        );
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
        // Cut to 28 characters, then escaped.
        assert!(svg.contains(">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;…</text>"));
        assert!(svg.contains("<desc>A &amp; B</desc>"));
        assert!(svg.contains("aria-label=\"Leads &lt;per&gt; partner\""));
        assert!(svg.contains(">&lt; 5</text>"));
        assert!(!svg.contains("style="));
        assert_eq!(svg.matches("<rect").count(), 1);
    }

    #[test]
    fn columns_scale_to_the_largest() {
        let svg = columns(
            "Per quarter",
            "",
            &[
                ("2026-Q1".into(), 10),
                ("2026-Q2".into(), 5),
                ("2026-Q3".into(), 0),
            ],
        );
        assert!(svg.contains("height=\"160\""));
        assert!(svg.contains("height=\"80\""));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(esc("a\u{1}b") == "a b");
    }
}
