//! Lead exports -> public aggregates (the transparency report). The private export is
//! read here and only here; what leaves this module is a [`Digest`] of counts and ratios.
//!
//! Stages: `read` streams the CSV rows into integer counters (no row, name, e-mail or
//! lead id is kept), `aggregate` turns the counters into the [`Digest`] (ratios,
//! small-count suppression, concentration), `report` renders the digest into the
//! `/transparency/` page, CSV downloads and profile panels, with `charts` as inline SVG.
//! A digest written by `partnersite leads digest` can replace the export as `[leads]
//! source`: the site built from it is byte-identical, because rendering reads only the
//! digest.

mod aggregate;
pub mod allocate;
pub mod allocate_cmd;
mod allocation_report;
mod audit;
mod categories;
mod charts;
mod export;
mod map;
mod open_quote;
mod periods;
mod read;
mod transparency;

pub use allocation_report::{
    AllocationSection, MethodRow, PARTNER_METHODS, PartnerMethods, PolicyView,
};
pub use map::OrderedMap;
pub use periods::{Archived, load_archive, load_period, period_ids};
pub use transparency::{archive_extras, extras, policy_url};

use crate::config::SiteConfig;
use crate::content::Partner;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fsread::{Area, MAX_DIGEST, MAX_LEAD_EXPORT, Refused, SiteFiles};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The key of leads (and partners) that fall in no region, and of leads without a
/// country or a category value.
pub const UNSPECIFIED: &str = "unspecified";

/// A published count that may be withheld by small-count suppression (`null` in JSON).
pub type Cell = Option<u64>;

/// A ratio rounded half-up to 4 decimals; `null` when its denominator is 0.
pub type Ratio = Option<f64>;

/// The digest format this partnersite writes, and the newest one it reads.
///
/// Bump it whenever the JSON's shape changes: a key added, removed or renamed, or a value
/// whose type or meaning changes. A reader refuses keys it does not know (a typo in an
/// edited digest must not pass), so even an added key needs a bump: an older partnersite
/// then says it is too old instead of naming the new key as a typo. Changes in the
/// values alone (other data, stricter suppression) do not bump it. Every older format
/// stays readable; commit a digest of each one under `tests/fixtures/digests/`.
///
/// - 0: the original format, without a `version` key (up to commit 88383ec).
/// - 1: the same keys, with `version` first.
/// - 2: `audit.before_joined` (leads received before their partner's `joined` date).
/// - 3: `allocation` (the `[allocation]` policy, counts by method, relaxations, expected
///   rule leads and the replay's commitment), present only with `[allocation]`.
pub const DIGEST_VERSION: u32 = 3;

/// The public aggregates: exactly `/transparency/leads.json` (documented in the README).
///
/// Maps keyed by ids keep a fixed order in JSON ([`OrderedMap`]): regions and other
/// vocabularies in site.toml order with `unspecified` last; partner slugs, countries and
/// category values sorted (`unspecified` last); quarters chronological.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Digest {
    /// The format version ([`DIGEST_VERSION`]); 0 when the key is missing (the original
    /// format). A digest in memory is always in the current format: [`load`] upgrades one
    /// read from an older file.
    #[serde(default)]
    pub version: u32,
    pub period: Period,
    pub min_cell: u32,
    pub totals: Totals,
    pub by_region: OrderedMap<RegionRow>,
    pub by_partner: OrderedMap<PartnerRow>,
    pub by_quarter: OrderedMap<u64>,
    pub by_quarter_region: OrderedMap<OrderedMap<Cell>>,
    pub by_country: OrderedMap<Cell>,
    pub by_category: OrderedMap<OrderedMap<Cell>>,
    pub by_partner_attribute: PartnerAttributes,
    pub region_partner: OrderedMap<OrderedMap<u64>>,
    pub region_equity: OrderedMap<Equity>,
    pub concentration: Concentration,
    pub audit: Audit,
    /// The allocation policy and what a replay of it finds; `None` without
    /// `[allocation]`, and in a digest of format 0 to 2 (the key is then left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<AllocationSection>,
}

/// Inclusive bounds on the received date: `[leads] from/to`, else the first and last
/// received date counted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    #[serde(with = "iso_date")]
    pub from: Date,
    #[serde(with = "iso_date")]
    pub to: Date,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    pub leads: u64,
    /// Leads with a partner (known, unknown or draft).
    pub assigned: u64,
    pub unassigned: u64,
    pub new: u64,
    pub contacted: u64,
    pub won: u64,
    pub lost: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionRow {
    pub leads: u64,
    pub assigned: u64,
    pub won: u64,
    pub lost: u64,
    /// won / (won + lost).
    pub won_rate: Ratio,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerRow {
    pub leads: u64,
    pub new: u64,
    pub contacted: u64,
    pub won: u64,
    pub lost: u64,
    pub won_rate: Ratio,
    /// The partner's leads / all assigned leads.
    pub share: Ratio,
}

/// Leads received by partners, grouped by a partner attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerAttributes {
    pub tier: OrderedMap<u64>,
    pub company_size: OrderedMap<u64>,
    pub pricing: OrderedMap<u64>,
    pub market_size: OrderedMap<u64>,
    /// The region of the partner's headquarters country.
    pub region: OrderedMap<u64>,
}

impl PartnerAttributes {
    /// (key, table) in display order.
    pub fn tables(&self) -> [(&'static str, &OrderedMap<u64>); 5] {
        [
            ("tier", &self.tier),
            ("company_size", &self.company_size),
            ("pricing", &self.pricing),
            ("market_size", &self.market_size),
            ("region", &self.region),
        ]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equity {
    /// The region's leads / all leads.
    pub leads_share: Ratio,
    /// Eligible partners serving the region / all eligible partners.
    pub partners_serving_share: Ratio,
    /// Eligible partners headquartered in the region / all eligible partners.
    pub partners_hq_share: Ratio,
    /// Assigned leads of the region / eligible partners serving it.
    pub leads_per_serving_partner: Ratio,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concentration {
    /// Gini coefficient of assigned leads over eligible partners.
    pub gini: Ratio,
    /// The 5 largest eligible partners' leads / all assigned leads.
    pub top5_share: Ratio,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// Leads assigned to a listed partner that does not serve the lead's region.
    pub outside_served_region: u64,
    /// Leads assigned to a slug that is not a listed partner (unknown or draft).
    pub unknown_partner: u64,
    /// Leads received before the `joined` date of the listed partner they went to.
    /// `None` in a digest of format 0 or 1, which did not count them (the key is then
    /// left out, so such a digest publishes the same leads.json).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_joined: Option<BeforeJoined>,
}

/// Leads received before their partner joined the program: the total (always
/// published, like the other audit counts) and, per partner that had any, its count,
/// withheld below `min_cell` like the requester tables (the auditor checks this table
/// too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeforeJoined {
    pub leads: u64,
    /// Partner slug (sorted) -> leads received before its `joined` date; only partners
    /// with at least one.
    pub by_partner: OrderedMap<Cell>,
}

mod iso_date {
    use crate::date::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a date like 2026-03-14")))
    }
}

/// The digest as published: pretty JSON with a trailing newline (the bytes of
/// `/transparency/leads.json` and of `partnersite leads digest`).
pub fn write_digest(digest: &Digest) -> Vec<u8> {
    // Serializing plain structs, maps with string keys and finite numbers cannot fail.
    let mut out = serde_json::to_vec_pretty(digest).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Read `[leads] source` and aggregate it. `partners` is every partner record, drafts
/// included (flagged `draft`). `Ok(None)` when site.toml has no `[leads]` table; every
/// problem in the export (up to a cap per file) comes back as diagnostics. Warnings are
/// dropped: see [`load_with_warnings`].
pub fn load(config: &SiteConfig, partners: &[Partner]) -> Result<Option<Digest>, Diagnostics> {
    load_with_warnings(config, partners).map(|(digest, _)| digest)
}

/// [`load`], with the warnings about the export (e.g. a period of more than 10 years).
pub fn load_with_warnings(
    config: &SiteConfig,
    partners: &[Partner],
) -> Result<(Option<Digest>, Diagnostics), Diagnostics> {
    let Some(leads) = &config.leads else {
        return Ok((None, Diagnostics::default()));
    };
    let source = Source::new(config, leads);
    let policy = SiteFiles::new(config);
    if is_json(&source.full) {
        if std::fs::symlink_metadata(&source.full).is_err() {
            return Err(source.error(
                format!("[leads] source: digest `{}` not found", source.name),
                "give the path of a digest written by `partnersite leads digest`, relative to the site folder",
            ));
        }
        return read_digest(&policy, &source.full, &source.rel, config)
            .and_then(|d| audited(d, config, &source.rel, true))
            .map(|d| (Some(d), Diagnostics::default()));
    }
    let files = source.export_files()?;
    let (digest, warnings) = read_exports(&source, &policy, partners, &files)?;
    Ok((Some(digest), warnings))
}

/// `[leads] source`: the path as written, where it is, and how diagnostics show it.
struct Source<'a> {
    config: &'a SiteConfig,
    leads: &'a crate::config::LeadsConfig,
    /// As written in site.toml.
    name: &'a str,
    full: PathBuf,
    /// As shown in diagnostics.
    rel: PathBuf,
}

impl<'a> Source<'a> {
    fn new(config: &'a SiteConfig, leads: &'a crate::config::LeadsConfig) -> Self {
        let name = leads.source.get_ref();
        let full = config.root.join(name);
        let rel = relative(&config.root, &full);
        Source {
            config,
            leads,
            name,
            full,
            rel,
        }
    }

    /// An error at `source` in site.toml.
    fn error(&self, message: String, hint: &str) -> Diagnostics {
        let mut d = Diagnostics::default();
        d.push(
            self.config
                .error_at(&self.leads.source.span(), message)
                .hint(hint),
        );
        d
    }

    /// The export files: the `.csv` files of a folder, or the one file named.
    fn export_files(&self) -> Result<Vec<PathBuf>, Diagnostics> {
        let source = self.name;
        if self.full.is_dir() {
            return match csv_files(&self.full) {
                Ok(files) if files.is_empty() => Err(self.error(
                    format!("[leads] source: the folder `{source}` holds no .csv file"),
                    "put the lead export(s) there as .csv files, or point `source` at one file",
                )),
                Ok(files) => Ok(files),
                Err(e) => Err(self.error(
                    format!("[leads] source: cannot list `{source}`: {e}"),
                    "check the folder's permissions",
                )),
            };
        }
        if std::fs::symlink_metadata(&self.full).is_ok() {
            // Not `is_file`: a FIFO or a dangling link is refused by name below.
            return Ok(vec![self.full.clone()]);
        }
        Err(self.error(
            format!("[leads] source: `{source}` not found"),
            "give a .csv file, a folder of .csv files or a .json digest, relative to the site folder",
        ))
    }
}

/// Read the export files into counts and aggregate them into an audited digest, with
/// the warnings about the export.
fn read_exports(
    source: &Source,
    policy: &SiteFiles,
    partners: &[Partner],
    files: &[PathBuf],
) -> Result<(Digest, Diagnostics), Diagnostics> {
    let (config, leads) = (source.config, source.leads);
    let Some(columns) = &leads.columns else {
        return Err(source.error(
            "[leads] source is a CSV export but [leads.columns] is missing".into(),
            "add [leads.columns] with id, received, country, partner and status (and optionally region)",
        ));
    };
    let model = read::Model::new(config, leads, partners);
    let files = vet_exports(policy, &config.root, files)?;
    // The report's counts and the allocation's replay read the same files: side by side.
    let read = || {
        let mut reader = read::Reader::new(&model, columns, leads.categories.as_ref());
        for (file, rel) in &files {
            reader.read_file(file, rel);
        }
        reader.finish()
    };
    let replay = || {
        let allocation = config.allocation.as_ref()?;
        Some(replay_exports(config, leads, allocation, partners, &files))
    };
    let ((counts, diags), replayed) = rayon::join(read, replay);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    if counts.rows == 0 {
        return Err(source.error(
            format!(
                "[leads] source: the export `{}` holds no lead (only a header, or nothing)",
                source.name
            ),
            "export the leads again, or remove the [leads] table until there are some",
        ));
    }
    let mut digest = aggregate::digest(&model, leads, &counts);
    if let Some(replayed) = replayed {
        let (loaded, replay, commitment) = replayed?;
        digest.allocation = Some(allocation_report::section(
            &loaded,
            &replay,
            partners,
            leads.min_cell,
            &digest.period,
            commitment,
        ));
    }
    let digest = audited(digest, config, &source.rel, false)?;
    Ok((digest, diags.sorted()))
}

/// The policy replayed over every lead of the export files, as `leads verify` replays
/// it, and the SHA-256 of its `--print-replay` text: what the `allocation` section is
/// made of ([`allocation_report::section`]).
fn replay_exports<'a>(
    config: &'a SiteConfig,
    leads: &'a crate::config::LeadsConfig,
    allocation: &'a crate::config::Allocation,
    partners: &[Partner],
    files: &[(PathBuf, PathBuf)],
) -> Result<(allocate_cmd::Loaded<'a>, allocate::Replay, String), Diagnostics> {
    let loaded = allocate_cmd::load_leads(config, leads, allocation, partners, files, true)?;
    let replay = allocate::replay(&loaded.resolved.policy, &loaded.leads, false);
    let commitment = crate::sha::sha256_hex(&[&allocate_cmd::replay_text(&loaded, &replay)]);
    Ok((loaded, replay, commitment))
}

/// The digest if the auditor ([`audit::audit`]) can recover no withheld cell from it,
/// else one error per cell naming the table and the cell's key (never a count).
fn audited(
    digest: Digest,
    config: &SiteConfig,
    rel: &Path,
    from_digest: bool,
) -> Result<Digest, Diagnostics> {
    let findings = audit::audit(&digest, &config.regions);
    if findings.is_empty() {
        return Ok(digest);
    }
    let hint = if from_digest {
        "make the digest again with `partnersite leads digest`: it withholds enough cells"
    } else {
        "this is a bug in partnersite's suppression: please report it (the message names no private value)"
    };
    let mut diags = Diagnostics::default();
    for f in findings {
        let message = if f.label.is_empty() {
            format!(
                "{}: the published cells do not add up to the published totals",
                f.table
            )
        } else if f.determined {
            format!(
                "{} `{}`: the withheld count can be recovered from the published totals",
                f.table, f.label
            )
        } else {
            format!(
                "{} `{}`: the published totals narrow the withheld count to fewer than min_cell values",
                f.table, f.label
            )
        };
        diags.push(Diagnostic::error(rel, message).hint(hint));
    }
    Err(diags)
}

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The `.csv` files of a folder (not recursive), sorted by name.
fn csv_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        // Not `is_file`: a FIFO named `*.csv` is refused by name, not skipped.
        if !path.is_dir()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Every export file checked by the read policy before any is read: regular files only,
/// not in `.git`, at most [`MAX_LEAD_EXPORT`] bytes. Gives the paths to open (a link's
/// target) with the paths to show.
fn vet_exports(
    policy: &SiteFiles,
    root: &Path,
    files: &[PathBuf],
) -> Result<Vec<(PathBuf, PathBuf)>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let rel = relative(root, file);
        match policy.resolve(file, Area::Leads, MAX_LEAD_EXPORT) {
            Ok(target) => out.push((target, rel)),
            Err(Refused::TooLarge { len, limit }) => diags.push(
                Diagnostic::error(
                    &rel,
                    format!("the lead export is {len} bytes; the limit is {limit} bytes"),
                )
                .hint("split the export into several .csv files in one folder"),
            ),
            Err(r) => diags.push(r.diagnostic(&rel)),
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(out)
}

/// A path as shown in diagnostics: relative to the site root when inside it.
fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Read a digest used as `source`: the schema is checked by serde (unknown or missing
/// keys, wrong types, duplicate keys), then against `[leads]` (period, min_cell).
fn read_digest(
    policy: &SiteFiles,
    path: &Path,
    rel: &Path,
    config: &SiteConfig,
) -> Result<Digest, Diagnostics> {
    let mut diags = Diagnostics::default();
    let bytes = match policy.read_bytes(path, Area::Leads, MAX_DIGEST) {
        Ok(b) => b,
        Err(r) => {
            diags.push(Diagnostic::error(
                rel,
                format!("the digest {}", r.describe()),
            ));
            return Err(diags);
        }
    };
    let digest = match parse_digest(&bytes, rel) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    check_digest_allocation(&digest, config, rel, &mut diags);
    if let Some(leads) = &config.leads {
        check_digest_categories(&digest, leads, rel, &mut diags);
        let want = leads.min_cell;
        if digest.min_cell < want {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "the digest was made with min_cell = {} but [leads] min_cell is {want}",
                        digest.min_cell
                    ),
                )
                .hint("make the digest again with `partnersite leads digest`"),
            );
        }
        for (bound, want, got) in [
            ("from", leads.from, digest.period.from),
            ("to", leads.to, digest.period.to),
        ] {
            if let Some(want) = want.filter(|w| *w != got) {
                diags.push(
                    Diagnostic::error(
                        rel,
                        format!(
                            "the digest's period {bound} is {got} but [leads] {bound} is {want}"
                        ),
                    )
                    .hint("make the digest again with `partnersite leads digest`"),
                );
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(digest)
    }
}

/// Only the `version` key of a digest, read before the rest: a newer format may have keys
/// this binary does not know, and its version must be told before they are.
#[derive(Deserialize)]
#[serde(rename = "Digest")] // serde's "expected struct Digest" stays as it was
struct VersionProbe {
    #[serde(default)]
    version: u64,
}

/// A digest's bytes in any format up to [`DIGEST_VERSION`], upgraded to the current one.
/// A newer format is refused as such rather than as a schema error; within a known
/// format, unknown keys remain errors.
fn parse_digest(bytes: &[u8], rel: &Path) -> Result<Digest, Diagnostic> {
    let probe: VersionProbe = serde_json::from_slice(bytes).map_err(|e| schema_error(&e, rel))?;
    if probe.version > u64::from(DIGEST_VERSION) {
        return Err(Diagnostic::error(
            rel,
            format!(
                "the digest was written by a newer partnersite (format version {}; this one reads up to {DIGEST_VERSION}): upgrade partnersite",
                probe.version
            ),
        )
        .hint("install the partnersite release that wrote it (or a later one), or make the digest again with this one"));
    }
    let mut digest: Digest = serde_json::from_slice(bytes).map_err(|e| schema_error(&e, rel))?;
    // Formats 0 and 1 differ only by the `version` key itself; format 2 adds
    // `audit.before_joined`, which stays `None` (not counted) for them; format 3 adds
    // `allocation`, which stays `None` (not published) for older ones.
    digest.version = DIGEST_VERSION;
    Ok(digest)
}

/// A serde error as a diagnostic at its line and column (serde's own " at line ..." tail
/// is dropped: the position is printed in front).
fn schema_error(e: &serde_json::Error, rel: &Path) -> Diagnostic {
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    Diagnostic::error(
        rel,
        format!("the digest does not match the schema: {message}"),
    )
    .at(e.line(), e.column())
    .hint("write it with `partnersite leads digest`; its shape is documented in the README")
}

/// A digest used as `source` may publish only the category values `[leads.categories]`
/// allows (a digest made by an older version, or edited, may hold free text): the same
/// rules as when reading an export. The values are not printed.
fn check_digest_categories(
    digest: &Digest,
    leads: &crate::config::LeadsConfig,
    rel: &Path,
    diags: &mut Diagnostics,
) {
    let declared = leads.categories.as_ref();
    for (name, values) in digest.by_category.iter() {
        let Some(cat) = declared.and_then(|c| c.get(name)) else {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "the digest's by_category has `{name}`, which is not in [leads.categories]"
                    ),
                )
                .hint("make the digest again with `partnersite leads digest`"),
            );
            continue;
        };
        let allowed = |v: &str| {
            v == crate::config::OTHER
                || v == UNSPECIFIED
                || match &cat.known {
                    Some(known) => known.iter().any(|e| e.id == v),
                    None => crate::config::is_value_slug(v),
                }
        };
        let n = values.keys().filter(|v| !allowed(v)).count();
        if n > 0 {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("the digest's by_category `{name}` holds {n} value(s) that [leads.categories] does not allow (not shown)"),
                )
                .hint("make the digest again with `partnersite leads digest`: values that are not allowed are counted as `other`"),
            );
        }
    }
}

/// A digest used as `source` publishes its `allocation` section only under the policy
/// site.toml states: the page explains `[allocation]`, so the counts must be its own. A
/// digest without the section (an older format) is published without it.
fn check_digest_allocation(
    digest: &Digest,
    config: &SiteConfig,
    rel: &Path,
    diags: &mut Diagnostics,
) {
    let Some(section) = &digest.allocation else {
        return;
    };
    let message = match &config.allocation {
        None => "the digest has an `allocation` section but site.toml has no [allocation]",
        Some(a) if PolicyView::new(a) != section.policy => {
            "the digest's allocation policy differs from [allocation] in site.toml"
        }
        Some(_) => return,
    };
    diags.push(Diagnostic::error(rel, message).hint(
        "make the digest again with `partnersite leads digest` under the site.toml that publishes it",
    ));
}
