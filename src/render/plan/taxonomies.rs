//! Tag and topic pages: a case study's free-text `tags` and a post's `topic` (an id of
//! `[topics]`) each get a listing newest first, paginated like the kind's own
//! (`case-studies/tags/<tag>/`, `blog/topics/<topic>/`), an Atom feed beside it, and an
//! index of all of them with counts (`case-studies/tags/`, `blog/topics/`).
//!
//! A tag's URL segment is its slug ([`tag_slug`]): tags whose slugs are equal ("Open edX",
//! "open-edx") share one page, shown with the first spelling in sort order. A page depends
//! on the Markdown of the items it shows; which items it shows is structure (`serve`
//! rebuilds everything when an item's tags or topic change).

use super::listings::{List, Pages, Sorted, paginate};
use super::{Planned, feeds, indexes};
use crate::config::{SiteConfig, slugify};
use crate::content::sort_key;
use crate::kinds::{self, Shape};
use crate::render::PER_PAGE;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use tera::Context;

use crate::render::views::Urls;

/// Tag slugs longer than this are cut, and end with a hash of the whole slug so that two
/// long tags sharing a beginning keep apart.
const MAX_SLUG: usize = 60;

/// One way of filing items: which kind, where its pages go, how they are worded.
struct Taxonomy {
    shape: Shape,
    /// Folder under the kind's listing (`tags` -> `case-studies/tags/`).
    folder: &'static str,
    /// The index's title and breadcrumb label.
    index_title: &'static str,
    /// The link from the kind's listing to the index.
    browse: &'static str,
    /// How the index words a count: one, several.
    nouns: (&'static str, &'static str),
    /// The page title of one term, from its label.
    title: fn(&str) -> String,
    /// Terms that get a page even with no item (the `[topics]` vocabulary), in order.
    declared: fn(&SiteConfig) -> Vec<(String, String)>,
}

static TAXONOMIES: [Taxonomy; 2] = [
    Taxonomy {
        shape: Shape::CaseStudy,
        folder: "tags",
        index_title: "Tags",
        browse: "Browse by tag",
        nouns: ("case study", "case studies"),
        title: |label| format!("Case studies tagged “{label}”"),
        declared: |_| Vec::new(),
    },
    Taxonomy {
        shape: Shape::Post,
        folder: "topics",
        index_title: "Topics",
        browse: "Browse by topic",
        nouns: ("post", "posts"),
        title: |label| format!("Blog topic: {label}"),
        declared: |c| {
            let v = &c.topics.entries;
            v.iter().map(|e| (e.id.clone(), e.label.clone())).collect()
        },
    },
];

/// The URL segment of a tag, `None` for a blank one: ASCII letters and digits in lower
/// case, joined by single hyphens (as [`slugify`] makes ids). A tag with no letter or
/// digit even after transliteration gets `tag-<hash>`; a very long one is cut.
pub(in crate::render) fn tag_slug(tag: &str) -> Option<String> {
    let tag = tag.trim();
    if tag.is_empty() {
        return None;
    }
    if !deunicode::deunicode(tag)
        .chars()
        .any(|c| c.is_ascii_alphanumeric())
    {
        return Some(format!("tag-{}", short_hash(tag)));
    }
    let slug = slugify(tag);
    if slug.len() <= MAX_SLUG {
        return Some(slug);
    }
    let cut = slug[..MAX_SLUG].trim_end_matches('-');
    Some(format!("{cut}-{}", short_hash(&slug)))
}

/// FNV-1a, 32 bits, as 8 hex digits: stable across runs and platforms.
fn short_hash(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// The page of a tag slug: `case-studies/tags/<slug>/`.
pub(in crate::render) fn tag_path(slug: &str) -> String {
    term_path(&TAXONOMIES[0], slug)
}

/// The page of a topic id: `blog/topics/<id>/`.
pub(in crate::render) fn topic_path(id: &str) -> String {
    term_path(&TAXONOMIES[1], id)
}

fn index_path(t: &Taxonomy) -> String {
    let listing = kinds::by_shape(t.shape).listing.map_or("", |l| l.path);
    format!("{listing}{}/", t.folder)
}

fn term_path(t: &Taxonomy, slug: &str) -> String {
    format!("{}{slug}/", index_path(t))
}

/// One tag or topic: its slug, label and the positions of its items in the kind's list.
struct Term {
    slug: String,
    label: String,
    at: Vec<usize>,
}

/// The terms of a taxonomy: the declared ones in their order, then the others by label.
fn terms(t: &Taxonomy, list: &List, c: &SiteConfig) -> Vec<Term> {
    let mut used: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, item) in list.items.iter().enumerate() {
        for (slug, spelling) in item.filed_under() {
            let (label, at) = used
                .entry(slug)
                .or_insert_with(|| (spelling.clone(), vec![]));
            if spelling < *label {
                *label = spelling;
            }
            if at.last() != Some(&i) {
                at.push(i);
            }
        }
    }
    let mut out: Vec<Term> = (t.declared)(c)
        .into_iter()
        .map(|(slug, label)| {
            let at = used.remove(&slug).map(|(_, at)| at).unwrap_or_default();
            Term { slug, label, at }
        })
        .collect();
    let mut rest: Vec<Term> = used
        .into_iter()
        .map(|(slug, (label, at))| Term { slug, label, at })
        .collect();
    rest.sort_by_cached_key(|t| (sort_key(&t.label), t.slug.clone()));
    out.extend(rest);
    out
}

/// A link as the templates show it.
#[derive(Serialize)]
struct Link {
    label: String,
    url: String,
}

/// Plan every tag and topic page, feed and index. Returns, by kind id, what the kind's
/// own listing shows of them (`terms_index`: the link to the index).
pub(super) fn plan<'a>(
    lists: &Sorted<'a>,
    c: &'a SiteConfig,
    urls: &Urls,
    out: &mut Planned<'a>,
) -> BTreeMap<&'static str, Context> {
    let mut links = BTreeMap::new();
    for t in &TAXONOMIES {
        let kind = kinds::by_shape(t.shape);
        let (Some(listing), Some(list)) = (&kind.listing, lists.of(kind)) else {
            continue;
        };
        let terms = terms(t, list, c);
        if terms.is_empty() {
            continue;
        }
        let index = index_path(t);
        let crumbs = vec![
            Link {
                label: listing.title.to_string(),
                url: urls.url(listing.path),
            },
            Link {
                label: t.index_title.to_string(),
                url: urls.url(&index),
            },
        ];
        let mut entries = Vec::new();
        for term in &terms {
            let path = term_path(t, &term.slug);
            plan_term(t, listing, term, &path, &crumbs, list, c, urls, out);
            entries.push(indexes::Counted {
                label: term.label.clone(),
                url: urls.url(&path),
                count: term.at.len(),
            });
        }
        let title = format!("{}: {}", listing.title, t.index_title.to_lowercase());
        let back = (listing.title, urls.url(listing.path));
        indexes::counted(
            out,
            &index,
            &title,
            entries,
            t.nouns,
            (back.0, &back.1),
            urls,
        );
        let mut ctx = Context::new();
        let browse = Link {
            label: t.browse.to_string(),
            url: urls.url(&index),
        };
        ctx.insert("terms_index", &browse);
        links.insert(kind.id, ctx);
    }
    links
}

/// One term's pages (and the `page/` index above page 2 when there is one) and feed.
#[allow(clippy::too_many_arguments)]
fn plan_term<'a>(
    t: &Taxonomy,
    listing: &kinds::Listing,
    term: &Term,
    path: &str,
    crumbs: &[Link],
    list: &List<'a>,
    c: &'a SiteConfig,
    urls: &Urls,
    out: &mut Planned<'a>,
) {
    let title = (t.title)(&term.label);
    let feed = format!("{path}atom.xml");
    let mut extra = Context::new();
    extra.insert("crumbs", crumbs);
    extra.insert("term_label", &term.label);
    extra.insert(
        "feed",
        &Link {
            label: title.clone(),
            url: urls.url(&feed),
        },
    );
    let items = list.select(&term.at);
    let pages = Pages {
        path: path.to_string(),
        title: title.clone(),
        section: listing.section,
        template: listing.template,
        extra,
    };
    paginate(Arc::new(pages), &items, urls, out);
    if items.items.len() > PER_PAGE {
        indexes::pager_index(path, &title, urls, out);
    }
    feeds::plan_feed(feed, title, &items, c, urls, out);
}

#[cfg(test)]
mod tests {
    use super::{MAX_SLUG, tag_slug};

    #[test]
    fn tag_slugs_fold_and_stay_safe() {
        assert_eq!(tag_slug("Open edX").as_deref(), Some("open-edx"));
        assert_eq!(tag_slug(" open-edx ").as_deref(), Some("open-edx"));
        assert_eq!(
            tag_slug("Éducation supérieure").as_deref(),
            Some("education-superieure")
        );
        assert_eq!(tag_slug("../../etc/passwd").as_deref(), Some("etc-passwd"));
        assert_eq!(tag_slug("<b>x</b>").as_deref(), Some("b-x-b"));
        assert_eq!(tag_slug("   "), None);
        // No letter or digit at all: a stable hash.
        let odd = tag_slug("!!!").unwrap();
        assert!(odd.starts_with("tag-") && odd.len() == 12, "{odd}");
        assert_eq!(tag_slug("!!!"), Some(odd.clone()));
        assert_ne!(tag_slug("???"), Some(odd));
        let long = "word ".repeat(100);
        let a = tag_slug(&long).unwrap();
        let b = tag_slug(&format!("{long} more")).unwrap();
        assert!(a.len() <= MAX_SLUG + 9 && b.len() <= MAX_SLUG + 9, "{a}");
        assert_ne!(a, b, "long tags with one beginning keep apart");
    }
}
