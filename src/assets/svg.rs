//! SVG logos: an allow-list of elements and attributes, and CSS (in `<style>` and in
//! every attribute) that may reference nothing outside the file: only `url(#id)`.

use roxmltree::{Attribute, Document, Node};
use std::collections::HashSet;
use std::sync::OnceLock;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Drawing editors' own namespaces (Inkscape, Sodipodi, RDF licence metadata): browsers
/// ignore these elements and attributes, so files saved by the editors stay accepted.
#[rustfmt::skip]
const EDITOR_NS: &[&str] = &[
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/", "http://purl.org/dc/elements/1.1/",
];

/// Elements a logo may use: shapes, text, paint servers, clipping, filters (not
/// `feImage`), structure and animation. Nothing that embeds other documents or images.
#[rustfmt::skip]
const ELEMENTS: &[&str] = &[
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style", "a", "path",
    "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence", "animate",
    "animateMotion", "animateTransform", "set", "mpath",
];

/// Attributes (without namespace) a logo may use: core, geometry, paint-server, filter
/// and animation attributes, and the presentation attributes (their values are checked
/// as CSS). `aria-*` and `data-*` (inert without script) are allowed as well.
#[rustfmt::skip]
const ATTRIBUTES: &[&str] = &[
    "id", "class", "style", "lang", "role", "tabindex", "focusable", "version",
    "baseProfile", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
    "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength", "transform", "viewBox",
    "preserveAspectRatio", "dx", "dy", "rotate", "textLength", "lengthAdjust",
    "startOffset", "method", "spacing", "side", "href", "target", "type", "media", "title",
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY",
    "orient", "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation",
    "mode", "operator", "k1", "k2", "k3", "k4", "values", "tableValues", "slope",
    "intercept", "amplitude", "exponent", "order", "kernelMatrix", "divisor", "bias",
    "targetX", "targetY", "edgeMode", "kernelUnitLength", "preserveAlpha", "surfaceScale",
    "diffuseConstant", "specularConstant", "specularExponent", "azimuth", "elevation",
    "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "z", "scale",
    "xChannelSelector", "yChannelSelector", "radius", "baseFrequency", "numOctaves", "seed",
    "stitchTiles", "attributeName", "attributeType", "begin", "dur", "end", "min", "max",
    "restart", "repeatCount", "repeatDur", "calcMode", "keyTimes", "keySplines",
    "keyPoints", "from", "to", "by", "additive", "accumulate", "path",
    // Presentation attributes.
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
    "stroke-opacity", "opacity", "color", "display", "visibility", "overflow", "clip",
    "clip-path", "clip-rule", "mask", "filter", "marker", "marker-start", "marker-mid",
    "marker-end", "font", "font-family", "font-size", "font-size-adjust", "font-stretch",
    "font-style", "font-variant", "font-weight", "text-anchor", "text-decoration",
    "text-rendering", "dominant-baseline", "alignment-baseline", "baseline-shift",
    "letter-spacing", "word-spacing", "writing-mode", "direction", "unicode-bidi",
    "shape-rendering", "image-rendering", "color-interpolation",
    "color-interpolation-filters", "color-rendering", "paint-order", "vector-effect",
    "mix-blend-mode", "isolation", "transform-origin", "enable-background", "stop-color",
    "stop-opacity", "flood-color", "flood-opacity", "lighting-color",
];

static ELEMENT_SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
static ATTRIBUTE_SET: OnceLock<HashSet<&'static str>> = OnceLock::new();

/// Membership in an allow-list, hashed once: a logo has thousands of attributes.
fn allowed(
    list: &'static [&'static str],
    set: &OnceLock<HashSet<&'static str>>,
    name: &str,
) -> bool {
    set.get_or_init(|| list.iter().copied().collect())
        .contains(name)
}

/// Refuse SVG that could run script, load other resources or expand entities, even
/// though the site only ever shows logos through `<img>` (defence in depth: a visitor
/// may open the file directly). Only the listed elements and attributes pass.
pub fn check_svg(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    if has_markup_ignore_case(text, "<!doctype") {
        return Err("it contains a <!DOCTYPE> declaration; remove it".into());
    }
    if has_markup_ignore_case(text, "<!entity") {
        return Err("it contains an <!ENTITY> declaration; remove it".into());
    }
    let doc = Document::parse(text).map_err(|e| format!("it is not well-formed SVG/XML ({e})"))?;
    let root = doc.root_element();
    if !root.tag_name().name().eq_ignore_ascii_case("svg") {
        return Err(format!(
            "its root element is <{}>, not <svg>",
            root.tag_name().name()
        ));
    }
    for node in doc.descendants() {
        // Computed only for the message: `text_pos_at` scans from the start of the file.
        let line = LineOf(&doc, node.range().start);
        if let Some(pi) = node.pi() {
            // `<?xml-stylesheet href="https://..."?>` loads a style sheet.
            if pi.target.eq_ignore_ascii_case("xml-stylesheet") {
                return Err(format!(
                    "it contains an <?xml-stylesheet?> instruction (line {line}); remove it"
                ));
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        // Animating a link's target is the classic way around an href check (named
        // before the script URL it would set).
        let name = node.tag_name().name();
        if matches!(
            name,
            "set" | "animate" | "animateMotion" | "animateTransform"
        ) && node.attributes().any(|a| {
            a.name().eq_ignore_ascii_case("attributeName")
                && a.value().trim().to_ascii_lowercase().ends_with("href")
        }) {
            return Err(format!(
                "its <{name}> element animates a link target (line {line})"
            ));
        }
        for attr in node.attributes() {
            check_attribute(node, &attr, &line)?;
        }
        check_element(node, &line)?;
    }
    Ok(())
}

fn check_element(node: Node, line: &LineOf) -> Result<(), String> {
    let name = node.tag_name().name();
    match node.tag_name().namespace() {
        Some(XHTML_NS) => {
            return Err(format!(
                "it contains an HTML element <{name}> (line {line})"
            ));
        }
        None | Some(SVG_NS) => {}
        Some(ns) if EDITOR_NS.contains(&ns) => return Ok(()),
        Some(ns) => {
            return Err(format!(
                "it contains the element <{name}> of namespace {ns} (line {line}), which is not allowed in a logo"
            ));
        }
    }
    if name.eq_ignore_ascii_case("script") {
        return Err(format!("it contains a <script> element (line {line})"));
    }
    if !allowed(ELEMENTS, &ELEMENT_SET, name) {
        return Err(format!(
            "it contains the element <{name}> (line {line}), which is not allowed in a logo; use shapes, paths, text and gradients"
        ));
    }
    if name == "style" {
        // Every text node: an XML comment or CDATA section may split `url(` in two.
        let css: String = node
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        check_css(&css).map_err(|why| format!("its <style> element {why} (line {line})"))?;
    }
    Ok(())
}

fn check_attribute(node: Node, attr: &Attribute, line: &LineOf) -> Result<(), String> {
    let name = attr.name();
    let value = attr.value().trim();
    if name
        .as_bytes()
        .get(..2)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"on"))
    {
        return Err(format!(
            "it contains an event handler attribute `{name}` (line {line})"
        ));
    }
    let editor_element = node
        .tag_name()
        .namespace()
        .is_some_and(|ns| EDITOR_NS.contains(&ns));
    let allowed = match attr.namespace() {
        None => {
            editor_element
                || allowed(ATTRIBUTES, &ATTRIBUTE_SET, name)
                || name.starts_with("aria-")
                || name.starts_with("data-")
        }
        Some(XLINK_NS) => matches!(name, "href" | "title"),
        Some(XML_NS) => matches!(name, "space" | "lang"),
        Some(ns) => EDITOR_NS.contains(&ns),
    };
    let is_link = name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src");
    if is_link && !value.starts_with('#') {
        return Err(format!(
            "it references an external resource `{value}` (line {line}); embed it or remove it"
        ));
    }
    if has_script_url(value) {
        return Err(format!(
            "its attribute `{name}` holds a script URL (line {line})"
        ));
    }
    // `fill`, `filter`, `mask`, `clip-path`, `marker-*` and `style` take `url(...)`;
    // any other attribute is checked too (an animation's `to` can set one).
    check_css(value).map_err(|why| format!("its {name} attribute {why} (line {line})"))?;
    if !allowed {
        return Err(format!(
            "its <{}> element has the attribute `{name}` (line {line}), which is not allowed in a logo",
            node.tag_name().name()
        ));
    }
    Ok(())
}

/// CSS that references nothing outside the file. Comments are dropped and escapes
/// decoded first (`u/**/rl(`, `\75 rl(` and `@\69mport` are all caught).
fn check_css(raw: &str) -> Result<(), String> {
    if !raw.contains(['(', '@', '\\', '/']) {
        return Ok(()); // the common case: a colour, a length, a path
    }
    let css = decode_css(raw);
    let escaped = if css == raw.to_ascii_lowercase() {
        ""
    } else {
        " (written with comments or CSS escapes)"
    };
    if css.contains("@import") {
        return Err(format!("loads an external resource with @import{escaped}"));
    }
    for f in [
        "image-set(",
        "image(",
        "cross-fade(",
        "element(",
        "src(",
        "expression(",
    ] {
        if css.contains(f) {
            return Err(format!("loads an external resource with {f}){escaped}"));
        }
    }
    for (i, _) in css.match_indices("url") {
        let rest = css.get(i + 3..).unwrap_or("").trim_start();
        let Some(arg) = rest.strip_prefix('(') else {
            continue;
        };
        let arg = arg.trim_start().trim_start_matches(['"', '\'']);
        if !arg.starts_with('#') {
            let shown: String = arg
                .chars()
                .take_while(|c| !matches!(c, ')' | '"' | '\''))
                .take(80)
                .collect();
            return Err(format!(
                "loads an external resource `url({shown})`{escaped}; only url(#id) references inside the file are allowed"
            ));
        }
    }
    Ok(())
}

/// CSS with comments removed, escapes decoded (`\75 ` -> `u`, `\(` -> `(`) and ASCII
/// lower-cased.
fn decode_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = '\0';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '\\' => {
                let mut hex = String::new();
                while hex.len() < 6 && chars.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    hex.extend(chars.next());
                }
                if hex.is_empty() {
                    // `\` + newline continues a string; `\x` is `x`.
                    match chars.next() {
                        Some('\n') | None => {}
                        Some(other) => out.push(other),
                    }
                } else {
                    if chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                    let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
            }
            c => out.push(c),
        }
    }
    out.make_ascii_lowercase();
    out
}

/// The line of a byte offset, formatted on demand.
/// Whether `text` holds `needle` (which starts with `<`) in any ASCII case, without a
/// lower-case copy of the whole file.
fn has_markup_ignore_case(text: &str, needle: &str) -> bool {
    let (bytes, needle) = (text.as_bytes(), needle.as_bytes());
    text.match_indices('<').any(|(i, _)| {
        bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

struct LineOf<'a, 'input>(&'a Document<'input>, usize);

impl std::fmt::Display for LineOf<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.text_pos_at(self.1).row)
    }
}

/// A `javascript:`/`vbscript:` URL anywhere in a value (animation `values` lists several).
fn has_script_url(value: &str) -> bool {
    // Both schemes end in `:`, which no removed character can make: most values (path
    // data, colours, lengths) need no cleaned copy.
    if !value.contains(':') {
        return false;
    }
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.contains("javascript:") || cleaned.contains("vbscript:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_found_in_any_case() {
        for (text, found) in [
            ("<!DOCTYPE svg>", true),
            ("x <!DocType", true),
            ("<!doctyp", false),
            ("<svg/><!-- <!doctype --", true),
            ("!doctype", false),
        ] {
            assert_eq!(has_markup_ignore_case(text, "<!doctype"), found, "{text}");
        }
    }

    #[test]
    fn decodes_css() {
        assert_eq!(decode_css("\\75 rl(x)"), "url(x)");
        assert_eq!(decode_css("u/**/rl(x)"), "url(x)");
        assert_eq!(decode_css("@\\69mport"), "@import");
        assert_eq!(decode_css("\\(a\\)"), "(a)");
    }

    #[test]
    fn css_references() {
        assert!(check_css("fill: url(#g)").is_ok());
        assert!(check_css("url( '#g' )").is_ok());
        assert!(check_css("#ff0000").is_ok());
        assert!(check_css("url(http://x)").is_err());
        assert!(check_css("URL (http://x)").is_err());
        assert!(check_css("a{background:image-set(\"x.png\" 1x)}").is_err());
    }
}
