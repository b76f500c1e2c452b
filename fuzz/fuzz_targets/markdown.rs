//! `markdown::render` with every HtmlPolicy on arbitrary text: never panics, and for
//! partner content (`sanitize`, `escape`) the HTML, parsed like a browser would, holds no
//! script-capable element, no event handler, no `style`/`class` from the author and no
//! javascript:/vbscript:/data: URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnersite::config::HtmlPolicy;
use partnersite::markdown::{MdOptions, render};
use scraper::Html;

const FORBIDDEN: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "style",
    "link",
    "base",
    "meta",
    "svg",
    "math",
    "noscript",
    "template",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
];

/// Classes pulldown-cmark itself writes.
const FOOTNOTE_CLASSES: &[&str] = &[
    "footnote-definition",
    "footnote-reference",
    "footnote-definition-label",
];

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "srcset",
    "background",
    "cite",
    "longdesc",
    "ping",
    "manifest",
    "codebase",
    "xlink:href",
];

fn bad_scheme(url: &str) -> bool {
    let cleaned = cleaned(url);
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("data:")
}

/// A URL as a browser reads its scheme (WHATWG URL): leading and trailing C0 controls and
/// spaces stripped, tabs and newlines removed anywhere, lower case. (Other control
/// characters inside a scheme make the URL relative.)
fn cleaned(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

fn check(html: &str, policy: HtmlPolicy, input: &str) {
    let doc = Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        assert!(
            !FORBIDDEN.contains(&name),
            "{policy:?}: <{name}> in output\ninput: {input:?}\nhtml: {html}"
        );
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(
                !attr.starts_with("on"),
                "{policy:?}: event handler {attr} on <{name}>\ninput: {input:?}\nhtml: {html}"
            );
            assert!(
                attr != "class"
                    || value.starts_with("language-")
                    || FOOTNOTE_CLASSES.contains(&value),
                "{policy:?}: author class {value:?} on <{name}>\ninput: {input:?}\nhtml: {html}"
            );
            assert!(
                attr != "style" || value.starts_with("text-align:"),
                "{policy:?}: author style {value:?} on <{name}>\ninput: {input:?}\nhtml: {html}"
            );
            assert!(
                !(URL_ATTRS.contains(&attr.as_str()) && bad_scheme(value)),
                "{policy:?}: unsafe URL {attr}={value:?} on <{name}>\ninput: {input:?}\nhtml: {html}"
            );
        }
        if name == "a" {
            let href = cleaned(el.attr("href").unwrap_or(""));
            if href.starts_with("http:") || href.starts_with("https:") || href.starts_with("//") {
                let rel: Vec<&str> = el.attr("rel").unwrap_or("").split_whitespace().collect();
                for want in ["noopener", "noreferrer", "ugc", "nofollow"] {
                    assert!(
                        rel.contains(&want),
                        "{policy:?}: external link without rel {want}\ninput: {input:?}\nhtml: {html}"
                    );
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rel = ["ugc".to_string(), "nofollow".to_string()];
    for policy in [HtmlPolicy::Sanitize, HtmlPolicy::Escape, HtmlPolicy::Allow] {
        let out = render(
            text,
            &MdOptions {
                html: policy,
                external_rel: &rel,
            },
        );
        if policy != HtmlPolicy::Allow {
            check(&out.html, policy, text);
        }
    }
});
