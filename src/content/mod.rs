//! The content model: partners and their case studies, posts, testimonials and client
//! logos, program pages, program posts and program decisions. Built once by [`load`], then read-only.

mod frontmatter;
mod html;
mod load;
mod partner;

pub use frontmatter::split as split_front_matter;
pub use html::{COMPRESS_FROM_PARTNERS, Html};
pub use load::{Depth, Patched, load, load_all, reload_file};
pub use partner::{PartnerRecord, SUMMARY_MAX, parse_partner_toml};

use crate::config::SiteConfig;
use crate::date::Date;
use std::path::PathBuf;
use std::sync::Arc;

/// A file the site publishes as-is (logos, client logos).
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path on disk.
    pub source: PathBuf,
    /// Path relative to the partner folder, with forward slashes (`clients/x.png`).
    pub rel: String,
    /// Line and column of the value naming it in partner.toml (for output-path errors).
    pub at: (usize, usize),
}

#[derive(Debug, Clone, Default)]
pub struct Clients {
    pub acquired: u64,
    pub refused_logo: u64,
    pub refused_testimonial: u64,
}

#[derive(Debug, Clone)]
pub struct ClientLogo {
    pub client: String,
    pub file: Asset,
    pub date: Date,
    /// Line of the `[[client_logos]]` entry in partner.toml (for reports).
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct CaseStudy {
    pub slug: String,
    /// Source file relative to the site root.
    pub path: PathBuf,
    pub title: String,
    pub date: Date,
    /// `None` when absent or when the case study is anonymous (never kept, never shown).
    pub client: Option<String>,
    pub anonymous: bool,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// The rendered Markdown, compressed until its page is rendered.
    pub html: Html,
    /// Links, heading ids and images of the Markdown body (link checking).
    pub links: Arc<crate::links::DocLinks>,
}

#[derive(Debug, Clone)]
pub struct Post {
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub date: Date,
    pub topic: Option<String>,
    pub summary: Option<String>,
    pub draft: bool,
    /// The rendered Markdown, compressed until its page is rendered.
    pub html: Html,
    /// Links, heading ids and images of the Markdown body (link checking).
    pub links: Arc<crate::links::DocLinks>,
    /// Author partner's slug; `None` for program posts in `content/blog/`.
    pub partner: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Testimonial {
    pub slug: String,
    pub path: PathBuf,
    /// `None` when anonymous.
    pub author: Option<String>,
    pub role: Option<String>,
    /// `None` when anonymous.
    pub client: Option<String>,
    pub anonymous: bool,
    pub date: Date,
    pub draft: bool,
    pub html: Arc<str>,
    /// Links, heading ids and images of the Markdown body (link checking).
    pub links: Arc<crate::links::DocLinks>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub weight: i64,
    pub draft: bool,
    /// Where the site's navigation links to the page (`menu` in its front matter).
    pub menu: Menu,
    pub html: Arc<str>,
    /// Links, heading ids and images of the Markdown body (link checking).
    pub links: Arc<crate::links::DocLinks>,
}

/// A program decision (`content/decisions/<slug>.md`): what is being decided, until when
/// partners can comment, and what was decided.
#[derive(Debug, Clone)]
pub struct Decision {
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub status: DecisionStatus,
    pub opened: Date,
    /// The last day partners can comment (always set for a consultation).
    pub closes: Option<Date>,
    /// Line and column of `closes` in the file (1:1 without it), for the warning of a
    /// consultation past its closing day.
    pub closes_at: (usize, usize),
    /// The day it was decided (always set when decided).
    pub decided: Option<Date>,
    /// Ids of `[decision_topics]`, as written.
    pub affects: Vec<String>,
    /// The public discussion (an https URL).
    pub discussion: Option<String>,
    /// What was decided, one sentence (always set when decided).
    pub outcome: Option<String>,
    pub draft: bool,
    pub html: Arc<str>,
    /// Links, heading ids and images of the Markdown body (link checking).
    pub links: Arc<crate::links::DocLinks>,
}

impl Decision {
    /// The date that orders it among the decisions of its status, newest first: the day
    /// it was decided, else the day it was opened.
    pub fn date(&self) -> Date {
        self.decided.unwrap_or(self.opened)
    }

    /// A consultation whose `closes` is before `today`: no longer open, not decided yet.
    pub fn awaiting_decision(&self, today: Option<Date>) -> bool {
        self.status == DecisionStatus::Consultation
            && matches!((self.closes, today), (Some(c), Some(t)) if c < t)
    }
}

/// Where a decision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DecisionStatus {
    Proposed,
    Consultation,
    Decided,
    Withdrawn,
}

impl DecisionStatus {
    /// The values of the `status` key, in the order the docs list them.
    pub const NAMES: [&'static str; 4] = ["proposed", "consultation", "decided", "withdrawn"];

    /// The status named by a `status` value, if it is one.
    pub fn from_name(name: &str) -> Option<DecisionStatus> {
        match name {
            "proposed" => Some(DecisionStatus::Proposed),
            "consultation" => Some(DecisionStatus::Consultation),
            "decided" => Some(DecisionStatus::Decided),
            "withdrawn" => Some(DecisionStatus::Withdrawn),
            _ => None,
        }
    }

    /// Its `status` value.
    pub fn name(self) -> &'static str {
        match self {
            DecisionStatus::Proposed => "proposed",
            DecisionStatus::Consultation => "consultation",
            DecisionStatus::Decided => "decided",
            DecisionStatus::Withdrawn => "withdrawn",
        }
    }
}

/// Which navigation links to a program page: the header's (kept short: it collapses
/// behind a Menu button on phones), the footer's (the default), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Menu {
    Header,
    #[default]
    Footer,
    None,
}

impl Menu {
    /// The values of the `menu` key, in the order the docs list them.
    pub const NAMES: [&'static str; 3] = ["header", "footer", "none"];

    /// The menu named by a `menu` value, if it is one.
    pub fn from_name(name: &str) -> Option<Menu> {
        match name {
            "header" => Some(Menu::Header),
            "footer" => Some(Menu::Footer),
            "none" => Some(Menu::None),
            _ => None,
        }
    }
}

/// A partner: its validated record (partner.toml) plus its Markdown content.
///
/// `Partner` dereferences to its [`PartnerRecord`], so `p.name` or `p.tier` read the
/// record's fields; the record is embedded, not copied field by field.
#[derive(Debug, Clone)]
pub struct Partner {
    pub slug: String,
    /// `content/partners/<slug>/partner.toml`, relative to the site root.
    pub record_path: PathBuf,
    /// The fields of partner.toml.
    pub record: PartnerRecord,
    pub about_html: Option<Html>,
    /// Links, heading ids and images of about.md (empty without one).
    pub about_links: Arc<crate::links::DocLinks>,
    /// Items of the [`Shape::CaseStudy`](crate::kinds::Shape::CaseStudy) kind, newest first.
    pub case_studies: Vec<CaseStudy>,
    /// Items of the [`Shape::Post`](crate::kinds::Shape::Post) kind, newest first.
    pub posts: Vec<Post>,
    /// Items of the [`Shape::Testimonial`](crate::kinds::Shape::Testimonial) kind, newest
    /// first.
    pub testimonials: Vec<Testimonial>,
    /// Name folded for sorting: accents removed, lower case ("Östersjö" -> "ostersjo").
    pub sort_key: String,
}

impl std::ops::Deref for Partner {
    type Target = PartnerRecord;
    fn deref(&self) -> &PartnerRecord {
        &self.record
    }
}

impl std::ops::DerefMut for Partner {
    fn deref_mut(&mut self) -> &mut PartnerRecord {
        &mut self.record
    }
}

/// Everything loaded and validated from one site folder.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Every partner record (drafts included unless filtered), sorted by name then slug.
    pub partners: Vec<Partner>,
    /// Program pages, sorted by weight then slug.
    pub pages: Vec<Page>,
    /// Program posts (`content/blog/`), newest first.
    pub blog: Vec<Post>,
    /// Program decisions (`content/decisions/`), newest first ([`Decision::date`]).
    pub decisions: Vec<Decision>,
}

/// Sort key for names: accents and case ignored, so "Östersjö" sorts with "O" and
/// "eduNEXT" with "E".
pub fn sort_key(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase()
}

impl Site {
    /// Drop every draft (partners, items, pages, posts): what is published without
    /// `--drafts`.
    pub fn remove_drafts(&mut self) {
        self.partners.retain(|p| !p.draft);
        self.pages.retain(|p| !p.draft);
        self.blog.retain(|p| !p.draft);
        self.decisions.retain(|d| !d.draft);
        for p in &mut self.partners {
            p.case_studies.retain(|c| !c.draft);
            p.posts.retain(|c| !c.draft);
            p.testimonials.retain(|c| !c.draft);
        }
    }

    /// The partner with this slug.
    pub fn partner(&self, slug: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.slug == slug)
    }
}
