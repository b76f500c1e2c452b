//! Loading: walk `content/`, read every file once, parse front matter and Markdown in
//! parallel, and collect every problem (never stop at the first).

use super::frontmatter::{SplitError, split};
use super::partner::parse_partner_toml;
use super::{
    COMPRESS_FROM_PARTNERS, CaseStudy, Decision, DecisionStatus, Html, Menu, Page, Partner, Post,
    Site, Testimonial, sort_key,
};
use crate::config::{HtmlPolicy, SiteConfig, is_slug, slugify};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::fsread::{Area, SiteFiles};
use crate::kinds::{self, Kind, Shape};
use crate::links::{self, DocLinks};
use crate::markdown::{self, MdOptions};
use crate::tomlcheck::{self, Missing, Parsed};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

// Dates are `Spanned` so that a missing `date` is reported as a missing key: `Date`'s own
// deserializer rewords every error, "missing field" included, as a bad date.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseStudyFm {
    title: Spanned<String>,
    date: Spanned<Date>,
    client: Option<String>,
    #[serde(default)]
    anonymous: bool,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostFm {
    title: Spanned<String>,
    date: Spanned<Date>,
    topic: Option<Spanned<String>>,
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestimonialFm {
    author: Option<Spanned<String>>,
    role: Option<String>,
    client: Option<String>,
    #[serde(default)]
    anonymous: bool,
    date: Spanned<Date>,
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFm {
    title: Spanned<String>,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    draft: bool,
    menu: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionFm {
    title: Spanned<String>,
    status: Spanned<String>,
    opened: Spanned<Date>,
    closes: Option<Spanned<Date>>,
    decided: Option<Spanned<Date>>,
    affects: Option<Spanned<Vec<Spanned<String>>>>,
    discussion: Option<Spanned<String>>,
    outcome: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
}

/// A Markdown file read and split, ready for its kind's front matter type.
struct MdFile<T> {
    rel: PathBuf,
    slug: String,
    front: T,
    /// False when the front matter had errors: `front` was repaired to check the rest
    /// of it and must not become an item.
    valid: bool,
    /// Keys removed or filled because they were wrong ([`tomlcheck::Parsed::repaired`]).
    repaired: Vec<String>,
    /// Front matter text and its line offset, to place later diagnostics.
    front_text: String,
    body_html: String,
    links: Arc<DocLinks>,
}

/// How much of the content to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// Everything, Markdown rendered (build, serve).
    #[default]
    Full,
    /// Every file read and validated, Markdown bodies not rendered (check: it writes no
    /// page, so it need not pay for HTML).
    Validate,
    /// Partner records only (`leads digest`).
    Records,
}

/// A Markdown file to load, and whether its folder's listing reported it a regular file
/// (not a link): then [`SiteFiles::read_listed_text`] reads it.
#[derive(Clone, Copy)]
struct Src<'p> {
    path: &'p Path,
    listed: bool,
}

impl<'p> From<&'p Path> for Src<'p> {
    fn from(path: &'p Path) -> Src<'p> {
        Src {
            path,
            listed: false,
        }
    }
}

impl<'p> From<&'p PathBuf> for Src<'p> {
    fn from(path: &'p PathBuf) -> Src<'p> {
        Src::from(path.as_path())
    }
}

struct Loader<'a> {
    config: &'a SiteConfig,
    root: &'a Path,
    files: SiteFiles<'a>,
    depth: Depth,
    /// Keep long documents compressed ([`Html::compressed`]): a large site.
    compress: bool,
}

impl Loader<'_> {
    /// A rendered document as the model keeps it.
    fn keep(&self, html: String) -> Html {
        if self.compress {
            Html::compressed(html)
        } else {
            Html::new(html)
        }
    }

    fn rel(&self, path: &Path) -> PathBuf {
        path.strip_prefix(self.root).unwrap_or(path).to_path_buf()
    }

    /// Read a text file under the site's read policy ([`crate::fsread`]).
    fn read_text(&self, path: &Path, diags: &mut Diagnostics) -> Option<String> {
        self.files
            .read_text(path, Area::Content)
            .map_err(|d| diags.push(d))
            .ok()
    }

    /// Read a Markdown file, trusting its folder's listing for its type when it said
    /// regular file ([`SiteFiles::read_listed_text`]).
    fn read_src(&self, src: Src, diags: &mut Diagnostics) -> Option<String> {
        if !src.listed {
            return self.read_text(src.path, diags);
        }
        self.files
            .read_listed_text(src.path, Area::Content)
            .map_err(|d| diags.push(d))
            .ok()
    }

    /// Read a Markdown file with front matter of type `T` and render its body.
    fn md_file<T: DeserializeOwned>(
        &self,
        src: Src,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<MdFile<T>> {
        let path = src.path;
        let rel = self.rel(path);
        let slug = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let mut ok = true;
        if !is_slug(&slug) {
            diags.push(
                Diagnostic::error(&rel, format!("file name `{slug}.md` is not a valid slug")).hint(
                    format!(
                        "rename it to `{}.md` (lower-case letters, digits and single hyphens)",
                        slugify(&slug)
                    ),
                ),
            );
            ok = false;
        }
        let text = self.read_src(src, diags)?;
        let parts = match split(&text) {
            Ok(p) => p,
            Err(SplitError::Missing) => {
                let hint = if text.trim_start_matches('\u{feff}').starts_with("---") {
                    "this looks like YAML front matter (`---`): partnersite reads TOML between `+++` lines; \
                     replace both `---` lines with `+++` and write the fields as TOML (`title = \"...\"`, `date = 2026-03-14`)"
                } else {
                    "start the file with `+++`, the TOML fields (e.g. `title = \"...\"`), then another `+++` line"
                };
                diags.push(
                    Diagnostic::error(
                        &rel,
                        "missing front matter: the file must start with a `+++` line",
                    )
                    .at(1, 1)
                    .hint(hint),
                );
                return None;
            }
            Err(SplitError::Unclosed) => {
                diags.push(
                    Diagnostic::error(&rel, "front matter is not closed: no second `+++` line")
                        .at(1, 1)
                        .hint("add a line with only `+++` after the last front matter field"),
                );
                return None;
            }
        };
        let parsed: Parsed<T> =
            tomlcheck::parse(&rel, parts.front, parts.front_line_offset, Missing::Fill);
        let valid = !parsed.diags.has_errors();
        diags.extend(parsed.diags);
        let front = parsed.value?;
        if !ok {
            return None;
        }
        let (body_html, links) = if self.depth == Depth::Full && valid {
            let body_start = text.len() - parts.body.len();
            self.render_doc(path, &text, body_start, html, diags)
        } else {
            (String::new(), Arc::default())
        };
        Some(MdFile {
            rel,
            slug,
            front,
            valid,
            repaired: parsed.repaired,
            front_text: parts.front.to_string(),
            body_html,
            links,
        })
    }

    /// Render the Markdown of `text` from `body_start`, resolving its links and images
    /// against the page it is shown on.
    fn render_doc(
        &self,
        path: &Path,
        text: &str,
        body_start: usize,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> (String, Arc<DocLinks>) {
        let rel = self.rel(path);
        let content_dir = self.root.join("content");
        let in_content = path.strip_prefix(&content_dir).unwrap_or(path);
        let page = links::page_of(&crate::diagnostics::display_path(in_content));
        let dir = path.parent().unwrap_or(self.root);
        let mut resolver = links::Resolver::new(
            &self.files,
            &content_dir,
            dir,
            self.config.base_path(),
            text,
            body_start,
            rel.clone(),
            page,
        );
        let opts = MdOptions {
            html,
            external_rel: &self.config.security.external_rel,
        };
        let body = text.get(body_start..).unwrap_or_default();
        let rendered = markdown::render_with(body, &opts, Some(&mut resolver));
        if rendered.html_too_deep {
            diags.push(
                Diagnostic::warning(
                    &rel,
                    "raw HTML is nested too deeply to be cleaned; it is shown as text",
                )
                .hint("simplify the HTML (fewer nested elements) or write it in Markdown"),
            );
        }
        diags.extend(resolver.diags.0);
        let mut doc = resolver.out;
        doc.anchors = rendered.headings.into_iter().map(|h| h.id).collect();
        (rendered.html, Arc::new(doc))
    }

    fn fm_error<T>(&self, f: &MdFile<impl Sized>, at: &Spanned<T>, message: String) -> Diagnostic {
        Diagnostic::error(&f.rel, message).at_offset(&f.front_text, at.span().start, 1)
    }

    fn check_title(
        &self,
        f: &MdFile<impl Sized>,
        title: &Spanned<String>,
        diags: &mut Diagnostics,
    ) -> bool {
        if tomlcheck::is_filler(&title.span()) {
            false
        } else if title.get_ref().trim().is_empty() {
            diags.push(
                self.fm_error(f, title, "`title` is empty".into())
                    .hint("write a title"),
            );
            false
        } else {
            true
        }
    }

    fn post<'p>(
        &self,
        src: impl Into<Src<'p>>,
        partner: Option<&str>,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<Post> {
        let f: MdFile<PostFm> = self.md_file(src.into(), html, diags)?;
        let mut ok = self.check_title(&f, &f.front.title, diags) && f.valid;
        if let Some(topic) = &f.front.topic
            && !self.config.topics.contains(topic.get_ref())
        {
            diags.push(
                self.fm_error(
                    &f,
                    topic,
                    format!(
                        "`topic`: `{}` is not a topic in [topics] of site.toml",
                        topic.get_ref()
                    ),
                )
                .hint(suggest(topic.get_ref(), self.config.topics.ids())),
            );
            ok = false;
        }
        ok.then(|| Post {
            slug: f.slug,
            path: f.rel,
            title: f.front.title.into_inner(),
            date: f.front.date.into_inner(),
            topic: f.front.topic.map(Spanned::into_inner),
            summary: f.front.summary,
            draft: f.front.draft,
            html: self.keep(f.body_html),
            links: f.links,
            partner: partner.map(str::to_string),
        })
    }

    fn case_study<'p>(
        &self,
        src: impl Into<Src<'p>>,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<CaseStudy> {
        let f: MdFile<CaseStudyFm> = self.md_file(src.into(), html, diags)?;
        let ok = self.check_title(&f, &f.front.title, diags) && f.valid;
        let anonymous = f.front.anonymous;
        ok.then(|| CaseStudy {
            slug: f.slug,
            path: f.rel,
            title: f.front.title.into_inner(),
            date: f.front.date.into_inner(),
            // An anonymous client's name is dropped here so no later stage can leak it.
            client: if anonymous {
                None
            } else {
                f.front.client.filter(|c| !c.trim().is_empty())
            },
            anonymous,
            summary: f.front.summary,
            tags: f.front.tags,
            draft: f.front.draft,
            html: self.keep(f.body_html),
            links: f.links,
        })
    }

    fn testimonial<'p>(
        &self,
        src: impl Into<Src<'p>>,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<Testimonial> {
        let f: MdFile<TestimonialFm> = self.md_file(src.into(), html, diags)?;
        let anonymous = f.front.anonymous;
        let author = f
            .front
            .author
            .as_ref()
            .map(|a| a.get_ref().trim().to_string())
            .filter(|a| !a.is_empty());
        if author.is_none() && !anonymous && !f.repaired.iter().any(|k| k == "author") {
            let d = match &f.front.author {
                Some(a) => self.fm_error(&f, a, "`author` is empty".into()),
                None => Diagnostic::error(&f.rel, "missing required key `author`").at(2, 1),
            };
            diags.push(d.hint("name the person quoted, or set `anonymous = true`"));
            return None;
        }
        if !f.valid {
            return None;
        }
        Some(Testimonial {
            slug: f.slug,
            path: f.rel,
            author: if anonymous { None } else { author },
            role: f.front.role,
            client: if anonymous { None } else { f.front.client },
            anonymous,
            date: f.front.date.into_inner(),
            draft: f.front.draft,
            html: f.body_html.into(),
            links: f.links,
        })
    }

    fn page(&self, path: &Path, diags: &mut Diagnostics) -> Option<Page> {
        let html = self.config.security.program_html;
        let f: MdFile<PageFm> = self.md_file(path.into(), html, diags)?;
        let ok = self.check_title(&f, &f.front.title, diags) && f.valid;
        let menu = match &f.front.menu {
            None => Some(Menu::default()),
            Some(name) => {
                let menu = Menu::from_name(name.get_ref());
                if menu.is_none() {
                    let message = format!(
                        "`menu`: `{}` is not a menu (header, footer or none)",
                        name.get_ref()
                    );
                    let hint = suggest(name.get_ref(), Menu::NAMES);
                    diags.push(self.fm_error(&f, name, message).hint(hint));
                }
                menu
            }
        };
        (ok && menu.is_some()).then(|| Page {
            slug: f.slug,
            path: f.rel,
            title: f.front.title.into_inner(),
            weight: f.front.weight,
            draft: f.front.draft,
            menu: menu.unwrap_or_default(),
            html: f.body_html.into(),
            links: f.links,
        })
    }

    /// A program decision (`content/decisions/`): its status, the dates its status
    /// requires in order, topics of `[decision_topics]`, an https discussion link.
    fn decision(&self, path: &Path, diags: &mut Diagnostics) -> Option<Decision> {
        let html = self.config.security.program_html;
        let f: MdFile<DecisionFm> = self.md_file(path.into(), html, diags)?;
        let mut ok = self.check_title(&f, &f.front.title, diags) && f.valid;
        let fm = &f.front;
        let status = self.decision_status(&f, diags);
        if let Some(status) = status {
            ok &= self.decision_dates(&f, status, diags);
        }
        ok &= self.decision_affects(&f, diags);
        if let Some(url) = &fm.discussion
            && !(url.get_ref().starts_with("https://") && crate::config::is_http_url(url.get_ref()))
        {
            let message = format!(
                "`discussion`: {:?} is not an https URL",
                url.get_ref().chars().take(80).collect::<String>()
            );
            diags.push(self.fm_error(&f, url, message).hint(
                "link the public discussion with its full address, e.g. \
                 `discussion = \"https://discuss.openedx.org/t/...\"`",
            ));
            ok = false;
        }
        let status = status.filter(|_| ok)?;
        let closes_at = fm.closes.as_ref().map_or((1, 1), |c| {
            let (line, col) = crate::diagnostics::line_col(&f.front_text, c.span().start);
            (line + 1, col)
        });
        let affects = fm.affects.as_ref().map(|a| a.get_ref().as_slice());
        let affects = affects
            .unwrap_or_default()
            .iter()
            .map(|a| a.get_ref().clone());
        Some(Decision {
            affects: affects.collect(),
            slug: f.slug,
            path: f.rel,
            title: f.front.title.into_inner(),
            status,
            opened: f.front.opened.into_inner(),
            closes: f.front.closes.map(Spanned::into_inner),
            closes_at,
            decided: f.front.decided.map(Spanned::into_inner),
            discussion: f.front.discussion.map(Spanned::into_inner),
            outcome: f.front.outcome.map(|o| o.into_inner().trim().to_string()),
            draft: f.front.draft,
            html: f.body_html.into(),
            links: f.links,
        })
    }

    /// The decision's `status`, or an error naming the four.
    fn decision_status(
        &self,
        f: &MdFile<DecisionFm>,
        diags: &mut Diagnostics,
    ) -> Option<DecisionStatus> {
        let raw = &f.front.status;
        if tomlcheck::is_filler(&raw.span()) {
            return None;
        }
        let status = DecisionStatus::from_name(raw.get_ref());
        if status.is_none() {
            let message = format!(
                "`status`: `{}` is not a status (proposed, consultation, decided or withdrawn)",
                raw.get_ref()
            );
            let hint = suggest(raw.get_ref(), DecisionStatus::NAMES);
            diags.push(self.fm_error(f, raw, message).hint(hint));
        }
        status
    }

    /// The dates and outcome a status requires, each after `opened`.
    fn decision_dates(
        &self,
        f: &MdFile<DecisionFm>,
        status: DecisionStatus,
        diags: &mut Diagnostics,
    ) -> bool {
        let fm = &f.front;
        let before = diags.error_count();
        let name = status.name();
        let mut require = |missing: bool, key: &str, what: &str| {
            if missing {
                let message = format!("missing `{key}`: it is required when `status` is `{name}`");
                diags.push(self.fm_error(f, &fm.status, message).hint(what.to_string()));
            }
        };
        let consultation = status == DecisionStatus::Consultation;
        let decided = status == DecisionStatus::Decided;
        require(
            consultation && fm.closes.is_none(),
            "closes",
            "add the last day partners can comment, e.g. `closes = 2026-11-15`",
        );
        require(
            decided && fm.decided.is_none(),
            "decided",
            "add the day it was decided, e.g. `decided = 2026-11-30`",
        );
        require(
            decided
                && fm
                    .outcome
                    .as_ref()
                    .is_none_or(|o| o.get_ref().trim().is_empty()),
            "outcome",
            "say what was decided in one sentence, e.g. `outcome = \"Weights stay 2:1.\"`",
        );
        if let Some(d) = &fm.decided
            && !decided
        {
            let message = format!("`decided` is set but `status` is `{name}`");
            let hint = "set `status = \"decided\"` (with an `outcome`), or remove `decided`";
            diags.push(self.fm_error(f, d, message).hint(hint));
        }
        let opened = *fm.opened.get_ref();
        let filler = tomlcheck::is_filler(&fm.opened.span());
        for (key, date) in [("closes", &fm.closes), ("decided", &fm.decided)] {
            if let Some(date) = date
                && !filler
                && *date.get_ref() < opened
            {
                let message = format!("`{key}` ({}) is before `opened` ({opened})", date.get_ref());
                let hint = format!("`{key}` must be on or after {opened}; check both dates");
                diags.push(self.fm_error(f, date, message).hint(hint));
            }
        }
        diags.error_count() == before
    }

    /// Every `affects` id is in `[decision_topics]` of site.toml.
    fn decision_affects(&self, f: &MdFile<DecisionFm>, diags: &mut Diagnostics) -> bool {
        let Some(affects) = &f.front.affects else {
            return true;
        };
        let topics = &self.config.decision_topics;
        if topics.entries.is_empty() && !affects.get_ref().is_empty() {
            let message = "`affects` names decision topics, but site.toml has no \
                           [decision_topics] table";
            let hint = "add one to site.toml, e.g. `[decision_topics]` then \
                        `leads = \"Lead distribution\"`, one `id = \"Label\"` line per topic";
            diags.push(self.fm_error(f, affects, message.into()).hint(hint));
            return false;
        }
        let mut ok = true;
        for id in affects.get_ref() {
            if !topics.contains(id.get_ref()) {
                let message = format!(
                    "`affects`: `{}` is not a topic in [decision_topics] of site.toml",
                    id.get_ref()
                );
                diags.push(
                    self.fm_error(f, id, message)
                        .hint(suggest(id.get_ref(), topics.ids())),
                );
                ok = false;
            }
        }
        ok
    }

    /// Load one partner folder: partner.toml, about.md and the items in the folders of
    /// the partner kinds ([`kinds::partner_kinds`]).
    fn partner(&self, dir: &Path) -> (Option<Partner>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let slug = dir
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let rel_dir = self.rel(dir);
        if !is_slug(&slug) {
            diags.push(
                Diagnostic::error(
                    &rel_dir,
                    format!("partner folder name `{slug}` is not a valid slug"),
                )
                .hint(format!(
                    "rename the folder to `{}` (it becomes the URL)",
                    slugify(&slug)
                )),
            );
        }
        let entries = read_dir_typed(dir, &mut diags, &self.files);
        let has_file = |name: &str| {
            entries
                .iter()
                .any(|(p, is_dir)| !is_dir && p.file_name().and_then(|n| n.to_str()) == Some(name))
        };
        let record_path = dir.join("partner.toml");
        let rel_record = self.rel(&record_path);
        if !has_file("partner.toml") {
            diags.push(
                Diagnostic::error(&rel_record, "missing partner record").hint(
                    "every partner folder needs a partner.toml (see `partnersite new partner`)",
                ),
            );
            return (None, diags);
        }
        let record = self.read_text(&record_path, &mut diags).and_then(|text| {
            let (record, d) = parse_partner_toml(self.config, &rel_record, dir, &text);
            diags.extend(d);
            record
        });
        let (about, items) = if self.depth == Depth::Records {
            (None, Items::default())
        } else {
            let about = has_file("about.md")
                .then(|| self.about(&dir.join("about.md"), &mut diags))
                .flatten();
            (about, self.items(&slug, &entries, &mut diags))
        };
        let partner = record.map(|record| Partner {
            sort_key: sort_key(&record.name),
            slug,
            record_path: rel_record,
            record,
            about_links: about.as_ref().map(|a| a.1.clone()).unwrap_or_default(),
            about_html: about.map(|a| a.0),
            case_studies: items.case_studies,
            posts: items.posts,
            testimonials: items.testimonials,
        });
        (partner, diags)
    }

    /// A partner's about.md, rendered.
    fn about(&self, path: &Path, diags: &mut Diagnostics) -> Option<(Html, Arc<DocLinks>)> {
        self.read_text(path, diags).map(|text| {
            let html = self.config.security.partner_html;
            let (html, links) = self.render_doc(path, &text, 0, html, diags);
            (self.keep(html), links)
        })
    }

    /// The Markdown items in a partner folder's kind folders, sorted; warnings for
    /// stray Markdown files and for files no item shows.
    fn items(&self, slug: &str, entries: &[(PathBuf, bool)], diags: &mut Diagnostics) -> Items {
        // Files that are not Markdown: fine when an item shows them as an image.
        let mut others = Vec::new();
        let mut items = Items::default();
        for (entry, entry_is_dir) in entries {
            let name = entry.file_name().and_then(|s| s.to_str()).unwrap_or("");
            if *entry_is_dir {
                let Some(kind) = kinds::by_partner_folder(name) else {
                    continue; // clients/ and other asset folders
                };
                for (file, file_is_dir, regular) in read_dir_listed(entry, diags, &self.files) {
                    if file.extension().and_then(|e| e.to_str()) == Some("md") {
                        let src = Src {
                            path: &file,
                            listed: regular,
                        };
                        self.item(kind, src, slug, &mut items, diags);
                    } else if !file_is_dir {
                        others.push(file);
                    }
                }
            } else if name.ends_with(".md") && name != "about.md" {
                diags.push(
                    Diagnostic::error(
                        self.rel(entry),
                        "unexpected Markdown file in the partner folder",
                    )
                    .hint(format!(
                        "move it into one of {}/ or rename it about.md",
                        Kind::partner_folder_list()
                    )),
                );
            }
        }
        let shown: Vec<&Path> = items
            .shown_images()
            .flat_map(|l| l.named_images.iter().map(PathBuf::as_path))
            .collect();
        for file in others.iter().filter(|f| !shown.contains(&f.as_path())) {
            diags.push(
                Diagnostic::warning(self.rel(file), "ignored: not a Markdown (.md) file").hint(
                    "an image here is published when an item shows it: `![Diagram](diagram.png)`",
                ),
            );
        }
        items.sort();
        items
    }

    /// Load one Markdown file of a partner kind into its collection.
    fn item(
        &self,
        kind: &Kind,
        file: Src,
        partner: &str,
        items: &mut Items,
        diags: &mut Diagnostics,
    ) {
        let html = self.config.security.partner_html;
        match kind.shape {
            Shape::CaseStudy => items
                .case_studies
                .extend(self.case_study(file, html, diags)),
            Shape::Post => items
                .posts
                .extend(self.post(file, Some(partner), html, diags)),
            Shape::Testimonial => items
                .testimonials
                .extend(self.testimonial(file, html, diags)),
            // Shapes that are never a partner folder of Markdown files.
            Shape::Page | Shape::ClientLogo | Shape::Decision => {}
        }
    }
}

/// One partner's Markdown items, one collection per partner-kind shape.
#[derive(Default)]
struct Items {
    case_studies: Vec<CaseStudy>,
    posts: Vec<Post>,
    testimonials: Vec<Testimonial>,
}

impl Items {
    /// The links of the items that can show an image of the partner folder (testimonials
    /// cannot: they are shown on several pages).
    fn shown_images(&self) -> impl Iterator<Item = &DocLinks> {
        let cs = self.case_studies.iter().map(|x| &*x.links);
        cs.chain(self.posts.iter().map(|x| &*x.links))
    }

    fn sort(&mut self) {
        sort_newest_first(&mut self.case_studies, |c| (c.date, c.slug.clone()));
        sort_newest_first(&mut self.posts, |c| (c.date, c.slug.clone()));
        sort_newest_first(&mut self.testimonials, |c| (c.date, c.slug.clone()));
    }
}

fn sort_newest_first<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> (Date, K)) {
    items.sort_by(|a, b| {
        let (da, ka) = key(a);
        let (db, kb) = key(b);
        db.cmp(&da).then(ka.cmp(&kb))
    });
}

/// Entries of a folder, sorted by name (directory order differs between machines).
/// Hidden files and editor leftovers are skipped.
fn read_dir_sorted(dir: &Path, diags: &mut Diagnostics, files: &SiteFiles) -> Vec<PathBuf> {
    read_dir_typed(dir, diags, files)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// Like [`read_dir_sorted`], with whether each entry is a folder (from the directory
/// listing itself: no extra `stat` per file, which matters with 100,000 files).
fn read_dir_typed(dir: &Path, diags: &mut Diagnostics, files: &SiteFiles) -> Vec<(PathBuf, bool)> {
    read_dir_listed(dir, diags, files)
        .into_iter()
        .map(|(p, is_dir, _)| (p, is_dir))
        .collect()
}

/// Like [`read_dir_typed`], with whether each entry is a regular file (not a link), as
/// [`SiteFiles::read_listed_text`] takes it.
fn read_dir_listed(
    dir: &Path,
    diags: &mut Diagnostics,
    files: &SiteFiles,
) -> Vec<(PathBuf, bool, bool)> {
    let mut out: Vec<(PathBuf, bool, bool)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let (is_dir, regular) = match e.file_type() {
                    Ok(t) if t.is_symlink() => {
                        // A partner's pull request can add a link to any file of the
                        // machine that builds the site (`about.md -> /proc/self/environ`)
                        // or of the site (`about.md -> ../../../leads/export.csv`):
                        // folders and text files are followed only inside content/
                        // (images are checked by `resolve_image`, files opened by the
                        // read policy again). Hidden names (editor lock links `.#about.md`)
                        // are skipped below.
                        let path = e.path();
                        let is_dir = path.is_dir();
                        let text = path.extension().is_some_and(|x| x == "md" || x == "toml");
                        let hidden = e.file_name().to_string_lossy().starts_with('.');
                        if (is_dir || text)
                            && !hidden
                            && let Err(r) = files.check_link(&path, Area::Content)
                        {
                            diags.push(r.diagnostic(&files.rel(&path)));
                            return None;
                        }
                        (is_dir, false)
                    }
                    Ok(t) => (t.is_dir(), t.is_file()),
                    Err(_) => (false, false),
                };
                Some((e.path(), is_dir, regular))
            })
            .collect(),
        Err(e) => {
            diags.push(Diagnostic::error(
                files.rel(dir),
                format!("cannot read folder: {e}"),
            ));
            return Vec::new();
        }
    };
    out.retain(|(p, ..)| {
        let name = p.file_name().and_then(|s| s.to_str()).unwrap_or("");
        !(name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".tmp"))
    });
    out.sort();
    out
}

/// Load and validate the whole site. Returns the model when there are no errors (there
/// may be warnings), and all diagnostics, sorted.
/// Drafts are kept (the rules report them as ignored); see [`Site::remove_drafts`].
pub fn load(config: SiteConfig, depth: Depth) -> (Option<Site>, Diagnostics) {
    let (site, diags, _) = load_all(config, depth);
    if diags.has_errors() {
        return (None, diags);
    }
    (Some(site), diags)
}

/// [`load`], keeping whatever loaded when there are errors (the later stages still
/// check it, so their errors come out in the same run), and the number of partner
/// folders whose record did not load.
pub fn load_all(config: SiteConfig, depth: Depth) -> (Site, Diagnostics, usize) {
    let root = config.root.clone();
    let files = SiteFiles::new(&config);
    let mut diags = Diagnostics::default();
    let partner_dirs = partner_dirs(&root.join("content"), &mut diags, &files);
    let loader = Loader {
        config: &config,
        root: &root,
        files,
        depth,
        compress: partner_dirs.len() >= COMPRESS_FROM_PARTNERS,
    };
    let results: Vec<(Option<Partner>, Diagnostics)> =
        partner_dirs.par_iter().map(|d| loader.partner(d)).collect();
    let mut partners = Vec::with_capacity(results.len());
    let failed = results.iter().filter(|(p, _)| p.is_none()).count();
    for (p, d) in results {
        diags.extend(d);
        partners.extend(p);
    }
    let (mut pages, mut blog, mut decisions) = (Vec::new(), Vec::new(), Vec::new());
    for kind in kinds::program_kinds() {
        let folder = kind.program_folder.unwrap_or_default();
        let program_html = config.security.program_html;
        match kind.shape {
            Shape::Page => pages = loader.program_items(folder, &mut diags, Loader::page),
            Shape::Decision => {
                decisions = loader.program_items(folder, &mut diags, Loader::decision)
            }
            Shape::Post => {
                blog = loader.program_items(folder, &mut diags, |l, p, d| {
                    l.post(p, None, program_html, d)
                })
            }
            // Shapes the program does not write.
            Shape::CaseStudy | Shape::Testimonial | Shape::ClientLogo => {}
        }
    }
    check_exemptions(&config, &partners, &partner_dirs, &mut diags);
    partners.sort_by(|a, b| {
        a.sort_key
            .cmp(&b.sort_key)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.slug.cmp(&b.slug)));
    sort_newest_first(&mut blog, |p| (p.date, p.slug.clone()));
    sort_newest_first(&mut decisions, |d| (d.date(), d.slug.clone()));

    let site = Site {
        config,
        partners,
        pages,
        blog,
        decisions,
    };
    (site, diags.sorted(), failed)
}

/// The partner folders in `content/partners/`, sorted.
fn partner_dirs(content: &Path, diags: &mut Diagnostics, files: &SiteFiles) -> Vec<PathBuf> {
    let partners_dir = content.join("partners");
    if !partners_dir.is_dir() {
        return Vec::new();
    }
    read_dir_typed(&partners_dir, diags, files)
        .into_iter()
        .filter(|(_, is_dir)| *is_dir)
        .map(|(p, _)| p)
        .collect()
}

impl Loader<'_> {
    /// Every Markdown file in `content/<folder>/`, loaded in parallel by `load`.
    fn program_items<T: Send>(
        &self,
        folder: &str,
        diags: &mut Diagnostics,
        load: impl Fn(&Self, &Path, &mut Diagnostics) -> Option<T> + Sync,
    ) -> Vec<T> {
        let dir = self.root.join("content").join(folder);
        if !dir.is_dir() {
            return Vec::new();
        }
        let files: Vec<PathBuf> = read_dir_sorted(&dir, diags, &self.files)
            .into_iter()
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("md"))
            .collect();
        let results: Vec<(Option<T>, Diagnostics)> = files
            .par_iter()
            .map(|p| {
                let mut d = Diagnostics::default();
                (load(self, p, &mut d), d)
            })
            .collect();
        results
            .into_iter()
            .filter_map(|(item, d)| {
                diags.extend(d);
                item
            })
            .collect()
    }
}

/// Every `[rules.exemptions]` id must name a partner folder.
fn check_exemptions(
    config: &SiteConfig,
    partners: &[Partner],
    partner_dirs: &[PathBuf],
    diags: &mut Diagnostics,
) {
    let Some(rules) = &config.rules else {
        return;
    };
    let slugs: Vec<&str> = partner_dirs
        .iter()
        .filter_map(|d| d.file_name().and_then(|s| s.to_str()))
        .collect();
    for ex in &rules.exemptions {
        if !partners.iter().any(|p| p.slug == ex.id) && !slugs.contains(&ex.id.as_str()) {
            diags.push(
                config
                    .error_at(
                        &ex.span,
                        format!(
                            "[rules.exemptions] `{}` is not a partner folder in content/partners/",
                            ex.id
                        ),
                    )
                    .hint(suggest(&ex.id, slugs.iter().copied())),
            );
        }
    }
}

/// What a single-file reload changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patched {
    /// An item or about.md of this partner.
    Partner(String),
    /// A program post in content/blog/.
    ProgramPost(String),
}

/// Re-read one Markdown file already in the model and replace its item in place, for
/// `serve`'s incremental rebuilds. Returns `None` when the change needs a full reload
/// (a new or removed file, a draft flag or date that changed, anything but Markdown).
pub fn reload_file(site: &mut Site, rel: &Path) -> Option<Result<Patched, Diagnostics>> {
    let root = site.config.root.clone();
    let full = root.join(rel);
    if !full.is_file() || rel.extension().and_then(|e| e.to_str()) != Some("md") {
        return None;
    }
    let config = site.config.clone();
    let loader = Loader {
        config: &config,
        root: &root,
        files: SiteFiles::new(&config),
        depth: Depth::Full,
        compress: site.partners.len() >= COMPRESS_FROM_PARTNERS,
    };
    let mut diags = Diagnostics::default();
    // The full load vetted every folder on the way; a single re-read must resolve the
    // whole path itself (a folder, or the file, may have become a link since).
    if let Err(r) = loader.files.check_link(&full, Area::Content) {
        diags.push(r.diagnostic(rel));
        return Some(Err(diags));
    }
    let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
    let html = config.security.partner_html;
    let result = match parts.as_slice() {
        ["content", "partners", slug, "about.md"] => {
            let p = site.partners.iter_mut().find(|p| p.slug == *slug)?;
            let text = loader.read_text(&full, &mut diags);
            if let Some(text) = text {
                let (html, links) = loader.render_doc(&full, &text, 0, html, &mut diags);
                p.about_html = Some(html.into());
                p.about_links = links;
            }
            Patched::Partner(slug.to_string())
        }
        ["content", "partners", slug, folder, _file] => {
            let kind = kinds::by_partner_folder(folder)?;
            let p = site.partners.iter_mut().find(|p| p.slug == *slug)?;
            match replace_item(&loader, kind, p, rel, &full, diags)? {
                Ok(warnings) => diags = warnings,
                Err(errors) => return Some(Err(errors)),
            }
            Patched::Partner(slug.to_string())
        }
        ["content", folder, _file]
            if kinds::by_program_folder(folder).is_some_and(|k| k.shape == Shape::Post) =>
        {
            let slot = site.blog.iter_mut().find(|x| x.path == rel)?;
            match loader.post(&full, None, config.security.program_html, &mut diags) {
                Some(new)
                    if new.draft == slot.draft
                        && new.date == slot.date
                        && new.topic == slot.topic =>
                {
                    let slug = new.slug.clone();
                    *slot = new;
                    Patched::ProgramPost(slug)
                }
                Some(_) => return None,
                None => return Some(Err(diags.sorted())),
            }
        }
        _ => return None,
    };
    if diags.has_errors() {
        return Some(Err(diags.sorted()));
    }
    Some(Ok(result))
}

/// Replace partner `p`'s item at `rel` (of `kind`) with its new version. `None` when
/// the change needs a full reload; `Err` with the diagnostics when the new version has
/// errors; `Ok` with the diagnostics (warnings) otherwise.
fn replace_item(
    loader: &Loader,
    kind: &Kind,
    p: &mut Partner,
    rel: &Path,
    full: &Path,
    mut diags: Diagnostics,
) -> Option<Result<Diagnostics, Diagnostics>> {
    let html = loader.config.security.partner_html;
    // A changed date, draft flag, tag or topic moves the item between pages: structural.
    macro_rules! replace {
        ($list:expr, $new:expr) => {
            replace!($list, $new, |_| ())
        };
        ($list:expr, $new:expr, $filed:expr) => {{
            let slot = $list.iter_mut().find(|x| x.path == rel)?;
            match $new {
                Some(new) => {
                    if new.draft != slot.draft || new.date != slot.date {
                        return None;
                    }
                    if $filed(&new) != $filed(&*slot) {
                        return None;
                    }
                    *slot = new;
                }
                None => return Some(Err(diags.sorted())),
            }
        }};
    }
    match kind.shape {
        Shape::CaseStudy => replace!(
            p.case_studies,
            loader.case_study(full, html, &mut diags),
            |x: &CaseStudy| x.tags.clone()
        ),
        Shape::Post => replace!(
            p.posts,
            loader.post(full, Some(&p.slug), html, &mut diags),
            |x: &Post| x.topic.clone()
        ),
        Shape::Testimonial => {
            replace!(p.testimonials, loader.testimonial(full, html, &mut diags))
        }
        Shape::Page | Shape::ClientLogo | Shape::Decision => return None,
    }
    Some(Ok(diags))
}
