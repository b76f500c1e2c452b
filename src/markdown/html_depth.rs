//! How deep raw HTML will nest in the HTML parser's stack of open elements, estimated in
//! linear time before it is handed to the sanitizer (whose parser is quadratic in that
//! depth).
//!
//! The estimate follows the HTML tokenizer (comments, quoted attributes, raw-text
//! elements, CDATA in SVG/MathML) and a simplified tree builder, and errs only towards
//! "deeper": an end tag closes elements only where the real parser certainly would
//! (`<div></x>` repeated keeps every `<div>` open, as the parser does), formatting
//! elements closed implicitly count again (the parser reconstructs them), and
//! implicitly closed elements other than `<p>`, `<li>`, `<dd>`, `<dt>` and `<option>`
//! stay counted. Every step is amortised O(1), so the whole estimate is linear.

use std::collections::HashMap;

const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "article",
    "aside",
    "blockquote",
    "body",
    "button",
    "caption",
    "center",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "html",
    "iframe",
    "li",
    "listing",
    "main",
    "marquee",
    "menu",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
    "xmp",
];
/// Elements that end the parser's scopes (the union of its scope kinds, and `select`):
/// an end tag never closes an element below one of them, unless it names it.
const BOUNDARY: &[&str] = &[
    "applet", "button", "caption", "html", "marquee", "object", "ol", "select", "table", "td",
    "template", "th", "ul",
];
const RAW_TEXT: &[&str] = &[
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
];
/// HTML start tags that end SVG/MathML content.
const BREAKOUT: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];
/// SVG/MathML elements whose content is parsed as HTML again.
const INTEGRATION: &[&str] = &[
    "desc",
    "foreignobject",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "title",
];
/// Start tags that close an open `<p>` first.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "summary",
    "table",
    "ul",
    "xmp",
];

fn is(list: &[&str], name: &str) -> bool {
    list.contains(&name)
}

/// Whether the elements of `html` may nest deeper than `limit`.
pub fn html_deeper_than(html: &str, limit: usize) -> bool {
    let mut stack = Stack::default();
    let mut tokens = Tokens {
        bytes: html.as_bytes(),
        at: 0,
    };
    while let Some(token) = tokens.next(stack.foreign()) {
        match token {
            Token::Start {
                name,
                self_closing,
                attrs,
            } => {
                let raw = stack.start(&name, self_closing, attrs);
                if stack.len() > limit {
                    return true;
                }
                if raw && !tokens.skip_raw_text(&name) {
                    // `<script><!--<script>`: script text whose end the estimate cannot
                    // find simply; such legacy markup is shown as text.
                    return true;
                }
            }
            Token::End(name) => stack.end(&name),
        }
    }
    false
}

enum Token {
    Start {
        name: String,
        self_closing: bool,
        /// The raw text of the attributes, for `<font color>` in SVG.
        attrs: String,
    },
    End(String),
}

/// The HTML tokenizer, reduced to the start and end tags it emits.
struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Tokens<'_> {
    fn get(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let hay = self.bytes.get(from..)?;
        hay.windows(needle.len())
            .position(|w| w == needle)
            .map(|p| from + p)
    }

    fn starts_with_ci(&self, at: usize, s: &str) -> bool {
        self.bytes
            .get(at..at + s.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(s.as_bytes()))
    }

    /// The next tag; `foreign` when the parser is in SVG/MathML (CDATA sections exist).
    fn next(&mut self, foreign: bool) -> Option<Token> {
        loop {
            let lt = self.find(self.at, b"<")?;
            let i = lt + 1;
            match self.get(i)? {
                b'!' if self.starts_with_ci(i, "!--") => {
                    self.at = self.comment_end(i + 3)?;
                }
                b'!' if foreign && self.starts_with_ci(i, "![CDATA[") => {
                    self.at = self.find(i, b"]]>")? + 3;
                }
                b'!' | b'?' => self.at = self.find(i, b">")? + 1,
                b'/' => match self.get(i + 1)? {
                    b if b.is_ascii_alphabetic() => {
                        let (name, after) = self.name(i + 1);
                        self.at = self.tag_end(after)?.0;
                        return Some(Token::End(name));
                    }
                    b'>' => self.at = i + 2,
                    _ => self.at = self.find(i, b">")? + 1,
                },
                b if b.is_ascii_alphabetic() => {
                    let (name, after) = self.name(i);
                    let (end, self_closing) = self.tag_end(after)?;
                    let attrs = String::from_utf8_lossy(self.bytes.get(after..end)?).into();
                    self.at = end;
                    return Some(Token::Start {
                        name,
                        self_closing,
                        attrs,
                    });
                }
                _ => self.at = i,
            }
        }
    }

    /// After `<!--`: where the comment ends (`-->`, or at once for `<!-->` and `<!--->`).
    fn comment_end(&self, from: usize) -> Option<usize> {
        match (self.get(from), self.get(from + 1)) {
            (Some(b'>'), _) => Some(from + 1),
            (Some(b'-'), Some(b'>')) => Some(from + 2),
            _ => self.find(from, b"-->").map(|p| p + 3),
        }
    }

    /// A tag name (lower case) and where it ends: at white space, `/` or `>`.
    fn name(&self, from: usize) -> (String, usize) {
        let rest = self.bytes.get(from..).unwrap_or_default();
        let len = rest
            .iter()
            .take_while(|b| !b.is_ascii_whitespace() && **b != b'/' && **b != b'>')
            .count();
        let name = String::from_utf8_lossy(rest.get(..len).unwrap_or_default());
        (name.to_ascii_lowercase(), from + len)
    }

    /// Past the attributes to the `>` that ends the tag: quotes only open after `=`.
    /// Returns the offset after `>` and whether the tag ended with `/>`; `None` at the end
    /// of the text (the parser drops an unfinished tag).
    fn tag_end(&self, mut i: usize) -> Option<(usize, bool)> {
        let mut in_attribute = false;
        loop {
            match self.get(i)? {
                b'>' => return Some((i + 1, false)),
                b'/' if self.get(i + 1) == Some(b'>') => return Some((i + 2, true)),
                b'/' => in_attribute = false,
                b if b.is_ascii_whitespace() => {}
                b'=' if in_attribute => {
                    i += 1;
                    while self.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
                        i += 1;
                    }
                    match self.get(i)? {
                        q @ (b'"' | b'\'') => i = self.find(i + 1, &[q])?,
                        b'>' => return Some((i + 1, false)),
                        _ => {
                            while self
                                .get(i + 1)
                                .is_some_and(|b| !b.is_ascii_whitespace() && b != b'>')
                            {
                                i += 1;
                            }
                        }
                    }
                    in_attribute = false;
                }
                _ => in_attribute = true,
            }
            i += 1;
        }
    }

    /// Skip the text of a raw-text element up to its end tag (kept for [`Self::next`]).
    /// False for script text that may hide its end tag (`<!--` then `<script`).
    fn skip_raw_text(&mut self, name: &str) -> bool {
        if name == "plaintext" {
            self.at = self.bytes.len();
            return true;
        }
        let mut from = self.at;
        loop {
            let Some(lt) = self.find(from, b"</") else {
                self.at = self.bytes.len();
                return true;
            };
            let after = self.get(lt + 2 + name.len());
            if self.starts_with_ci(lt + 2, name)
                && after.is_none_or(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
            {
                if name == "script" {
                    let text = self.bytes.get(self.at..lt).unwrap_or_default();
                    let text = String::from_utf8_lossy(text).to_ascii_lowercase();
                    let hidden = text
                        .find("<!--")
                        .and_then(|c| text.get(c..))
                        .is_some_and(|t| t.contains("<script"));
                    if hidden {
                        return false;
                    }
                }
                self.at = lt;
                return true;
            }
            from = lt + 2;
        }
    }
}

/// HTML, or SVG/MathML (whose end tags follow other rules).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Html,
    Foreign,
}

/// The parser's stack of open elements, as far as the estimate can tell.
#[derive(Default)]
struct Stack {
    open: Vec<(String, Ns)>,
    /// Stack positions of the open elements of each name.
    positions: HashMap<String, Vec<usize>>,
    /// Positions of scope boundaries and of SVG/MathML elements.
    boundaries: Vec<usize>,
    /// Positions of "special" elements (and SVG/MathML elements).
    specials: Vec<usize>,
    /// Positions of HTML elements.
    htmls: Vec<usize>,
}

impl Stack {
    fn len(&self) -> usize {
        self.open.len()
    }

    fn top(&self) -> Option<&str> {
        self.open.last().map(|(n, _)| n.as_str())
    }

    /// In SVG/MathML content (not in one of its HTML integration points).
    fn foreign(&self) -> bool {
        self.open
            .last()
            .is_some_and(|(n, ns)| *ns == Ns::Foreign && !is(INTEGRATION, n))
    }

    fn push(&mut self, name: &str, ns: Ns) {
        let i = self.open.len();
        let foreign = ns == Ns::Foreign;
        if foreign || is(BOUNDARY, name) {
            self.boundaries.push(i);
        }
        if foreign || is(SPECIAL, name) {
            self.specials.push(i);
        }
        if !foreign {
            self.htmls.push(i);
        }
        self.positions.entry(name.to_string()).or_default().push(i);
        self.open.push((name.to_string(), ns));
    }

    fn pop(&mut self) -> Option<(String, Ns)> {
        let (name, ns) = self.open.pop()?;
        let i = self.open.len();
        for list in [&mut self.boundaries, &mut self.specials, &mut self.htmls] {
            if list.last() == Some(&i) {
                list.pop();
            }
        }
        if let Some(p) = self.positions.get_mut(&name) {
            p.pop();
        }
        Some((name, ns))
    }

    /// Where the innermost open element named `name` is.
    fn position(&self, name: &str) -> Option<usize> {
        self.positions.get(name).and_then(|p| p.last().copied())
    }

    /// A start tag; returns whether the element's text is raw text.
    fn start(&mut self, name: &str, self_closing: bool, attrs: String) -> bool {
        let font_breakout = name == "font" && {
            let a = attrs.to_ascii_lowercase();
            ["color", "face", "size"].iter().any(|k| a.contains(k))
        };
        if self.foreign() && !is(BREAKOUT, name) && !font_breakout {
            if !self_closing {
                self.push(name, Ns::Foreign);
            }
            return false;
        }
        if name == "svg" || name == "math" {
            if !self_closing {
                self.push(name, Ns::Foreign);
            }
            return false;
        }
        if is(VOID, name) {
            return false;
        }
        let top = self.top();
        let same_item = |t: &str| {
            t == name && matches!(name, "li" | "option")
                || matches!(t, "dd" | "dt") && matches!(name, "dd" | "dt")
        };
        if top == Some("p") && is(CLOSES_P, name) || top.is_some_and(same_item) {
            self.pop();
        }
        self.push(name, Ns::Html);
        is(RAW_TEXT, name)
    }

    /// An end tag: close elements only where the parser certainly closes them.
    fn end(&mut self, name: &str) {
        let Some(at) = self.position(name) else {
            return;
        };
        let last = |list: &Vec<usize>| list.last().copied();
        let closes = if self.open.get(at).is_some_and(|(_, ns)| *ns == Ns::Foreign) {
            // SVG/MathML: closes the element when only SVG/MathML lies above it.
            last(&self.htmls).is_none_or(|h| h < at)
        } else if is(FORMATTING, name) {
            // The adoption agency moves elements around: only the plain case.
            at + 1 == self.open.len()
        } else if is(SPECIAL, name) {
            last(&self.boundaries).is_none_or(|b| b <= at)
        } else {
            last(&self.specials).is_none_or(|s| s < at)
        };
        if !closes {
            return;
        }
        // Formatting elements closed on the way are reconstructed by the parser at the
        // next text: they stay counted.
        let mut reopened = Vec::new();
        while self.open.len() > at {
            match self.pop() {
                Some((n, Ns::Html)) if self.open.len() > at && is(FORMATTING, &n) => {
                    reopened.push(n)
                }
                _ => {}
            }
        }
        for n in reopened.iter().rev() {
            self.push(n, Ns::Html);
        }
    }
}
