//! Markdown to HTML: the one place that sets parser options. Returns the HTML plus the
//! links it saw, with their byte offsets (for link checking without re-parsing), and the
//! headings (with ids). Unsafe URL schemes are dropped; raw HTML follows the site's
//! [`HtmlPolicy`]; a [`LinkHook`] may rewrite safe link and image URLs (base path, `@/`
//! content links, item images with their size).

use crate::config::HtmlPolicy;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};

mod html_depth;
use html_depth::html_deeper_than;

/// What one Markdown document rendered to.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Every link and image destination, as written, in document order.
    pub links: Vec<LinkRef>,
    pub headings: Vec<Heading>,
    /// The raw HTML nested deeper than [`MAX_HTML_DEPTH`] and was escaped (shown as
    /// text) instead of sanitized.
    pub html_too_deep: bool,
}

/// A link or image destination and where it starts in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    /// Byte offset of the link's `[` (or the image's `!`) in the Markdown text.
    pub offset: usize,
    pub image: bool,
}

/// What to write instead of a safe link or image URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewrite {
    /// The URL to write; `None` keeps it as written.
    pub url: Option<String>,
    /// An image's width and height in pixels, written as attributes.
    pub size: Option<(usize, usize)>,
}

/// Sees every safe link and image destination while rendering (unsafe ones are dropped
/// before), with its byte offset in the Markdown text.
pub trait LinkHook {
    fn rewrite(&mut self, dest: &str, image: bool, offset: usize) -> Rewrite;
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// How to treat raw HTML and external links.
#[derive(Debug, Clone, Copy)]
pub struct MdOptions<'a> {
    pub html: HtmlPolicy,
    /// Extra `rel` values for external links (`ugc`, `nofollow`).
    pub external_rel: &'a [String],
}

impl Default for MdOptions<'_> {
    fn default() -> Self {
        MdOptions {
            html: HtmlPolicy::Allow,
            external_rel: &[],
        }
    }
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The scheme of a URL as a browser would see it (control characters and whitespace
/// removed, lower case), or `None` for relative URLs.
fn scheme(url: &str) -> Option<Cow<'_, str>> {
    // Most URLs are printable ASCII: nothing to remove, no copy.
    if url.bytes().all(|b| b.is_ascii_graphic()) {
        let before = &url[..url.find(':')?];
        if before.contains(['/', '?', '#']) {
            return None;
        }
        return Some(if before.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(before.to_ascii_lowercase())
        } else {
            Cow::Borrowed(before)
        });
    }
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let colon = cleaned.find(':')?;
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) {
        return None;
    }
    Some(Cow::Owned(before.to_ascii_lowercase()))
}

/// True when a URL may be published in an `href` or `src`: relative, or http(s),
/// mailto, tel.
pub fn is_safe_url(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => matches!(&*s, "http" | "https" | "mailto" | "tel"),
    }
}

fn is_external(url: &str) -> bool {
    matches!(scheme(url).as_deref(), Some("http" | "https")) || url.starts_with("//")
}

/// Render one Markdown document.
pub fn render(markdown: &str, opts: &MdOptions) -> Rendered {
    render_with(markdown, opts, None)
}

/// Render one Markdown document, letting `hook` rewrite safe link and image URLs.
pub fn render_with(
    markdown: &str,
    opts: &MdOptions,
    mut hook: Option<&mut dyn LinkHook>,
) -> Rendered {
    let mut seen: Vec<Rewrite> = Vec::new();
    let mut first = |dest: &str, image: bool, offset: usize| {
        let r = match hook {
            Some(ref mut h) => h.rewrite(dest, image, offset),
            None => Rewrite::default(),
        };
        seen.push(r.clone());
        r
    };
    let rendered = render_events(markdown, opts, &mut first);
    if !rendered.html_too_deep {
        return rendered;
    }
    // The text-only retry parses the same links in the same order: reuse the rewrites
    // (the hook reports problems, which must come once).
    let mut again = seen.into_iter();
    let mut replay = |_: &str, _: bool, _: usize| again.next().unwrap_or_default();
    let escaped = render_events(
        markdown,
        &MdOptions {
            html: HtmlPolicy::Escape,
            ..*opts
        },
        &mut replay,
    );
    Rendered {
        html_too_deep: true,
        ..escaped
    }
}

/// An image being rendered with its size: its alt text is collected until it closes.
struct OpenImage {
    src: String,
    title: String,
    size: (usize, usize),
    alt: String,
    depth: usize,
}

fn image_html(img: &OpenImage) -> String {
    let mut out = String::from("<img src=\"");
    let _ = escape_href(&mut out, &img.src);
    out.push_str("\" alt=\"");
    let _ = escape_html(&mut out, &img.alt);
    out.push('"');
    if !img.title.is_empty() {
        out.push_str(" title=\"");
        let _ = escape_html(&mut out, &img.title);
        out.push('"');
    }
    out.push_str(&format!(
        " width=\"{}\" height=\"{}\" />",
        img.size.0, img.size.1
    ));
    out
}

type RewriteFn<'a> = dyn FnMut(&str, bool, usize) -> Rewrite + 'a;

fn render_events(markdown: &str, opts: &MdOptions, rewrite: &mut RewriteFn) -> Rendered {
    let rel = external_rel(opts.external_rel);
    let mut events = Events {
        parser: Parser::new_ext(markdown, parser_options()).into_offset_iter(),
        opts,
        rel: &rel,
        rewrite,
        links: Vec::new(),
        had_raw_html: false,
        open_links: Vec::new(),
        open_image: None,
        headings: Vec::new(),
        ids: UniqueIds::default(),
        queued: VecDeque::new(),
    };
    // Events stream straight into the HTML writer: only a heading's events wait (for its
    // id), never the whole document's.
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, &mut events);
    let Events {
        links,
        had_raw_html,
        headings,
        ..
    } = events;
    let mut html_too_deep = false;
    if had_raw_html && opts.html == HtmlPolicy::Sanitize {
        if html_deeper_than(&html, MAX_HTML_DEPTH) {
            // Too deep to sanitize in reasonable time: the caller shows the raw HTML as text.
            html_too_deep = true;
        } else {
            html = sanitize(&html, &rel);
        }
    }
    Rendered {
        html,
        links,
        headings,
        html_too_deep,
    }
}

/// The parser's events with links checked and rewritten, images sized, raw HTML under
/// the policy and headings given their ids, in document order.
struct Events<'a, 'r> {
    parser: pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
    opts: &'r MdOptions<'r>,
    rel: &'r str,
    rewrite: &'r mut RewriteFn<'r>,
    links: Vec<LinkRef>,
    had_raw_html: bool,
    /// One entry per open link: whether its tag was dropped (unsafe URL).
    open_links: Vec<bool>,
    open_image: Option<OpenImage>,
    headings: Vec<Heading>,
    ids: UniqueIds,
    /// A heading's events after its start, held until its id was known.
    queued: VecDeque<Event<'a>>,
}

impl<'a> Iterator for Events<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.queued.pop_front() {
            return Some(event);
        }
        let event = self.next_filtered()?;
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = event
        else {
            return Some(event);
        };
        // Hold the heading's events until its end: its id may be a slug of its text.
        let mut text = String::new();
        while let Some(inner) = self.next_filtered() {
            if let Event::Text(t) | Event::Code(t) = &inner {
                text.push_str(t);
            }
            let end = matches!(inner, Event::End(TagEnd::Heading(_)));
            self.queued.push_back(inner);
            if end {
                break;
            }
        }
        let unique = self.ids.claim(heading_id(id.as_deref(), &text));
        self.headings.push(Heading {
            level: heading_level(level),
            id: unique.clone(),
            text,
        });
        Some(Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(unique)),
            classes,
            attrs,
        }))
    }
}

impl<'a> Events<'a, '_> {
    /// The next event to write, after the link, image and raw HTML policies.
    fn next_filtered(&mut self) -> Option<Event<'a>> {
        loop {
            let (event, range) = self.parser.next()?;
            if let Some(img) = self.open_image.as_mut() {
                match event {
                    Event::Text(t) | Event::Code(t) => img.alt.push_str(&t),
                    Event::SoftBreak | Event::HardBreak => img.alt.push(' '),
                    Event::Start(Tag::Image { .. }) => img.depth += 1,
                    Event::End(TagEnd::Image) if img.depth > 0 => img.depth -= 1,
                    Event::End(TagEnd::Image) => {
                        let html = image_html(img);
                        self.open_image = None;
                        return Some(Event::Html(html.into()));
                    }
                    _ => {}
                }
                continue;
            }
            let out = match event {
                Event::Html(html) | Event::InlineHtml(html) => {
                    self.had_raw_html = true;
                    match self.opts.html {
                        HtmlPolicy::Escape => Some(Event::Text(html)),
                        _ => Some(Event::Html(html)),
                    }
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    ..
                }) => self.link(link_type, dest_url, &title, range.start),
                Event::End(TagEnd::Link) => {
                    (!self.open_links.pop().unwrap_or(false)).then(|| Event::Html("</a>".into()))
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => self.image(link_type, dest_url, title, id, range.start),
                // `# Title {.class key=value}` writes any attribute, `onclick` and `style`
                // included, and the sanitizer only runs on raw HTML: untrusted content
                // keeps the heading's id (escaped) and nothing else.
                Event::Start(Tag::Heading { level, id, .. })
                    if self.opts.html != HtmlPolicy::Allow =>
                {
                    Some(Event::Start(Tag::Heading {
                        level,
                        id,
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }))
                }
                other => Some(other),
            };
            if out.is_some() {
                return out;
            }
        }
    }

    /// A link's opening tag: recorded, dropped when unsafe (`None`), else rewritten.
    fn link(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: CowStr<'a>,
        title: &str,
        offset: usize,
    ) -> Option<Event<'a>> {
        // `<hello@example.org>` is an e-mail autolink: its target needs `mailto:`.
        let dest_url =
            if link_type == pulldown_cmark::LinkType::Email && !dest_url.starts_with("mailto:") {
                CowStr::from(format!("mailto:{dest_url}"))
            } else {
                dest_url
            };
        self.links.push(LinkRef {
            dest: dest_url.to_string(),
            offset,
            image: false,
        });
        if !is_safe_url(&dest_url) {
            self.open_links.push(true);
            return None;
        }
        let dest_url = match (self.rewrite)(&dest_url, false, offset).url {
            Some(url) => CowStr::from(url),
            None => dest_url,
        };
        self.open_links.push(false);
        let mut a = String::from("<a href=\"");
        let _ = escape_href(&mut a, &dest_url);
        a.push('"');
        if !title.is_empty() {
            a.push_str(" title=\"");
            let _ = escape_html(&mut a, title);
            a.push('"');
        }
        if is_external(&dest_url) {
            a.push_str(" rel=\"");
            a.push_str(self.rel);
            a.push('"');
        }
        a.push('>');
        Some(Event::Html(a.into()))
    }

    /// An image's start: recorded; one with a known size is written whole when it closes
    /// (`None` until then), an unsafe one loses its URL.
    fn image(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) -> Option<Event<'a>> {
        self.links.push(LinkRef {
            dest: dest_url.to_string(),
            offset,
            image: true,
        });
        let dest_url = if is_safe_url(&dest_url) {
            let r = (self.rewrite)(&dest_url, true, offset);
            if let Some(size) = r.size {
                self.open_image = Some(OpenImage {
                    src: r.url.unwrap_or_else(|| dest_url.to_string()),
                    title: title.to_string(),
                    size,
                    alt: String::new(),
                    depth: 0,
                });
                return None;
            }
            r.url.map_or(dest_url, CowStr::from)
        } else {
            CowStr::Borrowed("")
        };
        Some(Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }))
    }
}

/// Deepest element nesting handed to the sanitizer. The HTML parser's scope checks walk
/// the stack of open elements, so nesting costs quadratic time: 50,000 nested `<div>`s
/// (250 KB) took 6 s, a 5 MiB file of them would take the build most of an hour. Real
/// content nests a few levels.
pub const MAX_HTML_DEPTH: usize = 512;

fn external_rel(extra: &[String]) -> String {
    let mut rel = String::from("noopener noreferrer");
    for r in extra {
        rel.push(' ');
        rel.push_str(r);
    }
    rel
}

/// Clean HTML with ammonia's allow-list: no script, style, iframe, form, event handlers
/// or unsafe URLs. Headings keep their ids so anchors still work.
pub fn sanitize(html: &str, rel: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(Some(rel))
        .id_prefix(None);
    b.clean(html).to_string()
}

/// A heading's id before it is made unique: `{#custom}` wins, else a slug of its text.
fn heading_id(explicit: Option<&str>, text: &str) -> String {
    if let Some(id) = explicit {
        return id.to_string();
    }
    let s = crate::config::slugify(text);
    if s == "example" && !text.to_lowercase().contains("example") {
        "section".to_string()
    } else {
        s
    }
}

/// The ids given out in one document: `base`, else `base-1`, `base-2`, ... (the first not
/// yet taken, so an author's own `x-1` is skipped). Each base remembers where its search
/// stopped, so 40,000 headings `# x` cost linear time, not a search from 1 each.
#[derive(Default)]
struct UniqueIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl UniqueIds {
    fn claim(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        // Every `base-k` below `next` is taken (ids are never released), so starting there
        // finds the same id as starting from 1.
        let mut n = self.next.get(&base).copied().unwrap_or(1);
        let mut unique = format!("{base}-{n}");
        while !self.used.insert(unique.clone()) {
            n += 1;
            unique = format!("{base}-{n}");
        }
        self.next.insert(base, n + 1);
        unique
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str, html: HtmlPolicy) -> Rendered {
        render(
            s,
            &MdOptions {
                html,
                external_rel: &[],
            },
        )
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = md(
            "# Hello World\n\n## Hello World\n\n## Custom {#mine}\n",
            HtmlPolicy::Allow,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["hello-world", "hello-world-1", "mine"]);
        assert!(r.html.contains("<h1 id=\"hello-world\">"));
    }

    #[test]
    fn unsafe_links_are_dropped_and_external_get_rel() {
        let r = md(
            "[a](javascript:alert(1)) [b](https://x.org) [c](/local) ![i](  JaVaScRiPt:x)",
            HtmlPolicy::Allow,
        );
        assert!(!r.html.to_lowercase().contains("javascript"));
        assert!(
            r.html
                .contains("<a href=\"https://x.org\" rel=\"noopener noreferrer\">b</a>")
        );
        assert!(r.html.contains("<a href=\"/local\">c</a>"));
        assert_eq!(r.links.len(), 4);
    }

    #[test]
    fn email_autolinks_get_mailto() {
        let r = md("Write to <hello@example.org>.", HtmlPolicy::Sanitize);
        assert!(
            r.html.contains("href=\"mailto:hello@example.org\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn html_policies() {
        let src = "hi <script>alert(1)</script> <b onclick=\"x()\">bold</b>\n";
        let esc = md(src, HtmlPolicy::Escape).html;
        assert!(esc.contains("&lt;script&gt;"));
        let san = md(src, HtmlPolicy::Sanitize).html;
        assert!(
            !san.contains("<script") && !san.contains("onclick") && san.contains("<b>bold</b>")
        );
        let allow = md(src, HtmlPolicy::Allow).html;
        assert!(allow.contains("<script>"));
    }

    #[test]
    fn deep_raw_html_is_escaped_not_sanitized() {
        let deep = format!("<p>{}x", "<div>".repeat(MAX_HTML_DEPTH + 1));
        let r = md(&deep, HtmlPolicy::Sanitize);
        assert!(r.html_too_deep);
        assert!(
            r.html.starts_with("&lt;p&gt;&lt;div&gt;"),
            "{}",
            &r.html[..40]
        );
        let ok = format!("{}x{}", "<div>".repeat(100), "</div>".repeat(100));
        let ok = format!("{ok}{ok}<br><br><img src=\"a.png\">");
        let r = md(&ok, HtmlPolicy::Sanitize);
        assert!(!r.html_too_deep);
        assert!(r.html.contains("<div><div>"));
        assert!(html_deeper_than("<a><b><c>", 2));
        assert!(!html_deeper_than("<a><b></b><br><hr><c></c></a>", 2));
    }

    struct Hook(Vec<(String, bool, usize)>);
    impl LinkHook for Hook {
        fn rewrite(&mut self, dest: &str, image: bool, offset: usize) -> Rewrite {
            self.0.push((dest.to_string(), image, offset));
            Rewrite {
                url: Some(format!("/base{dest}")),
                size: image.then_some((3, 2)),
            }
        }
    }

    #[test]
    fn the_hook_rewrites_urls_and_sizes_images_once() {
        let mut hook = Hook(Vec::new());
        let src = "x [a](/p/) ![alt *t*](/i.png \"T\") [js](javascript:x)\n";
        let r = render_with(src, &MdOptions::default(), Some(&mut hook));
        assert_eq!(
            r.html,
            "<p>x <a href=\"/base/p/\">a</a> <img src=\"/base/i.png\" alt=\"alt t\" title=\"T\" width=\"3\" height=\"2\" /> js</p>\n"
        );
        // Unsafe URLs never reach the hook; every link is collected with its offset.
        assert_eq!(
            hook.0,
            [("/p/".into(), false, 2), ("/i.png".into(), true, 11)]
        );
        assert_eq!(r.links.len(), 3);
        // Too deep to sanitize: the text-only retry reuses the rewrites.
        let mut hook = Hook(Vec::new());
        let deep = format!("[a](/p/) {}", "<div>".repeat(MAX_HTML_DEPTH + 1));
        let opts = MdOptions {
            html: HtmlPolicy::Sanitize,
            external_rel: &[],
        };
        let r = render_with(&deep, &opts, Some(&mut hook));
        assert!(r.html_too_deep && r.html.contains("href=\"/base/p/\""));
        assert_eq!(hook.0.len(), 1);
    }

    #[test]
    fn repeated_headings_get_the_next_free_suffix() {
        let ids = |s: &str| -> Vec<String> {
            md(s, HtmlPolicy::Allow)
                .headings
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(ids("# x\n# x\n"), ["x", "x-1"]);
        // The author's own `x-1` (as text or as an explicit id) is never reused.
        assert_eq!(ids("# x-1\n# x\n# x\n# x\n"), ["x-1", "x", "x-2", "x-3"]);
        assert_eq!(
            ids("# x\n# x\n# y {#x-2}\n# x\n"),
            ["x", "x-1", "x-2", "x-3"]
        );
        assert_eq!(ids("# x\n# x {#x}\n# x-1\n"), ["x", "x-1", "x-1-1"]);
        let many = ids(&"# x\n".repeat(5000));
        assert_eq!(many.len(), 5000);
        assert_eq!(many.last().map(String::as_str), Some("x-4999"));
    }

    #[test]
    fn hidden_nesting_counts_as_deep() {
        let deep = |unit: &str| html_deeper_than(&unit.repeat(MAX_HTML_DEPTH + 1), MAX_HTML_DEPTH);
        // End tags that the parser ignores or never sees close nothing.
        for unit in [
            "<div></x>",
            "<div></span>",
            "<span><div></span>",
            "<div><!--</div>-->",
            "<div title=\"</div>\">",
            "<div title='></div>'>",
            "<div><textarea></div></textarea>",
            "<div><table></div></table>",
            "<div><b id=1></div>x",
            "<b><div></b>",
            "<div><svg><style></div></style></svg>",
            "<div><svg><![CDATA[</div>]]></svg>",
        ] {
            assert!(deep(unit), "{unit}");
        }
        // Ordinary HTML, however long, stays shallow.
        for unit in [
            "<div><p>a<p>b</div>",
            "<ul><li>a<li>b</ul>",
            "<dl><dt>a<dd>b</dl>",
            "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>",
            "<p><em>a</em> <strong>b</strong> <a href=\"/x\">c</a><br><img src=\"i.png\"></p>",
            "<details><summary>s</summary><pre><code>x</code></pre></details>",
            "<div><!-- <div> --><script>if (a<b) {}</script><style>p>b{}</style></div>",
            "<svg><path d=\"M0\"/><g><circle r=\"1\"/></g></svg>",
            "<p><b>a</p>",
        ] {
            let long = unit.repeat(if unit.starts_with("<p><b>") {
                100
            } else {
                5000
            });
            assert!(!html_deeper_than(&long, MAX_HTML_DEPTH), "{unit}");
        }
    }

    #[test]
    fn heading_attributes_are_dropped_for_untrusted_content() {
        let src = "# Hi {#top .visually-hidden onclick=alert(1) style=position:fixed}\n";
        for policy in [HtmlPolicy::Sanitize, HtmlPolicy::Escape] {
            let html = md(src, policy).html;
            assert_eq!(html, "<h1 id=\"top\">Hi</h1>\n", "{policy:?}");
        }
        let allow = md(src, HtmlPolicy::Allow).html;
        assert!(allow.contains("onclick=\"alert(1)\""), "{allow}");
    }
}
