//! `site.toml` -> [`SiteConfig`]: site settings, the ordered vocabularies, and the
//! `[rules]`, `[leads]`, `[security]` and `[links]` tables. Unknown keys are errors everywhere.

use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::iso;
use crate::tomlcheck::{self, Missing};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const SITE_FILE: &str = "site.toml";

/// True for `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An ordered `id = "label"` table. Order is display order.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub entries: Vec<VocabEntry>,
}

#[derive(Debug, Clone)]
pub struct VocabEntry {
    pub id: String,
    pub label: String,
    /// Byte span of the id in site.toml (for error positions).
    pub span: std::ops::Range<usize>,
}

impl Vocab {
    pub fn label(&self, id: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.label.as_str())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.entries.iter().map(|e| e.id.as_str())
    }

    /// Position of an id in display order (unknown ids sort last).
    pub fn position(&self, id: &str) -> usize {
        self.entries
            .iter()
            .position(|e| e.id == id)
            .unwrap_or(usize::MAX)
    }
}

impl<'de> Deserialize<'de> for Vocab {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vocab;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of `id = \"label\"` entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vocab, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, label)) = map.next_entry::<Spanned<String>, String>()? {
                    let span = key.span();
                    entries.push(VocabEntry {
                        id: key.into_inner(),
                        label,
                        span,
                    });
                }
                Ok(Vocab { entries })
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionDef {
    pub label: String,
    #[serde(default)]
    pub countries: Vec<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub label: String,
    pub countries: Vec<String>,
    pub span: std::ops::Range<usize>,
}

/// Ordered `[regions.<id>]` tables.
#[derive(Debug, Clone, Default)]
pub struct Regions(pub Vec<Region>);

impl<'de> Deserialize<'de> for Regions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Regions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one `[regions.<id>]` table per region")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Regions, A::Error> {
                let mut out = Vec::new();
                while let Some((key, def)) = map.next_entry::<Spanned<String>, RegionDef>()? {
                    let span = key.span();
                    out.push(Region {
                        id: key.into_inner(),
                        label: def.label,
                        countries: def.countries.into_iter().map(Spanned::into_inner).collect(),
                        span,
                    });
                }
                Ok(Regions(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Regions {
    pub fn get(&self, id: &str) -> Option<&Region> {
        self.0.iter().find(|r| r.id == id)
    }
    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.iter().map(|r| r.id.as_str())
    }
    /// The region whose country list holds `country` (upper-case alpha-2).
    pub fn of_country(&self, country: &str) -> Option<&Region> {
        self.0
            .iter()
            .find(|r| r.countries.iter().any(|c| c == country))
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleName {
    Percent,
    Fixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnMissing {
    Fail,
    Warn,
    Unlist,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverrides {
    #[serde(rename = "case-studies")]
    case_studies: Option<Spanned<i64>>,
    posts: Option<Spanned<i64>>,
    testimonials: Option<Spanned<i64>>,
    #[serde(rename = "client-logos")]
    client_logos: Option<Spanned<i64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    year: Spanned<i64>,
    rule: Option<RuleName>,
    percent: Option<Spanned<i64>>,
    minimum: Option<Spanned<i64>>,
    fixed: Option<Spanned<i64>>,
    require: Option<Vec<Kind>>,
    approved_topics: Option<Vec<Spanned<String>>>,
    on_missing: Option<OnMissing>,
    overrides: Option<RawOverrides>,
    exemptions: Option<Vocab>,
    #[serde(default)]
    publish_contributions: bool,
}

/// The program's required-content rule (`[rules]`), with defaults applied.
#[derive(Debug, Clone)]
pub struct Rules {
    pub year: u16,
    pub rule: RuleName,
    pub percent: u64,
    pub minimum: u64,
    pub fixed: u64,
    pub require: Vec<Kind>,
    pub approved_topics: Vec<String>,
    pub on_missing: OnMissing,
    /// Per-kind X replacing the rule's X.
    pub overrides: Vec<(Kind, u64)>,
    /// slug -> reason, with the slug's span in site.toml.
    pub exemptions: Vec<VocabEntry>,
    pub publish_contributions: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadColumns {
    pub id: String,
    pub received: String,
    pub country: String,
    pub region: Option<String>,
    pub partner: String,
    pub status: String,
}

/// `[leads]`: where the private export lives and how to read it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadsConfig {
    pub source: Spanned<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub eligible_tiers: Option<Vec<Spanned<String>>>,
    #[serde(default = "default_min_cell")]
    pub min_cell: u32,
    pub policy: Option<Spanned<String>>,
    #[serde(default)]
    pub allow_unknown_partners: bool,
    pub columns: Option<LeadColumns>,
    /// Report name -> column and allowed values, in display order.
    pub categories: Option<Categories>,
}

/// The key of category values outside a category's known values.
pub const OTHER: &str = "other";
/// Longest category value published by name in the plain form (longer ones are `other`).
pub const MAX_VALUE_LEN: usize = 40;
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

/// True for a slug of at most [`MAX_VALUE_LEN`] characters: the only values a plain
/// `[leads.categories]` entry publishes by name.
pub fn is_value_slug(s: &str) -> bool {
    s.len() <= MAX_VALUE_LEN && is_slug(s)
}

/// `[leads.categories]`, in display order.
#[derive(Debug, Clone, Default)]
pub struct Categories(pub Vec<Category>);

impl Categories {
    pub fn get(&self, name: &str) -> Option<&Category> {
        self.0.iter().find(|c| c.name == name)
    }
}

/// One `[leads.categories]` entry: `name = "column"` or `name = { column, values }`.
#[derive(Debug, Clone)]
pub struct Category {
    pub name: String,
    /// Byte span of the name in site.toml.
    pub span: std::ops::Range<usize>,
    pub column: String,
    pub values: CategoryValues,
    /// The allowed values with their display labels, in published order (filled by
    /// validation from `values`); `None` in the plain form.
    pub known: Option<Vec<VocabEntry>>,
}

impl Category {
    /// The display label of a published value.
    pub fn label(&self, id: &str) -> Option<&str> {
        self.known
            .as_ref()?
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.label.as_str())
    }
}

/// How a category declares its values.
#[derive(Debug, Clone)]
pub enum CategoryValues {
    /// The plain form: slugs are published by name, every other value is `other`.
    Slugs,
    /// `values = "services"`: the ids and labels of a vocabulary table.
    Vocab(Spanned<String>),
    /// `values = ["lt-5k", ...]`: an ordered list.
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for Categories {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Categories;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of `name = \"column\"` or `name = { column = \"...\", values = ... }` entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Categories, A::Error> {
                let mut out = Vec::new();
                while let Some((key, def)) = map.next_entry::<Spanned<String>, CategoryDef>()? {
                    let span = key.span();
                    let (column, values) = match def {
                        CategoryDef::Column(c) => (c, CategoryValues::Slugs),
                        CategoryDef::Table(t) => (
                            t.column,
                            match t.values.map(|v| (v.span(), v.into_inner())) {
                                None => CategoryValues::Slugs,
                                Some((span, ValuesDef::Vocab(v))) => {
                                    CategoryValues::Vocab(Spanned::new(span, v))
                                }
                                Some((_, ValuesDef::List(l))) => CategoryValues::List(l),
                            },
                        ),
                    };
                    out.push(Category {
                        name: key.into_inner(),
                        span,
                        column,
                        values,
                        known: None,
                    });
                }
                Ok(Categories(out))
            }
        }
        d.deserialize_map(V)
    }
}

enum CategoryDef {
    Column(String),
    Table(CategoryTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryTable {
    column: String,
    values: Option<Spanned<ValuesDef>>,
}

enum ValuesDef {
    Vocab(String),
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for CategoryDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CategoryDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a column name, or a table like `{ column = \"budget_band\", values = [\"lt-5k\", \"5k-20k\"] }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CategoryDef, E> {
                Ok(CategoryDef::Column(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CategoryDef, A::Error> {
                CategoryTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CategoryDef::Table)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for ValuesDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValuesDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "the name of a vocabulary table (e.g. \"services\") or a list of value ids",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ValuesDef, E> {
                Ok(ValuesDef::Vocab(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ValuesDef, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<Spanned<String>>()? {
                    out.push(v);
                }
                Ok(ValuesDef::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

fn default_min_cell() -> u32 {
    5
}

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
    rules: Option<RawRules>,
    leads: Option<LeadsConfig>,
    security: Option<SecurityConfig>,
    links: Option<LinksConfig>,
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
    pub rules: Option<Rules>,
    pub leads: Option<LeadsConfig>,
    pub security: SecurityConfig,
    pub links: LinksConfig,
    /// The raw text, kept to place later diagnostics (e.g. unknown exemption slugs).
    pub text: String,
}

impl SiteConfig {
    pub fn site_file(&self) -> PathBuf {
        PathBuf::from(SITE_FILE)
    }

    /// A diagnostic pointing at a byte span of site.toml.
    pub fn error_at(
        &self,
        span: &std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(SITE_FILE, message).at_offset(&self.text, span.start, 0)
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
    let vocab_broken = VOCABULARIES.iter().any(|v| parsed.repaired_key(v));
    let mut diags = parsed.diags;
    let Some(raw) = parsed.value else {
        return (None, diags);
    };
    let config = validate(root, raw, text, &mut diags);
    ((!vocab_broken).then_some(config), diags)
}

fn validate(root: &Path, raw: RawSite, text: String, diags: &mut Diagnostics) -> SiteConfig {
    let err = |span: &std::ops::Range<usize>, msg: String| {
        Diagnostic::error(SITE_FILE, msg).at_offset(&text, span.start, 0)
    };

    if raw.title.get_ref().trim().is_empty() {
        diags.push(err(&raw.title.span(), "`title` is empty".into()).hint("give the site a title"));
    }
    if !is_http_url(raw.base_url.get_ref()) {
        diags.push(
            err(
                &raw.base_url.span(),
                format!(
                    "`base_url` {:?} is not an http(s) URL",
                    raw.base_url.get_ref()
                ),
            )
            .hint("write it like \"https://openedx.github.io/partners/\""),
        );
    }

    for (table, vocab) in [
        ("tiers", &raw.tiers),
        ("services", &raw.services),
        ("pricing", &raw.pricing),
        ("company_size", &raw.company_size),
        ("market_size", &raw.market_size),
        ("topics", &raw.topics),
    ] {
        check_ids(
            table,
            vocab.entries.iter().map(|e| (e.id.as_str(), &e.span)),
            &text,
            diags,
        );
        for e in &vocab.entries {
            if e.label.trim().is_empty() {
                diags.push(err(
                    &e.span,
                    format!("[{table}] `{}` has an empty label", e.id),
                ));
            }
        }
    }
    if raw.tiers.entries.is_empty() {
        diags.push(
            Diagnostic::error(SITE_FILE, "no tiers are defined")
                .hint("add a `[tiers]` table, e.g. `partner = \"Open edX Partner\"`"),
        );
    }
    check_ids(
        "regions",
        raw.regions.0.iter().map(|r| (r.id.as_str(), &r.span)),
        &text,
        diags,
    );
    let mut seen_country: Vec<(&str, &str)> = Vec::new();
    for region in &raw.regions.0 {
        for c in &region.countries {
            if iso::country_name(c).is_none() {
                let hint = if c.len() == 2 && iso::country_name(&c.to_ascii_uppercase()).is_some() {
                    format!("write it in upper case: \"{}\"", c.to_ascii_uppercase())
                } else {
                    "use an ISO 3166-1 alpha-2 code such as \"DE\" or \"BR\"".to_string()
                };
                let at = find_in_table(
                    &text,
                    &format!("regions.{}", region.id),
                    &format!("\"{c}\""),
                )
                .unwrap_or(region.span.start);
                diags.push(
                    err(
                        &(at..at),
                        format!(
                            "region `{}`: `{c}` is not an ISO 3166-1 alpha-2 country code",
                            region.id
                        ),
                    )
                    .hint(hint),
                );
            } else if let Some((_, other)) = seen_country.iter().find(|(cc, _)| cc == c) {
                if *other == region.id {
                    diags.push(
                        err(
                            &region.span,
                            format!("country `{c}` is listed twice in region `{other}`"),
                        )
                        .hint(format!("remove the second `{c}`")),
                    );
                    continue;
                }
                diags.push(
                    err(
                        &region.span,
                        format!(
                            "country `{c}` is in both region `{other}` and region `{}`",
                            region.id
                        ),
                    )
                    .hint("a country belongs to one region at most; remove it from one of them"),
                );
            } else {
                seen_country.push((c, &region.id));
            }
        }
    }

    let rules = raw
        .rules
        .map(|r| validate_rules(r, &raw.topics, &text, diags));

    if let Some(leads) = &raw.leads {
        if let Some(tiers) = &leads.eligible_tiers {
            for t in tiers {
                if !raw.tiers.contains(t.get_ref()) {
                    diags.push(
                        err(
                            &t.span(),
                            format!("[leads] eligible_tiers: unknown tier `{}`", t.get_ref()),
                        )
                        .hint(suggest(t.get_ref(), raw.tiers.ids())),
                    );
                }
            }
        }
        if let Some(folder) = leads_in_site_folder(root, leads.source.get_ref()) {
            diags.push(
                err(
                    &leads.source.span(),
                    format!(
                        "[leads] source `{}` is inside `{folder}/`, which partnersite reads or publishes",
                        leads.source.get_ref()
                    ),
                )
                .hint("keep the private export out of content/, static/, templates/ and themes/ (e.g. in leads/, or outside the repository)"),
            );
        }
        if let (Some(from), Some(to)) = (leads.from, leads.to)
            && from > to
        {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!("[leads] `from` ({from}) is after `to` ({to})"),
                )
                .hint("swap the two dates"),
            );
        }
    }

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
        validate_categories(leads, &vocabs, &raw.regions, &text, diags);
    }

    let security = raw.security.unwrap_or_default();
    for rel in &security.external_rel {
        if !matches!(rel.as_str(), "ugc" | "nofollow" | "sponsored" | "external") {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!("[security] external_rel: unknown value `{rel}`"),
                )
                .hint(suggest(rel, ["ugc", "nofollow", "sponsored", "external"])),
            );
        }
    }

    let theme = raw.theme.get_ref().clone();
    if theme != "default" && !root.join("themes").join(&theme).is_dir() {
        diags.push(
            err(
                &raw.theme.span(),
                format!("theme `{theme}` not found: no folder themes/{theme}/"),
            )
            .hint("use theme = \"default\" (built in) or create the theme folder"),
        );
    }

    SiteConfig {
        root: root.to_path_buf(),
        canonical_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        title: raw.title.into_inner(),
        base_url: normalize_base_url(raw.base_url.get_ref()),
        description: raw.description,
        language: raw.language,
        theme,
        cname: raw.cname,
        tiers: raw.tiers,
        regions: raw.regions,
        services: raw.services,
        pricing: raw.pricing,
        company_size: raw.company_size,
        market_size: raw.market_size,
        topics: raw.topics,
        rules,
        leads,
        security,
        links: raw.links.unwrap_or_default(),
        text,
    }
}

/// Resolve each category's allowed values (`values = "<vocabulary>"` or a list) and
/// check them; and refuse two mapped names for one column (a category mapped to the
/// lead id column would publish lead ids).
fn validate_categories(
    leads: &mut LeadsConfig,
    vocabs: &[(&str, &Vocab)],
    regions: &Regions,
    text: &str,
    diags: &mut Diagnostics,
) {
    let err = |span: &std::ops::Range<usize>, msg: String| {
        Diagnostic::error(SITE_FILE, msg).at_offset(text, span.start, 0)
    };
    let mut mapped: Vec<(String, &str)> = Vec::new();
    if let Some(c) = &leads.columns {
        for (key, col) in [
            ("id", Some(&c.id)),
            ("received", Some(&c.received)),
            ("country", Some(&c.country)),
            ("region", c.region.as_ref()),
            ("partner", Some(&c.partner)),
            ("status", Some(&c.status)),
        ] {
            if let Some(col) = col {
                mapped.push((format!("[leads.columns] {key}"), col.as_str()));
            }
        }
    }
    let Some(categories) = &mut leads.categories else {
        return;
    };
    for cat in &mut categories.0 {
        let here = format!("[leads.categories] {}", cat.name);
        if let Some((other, _)) = mapped.iter().find(|(_, col)| *col == cat.column) {
            diags.push(
                err(
                    &cat.span,
                    format!("{here} reads the column `{}`, already mapped by {other}", cat.column),
                )
                .hint("map each column once; a category publishes its values, so it must never read the lead id or a personal column"),
            );
        }
        mapped.push((here.clone(), cat.column.as_str()));
        cat.known = match &cat.values {
            CategoryValues::Slugs => None,
            CategoryValues::Vocab(name) => {
                Some(vocab_values(&here, name, vocabs, regions, text, diags))
            }
            CategoryValues::List(list) => {
                Some(list_values(&here, list, cat.span.start, text, diags))
            }
        };
    }
}

/// The entries of the vocabulary table `values = "<name>"` names.
fn vocab_values(
    here: &str,
    name: &Spanned<String>,
    vocabs: &[(&str, &Vocab)],
    regions: &Regions,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<VocabEntry> {
    let err = |msg: String| Diagnostic::error(SITE_FILE, msg).at_offset(text, name.span().start, 0);
    let entries = if name.get_ref() == "regions" {
        Some(
            regions
                .0
                .iter()
                .map(|r| VocabEntry {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    span: r.span.clone(),
                })
                .collect::<Vec<_>>(),
        )
    } else {
        vocabs
            .iter()
            .find(|(n, _)| *n == name.get_ref())
            .map(|(_, v)| v.entries.clone())
    };
    match entries {
        None => {
            diags.push(
                err(format!(
                    "{here}: `values` names no vocabulary table `{}`",
                    name.get_ref()
                ))
                .hint(format!(
                    "{} (a table of site.toml whose ids are the allowed values), or give a list like [\"lt-5k\", \"5k-20k\"]",
                    suggest(name.get_ref(), VOCABULARIES)
                )),
            );
            Vec::new()
        }
        Some(e) => {
            if e.is_empty() {
                diags.push(
                    err(format!("{here}: the table [{}] is empty", name.get_ref()))
                        .hint("add the allowed values to that table, or give a list"),
                );
            }
            e
        }
    }
}

/// The entries of `values = [...]`: slugs of at most [`MAX_VALUE_LEN`] characters, each
/// once (they are published as keys, in this order).
fn list_values(
    here: &str,
    list: &[Spanned<String>],
    at: usize,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<VocabEntry> {
    let mut out: Vec<VocabEntry> = Vec::new();
    if list.is_empty() {
        diags.push(
            Diagnostic::error(SITE_FILE, format!("{here}: `values` is an empty list"))
                .at_offset(text, at, 0)
                .hint("list the allowed values, e.g. values = [\"lt-5k\", \"5k-20k\"]"),
        );
    }
    for v in list {
        let id = v.get_ref();
        let d = |msg: String| Diagnostic::error(SITE_FILE, msg).at_offset(text, v.span().start, 0);
        if !is_value_slug(id) {
            diags.push(d(format!("{here}: `{id}` is not a valid value id")).hint(format!(
                "values are published as keys: lower-case letters, digits and single hyphens, at most {MAX_VALUE_LEN} characters, e.g. `{}`",
                slugify(id)
            )));
        } else if out.iter().any(|e| e.id == *id) {
            diags.push(d(format!("{here}: `{id}` is listed twice")).hint("list each value once"));
        } else {
            out.push(VocabEntry {
                id: id.clone(),
                label: id.clone(),
                span: v.span(),
            });
        }
    }
    out
}

fn check_ids<'a>(
    table: &str,
    ids: impl Iterator<Item = (&'a str, &'a std::ops::Range<usize>)>,
    text: &str,
    diags: &mut Diagnostics,
) {
    for (id, span) in ids {
        if !is_slug(id) {
            diags.push(
                Diagnostic::error(SITE_FILE, format!("[{table}] id `{id}` is not a valid id"))
                    .at_offset(text, span.start, 0)
                    .hint(format!("ids are URL segments: lower-case letters, digits and single hyphens, e.g. `{}`", slugify(id))),
            );
        }
    }
}

/// A best-effort slug suggestion for a bad id or file name.
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "example".into()
    } else {
        out
    }
}

/// Byte offset of `needle` after the `[header]` line of a table (for array items that
/// carry no span of their own).
fn find_in_table(text: &str, header: &str, needle: &str) -> Option<usize> {
    let start = text.find(&format!("[{header}]"))?;
    text[start..].find(needle).map(|i| start + i)
}

fn non_negative(v: &Spanned<i64>, key: &str, text: &str, diags: &mut Diagnostics) -> u64 {
    match u64::try_from(*v.get_ref()) {
        Ok(n) => n,
        Err(_) => {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!("[rules] `{key}` is negative ({})", v.get_ref()),
                )
                .at_offset(text, v.span().start, 0)
                .hint("use a whole number of 0 or more"),
            );
            0
        }
    }
}

fn validate_rules(r: RawRules, topics: &Vocab, text: &str, diags: &mut Diagnostics) -> Rules {
    let year = match u16::try_from(*r.year.get_ref()) {
        Ok(y) if (1970..=9999).contains(&y) => y,
        _ => {
            diags.push(
                Diagnostic::error(
                    SITE_FILE,
                    format!(
                        "[rules] `year` {} is not a plausible year",
                        r.year.get_ref()
                    ),
                )
                .at_offset(text, r.year.span().start, 0)
                .hint("write the reporting year, e.g. `year = 2026`"),
            );
            2000
        }
    };
    let num = |v: &Option<Spanned<i64>>, key: &str, default: u64, diags: &mut Diagnostics| {
        v.as_ref()
            .map_or(default, |v| non_negative(v, key, text, diags))
    };
    let percent = num(&r.percent, "percent", 20, diags);
    let minimum = num(&r.minimum, "minimum", 1, diags);
    let fixed = num(&r.fixed, "fixed", 1, diags);
    let mut overrides = Vec::new();
    if let Some(o) = &r.overrides {
        for (kind, v) in [
            (Kind::CaseStudies, &o.case_studies),
            (Kind::Posts, &o.posts),
            (Kind::Testimonials, &o.testimonials),
            (Kind::ClientLogos, &o.client_logos),
        ] {
            if let Some(v) = v {
                overrides.push((
                    kind,
                    non_negative(v, &format!("overrides.{}", kind.id()), text, diags),
                ));
            }
        }
    }
    let approved: Vec<String> = r
        .approved_topics
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| {
            if topics.contains(t.get_ref()) {
                Some(t.into_inner())
            } else {
                diags.push(
                    Diagnostic::error(
                        SITE_FILE,
                        format!(
                            "[rules] approved_topics: `{}` is not a topic in [topics]",
                            t.get_ref()
                        ),
                    )
                    .at_offset(text, t.span().start, 0)
                    .hint(suggest(t.get_ref(), topics.ids())),
                );
                None
            }
        })
        .collect();
    let mut require = r.require.unwrap_or_else(|| Kind::ALL.to_vec());
    require.sort();
    require.dedup();
    Rules {
        year,
        rule: r.rule.unwrap_or(RuleName::Percent),
        percent,
        minimum,
        fixed,
        require,
        approved_topics: approved,
        on_missing: r.on_missing.unwrap_or(OnMissing::Fail),
        overrides,
        exemptions: r.exemptions.map(|v| v.entries).unwrap_or_default(),
        publish_contributions: r.publish_contributions,
    }
}

/// The site folder (`content`, `static`, `templates`, `themes`) that holds the leads
/// source, if any: files there are read as content or copied into the output.
fn leads_in_site_folder(root: &Path, source: &str) -> Option<&'static str> {
    let resolve = |p: &Path| crate::fsread::resolve_path(p).ok();
    let (root, full) = (resolve(root)?, resolve(&root.join(source))?);
    ["content", "static", "templates", "themes"]
        .into_iter()
        .find(|folder| full.starts_with(root.join(folder)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("open-edx"));
        assert!(is_slug("500-plus"));
        assert!(!is_slug("Open"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
        assert_eq!(slugify("Östersjö Lärande!"), "ostersjo-larande");
    }

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
