//! Links and images in Markdown: rewritten while rendering (base path on root-relative
//! URLs, `@/` content links, images next to an item copied with their size), and every
//! internal link and `#anchor` checked against the planned output before anything is
//! written.

use crate::assets;
use crate::config::LinkLevel;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, closest, did_you_mean};
use crate::fsread::SiteFiles;
use crate::kinds::{self, Kind};
use crate::markdown::{LinkHook, Rewrite};
use crate::render::views::paths;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Ids every page of the default theme has besides its headings: `main` (the skip link's
/// target) and `top` (browsers scroll to the top for it even without an element).
pub const THEME_IDS: [&str; 2] = ["main", "top"];

/// What one Markdown document links to, kept in the model for the link checker.
#[derive(Debug, Clone, Default)]
pub struct DocLinks {
    /// The Markdown file, relative to the site root.
    pub source: PathBuf,
    /// The site-relative folder of the page that shows it (`None`: a testimonial, shown
    /// on several pages).
    pub page: Option<String>,
    /// Internal links, resolved to site-relative paths.
    pub links: Vec<InternalLink>,
    /// Heading ids of the document.
    pub anchors: Ids,
    /// Images to publish: (output path, file on disk).
    pub images: Vec<(String, PathBuf)>,
    /// Every file named by a relative image, accepted or not (the loader's "ignored" note).
    pub named_images: Vec<PathBuf>,
}

/// A document's heading ids in one string: at N = 10,000 partners the model held 345,000
/// of them, each a `String` of its own (about 15 MB).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    text: Box<str>,
    /// Where each id ends in `text`.
    ends: Box<[u32]>,
}

impl Ids {
    /// The ids, in document order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .filter_map(|(a, b)| self.text.get(a as usize..b as usize))
    }
}

impl FromIterator<String> for Ids {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Ids {
        let (mut text, mut ends) = (String::new(), Vec::new());
        for id in ids {
            text.push_str(&id);
            // A Markdown file is far below 4 GiB (the read policy caps its size).
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Ids {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

/// One internal link of a document.
#[derive(Debug, Clone)]
pub struct InternalLink {
    pub line: usize,
    pub col: usize,
    /// As written in the Markdown.
    pub written: String,
    /// Site-relative path without the fragment (`partners/x/`, `` for the home page).
    pub path: String,
    pub fragment: Option<String>,
}

/// The site-relative folder of the page a content file renders to, from its path
/// relative to `content/` (`partners/x/case-studies/y.md` -> `case-studies/x/y/`).
/// `None` for files without a page of their own (testimonials, anything else).
pub fn page_of(content_rel: &str) -> Option<String> {
    let parts: Vec<&str> = content_rel.split('/').collect();
    let stem = |f: &str| f.strip_suffix(".md").map(str::to_string);
    let paged = |k: &&Kind| k.item_template.is_some();
    match parts.as_slice() {
        ["partners", p, "about.md" | "partner.toml"] => Some(paths::partner(p)),
        ["partners", p, folder, f] => {
            let kind = kinds::by_partner_folder(folder).filter(paged)?;
            stem(f).map(|s| paths::item(kind, Some(p), &s))
        }
        [folder, f] => {
            let kind = kinds::by_program_folder(folder).filter(paged)?;
            stem(f).map(|s| paths::item(kind, None, &s))
        }
        _ => None,
    }
}

/// How to write an `@/` link: every kind with pages, partners' then the program's.
fn content_link_hint() -> String {
    let paged = |k: &&Kind| k.item_template.is_some();
    let partner = kinds::partner_kinds()
        .filter(paged)
        .filter_map(|k| k.partner_folder)
        .map(|f| format!("`@/partners/<slug>/{f}/<file>.md`"));
    let program = kinds::program_kinds()
        .filter(paged)
        .filter_map(|k| k.program_folder)
        .map(|f| format!("`@/{f}/<file>.md`"));
    let about = std::iter::once("`@/partners/<slug>/about.md`".to_string());
    let mut forms: Vec<String> = partner.chain(about).chain(program).collect();
    let last = forms.pop().unwrap_or_default();
    format!("write {} or {last}", forms.join(", "))
}

/// Turns byte offsets into line and column. Links come in document order, so it counts
/// lines forward from the previous offset: one pass over the text up to its last link,
/// with no table of line starts.
#[derive(Default)]
struct LineIndex {
    /// The last offset asked for, its line and where that line starts.
    offset: usize,
    line: usize,
    start: usize,
}

impl LineIndex {
    fn line_col(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let bytes = text.as_bytes();
        if offset < self.offset || self.line == 0 {
            *self = LineIndex {
                offset: 0,
                line: 1,
                start: 0,
            };
        }
        let end = offset.min(bytes.len());
        let from = self.offset.min(end);
        for (i, &b) in bytes.get(from..end).unwrap_or_default().iter().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.start = from + i + 1;
            }
        }
        self.offset = offset;
        let col = text
            .get(self.start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (self.line, col)
    }
}

/// Rewrites and records the links of one Markdown file while it is rendered.
pub struct Resolver<'a> {
    /// The read policy (image containment, type and size checks).
    pub files: &'a SiteFiles<'a>,
    /// The `content/` folder.
    pub content_dir: &'a Path,
    /// The folder holding the Markdown file.
    pub dir: &'a Path,
    /// base_url's path (`/` or `/repo/`).
    pub base: &'a str,
    /// The whole file and where the Markdown body starts in it.
    pub text: &'a str,
    pub body_start: usize,
    pub out: DocLinks,
    pub diags: Diagnostics,
    lines: LineIndex,
}

impl<'a> Resolver<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        files: &'a SiteFiles<'a>,
        content_dir: &'a Path,
        dir: &'a Path,
        base: &'a str,
        text: &'a str,
        body_start: usize,
        source: PathBuf,
        page: Option<String>,
    ) -> Resolver<'a> {
        Resolver {
            files,
            content_dir,
            dir,
            base,
            text,
            body_start,
            out: DocLinks {
                source,
                page,
                ..DocLinks::default()
            },
            diags: Diagnostics::default(),
            lines: LineIndex::default(),
        }
    }

    fn at(&mut self, offset: usize) -> (usize, usize) {
        self.lines.line_col(self.text, self.body_start + offset)
    }

    fn problem(&mut self, offset: usize, error: bool, message: String, hint: &str) {
        let (line, col) = self.at(offset);
        let d = if error {
            Diagnostic::error(&self.out.source, message)
        } else {
            Diagnostic::warning(&self.out.source, message)
        };
        self.diags.push(d.at(line, col).hint(hint));
    }

    fn record(&mut self, offset: usize, written: &str, path: String, fragment: Option<&str>) {
        let (line, col) = self.at(offset);
        self.out.links.push(InternalLink {
            line,
            col,
            written: written.to_string(),
            path,
            fragment: fragment.filter(|f| !f.is_empty()).map(str::to_string),
        });
    }

    /// `@/partners/x/case-studies/y.md#part` -> the item's URL.
    fn content_link(&mut self, dest: &str, offset: usize) -> Rewrite {
        let (file, fragment) = split_fragment(dest.trim_start_matches("@/"));
        let Some(page) = page_of(file) else {
            self.problem(
                offset,
                true,
                format!(
                    "`{dest}` is not a page: `@/` links name a Markdown file of a page or post"
                ),
                &content_link_hint(),
            );
            return Rewrite::default();
        };
        if !self.content_dir.join(file).is_file() {
            self.problem(
                offset,
                true,
                format!("`{dest}`: there is no file content/{file}"),
                "`@/` links name a file inside content/; check the path and the file name",
            );
            return Rewrite::default();
        }
        self.record(offset, dest, page.clone(), fragment);
        Rewrite {
            url: Some(with_fragment(format!("{}{page}", self.base), fragment)),
            size: None,
        }
    }

    /// `diagram.png` next to the Markdown file: checked like a logo, copied beside the page.
    fn item_image(&mut self, dest: &str, offset: usize) -> Rewrite {
        let Some(page) = self.out.page.clone() else {
            self.problem(
                offset,
                true,
                format!("image `{dest}`: a testimonial cannot show an image of its own"),
                "testimonials are shown on several pages; put the image in a case study or post",
            );
            return Rewrite::default();
        };
        let rel = dest.trim_start_matches("./");
        self.out.named_images.push(self.dir.join(rel));
        match assets::resolve_image(self.files, self.dir, rel) {
            Ok(file) => {
                let out = format!("{page}{rel}");
                let size = image_size(&file);
                if !self.out.images.iter().any(|(p, _)| *p == out) {
                    self.out.images.push((out.clone(), file));
                }
                Rewrite {
                    url: Some(format!("{}{out}", self.base)),
                    size,
                }
            }
            Err(why) => {
                let why = why.replace("the partner folder", "the folder of this file");
                self.problem(
                    offset,
                    true,
                    format!("image: {why}"),
                    "an image is a PNG, JPEG, WebP or SVG file stored next to this Markdown file (checked like logos), written by its file name, e.g. `![Diagram](diagram.png)`",
                );
                Rewrite::default()
            }
        }
    }
}

impl LinkHook for Resolver<'_> {
    fn rewrite(&mut self, dest: &str, image: bool, offset: usize) -> Rewrite {
        if is_external(dest) {
            if image && !dest.starts_with("mailto:") && !dest.starts_with("tel:") {
                self.problem(
                    offset,
                    false,
                    format!("external image `{dest}` is blocked by the site's Content-Security-Policy (img-src 'self'): visitors see no image"),
                    "download the image, commit it next to this Markdown file and write its file name, e.g. `![Diagram](diagram.png)`",
                );
            }
            return Rewrite::default();
        }
        if dest.starts_with("@/") {
            if image {
                self.problem(
                    offset,
                    true,
                    format!("image `{dest}`: `@/` links are for pages"),
                    "put the image next to this Markdown file and write its file name, e.g. `![Diagram](diagram.png)`",
                );
                return Rewrite::default();
            }
            return self.content_link(dest, offset);
        }
        if let Some(rest) = dest.strip_prefix('/') {
            // Root-relative: the site's root is base_url's path, not the domain's.
            let (path, fragment) = split_fragment(rest);
            match resolve("", path) {
                Some(p) => self.record(offset, dest, p, fragment),
                None => self.leaves_site(offset, dest),
            }
            return Rewrite {
                url: Some(format!("{}{rest}", self.base)),
                size: None,
            };
        }
        if image {
            return self.item_image(dest, offset);
        }
        let (path, fragment) = split_fragment(dest);
        let Some(page) = self.out.page.clone() else {
            self.problem(
                offset,
                true,
                format!("relative link `{dest}` in a testimonial"),
                "testimonials are shown on several pages, where a relative link leads to different places; \
                 write a root-relative link (`/partners/<slug>/`) or a content link (`@/pages/<file>.md`)",
            );
            return Rewrite::default();
        };
        match resolve(&page, path) {
            Some(p) => self.record(offset, dest, p, fragment),
            None => self.leaves_site(offset, dest),
        }
        Rewrite::default()
    }
}

impl Resolver<'_> {
    fn leaves_site(&mut self, offset: usize, dest: &str) {
        self.problem(
            offset,
            true,
            format!("link `{dest}` leads above the site's root"),
            "remove a `../`, or write a root-relative link such as `/partners/<slug>/`",
        );
    }
}

fn is_external(dest: &str) -> bool {
    dest.starts_with("//") || {
        let head = dest.split(['/', '?', '#']).next().unwrap_or("");
        head.contains(':')
    }
}

/// `a/b?q#frag` -> (`a/b`, Some(`frag`)); the query is dropped for checking.
fn split_fragment(dest: &str) -> (&str, Option<&str>) {
    let (before, fragment) = match dest.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (dest, None),
    };
    let path = before.split_once('?').map_or(before, |(p, _)| p);
    (path, fragment)
}

fn with_fragment(url: String, fragment: Option<&str>) -> String {
    match fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    }
}

/// `rel` resolved against the site-relative folder `base` (`blog/x/` + `../y/` ->
/// `blog/y/`); `None` when it climbs above the root. An empty `rel` is `base` itself.
fn resolve(base: &str, rel: &str) -> Option<String> {
    if rel.is_empty() {
        return Some(base.to_string());
    }
    let mut segs: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let parts: Vec<&str> = rel.split('/').collect();
    let last = parts.len().saturating_sub(1);
    let mut folder = false;
    for (i, part) in parts.iter().enumerate() {
        match *part {
            ".." => {
                segs.pop()?;
                folder = true;
            }
            "." | "" => folder = true,
            s => {
                segs.push(s);
                folder = false;
            }
        }
        if i == last && part.is_empty() {
            folder = true;
        }
    }
    let mut out = segs.join("/");
    if folder && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Width and height of an image from its header (raster) or its `width`/`height` or
/// `viewBox` (SVG); `None` when the file does not say.
fn image_size(file: &Path) -> Option<(usize, usize)> {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !ext.eq_ignore_ascii_case("svg") {
        return imagesize::size(file).ok().map(|s| (s.width, s.height));
    }
    let text = std::fs::read_to_string(file).ok()?;
    let doc = roxmltree::Document::parse(&text).ok()?;
    let root = doc.root_element();
    let num = |v: &str| -> Option<usize> {
        let v = v.trim().trim_end_matches("px");
        let n: f64 = v.parse().ok()?;
        (n >= 1.0 && n <= assets::MAX_DIMENSION as f64).then_some(n.round() as usize)
    };
    if let (Some(w), Some(h)) = (
        root.attribute("width").and_then(num),
        root.attribute("height").and_then(num),
    ) {
        return Some((w, h));
    }
    let vb: Vec<&str> = root
        .attribute("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .collect();
    match vb.as_slice() {
        [_, _, w, h] => Some((num(w)?, num(h)?)),
        _ => None,
    }
}

/// Every document of the published site, with its links.
pub fn documents(site: &Site) -> Vec<&DocLinks> {
    let mut docs: Vec<&DocLinks> = Vec::new();
    for p in &site.partners {
        docs.push(&p.about_links);
        docs.extend(p.case_studies.iter().map(|x| &*x.links));
        docs.extend(p.posts.iter().map(|x| &*x.links));
        docs.extend(p.testimonials.iter().map(|x| &*x.links));
    }
    docs.extend(site.blog.iter().map(|x| &*x.links));
    docs.extend(site.pages.iter().map(|x| &*x.links));
    docs.extend(site.decisions.iter().map(|x| &*x.links));
    docs
}

/// Check every internal link of `docs` against the planned output files (`outputs`,
/// site-relative) and the heading ids of each page. Broken links are errors or warnings
/// as `[links] internal` says.
pub fn check(docs: &[&DocLinks], outputs: &BTreeSet<&str>, level: LinkLevel) -> Diagnostics {
    // Page folder -> its heading ids (one document per page; a handful of ids each).
    let anchors: HashMap<&str, &Ids> = docs
        .iter()
        .filter_map(|d| Some((d.page.as_deref()?, &d.anchors)))
        .collect();
    let found: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|d| {
            let anchors = &anchors;
            d.links.iter().filter_map(move |link| {
                let (message, hint) = broken(link, d.page.as_deref(), outputs, anchors)?;
                let diag = match level {
                    LinkLevel::Error => Diagnostic::error(&d.source, message),
                    LinkLevel::Warn => Diagnostic::warning(&d.source, message),
                };
                Some(diag.at(link.line, link.col).hint(hint))
            })
        })
        .collect();
    Diagnostics(found)
}

/// Why a link is broken, with a hint; `None` when it resolves.
fn broken(
    link: &InternalLink,
    page: Option<&str>,
    outputs: &BTreeSet<&str>,
    anchors: &HashMap<&str, &Ids>,
) -> Option<(String, String)> {
    let path = percent_encoding::percent_decode_str(&link.path).decode_utf8_lossy();
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else if outputs.contains(path.as_ref()) {
        path.to_string()
    } else {
        // GitHub Pages and `serve` redirect `x` to `x/` when `x/index.html` exists.
        format!("{path}/index.html")
    };
    let shown = if link.path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}")
    };
    if !outputs.contains(file.as_str()) {
        let pages = outputs
            .iter()
            .filter_map(|o| o.strip_suffix("index.html"))
            .filter(|o| !o.is_empty());
        let hint = match closest(&path, pages).first() {
            Some(best) => format!(
                "{} (a draft page is not published)",
                did_you_mean(&format!("/{best}"))
            ),
            None => "check the address (a draft page is not published)".to_string(),
        };
        return Some((
            format!(
                "broken link `{}`: the site has no page {shown}",
                link.written
            ),
            hint,
        ));
    }
    let fragment = link.fragment.as_deref()?;
    if !file.ends_with(".html") || THEME_IDS.contains(&fragment) {
        return None;
    }
    let none = Ids::default();
    let ids = file
        .strip_suffix("index.html")
        .and_then(|page| anchors.get(page))
        .copied()
        .unwrap_or(&none);
    if ids.iter().any(|id| id == fragment) {
        return None;
    }
    let same_page = page.is_some_and(|p| format!("{p}index.html") == file);
    let place = if same_page {
        "this page".to_string()
    } else {
        shown
    };
    Some((
        format!(
            "broken link `{}`: no heading with id `{fragment}` on {place}",
            link.written
        ),
        missing_anchor_hint(fragment, ids, &place),
    ))
}

/// A "did you mean" for a `#fragment` that is no heading id of `place`, else its ids.
fn missing_anchor_hint(fragment: &str, ids: &Ids, place: &str) -> String {
    let mut ids: Vec<&str> = ids.iter().collect();
    ids.sort_unstable();
    ids.dedup();
    match closest(fragment, ids.iter().copied()).first() {
        Some(best) => did_you_mean(&format!("#{best}")),
        None if ids.is_empty() => {
            format!("{place} has no headings; link to the page without `#{fragment}`")
        }
        None => {
            let list: Vec<String> = ids.iter().take(10).map(|i| format!("`#{i}`")).collect();
            format!("the headings of {place} have the ids {}", list.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_read_back_in_order() {
        let ids: Ids = ["intro", "", "déjà-vu", "x"]
            .map(String::from)
            .into_iter()
            .collect();
        assert_eq!(
            ids.iter().collect::<Vec<_>>(),
            ["intro", "", "déjà-vu", "x"]
        );
        assert_eq!(Ids::default().iter().count(), 0);
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(
            resolve("blog/x/", "../../about/").as_deref(),
            Some("about/")
        );
        assert_eq!(resolve("blog/x/", "../y/").as_deref(), Some("blog/y/"));
        assert_eq!(
            resolve("blog/x/", "img.png").as_deref(),
            Some("blog/x/img.png")
        );
        assert_eq!(resolve("blog/x/", "").as_deref(), Some("blog/x/"));
        assert_eq!(resolve("", "partners/x").as_deref(), Some("partners/x"));
        assert_eq!(resolve("", "").as_deref(), Some(""));
        assert_eq!(resolve("a/", "../.."), None);
        assert_eq!(resolve("a/b/", "..").as_deref(), Some("a/"));
    }

    #[test]
    fn pages_of_content_files() {
        assert_eq!(
            page_of("partners/ipe/case-studies/x.md").as_deref(),
            Some("case-studies/ipe/x/")
        );
        assert_eq!(
            page_of("partners/ipe/posts/x.md").as_deref(),
            Some("blog/ipe/x/")
        );
        assert_eq!(
            page_of("partners/ipe/about.md").as_deref(),
            Some("partners/ipe/")
        );
        assert_eq!(page_of("blog/x.md").as_deref(), Some("blog/x/"));
        assert_eq!(page_of("pages/x.md").as_deref(), Some("x/"));
        assert_eq!(page_of("decisions/x.md").as_deref(), Some("decisions/x/"));
        assert_eq!(page_of("partners/ipe/testimonials/x.md"), None);
        assert_eq!(page_of("pages/x.png"), None);
        assert_eq!(page_of("partners/x.md"), None);
    }

    #[test]
    fn content_link_hint_names_every_kind_with_pages() {
        assert_eq!(
            content_link_hint(),
            "write `@/partners/<slug>/case-studies/<file>.md`, `@/partners/<slug>/posts/<file>.md`, \
             `@/partners/<slug>/about.md`, `@/blog/<file>.md`, `@/pages/<file>.md` or \
             `@/decisions/<file>.md`"
        );
    }

    #[test]
    fn line_index_matches_line_col() {
        let text = "a\nbé c\n\nd";
        let mut idx = LineIndex::default();
        // Forward, then backward (a restart), then to the end.
        for off in [0, 2, 5, 7, 8, 9, 3, 1, 8, 10] {
            assert_eq!(
                idx.line_col(text, off),
                crate::diagnostics::line_col(text, off),
                "{off}"
            );
        }
    }

    #[test]
    fn external_urls() {
        assert!(is_external("https://x.org/a.png"));
        assert!(is_external("//x.org/a.png"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("a.png"));
        assert!(!is_external("/a:b"));
        assert!(!is_external("#x:y"));
    }
}
