//! `site.toml` -> [`SiteConfig`]: site settings, the ordered vocabularies, and the
//! `[rules]`, `[leads]`, `[allocation]`, `[request]`, `[security]`, `[links]`, `[badge]`
//! and `[spotlight]` tables. Unknown keys are errors everywhere.
//!
//! This file reads site.toml and checks the site settings; each table with rules of its
//! own has a submodule in `config/`: `vocab.rs` (the `id = "label"` tables and regions),
//! `rules.rs` (`[rules]`), `leads.rs` (`[leads]` and its categories), `allocation.rs`
//! (`[allocation]`: the lead allocation policy), `request.rs` (`[request]`: the request
//! form), `badge.rs` (`[badge]`: tier colours) and `spotlight.rs` (`[spotlight]`: the
//! sizes of the companies featured).

mod allocation;
mod badge;
mod leads;
mod periods;
mod request;
mod rules;
mod spotlight;
mod vocab;

pub use allocation::{Allocation, Balance, Constraint, REGION as MATCH_REGION};
pub use badge::{BadgeColors, MIN_TEXT_CONTRAST, Rgb, TierColor};
pub use leads::{
    Categories, Category, CategoryValues, LeadColumns, LeadsConfig, MAX_VALUE_LEN, OTHER,
    is_value_slug,
};
pub use periods::{PeriodConfig, TRENDS, has_source, period_order_error};
pub use request::{CONSENT_FIELD, ContactRole, HONEYPOT_FIELD, Request, endpoint_origin};
pub use rules::{OnMissing, RuleName, Rules};
pub use spotlight::{MAX_COUNT as MAX_SPOTLIGHT_COUNT, Spotlight};
pub use vocab::{Region, Regions, Vocab, VocabEntry, is_slug, slugify};

use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::tomlcheck::{self, Missing};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const SITE_FILE: &str = "site.toml";

/// A content kind the rules can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Kind {
    #[serde(rename = "case-studies")]
    CaseStudies,
    #[serde(rename = "posts")]
    Posts,
    #[serde(rename = "testimonials")]
    Testimonials,
    #[serde(rename = "client-logos")]
    ClientLogos,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::CaseStudies,
        Kind::Posts,
        Kind::Testimonials,
        Kind::ClientLogos,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Kind::CaseStudies => "case-studies",
            Kind::Posts => "posts",
            Kind::Testimonials => "testimonials",
            Kind::ClientLogos => "client-logos",
        }
    }
    /// Plural noun, lower case (`case studies`), from [`crate::kinds::KINDS`].
    pub fn label(self) -> &'static str {
        let kind = crate::kinds::by_rule(self);
        kind.plural
    }
}

/// The tables `values = "<name>"` may name: their ids are the allowed values.
pub const VOCABULARIES: [&str; 7] = [
    "services",
    "tiers",
    "pricing",
    "company_size",
    "market_size",
    "topics",
    "regions",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HtmlPolicy {
    #[default]
    Sanitize,
    Escape,
    Allow,
}

/// `[security]`: how much raw HTML partners and the program may use.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    #[serde(default)]
    pub partner_html: HtmlPolicy,
    #[serde(default = "allow")]
    pub program_html: HtmlPolicy,
    /// Extra `rel` values for external links, e.g. `["ugc", "nofollow"]`.
    #[serde(default)]
    pub external_rel: Vec<String>,
    /// Largest accepted content file, in bytes.
    #[serde(default = "default_max_file_size")]
    pub max_file_size: u64,
}

fn allow() -> HtmlPolicy {
    HtmlPolicy::Allow
}

fn default_max_file_size() -> u64 {
    5 * 1024 * 1024
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            partner_html: HtmlPolicy::Sanitize,
            program_html: HtmlPolicy::Allow,
            external_rel: Vec::new(),
            max_file_size: default_max_file_size(),
        }
    }
}

/// `[links]`: what a broken internal link or anchor in Markdown is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    #[serde(default)]
    pub internal: LinkLevel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkLevel {
    /// The build fails (the default).
    #[default]
    Error,
    /// Printed; the build goes on.
    Warn,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: Spanned<String>,
    base_url: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: Spanned<String>,
    cname: Option<String>,
    #[serde(default)]
    tiers: Vocab,
    #[serde(default)]
    regions: Regions,
    #[serde(default)]
    services: Vocab,
    #[serde(default)]
    pricing: Vocab,
    #[serde(default)]
    company_size: Vocab,
    #[serde(default)]
    market_size: Vocab,
    #[serde(default)]
    topics: Vocab,
    #[serde(default)]
    decision_topics: Vocab,
    rules: Option<rules::RawRules>,
    leads: Option<LeadsConfig>,
    allocation: Option<allocation::RawAllocation>,
    request: Option<request::RawRequest>,
    security: Option<SecurityConfig>,
    links: Option<LinksConfig>,
    badge: Option<badge::RawBadge>,
    spotlight: Option<spotlight::RawSpotlight>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".into())
}

/// The whole validated `site.toml`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub root: PathBuf,
    /// `root` with symlinks resolved, computed once (image containment checks use it).
    pub canonical_root: PathBuf,
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub theme: String,
    pub cname: Option<String>,
    pub tiers: Vocab,
    pub regions: Regions,
    pub services: Vocab,
    pub pricing: Vocab,
    pub company_size: Vocab,
    pub market_size: Vocab,
    pub topics: Vocab,
    /// `[decision_topics]`: what program decisions may affect (`affects` ids).
    pub decision_topics: Vocab,
    pub rules: Option<Rules>,
    pub leads: Option<LeadsConfig>,
    /// `[allocation]`, when present and valid.
    pub allocation: Option<Allocation>,
    /// `[request]`: the request form, when present and valid.
    pub request: Option<Request>,
    pub security: SecurityConfig,
    pub links: LinksConfig,
    /// `[badge]`: every tier's colours in the badges.
    pub badge: BadgeColors,
    /// `[spotlight]`, when present and valid: the smaller companies the home page and the
    /// blog feature ([`crate::spotlight`]).
    pub spotlight: Option<Spotlight>,
    /// The raw text, kept to place later diagnostics (e.g. unknown exemption slugs).
    pub text: String,
}

impl SiteConfig {
    /// A diagnostic pointing at a byte span of site.toml.
    pub fn error_at(
        &self,
        span: &std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        error_at(&self.text, span.start, message)
    }

    /// True when partners of `tier` receive leads: `[allocation] eligible_tiers`, else
    /// `[leads] eligible_tiers`, else every tier.
    pub fn tier_receives_leads(&self, tier: &str) -> bool {
        match (&self.allocation, &self.leads) {
            (Some(a), _) => a.tier_eligible(tier),
            (None, Some(l)) => l
                .eligible_tiers
                .as_ref()
                .is_none_or(|ts| ts.iter().any(|t| t.get_ref() == tier)),
            (None, None) => true,
        }
    }

    /// The path part of base_url (`/` or `/partners/`), used for every internal URL.
    pub fn base_path(&self) -> &str {
        base_path(&self.base_url)
    }

    /// Replace base_url (the `--base-url` flag and `serve`).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = normalize_base_url(url);
    }
}

/// `https://x.org/partners` -> `https://x.org/partners/`.
pub fn normalize_base_url(url: &str) -> String {
    let mut s = url.trim().to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// The path of an absolute URL: `https://x.org/a/` -> `/a/`.
pub fn base_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => &after_scheme[i..],
        None => "/",
    }
}

/// True for `http://` or `https://` URLs with a host.
pub fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
                && !url.chars().any(|c| c.is_whitespace() || c.is_control())
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        }
        None => false,
    }
}

/// Read and validate `<root>/site.toml`. Returns the config (when it parsed) and every
/// problem found.
pub fn load(root: &Path) -> Result<(Option<SiteConfig>, Diagnostics), std::io::Error> {
    let path = root.join(SITE_FILE);
    // Read before `[security]` is known: the default size limit applies to site.toml.
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let files = crate::fsread::SiteFiles::for_root(root, &canonical, default_max_file_size());
    let bytes = match files.read_bytes(&path, crate::fsread::Area::Site, default_max_file_size()) {
        Ok(b) => b,
        Err(crate::fsread::Refused::NotFound) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("cannot read {}: not found", path.display()),
            ));
        }
        Err(crate::fsread::Refused::Io(e)) => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("cannot read {}: {e}", path.display()),
            ));
        }
        Err(refused) => {
            let mut diags = Diagnostics::default();
            diags.push(refused.diagnostic(Path::new(SITE_FILE)));
            return Ok((None, diags));
        }
    };
    let text = match crate::fsread::utf8(Path::new(SITE_FILE), bytes) {
        Ok(t) => t,
        Err(d) => {
            let mut diags = Diagnostics::default();
            diags.push(d);
            return Ok((None, diags));
        }
    };
    Ok(parse_str(root, text))
}

/// Parse and validate site.toml text (for tools and fuzzing; `load` reads the file).
pub fn parse_str(root: &Path, text: String) -> (Option<SiteConfig>, Diagnostics) {
    // A wrong key is reported and left at its default, so the rest of the file, and the
    // content, are still checked in the same run.
    let parsed = tomlcheck::parse::<RawSite>(Path::new(SITE_FILE), &text, 0, Missing::Drop);
    // Content is checked against the vocabularies: with one of them cut short, every
    // partner using a dropped id would get an error that is not theirs.
    let vocab_broken = VOCABULARIES
        .iter()
        .chain(&["decision_topics"])
        .any(|v| parsed.repaired_key(v));
    let mut diags = parsed.diags;
    let Some(raw) = parsed.value else {
        return (None, diags);
    };
    let config = validate(root, raw, text, &mut diags);
    ((!vocab_broken).then_some(config), diags)
}

/// An error at a byte offset of site.toml.
fn error_at(text: &str, offset: usize, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(SITE_FILE, message).at_offset(text, offset, 0)
}

/// Check what parsed, in this order: the site settings, the vocabularies and regions,
/// `[rules]`, `[leads]`, `[security]` and the theme.
fn validate(root: &Path, raw: RawSite, text: String, diags: &mut Diagnostics) -> SiteConfig {
    check_site(&raw, &text, diags);
    for (table, vocab) in [
        ("tiers", &raw.tiers),
        ("services", &raw.services),
        ("pricing", &raw.pricing),
        ("company_size", &raw.company_size),
        ("market_size", &raw.market_size),
        ("topics", &raw.topics),
        ("decision_topics", &raw.decision_topics),
    ] {
        vocab::check_vocab(table, vocab, &text, diags);
    }
    if raw.tiers.entries.is_empty() {
        diags.push(
            Diagnostic::error(SITE_FILE, "no tiers are defined")
                .hint("add a `[tiers]` table, e.g. `partner = \"Open edX Partner\"`"),
        );
    }
    vocab::check_regions(&raw.regions, &text, diags);
    let badge = badge::validate(&raw.badge.unwrap_or_default(), &raw.tiers, &text, diags);

    let rules = raw
        .rules
        .map(|r| rules::validate(r, &raw.topics, &text, diags));

    let mut leads = raw.leads;
    if let Some(leads) = &mut leads {
        let vocabs = [
            ("services", &raw.services),
            ("tiers", &raw.tiers),
            ("pricing", &raw.pricing),
            ("company_size", &raw.company_size),
            ("market_size", &raw.market_size),
            ("topics", &raw.topics),
        ];
        leads::validate(leads, root, &raw.tiers, &vocabs, &raw.regions, &text, diags);
    }

    let allocation = raw
        .allocation
        .and_then(|a| allocation::validate(a, &raw.tiers, leads.as_ref(), &text, diags));
    let request = raw
        .request
        .and_then(|r| request::validate(r, leads.as_ref(), &text, diags));

    let spotlight = raw
        .spotlight
        .and_then(|s| spotlight::validate(s, &raw.company_size, &text, diags));

    let security = raw.security.unwrap_or_default();
    check_security(&security, diags);
    check_theme(root, &raw.theme, &text, diags);

    SiteConfig {
        root: root.to_path_buf(),
        canonical_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        title: raw.title.into_inner(),
        base_url: normalize_base_url(raw.base_url.get_ref()),
        description: raw.description,
        language: raw.language,
        theme: raw.theme.into_inner(),
        cname: raw.cname,
        tiers: raw.tiers,
        regions: raw.regions,
        services: raw.services,
        pricing: raw.pricing,
        company_size: raw.company_size,
        market_size: raw.market_size,
        topics: raw.topics,
        decision_topics: raw.decision_topics,
        rules,
        leads,
        allocation,
        request,
        security,
        links: raw.links.unwrap_or_default(),
        badge,
        spotlight,
        text,
    }
}

/// `title` and `base_url`.
fn check_site(raw: &RawSite, text: &str, diags: &mut Diagnostics) {
    if raw.title.get_ref().trim().is_empty() {
        diags.push(
            error_at(text, raw.title.span().start, "`title` is empty")
                .hint("give the site a title"),
        );
    }
    if !is_http_url(raw.base_url.get_ref()) {
        diags.push(
            error_at(
                text,
                raw.base_url.span().start,
                format!(
                    "`base_url` {:?} is not an http(s) URL",
                    raw.base_url.get_ref()
                ),
            )
            .hint("write it like \"https://openedx.github.io/partners/\""),
        );
    }
}

/// The values `[security] external_rel` may hold.
pub const EXTERNAL_REL: [&str; 4] = ["ugc", "nofollow", "sponsored", "external"];

/// `[security]`: the `rel` values external links may carry.
fn check_security(security: &SecurityConfig, diags: &mut Diagnostics) {
    for rel in &security.external_rel {
        if !EXTERNAL_REL.contains(&rel.as_str()) {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!("[security] external_rel: unknown value `{rel}`"),
                )
                .hint(suggest(rel, EXTERNAL_REL)),
            );
        }
    }
}

/// `theme`: built in, or a folder of `themes/`.
fn check_theme(root: &Path, theme: &Spanned<String>, text: &str, diags: &mut Diagnostics) {
    let name = theme.get_ref();
    if name != "default" && !root.join("themes").join(name).is_dir() {
        diags.push(
            error_at(
                text,
                theme.span().start,
                format!("theme `{name}` not found: no folder themes/{name}/"),
            )
            .hint("use theme = \"default\" (built in) or create the theme folder"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("https://x.org/"), "/");
        assert_eq!(base_path("https://x.org/partners/"), "/partners/");
        assert_eq!(base_path("http://127.0.0.1:1111/"), "/");
    }

    #[test]
    fn urls() {
        assert!(is_http_url("https://abstract-technology.com"));
        assert!(is_http_url("http://localhost:8080/x?y"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("https://a b.com"));
    }
}
