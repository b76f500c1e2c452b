//! The private export -> integer counters. Streams each CSV file record by record into a
//! reused `ByteRecord`, reads only the mapped columns, validates every row and counts it
//! into arrays indexed by interned region, country and partner numbers. Nothing of a row
//! is kept except a 128-bit hash of its lead id (to find duplicates) and its counts.

// The count arrays here are indexed by ids this module interns itself (partner, region,
// country slot, status, category value), each below its array's length by construction:
// an out-of-range index would be a bug in this file, never a property of the input.
#![allow(clippy::indexing_slicing)]

use super::categories::{CategoryCounts, MAX_CATEGORY_VALUES};
use super::open_quote::QuoteTracker;
use crate::config::{Categories, LeadColumns, LeadsConfig, SiteConfig};
use crate::content::Partner;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, closest, did_you_mean, display_path, suggest};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

/// Problems reported per file before the rest are summed up in one line.
pub const MAX_ERRORS_PER_FILE: usize = 50;
/// Without `[leads] from`, a lead received before this year is a typo (0025 for 2025),
/// which would otherwise stretch the report's period over centuries.
pub const EARLIEST_YEAR: u16 = 2000;
/// Without both period bounds, a first-to-last span longer than this is warned about.
pub const MAX_PERIOD_YEARS: u16 = 10;

/// Statuses, in the order of the counters.
pub const STATUSES: [&str; 4] = ["new", "contacted", "won", "lost"];
pub const NEW: usize = 0;
pub const CONTACTED: usize = 1;
pub const WON: usize = 2;
pub const LOST: usize = 3;

/// 26 x 26 two-letter codes, plus one slot for "no country".
pub const COUNTRY_SLOTS: usize = 26 * 26 + 1;
pub const NO_COUNTRY: usize = 26 * 26;
const NOT_A_COUNTRY: u16 = u16::MAX;

/// What a partner record contributes to the counts.
pub struct PartnerInfo<'a> {
    pub partner: &'a Partner,
    /// Not a draft: counted in `by_partner`.
    pub listed: bool,
    /// Listed, and its tier receives leads (`eligible_tiers`).
    pub eligible: bool,
    /// Region index of the headquarters country (`nreg` = unspecified).
    pub hq_region: usize,
}

/// Lookup tables built once from site.toml and the partner records.
pub struct Model<'a> {
    pub config: &'a SiteConfig,
    /// Region ids in site.toml order; index `nreg` is `unspecified`.
    pub regions: Vec<&'a str>,
    pub nreg: usize,
    /// Two-letter code index -> region index (`nreg` when in no region), or
    /// `NOT_A_COUNTRY`.
    country_region: Vec<u16>,
    /// Every partner record, sorted by slug.
    pub partners: Vec<PartnerInfo<'a>>,
    /// `serves[p * (nreg + 1) + r]`.
    serves: Vec<bool>,
    index: HashMap<&'a [u8], u32>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub allow_unknown: bool,
}

impl<'a> Model<'a> {
    pub fn new(config: &'a SiteConfig, leads: &'a LeadsConfig, partners: &'a [Partner]) -> Self {
        let regions: Vec<&str> = config.regions.ids().collect();
        let nreg = regions.len();
        let region_index = |id: &str| regions.iter().position(|r| *r == id).unwrap_or(nreg);
        let mut country_region = vec![NOT_A_COUNTRY; COUNTRY_SLOTS];
        for (i, slot) in country_region.iter_mut().enumerate().take(NO_COUNTRY) {
            let code = country_code_of(i);
            if crate::iso::country_name(&code).is_some() {
                let r = config
                    .regions
                    .of_country(&code)
                    .map_or(nreg, |r| region_index(&r.id));
                *slot = u16::try_from(r).unwrap_or(NOT_A_COUNTRY);
            }
        }
        let mut sorted: Vec<&Partner> = partners.iter().collect();
        sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
        let eligible_tier = |tier: &str| {
            leads
                .eligible_tiers
                .as_ref()
                .is_none_or(|ts| ts.iter().any(|t| t.get_ref() == tier))
        };
        let mut serves = vec![false; sorted.len() * (nreg + 1)];
        let mut infos = Vec::with_capacity(sorted.len());
        let mut index = HashMap::with_capacity(sorted.len());
        for (i, p) in sorted.into_iter().enumerate() {
            for r in &p.regions {
                let r = region_index(r);
                if r < nreg {
                    serves[i * (nreg + 1) + r] = true;
                }
            }
            index.insert(p.slug.as_bytes(), i as u32);
            infos.push(PartnerInfo {
                partner: p,
                listed: !p.draft,
                eligible: !p.draft && eligible_tier(&p.tier),
                hq_region: config
                    .regions
                    .of_country(&p.country)
                    .map_or(nreg, |r| region_index(&r.id)),
            });
        }
        Model {
            config,
            regions,
            nreg,
            country_region,
            partners: infos,
            serves,
            index,
            from: leads.from,
            to: leads.to,
            allow_unknown: leads.allow_unknown_partners,
        }
    }

    pub fn serves(&self, partner: usize, region: usize) -> bool {
        self.serves[partner * (self.nreg + 1) + region]
    }

    fn in_period(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// `0` -> `AA`, `675` -> `ZZ`.
pub fn country_code_of(i: usize) -> String {
    let a = b'A' + (i / 26) as u8;
    let b = b'A' + (i % 26) as u8;
    String::from_utf8_lossy(&[a, b]).into_owned()
}

/// Two ASCII letters (any case) -> their slot.
pub(super) fn country_slot(b: &[u8]) -> Option<usize> {
    match b {
        [x, y] if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => Some(
            usize::from(x.to_ascii_uppercase() - b'A') * 26
                + usize::from(y.to_ascii_uppercase() - b'A'),
        ),
        _ => None,
    }
}

fn status_of(b: &[u8]) -> Option<usize> {
    STATUSES
        .iter()
        .position(|s| s.as_bytes().eq_ignore_ascii_case(b))
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RegionCounts {
    pub leads: u64,
    pub assigned: u64,
    pub won: u64,
    pub lost: u64,
}

/// Everything counted; all that survives of the export.
pub struct Counts {
    /// Data rows read (every file, every period, valid or not).
    pub rows: u64,
    /// Leads counted (valid rows in the period).
    pub leads: u64,
    pub assigned: u64,
    pub status: [u64; 4],
    /// Per region index (`nreg` = unspecified).
    pub region: Vec<RegionCounts>,
    /// Per partner index: status counts.
    pub partner: Vec<[u64; 4]>,
    /// `region_partner[r * npartners + p]`.
    pub region_partner: Vec<u64>,
    /// Quarter key (`year * 4 + quarter - 1`) -> per-region counts, in order of
    /// appearance (sorted by the aggregator).
    pub quarters: Vec<(u32, Vec<u64>)>,
    /// Per country slot ([`NO_COUNTRY`] = no country).
    pub country: Vec<u64>,
    /// Per `[leads.categories]` entry, in site.toml order.
    pub categories: Vec<CategoryCounts>,
    pub outside_served_region: u64,
    pub unknown_partner: u64,
    /// Per partner index: leads received before its `joined` date.
    pub before_joined: Vec<u64>,
    /// First and last received date counted.
    pub first: Option<Date>,
    pub last: Option<Date>,
    /// Where they were read: (file number, line).
    first_at: (u32, u64),
    last_at: (u32, u64),
}

/// Column indices of one file's mapped columns.
struct Columns {
    id: usize,
    received: usize,
    country: usize,
    region: Option<usize>,
    partner: usize,
    status: usize,
    categories: Vec<usize>,
}

/// Where a lead id was seen: a 128-bit hash (the id itself is not kept), file and line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct IdSeen {
    h1: u64,
    h2: u64,
    file: u32,
    line: u32,
}

fn id_hash(id: &[u8]) -> (u64, u64) {
    let mut a = DefaultHasher::new();
    a.write(id);
    let mut b = DefaultHasher::new();
    b.write_u8(0xa5);
    b.write(id);
    (a.finish(), b.finish())
}

/// Diagnostics of one file, capped at [`MAX_ERRORS_PER_FILE`].
pub(super) struct Capped {
    path: PathBuf,
    list: Vec<Diagnostic>,
    more: usize,
    first_more_line: usize,
}

impl Capped {
    pub(super) fn new(path: &Path) -> Self {
        Capped {
            path: path.to_path_buf(),
            list: Vec::new(),
            more: 0,
            first_more_line: 0,
        }
    }

    pub(super) fn push(&mut self, line: u64, message: String, hint: String) {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        if self.list.len() < MAX_ERRORS_PER_FILE {
            self.list.push(
                Diagnostic::error(&self.path, message)
                    .at(line, 0)
                    .hint(hint),
            );
        } else {
            if self.more == 0 {
                self.first_more_line = line;
            }
            self.more += 1;
        }
    }

    pub(super) fn finish(self, diags: &mut Diagnostics) {
        diags.extend(self.list);
        if self.more > 0 {
            diags.push(
                Diagnostic::error(
                    &self.path,
                    format!(
                        "… and {} more problem(s) in this file from here on",
                        self.more
                    ),
                )
                .at(self.first_more_line, 0)
                .hint("fix the problems above and build again to see the rest"),
            );
        }
    }
}

/// Reads export files one after the other into one set of counts.
pub struct Reader<'a> {
    model: &'a Model<'a>,
    columns: &'a LeadColumns,
    /// (report name, column) of `[leads.categories]`.
    categories: Vec<(&'a str, &'a str)>,
    /// File number of the file being read.
    file: u32,
    counts: Counts,
    ids: Vec<IdSeen>,
    files: Vec<PathBuf>,
    diags: Diagnostics,
    /// Reused per row: the category value index of each category.
    category_buf: Vec<u32>,
    /// Index into `counts.quarters` of the last quarter seen.
    last_quarter: usize,
}

impl<'a> Reader<'a> {
    pub fn new(
        model: &'a Model<'a>,
        columns: &'a LeadColumns,
        categories: Option<&'a Categories>,
    ) -> Self {
        let declared = categories.map(|c| c.0.as_slice()).unwrap_or_default();
        let categories: Vec<(&str, &str)> = declared
            .iter()
            .map(|c| (c.name.as_str(), c.column.as_str()))
            .collect();
        let nreg = model.nreg;
        let np = model.partners.len();
        Reader {
            model,
            columns,
            counts: Counts {
                rows: 0,
                leads: 0,
                assigned: 0,
                status: [0; 4],
                region: vec![RegionCounts::default(); nreg + 1],
                partner: vec![[0; 4]; np],
                region_partner: vec![0; (nreg + 1) * np],
                quarters: Vec::new(),
                country: vec![0; COUNTRY_SLOTS],
                categories: declared.iter().map(CategoryCounts::new).collect(),
                outside_served_region: 0,
                unknown_partner: 0,
                before_joined: vec![0; np],
                first: None,
                last: None,
                first_at: (0, 0),
                last_at: (0, 0),
            },
            file: 0,
            category_buf: Vec::with_capacity(categories.len()),
            categories,
            ids: Vec::new(),
            files: Vec::new(),
            diags: Diagnostics::default(),
            last_quarter: 0,
        }
    }

    /// Read one export file (`rel` is its path as shown in diagnostics).
    pub fn read_file(&mut self, path: &Path, rel: &Path) {
        let file_no = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.file = file_no;
        self.files.push(rel.to_path_buf());
        let mut errs = Capped::new(rel);
        // `path` was vetted by the read policy (crate::fsread); open it without blocking.
        let file = match crate::fsread::open_regular(path) {
            Ok(f) => f,
            Err(e) => {
                self.diags.push(Diagnostic::error(
                    rel,
                    format!("cannot read the lead export: {e}"),
                ));
                return;
            }
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .buffer_capacity(1 << 20)
            .from_reader(QuoteTracker::new(file));
        let headers = rdr.byte_headers().cloned();
        if let Some(d) = open_quote(&rdr, rel) {
            self.diags.push(d);
            return;
        }
        let headers = match headers {
            Ok(h) => h,
            Err(e) => {
                self.diags.push(csv_error(rel, &e));
                return;
            }
        };
        if headers.is_empty() || (headers.len() == 1 && headers[0].trim_ascii().is_empty()) {
            self.diags.push(
                Diagnostic::error(rel, "the lead export is empty: no header row")
                    .hint("export the leads again with a header row naming the columns"),
            );
            return;
        }
        let Some(cols) = self.map_columns(&headers, rel) else {
            return;
        };
        let mut rec = csv::ByteRecord::new();
        loop {
            let read = rdr.read_byte_record(&mut rec);
            // The file ended inside a quoted value: this "record" swallowed every line
            // after the quote; its cells mean nothing.
            if let Some(d) = open_quote(&rdr, rel) {
                errs.push(d.line as u64, d.message, d.hint.unwrap_or_default());
                self.counts.rows += 1;
                break;
            }
            match read {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let recoverable = matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    let d = csv_error(rel, &e);
                    errs.push(d.line as u64, d.message, d.hint.unwrap_or_default());
                    self.counts.rows += 1;
                    if recoverable {
                        continue;
                    }
                    break;
                }
            }
            self.counts.rows += 1;
            self.row(&rec, &cols, &mut errs);
        }
        errs.finish(&mut self.diags);
    }

    /// Find the mapped columns in the header; a missing one is an error naming it and
    /// listing the headers found.
    fn map_columns(&mut self, headers: &csv::ByteRecord, rel: &Path) -> Option<Columns> {
        let c = self.columns;
        let mut missing = Vec::new();
        let mut find = |key: &str, name: &str| -> usize {
            let hits: Vec<usize> = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| h.trim_ascii() == name.as_bytes())
                .map(|(i, _)| i)
                .collect();
            match hits.as_slice() {
                [i] => *i,
                [] => {
                    missing.push((key.to_string(), name.to_string(), false));
                    usize::MAX
                }
                _ => {
                    missing.push((key.to_string(), name.to_string(), true));
                    usize::MAX
                }
            }
        };
        let cols = Columns {
            id: find("[leads.columns] id", &c.id),
            received: find("[leads.columns] received", &c.received),
            country: find("[leads.columns] country", &c.country),
            region: c.region.as_ref().map(|r| find("[leads.columns] region", r)),
            partner: find("[leads.columns] partner", &c.partner),
            status: find("[leads.columns] status", &c.status),
            categories: self
                .categories
                .iter()
                .map(|(name, col)| find(&format!("[leads.categories] {name}"), col))
                .collect(),
        };
        if missing.is_empty() {
            return Some(cols);
        }
        self.missing_columns(headers, rel, missing);
        None
    }

    /// The errors for mapped columns that are missing from the header, or in it more
    /// than once: (key in site.toml, column name, more than once).
    fn missing_columns(
        &mut self,
        headers: &csv::ByteRecord,
        rel: &Path,
        missing: Vec<(String, String, bool)>,
    ) {
        let c = self.columns;
        let core = [
            Some(&c.id),
            Some(&c.received),
            Some(&c.country),
            c.region.as_ref(),
            Some(&c.partner),
            Some(&c.status),
        ];
        let core: Vec<&String> = core.into_iter().flatten().collect();
        let core_missing = missing
            .iter()
            .filter(|(key, _, twice)| !twice && key.starts_with("[leads.columns]"))
            .count();
        if core_missing == core.len() {
            // No mapped header at all: line 1 is most likely a data row, which must not
            // be printed.
            let names: Vec<String> = core.iter().map(|n| format!("`{n}`")).collect();
            self.diags.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "line 1 does not hold the mapped headers {} ([leads.columns])",
                        names.join(", ")
                    ),
                )
                .at(1, 0)
                .hint("the export must start with its header row naming the columns: export it again with headers, or correct the names in [leads.columns]"),
            );
            return;
        }
        let hint = format!("headers found: {}", headers_found(headers));
        for (key, name, twice) in missing {
            let message = if twice {
                format!("the column `{name}` ({key}) appears more than once in the header")
            } else {
                format!("the column `{name}` ({key}) is not in the header")
            };
            self.diags
                .push(Diagnostic::error(rel, message).at(1, 0).hint(hint.clone()));
        }
    }

    /// Validate one row and, when it is valid and in the period, count it. Every check
    /// runs (all problems of a row are reported), and a cell is named by its column,
    /// never shown unless it looks like the code or id the column should hold.
    fn row(&mut self, rec: &csv::ByteRecord, cols: &Columns, errs: &mut Capped) {
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or_default().trim_ascii();
        let id_ok = self.check_id(field(cols.id), line, errs);
        let date = self.check_date(field(cols.received), line, errs);
        let country = self.check_country(field(cols.country), line, errs);
        let region = match cols.region {
            Some(i) => self.check_region(field(i), line, errs),
            None => Some(None),
        };
        let status = self.check_status(field(cols.status), line, errs);
        let (true, Some(date), Some(country), Some(region), Some(status)) =
            (id_ok, date, country, region, status)
        else {
            return;
        };
        if !self.model.in_period(date) {
            return;
        }
        // Partner slugs are checked only for counted rows: an old lead of a partner who
        // left the program does not block the report of a later period.
        let Some(partner) = self.check_partner(field(cols.partner), line, errs) else {
            return;
        };
        self.category_buf.clear();
        for (k, &col) in cols.categories.iter().enumerate() {
            match self.counts.categories[k].slot(field(col)) {
                Ok(slot) => self.category_buf.push(slot),
                Err(_) => {
                    let (name, column) = self.categories[k];
                    errs.push(
                        line,
                        format!(
                            "[leads.categories] {name}: column `{column}` has more than {MAX_CATEGORY_VALUES} distinct values"
                        ),
                        "map only columns with a small set of values (every value is published), or declare the values: `{ column = \"...\", values = [...] }`; free text may hold personal data".into(),
                    );
                    return;
                }
            }
        }
        self.count(date, status, country, region, partner, line);
    }

    fn check_id(&mut self, id: &[u8], line: u64, errs: &mut Capped) -> bool {
        if id.is_empty() {
            errs.push(
                line,
                format!("empty lead id (column `{}`)", self.columns.id),
                "every lead needs a unique id".into(),
            );
            return false;
        }
        let (h1, h2) = id_hash(id);
        self.ids.push(IdSeen {
            h1,
            h2,
            file: self.file,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        });
        true
    }

    fn check_date(&self, raw: &[u8], line: u64, errs: &mut Capped) -> Option<Date> {
        let col = &self.columns.received;
        let Some(date) = std::str::from_utf8(raw).ok().and_then(Date::parse) else {
            let message = match shown_date(raw) {
                Some(v) => format!("invalid received date `{v}` (column `{col}`)"),
                None => format!("the value in column `{col}` is not a date ({NOT_SHOWN})"),
            };
            errs.push(
                line,
                message,
                "write dates as YYYY-MM-DD, e.g. 2026-03-14".into(),
            );
            return None;
        };
        if self.model.from.is_none() && date.year < EARLIEST_YEAR {
            errs.push(
                line,
                format!("the received date {date} (column `{col}`) is before {EARLIEST_YEAR}"),
                "a typo in the year? Write the full year (YYYY-MM-DD), or set [leads] from in site.toml to count only the leads from that date on".into(),
            );
            return None;
        }
        Some(date)
    }

    fn check_country(&self, raw: &[u8], line: u64, errs: &mut Capped) -> Option<usize> {
        if raw.is_empty() {
            return Some(NO_COUNTRY);
        }
        let known = country_slot(raw).filter(|&s| self.model.country_region[s] != NOT_A_COUNTRY);
        if known.is_none() {
            errs.push(
                line,
                unknown("country code", raw, &self.columns.country),
                "use an ISO 3166-1 alpha-2 code such as DE or BR, or leave the cell empty".into(),
            );
        }
        known
    }

    /// `Some(None)`: empty (the region comes from the country).
    fn check_region(&self, raw: &[u8], line: u64, errs: &mut Capped) -> Option<Option<usize>> {
        if raw.is_empty() {
            return Some(None);
        }
        let regions = &self.model.regions;
        if let Some(r) = regions.iter().position(|r| r.as_bytes() == raw) {
            return Some(Some(r));
        }
        let col = self.columns.region.as_deref().unwrap_or_default();
        let near = match shown(raw) {
            Some(v) => suggest(v, regions.iter().copied()),
            None => suggest("", regions.iter().copied()),
        };
        errs.push(
            line,
            unknown("region", raw, col),
            format!("{near} (the ids of [regions] in site.toml), or leave the cell empty"),
        );
        None
    }

    fn check_status(&self, raw: &[u8], line: u64, errs: &mut Capped) -> Option<usize> {
        let status = status_of(raw);
        if status.is_none() {
            let near =
                shown(raw).and_then(|v| closest(&v.to_lowercase(), STATUSES).first().copied());
            errs.push(
                line,
                unknown("status", raw, &self.columns.status),
                match (near, shown(raw)) {
                    (Some(near), _) => format!(
                        "{} The statuses are new, contacted, won and lost",
                        did_you_mean(near)
                    ),
                    (None, Some(_)) => "the statuses are new, contacted, won and lost".into(),
                    (None, None) => "the statuses are new, contacted, won and lost; check that [leads.columns] status names the status column".into(),
                },
            );
        }
        status
    }

    fn check_partner(&self, raw: &[u8], line: u64, errs: &mut Capped) -> Option<Assigned> {
        let model = self.model;
        if raw.is_empty() {
            return Some(Assigned::No);
        }
        match model.index.get(raw) {
            Some(&p) if model.partners[p as usize].listed => Some(Assigned::Listed(p as usize)),
            Some(_) => Some(Assigned::Other),
            None if model.allow_unknown => Some(Assigned::Other),
            None => {
                let slugs = model.partners.iter().map(|p| p.partner.slug.as_str());
                let near = shown(raw).and_then(|v| closest(v, slugs).first().copied());
                let hint = match near {
                    Some(best) => did_you_mean(best),
                    None => "partner slugs are the folder names in content/partners/; set [leads] allow_unknown_partners = true to count unknown slugs in the audit instead".to_string(),
                };
                errs.push(
                    line,
                    format!(
                        "{}: no such folder in content/partners/",
                        unknown("partner", raw, &self.columns.partner)
                    ),
                    hint,
                );
                None
            }
        }
    }

    fn count(
        &mut self,
        date: Date,
        status: usize,
        country: usize,
        region: Option<usize>,
        partner: Assigned,
        line: u64,
    ) {
        let model = self.model;
        let nreg = model.nreg;
        let r = region.unwrap_or_else(|| {
            if country == NO_COUNTRY {
                nreg
            } else {
                usize::from(model.country_region[country])
            }
        });
        let n = &mut self.counts;
        n.leads += 1;
        n.status[status] += 1;
        n.country[country] += 1;
        let rc = &mut n.region[r];
        rc.leads += 1;
        match status {
            WON => rc.won += 1,
            LOST => rc.lost += 1,
            _ => {}
        }
        match partner {
            Assigned::No => {}
            Assigned::Listed(p) => {
                n.assigned += 1;
                n.region[r].assigned += 1;
                n.partner[p][status] += 1;
                n.region_partner[r * model.partners.len() + p] += 1;
                if r != nreg && !model.serves(p, r) {
                    n.outside_served_region += 1;
                }
                if model.partners[p].partner.joined.is_some_and(|j| date < j) {
                    n.before_joined[p] += 1;
                }
            }
            Assigned::Other => {
                n.assigned += 1;
                n.region[r].assigned += 1;
                n.unknown_partner += 1;
            }
        }
        for (k, &v) in self.category_buf.iter().enumerate() {
            n.categories[k].add(v);
        }
        let key = u32::from(date.year) * 4 + u32::from((date.month - 1) / 3);
        let q = match n.quarters.get(self.last_quarter) {
            Some((k, _)) if *k == key => self.last_quarter,
            _ => match n.quarters.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    n.quarters.push((key, vec![0; nreg + 1]));
                    n.quarters.len() - 1
                }
            },
        };
        self.last_quarter = q;
        n.quarters[q].1[r] += 1;
        let at = (self.file, line);
        if n.first.is_none_or(|f| date < f) {
            n.first = Some(date);
            n.first_at = at;
        }
        if n.last.is_none_or(|l| date > l) {
            n.last = Some(date);
            n.last_at = at;
        }
    }

    /// The counts, and every problem found (duplicate ids are found here, across files).
    pub fn finish(mut self) -> (Counts, Diagnostics) {
        self.ids.sort_unstable();
        let mut dup = Capped::new(Path::new(""));
        let mut first = 0;
        for i in 1..self.ids.len() {
            let (a, b) = (self.ids[first], self.ids[i]);
            if (a.h1, a.h2) != (b.h1, b.h2) {
                first = i;
                continue;
            }
            let here = &self.files[b.file as usize];
            let there = if a.file == b.file {
                format!("line {}", a.line)
            } else {
                format!("{}:{}", display_path(&self.files[a.file as usize]), a.line)
            };
            dup.path = here.clone();
            let message = format!(
                "duplicate lead id: line {} repeats the id of {there}",
                b.line
            );
            dup.push(
                u64::from(b.line),
                message,
                "each lead must appear once; remove the repeated row".into(),
            );
        }
        dup.finish(&mut self.diags);
        if let Some(w) = self.long_period() {
            self.diags.push(w);
        }
        (self.counts, self.diags)
    }

    /// A warning when the period comes from the leads (a bound unset) and spans more
    /// than [`MAX_PERIOD_YEARS`]: a year typo would otherwise stretch the report.
    fn long_period(&self) -> Option<Diagnostic> {
        let n = &self.counts;
        let (first, last) = (n.first?, n.last?);
        if self.model.from.is_some() && self.model.to.is_some() {
            return None;
        }
        let from = self.model.from.unwrap_or(first);
        let to = self.model.to.unwrap_or(last);
        let limit = Date {
            year: from.year.saturating_add(MAX_PERIOD_YEARS),
            ..from
        };
        if to <= limit {
            return None;
        }
        let (file, line) = if self.model.from.is_none() {
            n.first_at
        } else {
            n.last_at
        };
        let path = self.files.get(file as usize)?;
        Some(
            Diagnostic::warning(
                path,
                format!(
                    "the report's period runs from {from} to {to}, more than {MAX_PERIOD_YEARS} years (from the first lead to the last)"
                ),
            )
            .at(usize::try_from(line).unwrap_or(usize::MAX), 0)
            .hint("check this lead's received date for a typo in the year, or set [leads] from and to in site.toml"),
        )
    }
}

/// Said instead of a cell that does not look like what its column should hold: a
/// mis-mapped column would otherwise print names, e-mails or phone numbers.
const NOT_SHOWN: &str = "not shown: it does not look like one and may be personal data";

/// "unknown status `wonn` (column `status`)", or, for a cell that does not look like an
/// id, the same without the cell.
pub(super) fn unknown(what: &str, raw: &[u8], column: &str) -> String {
    match shown(raw) {
        Some(v) => format!("unknown {what} `{v}` (column `{column}`)"),
        None => format!("the value in column `{column}` is not a known {what} ({NOT_SHOWN})"),
    }
}

/// A cell that may be printed because it looks like an id or code: at most 40 letters,
/// digits, `-`, `_` or `.`, with at most 4 digits (no `@`, space, `+` or sentence).
pub(super) fn shown(raw: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(raw).ok()?;
    let ok = !s.is_empty()
        && s.chars().count() <= 40
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.chars().filter(|c| c.is_numeric()).count() <= 4;
    ok.then_some(s)
}

/// A cell that may be printed because it looks like a date: three groups of digits
/// split by `-`, `/` or `.`, one of them 4 digits (a year), the others 1 or 2.
pub(super) fn shown_date(raw: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(raw).ok()?;
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let ok = parts.len() == 3
        && parts.iter().all(digits)
        && parts.iter().filter(|p| p.len() == 4).count() == 1
        && parts.iter().all(|p| p.len() <= 2 || p.len() == 4);
    ok.then_some(s)
}

/// The header row as listed in a hint: names that do not look like column names are
/// counted, not shown.
fn headers_found(headers: &csv::ByteRecord) -> String {
    fn looks_like_name(h: &[u8]) -> Option<&str> {
        std::str::from_utf8(h).ok().filter(|s| {
            !s.is_empty()
                && s.chars().count() <= 40
                && !s.contains('@')
                && !s.chars().any(char::is_control)
                && s.chars().filter(|c| c.is_numeric()).count() <= 4
        })
    }
    let mut found = Vec::new();
    let mut hidden = 0;
    for h in headers.iter().map(<[u8]>::trim_ascii) {
        match looks_like_name(h) {
            Some(name) if found.len() < 30 => found.push(format!("`{name}`")),
            Some(_) => {}
            None => hidden += 1,
        }
    }
    if headers.len() > 30 {
        found.push(format!("… ({} in all)", headers.len()));
    }
    if hidden > 0 {
        found.push(format!(
            "{hidden} not shown (they do not look like column names)"
        ));
    }
    found.join(", ")
}

/// The error for a file that ended inside a quoted value, once the reader got there.
fn open_quote<R: std::io::Read>(
    rdr: &csv::Reader<QuoteTracker<R>>,
    rel: &Path,
) -> Option<Diagnostic> {
    let after = rdr.get_ref().open_at_eof()?;
    let last = rdr.position().line();
    let opened = last.saturating_sub(after).max(1);
    Some(
        Diagnostic::error(
            rel,
            format!("a quote opened on line {opened} is never closed: every line after it would be read as part of one value"),
        )
        .at(usize::try_from(opened).unwrap_or(usize::MAX), 0)
        .hint("close the quoted value with \", and double every quote inside a quoted value (\"\")"),
    )
}

#[derive(Clone, Copy)]
enum Assigned {
    No,
    /// A listed (not draft) partner, by index.
    Listed(usize),
    /// A draft partner, or an unknown slug accepted by `allow_unknown_partners`.
    Other,
}

/// A csv error as a diagnostic with its line.
fn csv_error(rel: &Path, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(0, |p| p.line() as usize);
    let d = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Diagnostic::error(
            rel,
            format!("malformed CSV: this row has {len} field(s), the header has {expected_len}"),
        )
        .hint("a value holding a comma, a double quote or a line break must be in double quotes, with quotes inside doubled (\"\")"),
        csv::ErrorKind::Io(io) => Diagnostic::error(rel, format!("cannot read the lead export: {io}")),
        _ => Diagnostic::error(rel, format!("malformed CSV: {e}")),
    };
    d.at(line, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_slots() {
        assert_eq!(country_slot(b"AA"), Some(0));
        assert_eq!(country_slot(b"de"), country_slot(b"DE"));
        assert_eq!(country_slot(b"D"), None);
        assert_eq!(country_slot(b"D1"), None);
        assert_eq!(country_code_of(country_slot(b"ZA").unwrap()), "ZA");
    }

    #[test]
    fn only_cells_that_look_like_ids_or_dates_are_shown() {
        for v in ["wonn", "Germany", "alpha-hostin", "L-2025", "eu_west.1"] {
            assert_eq!(shown(v.as_bytes()), Some(v), "{v}");
        }
        let long = "a".repeat(41);
        for v in [
            "canary@example.org",
            "+44 7700 900123",
            "07700900123",
            "Jane Smith",
            "Other: call me",
            long.as_str(),
            "",
        ] {
            assert_eq!(shown(v.as_bytes()), None, "{v}");
        }
        assert_eq!(shown(b"\xff"), None);
        for v in ["2025-02-30", "14/03/2026", "1.2.2025"] {
            assert_eq!(shown_date(v.as_bytes()), Some(v), "{v}");
        }
        for v in [
            "555-0195",
            "1-555-0195",
            "+44 7700 900123",
            "x@y.z",
            "2025-02-30x",
        ] {
            assert_eq!(shown_date(v.as_bytes()), None, "{v}");
        }
    }

    #[test]
    fn statuses_ignore_case() {
        assert_eq!(status_of(b"Won"), Some(WON));
        assert_eq!(status_of(b"contacted"), Some(CONTACTED));
        assert_eq!(status_of(b"closed"), None);
    }
}
