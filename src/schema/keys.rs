//! Every key of the files editors write (site.toml, partner.toml, the front matter of
//! each kind), with its type and its description: the one place the schemas'
//! `description`s come from, worded after the README. A key the loader accepts and
//! this table lacks (or the other way round) fails `tests/suite/schema.rs`.
//!
//! Adding a table to site.toml is one [`Key`] in [`SITE`] (a [`Ty::Table`] of its own
//! keys); adding a key is one line in its table; a kind with a new front matter is one
//! arm in [`front_matter`].

use crate::kinds::Shape;

/// Ids this site defines (read from site.toml when the schemas are written), or fixed
/// lists of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    /// `[tiers]`.
    Tiers,
    /// `[regions.<id>]`.
    Regions,
    /// `[services]`.
    Services,
    /// `[pricing]`.
    Pricing,
    /// `[company_size]`.
    CompanySize,
    /// `[market_size]`.
    MarketSize,
    /// `[topics]`.
    Topics,
    /// `[decision_topics]`.
    DecisionTopics,
    /// ISO 3166-1 alpha-2 codes ([`crate::iso::COUNTRIES`]).
    Countries,
    /// ISO 639-1 codes ([`crate::iso::LANGUAGES`]).
    Languages,
    /// The vocabulary tables `values = "<table>"` may name ([`crate::config::VOCABULARIES`]).
    Vocabularies,
    /// The kinds the rules can require ([`crate::config::Kind::ALL`]).
    RuleKinds,
    /// The partner facets ([`crate::facets::FACETS`]).
    Facets,
    /// `[leads.categories]` names.
    LeadCategories,
    /// `region` and the `[allocation.categories]` names.
    Constraints,
    /// `[security]` `external_rel` values.
    Rel,
    /// A page's `menu` ([`crate::content::Menu::NAMES`]).
    Menus,
}

/// A key's type.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// Any string.
    Str,
    /// A string matching a regular expression (ECMA 262, as JSON Schema reads it).
    Pattern(&'static str),
    /// A string of at most this many characters.
    MaxLen(u64),
    /// An integer within bounds.
    Int(Option<i64>, Option<i64>),
    /// `true` or `false`.
    Bool,
    /// A bare TOML date (`2026-03-14`); editors' tools see it as a string.
    Date,
    /// One of these strings.
    Fixed(&'static [&'static str]),
    /// One of the ids of a list.
    Of(Ids),
    /// An array of values of a type.
    List(&'static Ty),
    /// A table with exactly these keys (the loader's `deny_unknown_fields`).
    Table(&'static [Key]),
    /// A table of any number of entries: `key = value`.
    Map(MapKeys, &'static Ty),
    /// Any of these types.
    Either(&'static [Ty]),
}

/// What the keys of a [`Ty::Map`] may be.
#[derive(Debug, Clone, Copy)]
pub enum MapKeys {
    /// Slugs: `[a-z0-9]+(-[a-z0-9]+)*`.
    Slug,
    /// Ids of a list.
    Of(Ids),
    /// Any key.
    Any,
}

/// A default value, shown by editors' completion.
#[derive(Debug, Clone, Copy)]
pub enum Lit {
    Str(&'static str),
    Int(i64),
    Bool(bool),
    /// `[]`.
    EmptyList,
}

/// One key of a table.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub default: Option<Lit>,
    pub doc: &'static str,
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        required: true,
        default: None,
        doc,
    }
}

const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        required: false,
        default: None,
        doc,
    }
}

const fn def(name: &'static str, ty: Ty, default: Lit, doc: &'static str) -> Key {
    Key {
        name,
        ty,
        required: false,
        default: Some(default),
        doc,
    }
}

/// `[a-z0-9]+(-[a-z0-9]+)*` ([`crate::config::is_slug`]).
pub const SLUG: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
const HTTP_URL: &str = "^https?://[^\\s/?#]+";
const CONTACT: &str = "^(mailto:|https:).+";
const HEX_COLOUR: &str = "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$";
const HTML_POLICY: &[&str] = &["sanitize", "escape", "allow"];

/// An `id = "label"` vocabulary table.
const VOCAB: Ty = Ty::Map(MapKeys::Slug, &Ty::Str);

// ---- site.toml ----------------------------------------------------------------------

const REGION: &[Key] = &[
    req("label", Ty::Str, "The region's name on the site."),
    def(
        "countries",
        Ty::List(&Ty::Of(Ids::Countries)),
        Lit::EmptyList,
        "ISO 3166-1 alpha-2 codes (upper case) of the countries in the region; a country is in one region at most. Leads and partners' headquarters are placed in regions by country.",
    ),
];

const OVERRIDES: &[Key] = &[
    opt(
        "case-studies",
        Ty::Int(Some(0), None),
        "Case studies required of every partner, instead of the rule's X.",
    ),
    opt(
        "posts",
        Ty::Int(Some(0), None),
        "Posts on an approved topic required of every partner, instead of the rule's X.",
    ),
    opt(
        "testimonials",
        Ty::Int(Some(0), None),
        "Testimonials required of every partner, instead of the rule's X (the refusal cap still applies).",
    ),
    opt(
        "client-logos",
        Ty::Int(Some(0), None),
        "Client logos required of every partner, instead of the rule's X (the refusal cap still applies).",
    ),
];

const RULES: &[Key] = &[
    req(
        "year",
        Ty::Int(Some(2000), Some(2999)),
        "The reporting year: items dated within it count. Never taken from the clock.",
    ),
    def(
        "rule",
        Ty::Fixed(&["percent", "fixed"]),
        Lit::Str("percent"),
        "\"percent\": X = max(minimum, ceil(percent/100 * clients.acquired)); \"fixed\": X = fixed for every partner.",
    ),
    def(
        "percent",
        Ty::Int(Some(0), Some(100)),
        Lit::Int(20),
        "Percent rule: the share of the clients acquired that X is.",
    ),
    def(
        "minimum",
        Ty::Int(Some(0), None),
        Lit::Int(1),
        "Percent rule: the smallest X.",
    ),
    def(
        "fixed",
        Ty::Int(Some(0), None),
        Lit::Int(1),
        "Fixed rule: X for every partner.",
    ),
    opt(
        "require",
        Ty::List(&Ty::Of(Ids::RuleKinds)),
        "The kinds checked (default: all four); kinds not listed are not required.",
    ),
    opt(
        "approved_topics",
        Ty::List(&Ty::Of(Ids::Topics)),
        "Ids from [topics]: a post counts only if its topic is one of them (none: no post counts, and check warns).",
    ),
    def(
        "on_missing",
        Ty::Fixed(&["fail", "warn", "unlist"]),
        Lit::Str("fail"),
        "What build does with a partner missing required content: \"fail\" exits 1, \"warn\" builds and prints the list, \"unlist\" builds without that partner.",
    ),
    opt(
        "overrides",
        Ty::Table(OVERRIDES),
        "Optional per-kind X instead of the rule.",
    ),
    opt(
        "exemptions",
        Ty::Map(MapKeys::Slug, &Ty::Str),
        "Optional: partner slug = reason (shown in reports); exempted partners are not checked.",
    ),
    def(
        "publish_contributions",
        Ty::Bool,
        Lit::Bool(false),
        "true: publish every partner's counted contributions at /program/contributions/.",
    ),
];

const COLUMNS: &[Key] = &[
    req("id", Ty::Str, "Header of the lead id column."),
    req(
        "received",
        Ty::Str,
        "Header of the received date column (YYYY-MM-DD).",
    ),
    req(
        "country",
        Ty::Str,
        "Header of the country column (ISO alpha-2, may be empty).",
    ),
    opt(
        "region",
        Ty::Str,
        "Header of the region column; when absent or empty the region comes from [regions].",
    ),
    req(
        "partner",
        Ty::Str,
        "Header of the assigned partner column (partner slug; empty = not yet assigned).",
    ),
    req(
        "status",
        Ty::Str,
        "Header of the status column: new, contacted, won or lost.",
    ),
    opt(
        "requested_partner",
        Ty::Str,
        "Header of the column naming the partner a buyer chose on a profile's request form.",
    ),
    opt(
        "allocation_method",
        Ty::Str,
        "Header of the column recording how each lead was allocated (default: allocation_method).",
    ),
    opt(
        "allocation_relaxed",
        Ty::Str,
        "Header of the column recording how many match constraints were dropped (default: allocation_relaxed).",
    ),
];

const CATEGORY: &[Key] = &[
    req(
        "column",
        Ty::Str,
        "Header of the export's column holding the category.",
    ),
    opt(
        "values",
        Ty::Either(&[Ty::Of(Ids::Vocabularies), Ty::List(&Ty::Pattern(SLUG))]),
        "The values published by name: a vocabulary table of site.toml (its ids, in its order), or an ordered list of slugs of at most 40 characters. Any other value is counted as `other`.",
    ),
    opt(
        "labels",
        Ty::Map(MapKeys::Slug, &Ty::Str),
        "The report's labels of a list of values: value = \"Label\".",
    ),
];

const FROM: Key = opt(
    "from",
    Ty::Date,
    "Optional first day of the period (inclusive) on the received date.",
);
const TO: Key = opt(
    "to",
    Ty::Date,
    "Optional last day of the period (inclusive) on the received date.",
);

const PERIOD: &[Key] = &[
    req(
        "id",
        Ty::Pattern(SLUG),
        "The period's slug: its page is /transparency/<id>/ (not `trends`).",
    ),
    req(
        "source",
        Ty::Str,
        "The period's export (CSV file or folder) or its committed digest (.json), relative to the site root.",
    ),
    FROM,
    TO,
];

const LEADS: &[Key] = &[
    opt(
        "source",
        Ty::Str,
        "The private lead export: a CSV file, a folder of CSVs (read in name order), or a digest (.json), relative to the site root. Required unless [[leads.period]] lists the periods.",
    ),
    opt(
        "period",
        Ty::List(&Ty::Table(PERIOD)),
        "The transparency archive, oldest first: one [[leads.period]] per reporting period (then [leads] has no source, from or to).",
    ),
    FROM,
    TO,
    opt(
        "eligible_tiers",
        Ty::List(&Ty::Of(Ids::Tiers)),
        "Tiers that receive leads (default: every tier).",
    ),
    def(
        "min_cell",
        Ty::Int(Some(1), None),
        Lit::Int(5),
        "Small-count suppression threshold: counts below it are withheld.",
    ),
    opt(
        "policy",
        Ty::Pattern(SLUG),
        "Optional: slug of the program page explaining the allocation policy.",
    ),
    def(
        "allow_unknown_partners",
        Ty::Bool,
        Lit::Bool(false),
        "true: leads assigned to unknown partner slugs count in the audit instead of failing the build.",
    ),
    opt(
        "columns",
        Ty::Table(COLUMNS),
        "The export's headers for the fields partnersite reads; only mapped columns are read.",
    ),
    opt(
        "categories",
        Ty::Map(MapKeys::Any, &Ty::Either(&[Ty::Str, Ty::Table(CATEGORY)])),
        "Report name = column (plain form: slugs only, sorted), or { column, values, labels } to say which values may be published.",
    ),
];

const ALLOCATION: &[Key] = &[
    req(
        "seed",
        Ty::Str,
        "Public text mixed into the tie-breaks of the allocation.",
    ),
    opt(
        "eligible_tiers",
        Ty::List(&Ty::Of(Ids::Tiers)),
        "Tiers that receive leads by rule (default: [leads] eligible_tiers, else all).",
    ),
    def(
        "balance",
        Ty::Fixed(&["overall", "per-region"]),
        Lit::Str("overall"),
        "\"overall\": one queue; \"per-region\": each region (and `unspecified`) its own queue.",
    ),
    opt(
        "match",
        Ty::List(&Ty::Of(Ids::Constraints)),
        "Constraints in order (`region`, or an [allocation.categories] name), relaxed from the last.",
    ),
    opt(
        "weights",
        Ty::Map(MapKeys::Of(Ids::Tiers), &Ty::Int(Some(1), Some(1000))),
        "Relative share by tier, integers 1..=1000 (default 1).",
    ),
    opt(
        "categories",
        Ty::Map(MapKeys::Of(Ids::LeadCategories), &Ty::Of(Ids::Facets)),
        "[leads.categories] name = the partner facet a lead's value must match.",
    ),
];

const REQUEST_CONTACT: &[Key] = &[
    opt(
        "name",
        Ty::Str,
        "Export column receiving the buyer's full name.",
    ),
    opt(
        "given_name",
        Ty::Str,
        "Export column receiving the buyer's first name.",
    ),
    opt(
        "family_name",
        Ty::Str,
        "Export column receiving the buyer's last name.",
    ),
    req(
        "email",
        Ty::Str,
        "Export column receiving the buyer's e-mail (required: the program answers by e-mail).",
    ),
    opt(
        "organization",
        Ty::Str,
        "Export column receiving the buyer's organization.",
    ),
    opt(
        "phone",
        Ty::Str,
        "Export column receiving the buyer's phone number.",
    ),
    opt(
        "message",
        Ty::Str,
        "Export column receiving what the buyer wrote about the project.",
    ),
];

const REQUEST: &[Key] = &[
    req(
        "endpoint",
        Ty::Pattern(HTTP_URL),
        "Where the request form posts: an https URL of the program's backend (http only for localhost).",
    ),
    req(
        "consent",
        Ty::Str,
        "The sentence of the required consent checkbox the buyer ticks.",
    ),
    opt(
        "privacy_url",
        Ty::Pattern(HTTP_URL),
        "Optional: the program's privacy notice, linked beside the consent.",
    ),
    req(
        "contact",
        Ty::Table(REQUEST_CONTACT),
        "Contact field = the export column it posts to, in the form's order; `email` is required.",
    ),
];

const SECURITY: &[Key] = &[
    def(
        "partner_html",
        Ty::Fixed(HTML_POLICY),
        Lit::Str("sanitize"),
        "Raw HTML in content/partners/: \"sanitize\" (allow-list), \"escape\" (shown as text) or \"allow\".",
    ),
    def(
        "program_html",
        Ty::Fixed(HTML_POLICY),
        Lit::Str("allow"),
        "Raw HTML in content/pages/ and content/blog/: \"sanitize\", \"escape\" or \"allow\".",
    ),
    opt(
        "external_rel",
        Ty::List(&Ty::Of(Ids::Rel)),
        "Values added to rel=\"noopener noreferrer\" on external links.",
    ),
    def(
        "max_file_size",
        Ty::Int(Some(0), None),
        Lit::Int(5 * 1024 * 1024),
        "Largest text, template and static file, in bytes.",
    ),
];

const LINKS: &[Key] = &[def(
    "internal",
    Ty::Fixed(&["error", "warn"]),
    Lit::Str("error"),
    "A broken internal link or anchor in Markdown: \"error\" fails the build, \"warn\" prints it and goes on.",
)];

const BADGE: &[Key] = &[opt(
    "colors",
    Ty::Map(MapKeys::Of(Ids::Tiers), &Ty::Pattern(HEX_COLOUR)),
    "Tier id = \"#rrggbb\" (or \"#rgb\"): the tier's colour in the badges; a tier left out takes a colour of the default palette.",
)];

const SPOTLIGHT: &[Key] = &[
    req(
        "company_sizes",
        Ty::List(&Ty::Of(Ids::CompanySize)),
        "Ids of [company_size]: the partners of these sizes take turns in the weekly spotlight.",
    ),
    def(
        "count",
        Ty::Int(Some(1), Some(crate::config::MAX_SPOTLIGHT_COUNT)),
        Lit::Int(3),
        "Partners featured per ISO week, 1 to 12.",
    ),
];

/// site.toml.
pub const SITE: &[Key] = &[
    req("title", Ty::Str, "The site's title."),
    req(
        "base_url",
        Ty::Pattern(HTTP_URL),
        "The site's absolute http(s) URL; it may carry a sub-path. --base-url overrides it.",
    ),
    def(
        "description",
        Ty::Str,
        Lit::Str(""),
        "One or two sentences about the site (the home page's description).",
    ),
    def(
        "language",
        Ty::Str,
        Lit::Str("en"),
        "The site's language (`en`, `fr`, `pt-BR`...): dates and numbers are written in it.",
    ),
    def(
        "theme",
        Ty::Str,
        Lit::Str("default"),
        "\"default\" (built in) or the name of a folder of themes/.",
    ),
    opt(
        "cname",
        Ty::Str,
        "Optional custom domain: writes CNAME (GitHub Pages).",
    ),
    opt(
        "tiers",
        VOCAB,
        "Partner tiers: id = \"label\", in display order; ids are slugs.",
    ),
    opt(
        "regions",
        Ty::Map(MapKeys::Slug, &Ty::Table(REGION)),
        "One [regions.<id>] table per region, in display order.",
    ),
    opt(
        "services",
        VOCAB,
        "Services partners offer: id = \"label\", in display order.",
    ),
    opt(
        "pricing",
        VOCAB,
        "Pricing models: id = \"label\", in display order.",
    ),
    opt(
        "company_size",
        VOCAB,
        "Company sizes: id = \"label\", in display order.",
    ),
    opt(
        "market_size",
        VOCAB,
        "Markets partners serve: id = \"label\", in display order.",
    ),
    opt(
        "topics",
        VOCAB,
        "Blog topics: id = \"label\", in display order.",
    ),
    opt(
        "decision_topics",
        VOCAB,
        "What program decisions may affect (a decision's `affects`): id = \"label\", in display order.",
    ),
    opt(
        "rules",
        Ty::Table(RULES),
        "Required content: what each partner must publish every reporting year.",
    ),
    opt(
        "leads",
        Ty::Table(LEADS),
        "The lead transparency report: where the private export lives and what may be published.",
    ),
    opt(
        "allocation",
        Ty::Table(ALLOCATION),
        "The public policy that assigns leads to partners (`partnersite leads allocate` and `leads verify`).",
    ),
    opt(
        "request",
        Ty::Table(REQUEST),
        "The request form buyers fill on the site (/request/ and each profile's): it posts the export's column names.",
    ),
    opt(
        "security",
        Ty::Table(SECURITY),
        "How much raw HTML partners and the program may use, and file size limits.",
    ),
    opt(
        "links",
        Ty::Table(LINKS),
        "What a broken internal link or anchor in Markdown is.",
    ),
    opt(
        "badge",
        Ty::Table(BADGE),
        "The partner badges' tier colours.",
    ),
    opt(
        "spotlight",
        Ty::Table(SPOTLIGHT),
        "The weekly spotlight on smaller partners' recent case studies and posts (home page, blog, /spotlight/).",
    ),
];

// ---- partner.toml -------------------------------------------------------------------

const CLIENTS: &[Key] = &[
    opt(
        "acquired",
        Ty::Int(Some(0), None),
        "New clients this reporting year: the rule's X is computed from it.",
    ),
    opt(
        "refused_logo",
        Ty::Int(Some(0), None),
        "Clients who refused a public logo: they cap the client logos required.",
    ),
    opt(
        "refused_testimonial",
        Ty::Int(Some(0), None),
        "Clients who refused a testimonial: they cap the testimonials required.",
    ),
];

const CLIENT_LOGO: &[Key] = &[
    req("client", Ty::Str, "The client's name."),
    req(
        "file",
        Ty::Str,
        "The logo file inside the partner folder (e.g. clients/example-university.png).",
    ),
    req(
        "date",
        Ty::Date,
        "When the client approved publication: the logo counts in that year.",
    ),
];

/// partner.toml.
pub const PARTNER: &[Key] = &[
    req("name", Ty::Str, "Public name."),
    req("tier", Ty::Of(Ids::Tiers), "Tier: an id from [tiers]."),
    req(
        "website",
        Ty::Pattern(HTTP_URL),
        "Website: a full http(s) URL.",
    ),
    req(
        "logo",
        Ty::Str,
        "A .svg, .png, .jpg or .webp file inside the partner folder.",
    ),
    req(
        "summary",
        Ty::MaxLen(crate::content::SUMMARY_MAX as u64),
        "One sentence of plain text, at most 200 characters.",
    ),
    req(
        "country",
        Ty::Of(Ids::Countries),
        "Headquarters country: ISO 3166-1 alpha-2 code in upper case.",
    ),
    req(
        "regions",
        Ty::List(&Ty::Of(Ids::Regions)),
        "Regions served: ids from [regions].",
    ),
    req(
        "services",
        Ty::List(&Ty::Of(Ids::Services)),
        "Services offered: ids from [services].",
    ),
    def(
        "languages",
        Ty::List(&Ty::Of(Ids::Languages)),
        Lit::EmptyList,
        "Languages you work in: ISO 639-1 codes.",
    ),
    opt(
        "pricing",
        Ty::Of(Ids::Pricing),
        "Pricing model: an id from [pricing].",
    ),
    opt(
        "company_size",
        Ty::Of(Ids::CompanySize),
        "Company size: an id from [company_size].",
    ),
    opt(
        "market_size",
        Ty::Of(Ids::MarketSize),
        "Market you serve: an id from [market_size].",
    ),
    opt(
        "joined",
        Ty::Date,
        "The date you joined the program (a bare TOML date).",
    ),
    opt(
        "contact",
        Ty::Pattern(CONTACT),
        "Optional contact: a mailto: or https: URL.",
    ),
    def(
        "draft",
        Ty::Bool,
        Lit::Bool(false),
        "true: the whole listing is not published (unless --drafts).",
    ),
    opt(
        "clients",
        Ty::Table(CLIENTS),
        "Client figures for the reporting year, used by the required-content rule.",
    ),
    opt(
        "client_logos",
        Ty::List(&Ty::Table(CLIENT_LOGO)),
        "One [[client_logos]] block per logo a client approved for publication.",
    ),
];

// ---- front matter -------------------------------------------------------------------

const TITLE: Key = req("title", Ty::Str, "The title (required).");
const DRAFT: Key = def(
    "draft",
    Ty::Bool,
    Lit::Bool(false),
    "true: not published (unless --drafts).",
);
const SUMMARY: Key = opt(
    "summary",
    Ty::Str,
    "One or two sentences shown on listings and as the page's description.",
);
const ANONYMOUS: Key = def(
    "anonymous",
    Ty::Bool,
    Lit::Bool(false),
    "true: the client (and a testimonial's author) never reaches any output; pages show \"Anonymous client\".",
);

const CASE_STUDY: &[Key] = &[
    TITLE,
    req("date", Ty::Date, "Publication date (a bare TOML date)."),
    opt("client", Ty::Str, "The client's name."),
    ANONYMOUS,
    SUMMARY,
    def(
        "tags",
        Ty::List(&Ty::Str),
        Lit::EmptyList,
        "Free-text tags.",
    ),
    DRAFT,
];

const POST: &[Key] = &[
    TITLE,
    req("date", Ty::Date, "Publication date (a bare TOML date)."),
    opt(
        "topic",
        Ty::Of(Ids::Topics),
        "An id from [topics]; a post counts for the rules only if its topic is approved.",
    ),
    SUMMARY,
    DRAFT,
];

const TESTIMONIAL: &[Key] = &[
    opt(
        "author",
        Ty::Str,
        "The person quoted (required unless anonymous).",
    ),
    opt("role", Ty::Str, "The author's role."),
    opt("client", Ty::Str, "The client's name."),
    ANONYMOUS,
    req(
        "date",
        Ty::Date,
        "The date of the testimonial (a bare TOML date).",
    ),
    DRAFT,
];

const PAGE: &[Key] = &[
    TITLE,
    def(
        "weight",
        Ty::Int(None, None),
        Lit::Int(0),
        "Menu order: lower first.",
    ),
    DRAFT,
    def(
        "menu",
        Ty::Of(Ids::Menus),
        Lit::Str("footer"),
        "Where the navigation links to the page: \"header\", \"footer\" or \"none\".",
    ),
];

const DECISION: &[Key] = &[
    TITLE,
    req(
        "status",
        Ty::Fixed(&crate::content::DecisionStatus::NAMES),
        "\"proposed\", \"consultation\" (partners may comment until `closes`), \"decided\" (with `decided` and `outcome`) or \"withdrawn\".",
    ),
    req(
        "opened",
        Ty::Date,
        "The day the decision was put to the partners (a bare TOML date).",
    ),
    opt(
        "closes",
        Ty::Date,
        "The last day partners can comment; required when `status` is \"consultation\", on or after `opened`.",
    ),
    opt(
        "decided",
        Ty::Date,
        "The day it was decided; only (and required) when `status` is \"decided\", on or after `opened`.",
    ),
    opt(
        "affects",
        Ty::List(&Ty::Of(Ids::DecisionTopics)),
        "Ids from [decision_topics]: what the decision affects.",
    ),
    opt(
        "discussion",
        Ty::Pattern("^https://[^\\s/?#]+"),
        "The public discussion, an https URL.",
    ),
    opt(
        "outcome",
        Ty::Str,
        "What was decided, in one sentence; required when `status` is \"decided\".",
    ),
    DRAFT,
];

/// The front matter of a kind's Markdown files; `None` for a kind that has no files of
/// its own (client logos are entries of partner.toml).
pub fn front_matter(shape: Shape) -> Option<&'static [Key]> {
    match shape {
        Shape::CaseStudy => Some(CASE_STUDY),
        Shape::Post => Some(POST),
        Shape::Testimonial => Some(TESTIMONIAL),
        Shape::Page => Some(PAGE),
        Shape::Decision => Some(DECISION),
        Shape::ClientLogo => None,
    }
}

/// A key the front matter of a shape requires unless a boolean key is `true`:
/// `(key, unless)` (a testimonial's `author`, unless `anonymous`).
pub fn required_unless(shape: Shape) -> Option<(&'static str, &'static str)> {
    match shape {
        Shape::Testimonial => Some(("author", "anonymous")),
        Shape::CaseStudy | Shape::Post | Shape::Page | Shape::Decision | Shape::ClientLogo => None,
    }
}
