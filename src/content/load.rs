//! Loading: walk `content/`, read every file once, parse front matter and Markdown in
//! parallel, and collect every problem (never stop at the first).

use super::frontmatter::{SplitError, split};
use super::partner::parse_partner_toml;
use super::{CaseStudy, Page, Partner, Post, Site, Testimonial, sort_key};
use crate::config::{HtmlPolicy, SiteConfig, is_slug, slugify};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::fsread::{Area, SiteFiles};
use crate::links::{self, DocLinks};
use crate::markdown::{self, MdOptions};
use crate::tomlcheck::{self, Missing, Parsed};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

const PARTNER_KINDS: [&str; 3] = ["case-studies", "posts", "testimonials"];

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

struct Loader<'a> {
    config: &'a SiteConfig,
    root: &'a Path,
    files: SiteFiles<'a>,
    depth: Depth,
}

impl Loader<'_> {
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

    /// Read a Markdown file with front matter of type `T` and render its body.
    fn md_file<T: DeserializeOwned>(
        &self,
        path: &Path,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<MdFile<T>> {
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
        let text = self.read_text(path, diags)?;
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

    fn post(
        &self,
        path: &Path,
        partner: Option<&str>,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<Post> {
        let f: MdFile<PostFm> = self.md_file(path, html, diags)?;
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
            html: f.body_html.into(),
            links: f.links,
            partner: partner.map(str::to_string),
        })
    }

    fn case_study(
        &self,
        path: &Path,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<CaseStudy> {
        let f: MdFile<CaseStudyFm> = self.md_file(path, html, diags)?;
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
            html: f.body_html.into(),
            links: f.links,
        })
    }

    fn testimonial(
        &self,
        path: &Path,
        html: HtmlPolicy,
        diags: &mut Diagnostics,
    ) -> Option<Testimonial> {
        let f: MdFile<TestimonialFm> = self.md_file(path, html, diags)?;
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
        let f: MdFile<PageFm> = self.md_file(path, self.config.security.program_html, diags)?;
        (self.check_title(&f, &f.front.title, diags) && f.valid).then(|| Page {
            slug: f.slug,
            path: f.rel,
            title: f.front.title.into_inner(),
            weight: f.front.weight,
            draft: f.front.draft,
            html: f.body_html.into(),
            links: f.links,
        })
    }

    /// Load one partner folder: partner.toml, about.md and the three content kinds.
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
        let html = self.config.security.partner_html;
        let record = self.read_text(&record_path, &mut diags).and_then(|text| {
            let (record, d) = parse_partner_toml(self.config, &rel_record, dir, &text);
            diags.extend(d);
            record
        });
        let about_path = dir.join("about.md");
        if self.depth == Depth::Records {
            let Some(r) = record else {
                return (None, diags);
            };
            return (
                Some(assemble(
                    slug,
                    rel_record,
                    r,
                    None,
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                )),
                diags,
            );
        }
        let about = if has_file("about.md") {
            self.read_text(&about_path, &mut diags).map(|text| {
                let (html, links) = self.render_doc(&about_path, &text, 0, html, &mut diags);
                (html.into(), links)
            })
        } else {
            None
        };
        // Files that are not Markdown: fine when an item shows them as an image.
        let mut others = Vec::new();

        let mut case_studies = Vec::new();
        let mut posts = Vec::new();
        let mut testimonials = Vec::new();
        for (entry, entry_is_dir) in &entries {
            let name = entry
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            if *entry_is_dir {
                if !PARTNER_KINDS.contains(&name.as_str()) {
                    continue; // clients/ and other asset folders
                }
                for (file, file_is_dir) in read_dir_typed(entry, &mut diags, &self.files) {
                    if file.extension().and_then(|e| e.to_str()) != Some("md") {
                        if !file_is_dir {
                            others.push(file);
                        }
                        continue;
                    }
                    match name.as_str() {
                        "case-studies" => {
                            case_studies.extend(self.case_study(&file, html, &mut diags))
                        }
                        "posts" => posts.extend(self.post(&file, Some(&slug), html, &mut diags)),
                        _ => testimonials.extend(self.testimonial(&file, html, &mut diags)),
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
                        PARTNER_KINDS.join("/, ")
                    )),
                );
            }
        }
        let shown: Vec<&Path> = case_studies
            .iter()
            .map(|x| &x.links)
            .chain(posts.iter().map(|x| &x.links))
            .flat_map(|l| l.named_images.iter().map(PathBuf::as_path))
            .collect();
        for file in others.iter().filter(|f| !shown.contains(&f.as_path())) {
            diags.push(
                Diagnostic::warning(self.rel(file), "ignored: not a Markdown (.md) file").hint(
                    "an image here is published when an item shows it: `![Diagram](diagram.png)`",
                ),
            );
        }
        let Some(r) = record else {
            return (None, diags);
        };
        sort_newest_first(&mut case_studies, |c| (c.date, c.slug.clone()));
        sort_newest_first(&mut posts, |c| (c.date, c.slug.clone()));
        sort_newest_first(&mut testimonials, |c| (c.date, c.slug.clone()));
        let partner = assemble(
            slug,
            rel_record,
            r,
            about,
            case_studies,
            posts,
            testimonials,
        );
        (Some(partner), diags)
    }
}

/// A partner from its record and items.
fn assemble(
    slug: String,
    record_path: PathBuf,
    r: super::partner::PartnerRecord,
    about: Option<(Arc<str>, Arc<DocLinks>)>,
    case_studies: Vec<CaseStudy>,
    posts: Vec<Post>,
    testimonials: Vec<Testimonial>,
) -> Partner {
    Partner {
        sort_key: sort_key(&r.name),
        slug,
        record_path,
        name: r.name,
        tier: r.tier,
        website: r.website,
        logo: r.logo,
        summary: r.summary,
        country: r.country,
        regions: r.regions,
        services: r.services,
        languages: r.languages,
        pricing: r.pricing,
        company_size: r.company_size,
        market_size: r.market_size,
        joined: r.joined,
        contact: r.contact,
        draft: r.draft,
        clients: r.clients,
        client_logos: r.client_logos,
        about_links: about.as_ref().map(|a| a.1.clone()).unwrap_or_default(),
        about_html: about.map(|a| a.0),
        case_studies,
        posts,
        testimonials,
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
    let mut out: Vec<(PathBuf, bool)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let is_dir = match e.file_type() {
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
                        is_dir
                    }
                    Ok(t) => t.is_dir(),
                    Err(_) => false,
                };
                Some((e.path(), is_dir))
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
    out.retain(|(p, _)| {
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
    let loader = Loader {
        config: &config,
        root: &root,
        files: SiteFiles::new(&config),
        depth,
    };
    let files = &loader.files;
    let mut diags = Diagnostics::default();
    let content = root.join("content");

    let partners_dir = content.join("partners");
    let partner_dirs: Vec<PathBuf> = if partners_dir.is_dir() {
        read_dir_typed(&partners_dir, &mut diags, files)
            .into_iter()
            .filter(|(_, is_dir)| *is_dir)
            .map(|(p, _)| p)
            .collect()
    } else {
        Vec::new()
    };
    let results: Vec<(Option<Partner>, Diagnostics)> =
        partner_dirs.par_iter().map(|d| loader.partner(d)).collect();
    let mut partners = Vec::with_capacity(results.len());
    let failed = results.iter().filter(|(p, _)| p.is_none()).count();
    for (p, d) in results {
        diags.extend(d);
        partners.extend(p);
    }

    let md_files = |sub: &str, diags: &mut Diagnostics| -> Vec<PathBuf> {
        let dir = content.join(sub);
        if !dir.is_dir() {
            return Vec::new();
        }
        read_dir_sorted(&dir, diags, files)
            .into_iter()
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("md"))
            .collect()
    };
    let page_files = md_files("pages", &mut diags);
    let blog_files = md_files("blog", &mut diags);
    let pages: Vec<(Option<Page>, Diagnostics)> = page_files
        .par_iter()
        .map(|p| {
            let mut d = Diagnostics::default();
            (loader.page(p, &mut d), d)
        })
        .collect();
    let blog: Vec<(Option<Post>, Diagnostics)> = blog_files
        .par_iter()
        .map(|p| {
            let mut d = Diagnostics::default();
            (
                loader.post(p, None, config.security.program_html, &mut d),
                d,
            )
        })
        .collect();
    let mut pages: Vec<Page> = pages
        .into_iter()
        .filter_map(|(p, d)| {
            diags.extend(d);
            p
        })
        .collect();
    let mut blog: Vec<Post> = blog
        .into_iter()
        .filter_map(|(p, d)| {
            diags.extend(d);
            p
        })
        .collect();

    if let Some(rules) = &config.rules {
        for ex in &rules.exemptions {
            if !partners.iter().any(|p| p.slug == ex.id)
                && !partner_dirs
                    .iter()
                    .any(|d| d.file_name().and_then(|s| s.to_str()) == Some(ex.id.as_str()))
            {
                let slugs: Vec<&str> = partner_dirs
                    .iter()
                    .filter_map(|d| d.file_name().and_then(|s| s.to_str()))
                    .collect();
                diags.push(config.error_at(&ex.span, format!("[rules.exemptions] `{}` is not a partner folder in content/partners/", ex.id))
                    .hint(suggest(&ex.id, slugs.iter().copied())));
            }
        }
    }

    partners.sort_by(|a, b| {
        a.sort_key
            .cmp(&b.sort_key)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.slug.cmp(&b.slug)));
    sort_newest_first(&mut blog, |p| (p.date, p.slug.clone()));

    let site = Site {
        config,
        partners,
        pages,
        blog,
    };
    (site, diags.sorted(), failed)
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
        ["content", "partners", slug, kind, _file] => {
            let p = site.partners.iter_mut().find(|p| p.slug == *slug)?;
            macro_rules! replace {
                ($list:expr, $new:expr) => {{
                    let slot = $list.iter_mut().find(|x| x.path == rel)?;
                    match $new {
                        Some(new) => {
                            if new.draft != slot.draft || new.date != slot.date {
                                return None;
                            }
                            *slot = new;
                        }
                        None => return Some(Err(diags.sorted())),
                    }
                }};
            }
            match *kind {
                "case-studies" => {
                    replace!(p.case_studies, loader.case_study(&full, html, &mut diags))
                }
                "posts" => replace!(p.posts, loader.post(&full, Some(slug), html, &mut diags)),
                "testimonials" => {
                    replace!(p.testimonials, loader.testimonial(&full, html, &mut diags))
                }
                _ => return None,
            }
            Patched::Partner(slug.to_string())
        }
        ["content", "blog", _file] => {
            let slot = site.blog.iter_mut().find(|x| x.path == rel)?;
            match loader.post(&full, None, config.security.program_html, &mut diags) {
                Some(new) if new.draft == slot.draft && new.date == slot.date => {
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
