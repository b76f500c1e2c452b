//! The rendered HTML of a long Markdown document (case study, post, about.md), kept
//! LZ4-compressed in the model of a large site until its page is rendered: at N = 10,000
//! partners the model would otherwise hold 270 MB of HTML that only one page each reads
//! (about.md: the profile and the `partners.json` search text). A smaller site keeps it
//! as it is: compressing costs ~7% of a build at N = 200 or 1,000 for
//! memory it does not need (see [`COMPRESS_FROM_PARTNERS`]).

use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::sync::Arc;

/// Documents shorter than this are kept as they are (compressing them saves little).
const COMPRESS_FROM: usize = 1024;

/// Sites with at least this many partner folders keep long documents compressed: about
/// 70 MB of HTML at the benchmark's 24 KB of Markdown per partner.
pub const COMPRESS_FROM_PARTNERS: usize = 2_500;

/// HTML shown by one page; cheap to clone, serialized (into a template context) as the
/// HTML text.
#[derive(Clone, Default)]
pub struct Html(Repr);

#[derive(Clone)]
enum Repr {
    Plain(Arc<str>),
    /// LZ4 block with the length prepended; compressed from valid UTF-8.
    Lz4(Arc<[u8]>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Plain(Arc::from(""))
    }
}

impl Html {
    /// Keep `html` as it is.
    pub fn new(html: String) -> Html {
        Html(Repr::Plain(html.into()))
    }

    /// Keep `html`, compressed when it is long enough for that to be worth it.
    pub fn compressed(html: String) -> Html {
        if html.len() < COMPRESS_FROM {
            return Html::new(html);
        }
        Html(Repr::Lz4(
            lz4_flex::block::compress_prepend_size(html.as_bytes()).into(),
        ))
    }

    /// The HTML text.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Plain(s) => Cow::Borrowed(s),
            Repr::Lz4(b) => {
                // Compressed from a `String` by `new`: neither step can fail.
                let bytes = lz4_flex::block::decompress_size_prepended(b).unwrap_or_default();
                Cow::Owned(
                    String::from_utf8(bytes)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                )
            }
        }
    }
}

impl From<String> for Html {
    fn from(html: String) -> Html {
        Html::new(html)
    }
}

impl Serialize for Html {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Html").field(&self.text()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Html;

    #[test]
    fn short_and_long_html_come_back_as_written() {
        for html in [String::new(), "<p>é</p>".into(), "<p>x é</p>\n".repeat(500)] {
            for kept in [Html::new(html.clone()), Html::compressed(html.clone())] {
                assert_eq!(kept.text(), html);
                assert_eq!(
                    serde_json::to_string(&kept).unwrap(),
                    serde_json::to_string(&html).unwrap()
                );
            }
        }
        let long = "<p>x é</p>\n".repeat(500);
        assert!(matches!(
            Html::compressed(long.clone()).0,
            super::Repr::Lz4(_)
        ));
        assert!(matches!(Html::new(long).0, super::Repr::Plain(_)));
    }
}
