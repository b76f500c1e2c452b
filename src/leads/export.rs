//! A lead export held whole for allocation: its records with the byte span of every
//! field (so `allocate` rewrites a row changing only the cells it fills), validated
//! into [`allocate::Lead`]s against `[allocation]`, and the resolved [`allocate::Policy`].
//! The counting reader (`read.rs`) streams instead and keeps no row; this one keeps the
//! bytes of one file, and never prints a cell that does not look like an id.

use super::allocate::{self, Candidate, Check, Lead, Method, Policy};
use super::read::{Capped, country_slot, shown, shown_date, unknown};
use crate::config::{Allocation, Constraint, LeadsConfig, SiteConfig};
use crate::content::Partner;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, closest, did_you_mean};
use crate::facets::{FacetDef, Vocabulary};
use std::collections::HashMap;
use std::io::Read as _;
use std::ops::Range;
use std::path::Path;

/// The default names of the columns `allocate` appends.
pub const METHOD_COLUMN: &str = "allocation_method";
pub const RELAXED_COLUMN: &str = "allocation_relaxed";

/// One CSV record as it is in the file.
#[derive(Debug, Clone)]
pub struct Record {
    /// Byte range of the record without its line end.
    pub body: Range<usize>,
    /// Byte range of its line end (empty for a last record without one).
    pub end: Range<usize>,
    /// Physical line the record starts on (1-based).
    pub line: u64,
    /// Byte range of each field as written (quotes included).
    pub fields: Vec<Range<usize>>,
}

/// Split CSV bytes into records, as csv-core reads RFC 4180 (`,`, `"` doubled inside
/// quotes, CR, LF or CRLF line ends, a leading UTF-8 BOM skipped, blank lines skipped).
/// `Err(line)`: a quote opened on that line is never closed.
pub fn split(bytes: &[u8]) -> Result<Vec<Record>, u64> {
    let start = if bytes.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut out = Vec::new();
    split_from(bytes, start, 1, true, &mut out).map(|_| out)
}

/// The records of `bytes[start..]` into `out`, the first starting on physical line
/// `line`. Unless `at_eof`, the bytes may end inside a record: it is left out, and the
/// returned offset (where the unread part starts) and line let the caller read on from
/// there; a record is complete only when a byte follows its line end (a CR at the end
/// may be the first half of a CRLF).
pub fn split_from(
    bytes: &[u8],
    start: usize,
    mut line: u64,
    at_eof: bool,
    out: &mut Vec<Record>,
) -> Result<(usize, u64), u64> {
    let mut i = start;
    while i < bytes.len() {
        let (rec_start, rec_line) = (i, line);
        let Some((rec, next, next_line)) = record(bytes, i, line, at_eof)? else {
            return Ok((rec_start, rec_line));
        };
        (i, line) = (next, next_line);
        if let Some(rec) = rec {
            out.push(rec);
        }
    }
    Ok((i, line))
}

/// One record from `i`: `Some((record or None for a blank line, next offset, next
/// line))`, or `None` when it is incomplete and more bytes may follow. A quote opens a
/// quoted part only at the start of a field; the rest of a field is found with
/// `memchr`, not byte by byte.
#[allow(clippy::type_complexity)]
fn record(
    bytes: &[u8],
    mut i: usize,
    mut line: u64,
    at_eof: bool,
) -> Result<Option<(Option<Record>, usize, u64)>, u64> {
    let (rec_start, rec_line) = (i, line);
    let mut fields = Vec::new();
    let body_end = loop {
        let field_start = i;
        if bytes.get(i) == Some(&b'"') {
            let quote_line = line;
            match closing_quote(bytes, i + 1, &mut line) {
                Some(after) => i = after,
                None if at_eof => return Err(quote_line),
                None => return Ok(None),
            }
        }
        let rest = bytes.get(i..).unwrap_or_default();
        match memchr::memchr3(b',', b'\n', b'\r', rest) {
            Some(k) if rest.get(k) == Some(&b',') => {
                fields.push(field_start..i + k);
                i += k + 1;
            }
            Some(k) => {
                fields.push(field_start..i + k);
                break i + k;
            }
            None if at_eof => {
                fields.push(field_start..bytes.len());
                break bytes.len();
            }
            None => return Ok(None),
        }
    };
    let mut end = body_end;
    if bytes.get(end) == Some(&b'\r') {
        end += 1;
    }
    if bytes.get(end) == Some(&b'\n') {
        end += 1;
    }
    if !at_eof && end >= bytes.len() {
        return Ok(None);
    }
    if end > body_end {
        line += 1;
    }
    let rec = (body_end > rec_start).then_some(Record {
        body: rec_start..body_end,
        end: body_end..end,
        line: rec_line,
        fields,
    });
    Ok(Some((rec, end, line)))
}
/// The offset after the quote closing a quoted part whose text starts at `i` (a
/// doubled quote inside does not close it), counting its line breaks (LF, CRLF or a
/// lone CR) into `line`; `None` when the bytes end first.
fn closing_quote(bytes: &[u8], mut i: usize, line: &mut u64) -> Option<usize> {
    loop {
        let k = memchr::memchr3(b'"', b'\n', b'\r', bytes.get(i..)?)?;
        i += k;
        match bytes.get(i) {
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
            Some(b'"') => return Some(i + 1),
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i += 1,
            _ => {
                *line += 1;
                i += 1;
            }
        }
    }
}

/// A field's value: quotes removed and doubled quotes undone.
pub fn value(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let Some(rest) = raw.strip_prefix(b"\"") else {
        return std::borrow::Cow::Borrowed(raw);
    };
    let mut out = Vec::with_capacity(rest.len());
    let mut quoted = true;
    let mut k = 0;
    while let Some(&b) = rest.get(k) {
        if quoted && b == b'"' {
            if rest.get(k + 1) == Some(&b'"') {
                out.push(b'"');
                k += 2;
                continue;
            }
            quoted = false;
        } else {
            out.push(b);
        }
        k += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// Column indices of the fields allocation reads.
#[derive(Debug, Clone)]
pub struct Columns {
    pub id: usize,
    pub received: usize,
    pub country: usize,
    pub region: Option<usize>,
    pub partner: usize,
    pub requested: Option<usize>,
    pub method: Option<usize>,
    pub relaxed: Option<usize>,
    /// Per constraint: the column of a category constraint.
    pub constraints: Vec<Option<usize>>,
    /// How many fields a record has.
    pub width: usize,
}

/// The names of the method and relaxed columns.
pub fn method_names(leads: &LeadsConfig) -> (String, String) {
    let c = leads.columns.as_ref();
    (
        c.and_then(|c| c.allocation_method.clone())
            .unwrap_or_else(|| METHOD_COLUMN.into()),
        c.and_then(|c| c.allocation_relaxed.clone())
            .unwrap_or_else(|| RELAXED_COLUMN.into()),
    )
}

/// The policy resolved against the partner records, with a value interner per
/// category constraint (the leads' values and the partners' share it).
pub struct Resolved<'a> {
    pub config: &'a SiteConfig,
    pub leads: &'a LeadsConfig,
    pub allocation: &'a Allocation,
    pub policy: Policy,
    /// Region ids in site.toml order, then `unspecified`.
    pub regions: Vec<String>,
    interners: Vec<Interner>,
    slugs: HashMap<String, usize>,
    /// Take a slug that names no record as a partner outside the policy (as
    /// `allow_unknown_partners` does). The build sets it: the report reader has already
    /// judged the slugs of the period it publishes, and rows outside it are not its to fail.
    pub unknown_partners_ok: bool,
}

/// Value ids of one facet, numbered in order of first sight.
#[derive(Default)]
struct Interner {
    ids: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, v: &str) -> u32 {
        if let Some(&i) = self.index.get(v) {
            return i;
        }
        let i = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.push(v.to_string());
        self.index.insert(v.to_string(), i);
        i
    }
}

/// True when `v` is an id of the facet's vocabulary.
fn in_vocabulary(facet: &FacetDef, config: &SiteConfig, v: &str) -> bool {
    match facet.vocabulary {
        Vocabulary::Site(f) => f(config).contains(v),
        Vocabulary::Regions => config.regions.get(v).is_some(),
        Vocabulary::Derived(name) => {
            v.bytes().all(|b| !b.is_ascii_uppercase()) && name(v).is_some()
        }
    }
}

impl<'a> Resolved<'a> {
    /// Resolve `[allocation]` against the partner records (drafts included).
    pub fn new(
        config: &'a SiteConfig,
        leads: &'a LeadsConfig,
        allocation: &'a Allocation,
        partners: &[Partner],
    ) -> Self {
        let regions: Vec<String> = config
            .regions
            .ids()
            .map(str::to_string)
            .chain(std::iter::once(super::UNSPECIFIED.to_string()))
            .collect();
        let mut sorted: Vec<&Partner> = partners.iter().collect();
        sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
        let mut interners: Vec<Interner> = allocation
            .constraints
            .iter()
            .map(|_| Interner::default())
            .collect();
        let candidates = sorted
            .iter()
            .map(|p| candidate(p, allocation, &regions, &mut interners))
            .collect();
        let checks = allocation
            .constraints
            .iter()
            .map(|c| match c {
                Constraint::Region => Check::Region,
                Constraint::Category { .. } => Check::Facet,
            })
            .collect();
        Resolved {
            config,
            leads,
            allocation,
            policy: Policy {
                seed: allocation.seed.clone(),
                balance: allocation.balance,
                checks,
                nreg: regions.len() - 1,
                partners: candidates,
            },
            regions,
            interners,
            slugs: sorted
                .iter()
                .enumerate()
                .map(|(i, p)| (p.slug.clone(), i))
                .collect(),
            unknown_partners_ok: leads.allow_unknown_partners,
        }
    }

    /// The slug of a partner index.
    pub fn slug(&self, p: usize) -> &str {
        self.policy.partners.get(p).map_or("", |c| c.slug.as_str())
    }

    /// The value id of constraint `k`'s value index.
    pub fn value_id(&self, k: usize, v: u32) -> &str {
        self.interners
            .get(k)
            .and_then(|i| i.ids.get(v as usize))
            .map_or("", String::as_str)
    }
}

fn candidate(
    p: &Partner,
    allocation: &Allocation,
    regions: &[String],
    interners: &mut [Interner],
) -> Candidate {
    let values = allocation
        .constraints
        .iter()
        .zip(interners.iter_mut())
        .map(|(c, interner)| match c {
            Constraint::Region => Vec::new(),
            Constraint::Category { facet, .. } => {
                let mut v: Vec<u32> = (facet.values)(p)
                    .iter()
                    .map(|v| interner.intern(v))
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            }
        })
        .collect();
    Candidate {
        slug: p.slug.clone(),
        eligible: !p.draft && allocation.tier_eligible(&p.tier),
        joined: p.joined,
        weight: allocation.weight(&p.tier),
        regions: p
            .regions
            .iter()
            .filter_map(|r| regions.iter().position(|x| x == r))
            .filter(|&r| r + 1 < regions.len())
            .collect(),
        values,
    }
}

/// One file's records read into leads.
pub struct Parsed {
    pub columns: Columns,
    /// Per data record (records after the header), in file order: its lead.
    pub leads: Vec<Lead>,
    /// Physical start line of each lead.
    pub lines: Vec<u64>,
}

/// An export being read a chunk of records at a time ([`Resolved::feed`]); what is
/// kept per lead is the [`Lead`], never the record's bytes.
pub struct Feed<'p> {
    rel: &'p Path,
    /// The header's columns once read; `Err(())` when the header was refused.
    columns: Option<Result<Columns, ()>>,
    errs: Capped,
    leads: Vec<Lead>,
    lines: Vec<u64>,
}

impl<'p> Feed<'p> {
    pub fn new(rel: &'p Path) -> Feed<'p> {
        Feed {
            rel,
            columns: None,
            errs: Capped::new(rel),
            leads: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// The error of a quote that is never closed.
pub fn open_quote(rel: &Path, line: u64) -> Diagnostic {
    Diagnostic::error(rel, format!("a quote opened on line {line} is never closed: every line after it would be read as part of one value"))
        .at(usize::try_from(line).unwrap_or(usize::MAX), 0)
        .hint("close the quoted value with \", and double every quote inside a quoted value (\"\")")
}

/// Why [`read_chunks`] stopped.
#[derive(Debug)]
pub enum ChunkError {
    /// Reading failed.
    Read(std::io::Error),
    /// The callback failed (e.g. writing).
    Sink(std::io::Error),
    /// A quote opened on this line is never closed.
    Quote(u64),
}

/// Bytes read at a time by [`read_chunks`].
const CHUNK: usize = 4 << 20;

/// Read CSV from `r` about [`CHUNK`] bytes at a time, calling `f(bytes, records)` with
/// each run of complete records and the bytes they were read from (blank lines and a
/// leading BOM included, so copying `bytes` around the records copies the file); memory
/// holds one chunk, not the file. Returns the number of bytes read.
pub fn read_chunks(
    mut r: impl std::io::Read,
    mut f: impl FnMut(&[u8], &[Record]) -> std::io::Result<()>,
) -> Result<u64, ChunkError> {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut records = Vec::new();
    let (mut line, mut first, mut eof, mut total) = (1u64, true, false, 0u64);
    loop {
        let want = CHUNK.max(buf.len() * 2) - buf.len();
        let want = u64::try_from(want).unwrap_or(u64::MAX);
        let n = (&mut r)
            .take(want)
            .read_to_end(&mut buf)
            .map_err(ChunkError::Read)?;
        total += n as u64;
        eof = eof || (n as u64) < want;
        let start = if first && buf.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        records.clear();
        let (used, next) =
            split_from(&buf, start, line, eof, &mut records).map_err(ChunkError::Quote)?;
        if used > 0 {
            f(buf.get(..used).unwrap_or_default(), &records).map_err(ChunkError::Sink)?;
            first = false;
        }
        line = next;
        buf.drain(..used);
        if eof {
            return Ok(total);
        }
    }
}

impl Resolved<'_> {
    /// Read one export's bytes into leads; every problem (capped) into `diags`.
    pub fn parse(&mut self, bytes: &[u8], rel: &Path, diags: &mut Diagnostics) -> Option<Parsed> {
        let records = match split(bytes) {
            Ok(r) => r,
            Err(line) => {
                diags.push(open_quote(rel, line));
                return None;
            }
        };
        let mut feed = Feed::new(rel);
        self.feed(&mut feed, bytes, &records, diags);
        self.finish(feed, diags)
    }

    /// Read the next records of an export (the first is its header) into `feed`.
    pub fn feed(
        &mut self,
        feed: &mut Feed,
        bytes: &[u8],
        records: &[Record],
        diags: &mut Diagnostics,
    ) {
        let mut rest = records;
        if feed.columns.is_none() {
            let Some((header, tail)) = records.split_first() else {
                return;
            };
            feed.columns = Some(self.map_columns(bytes, header, feed.rel, diags).ok_or(()));
            rest = tail;
        }
        let Some(Ok(columns)) = &feed.columns else {
            return;
        };
        for rec in rest {
            if rec.fields.len() != columns.width {
                feed.errs.push(
                    rec.line,
                    format!("malformed CSV: this row has {} field(s), the header has {}", rec.fields.len(), columns.width),
                    "a value holding a comma, a double quote or a line break must be in double quotes, with quotes inside doubled (\"\")".into(),
                );
                continue;
            }
            if let Some(lead) = self.lead(bytes, rec, columns, &mut feed.errs) {
                feed.leads.push(lead);
                feed.lines.push(rec.line);
            }
        }
    }

    /// The leads of a fed export, or `None` when it had errors (all in `diags`).
    pub fn finish(&self, feed: Feed, diags: &mut Diagnostics) -> Option<Parsed> {
        let columns = match feed.columns {
            None => {
                diags.push(Diagnostic::error(
                    feed.rel,
                    "the lead export is empty: no header row",
                ));
                return None;
            }
            Some(Err(())) => return None,
            Some(Ok(c)) => c,
        };
        let before = diags.error_count();
        feed.errs.finish(diags);
        duplicates(&feed.leads, &feed.lines, feed.rel, diags);
        (diags.error_count() == before).then_some(Parsed {
            columns,
            leads: feed.leads,
            lines: feed.lines,
        })
    }

    /// The header's mapped columns; a missing one is an error naming it.
    fn map_columns(
        &self,
        bytes: &[u8],
        header: &Record,
        rel: &Path,
        diags: &mut Diagnostics,
    ) -> Option<Columns> {
        let names: Vec<Vec<u8>> = header
            .fields
            .iter()
            .map(|f| {
                value(bytes.get(f.clone()).unwrap_or_default())
                    .trim_ascii()
                    .to_vec()
            })
            .collect();
        let find = |name: &str| names.iter().position(|h| h == name.as_bytes());
        let mut missing = Vec::new();
        let mut need = |key: &str, name: &str| {
            let found = find(name);
            if found.is_none() {
                missing.push(format!("the column `{name}` ({key}) is not in the header"));
            }
            found.unwrap_or(usize::MAX)
        };
        let c = self.leads.columns.as_ref()?;
        let (method, relaxed) = method_names(self.leads);
        let columns = Columns {
            id: need("[leads.columns] id", &c.id),
            received: need("[leads.columns] received", &c.received),
            country: need("[leads.columns] country", &c.country),
            region: c.region.as_ref().map(|r| need("[leads.columns] region", r)),
            partner: need("[leads.columns] partner", &c.partner),
            constraints: self
                .allocation
                .constraints
                .iter()
                .map(|k| match k {
                    Constraint::Region => None,
                    Constraint::Category { name, column, .. } => {
                        Some(need(&format!("[leads.categories] {name}"), column))
                    }
                })
                .collect(),
            requested: c.requested_partner.as_deref().and_then(find),
            method: find(&method),
            relaxed: find(&relaxed),
            width: header.fields.len(),
        };
        for m in &missing {
            diags.push(
                Diagnostic::error(rel, m.clone())
                    .at(usize::try_from(header.line).unwrap_or(0), 0)
                    .hint("the export must start with its header row; check the names in [leads.columns] and [leads.categories]"),
            );
        }
        missing.is_empty().then_some(columns)
    }
}

impl Resolved<'_> {
    /// One record as a lead; `None` (with errors) when a cell is invalid.
    fn lead(
        &mut self,
        bytes: &[u8],
        rec: &Record,
        cols: &Columns,
        errs: &mut Capped,
    ) -> Option<Lead> {
        let cell = |i: usize| -> Vec<u8> {
            let raw = rec
                .fields
                .get(i)
                .and_then(|f| bytes.get(f.clone()))
                .unwrap_or_default();
            value(raw).trim_ascii().to_vec()
        };
        let line = rec.line;
        let c = self.leads.columns.as_ref()?;
        let id = cell(cols.id);
        if id.is_empty() {
            errs.push(
                line,
                format!("empty lead id (column `{}`)", c.id),
                "every lead needs a unique id".into(),
            );
        }
        let received = self.date(&cell(cols.received), &c.received, line, errs);
        let region = self.region(&cell(cols.country), cols.region.map(cell), line, errs);
        let partner = self.partner(&cell(cols.partner), &c.partner, line, errs);
        let requested = cols.requested.map(cell).and_then(|r| {
            std::str::from_utf8(&r)
                .ok()
                .and_then(|s| self.slugs.get(s).copied())
        });
        let method = self.method(
            cols.method.map(cell),
            partner.is_some_and(|p| p.0),
            line,
            errs,
        );
        let relaxed = self.relaxed(cols.relaxed.map(cell), line, errs);
        let values = self.values(bytes, rec, cols, line, errs);
        let (
            false,
            Some(received),
            Some(region),
            Some((has_partner, partner)),
            Some(method),
            Some(relaxed),
            Some(values),
        ) = (
            id.is_empty(),
            received,
            region,
            partner,
            method,
            relaxed,
            values,
        )
        else {
            return None;
        };
        Some(Lead {
            received,
            id: id.into(),
            region,
            values: values.into(),
            partner,
            has_partner,
            method,
            relaxed,
            requested,
        })
    }

    fn date(&self, raw: &[u8], col: &str, line: u64, errs: &mut Capped) -> Option<Date> {
        let date = std::str::from_utf8(raw).ok().and_then(Date::parse);
        if date.is_none() {
            let message = match shown_date(raw) {
                Some(v) => format!("invalid received date `{v}` (column `{col}`)"),
                None => format!(
                    "the value in column `{col}` is not a date (not shown: it does not look like one and may be personal data)"
                ),
            };
            errs.push(
                line,
                message,
                "write dates as YYYY-MM-DD, e.g. 2026-03-14".into(),
            );
        }
        date
    }

    /// The region column when mapped and set, else the country's region, else
    /// `unspecified`.
    fn region(
        &self,
        country: &[u8],
        region: Option<Vec<u8>>,
        line: u64,
        errs: &mut Capped,
    ) -> Option<usize> {
        let c = self.leads.columns.as_ref()?;
        let unspecified = self.regions.len() - 1;
        let from_country = if country.is_empty() {
            Some(unspecified)
        } else {
            let code = country_slot(country)
                .map(|_| String::from_utf8_lossy(country).to_ascii_uppercase());
            match code.filter(|c| crate::iso::country_name(c).is_some()) {
                Some(code) => Some(
                    self.config
                        .regions
                        .of_country(&code)
                        .and_then(|r| self.regions.iter().position(|x| *x == r.id))
                        .unwrap_or(unspecified),
                ),
                None => {
                    errs.push(
                        line,
                        unknown("country code", country, &c.country),
                        "use an ISO 3166-1 alpha-2 code such as DE or BR, or leave the cell empty"
                            .into(),
                    );
                    None
                }
            }
        };
        match region.filter(|r| !r.is_empty()) {
            None => from_country,
            Some(r) => {
                let found = self
                    .regions
                    .get(..unspecified)
                    .unwrap_or_default()
                    .iter()
                    .position(|x| x.as_bytes() == r.as_slice());
                if found.is_none() {
                    let col = c.region.as_deref().unwrap_or_default();
                    errs.push(
                        line,
                        unknown("region", &r, col),
                        "use an id of [regions] in site.toml, or leave the cell empty".into(),
                    );
                }
                from_country.and(found)
            }
        }
    }

    /// `(has a partner, its index when it is a record)`.
    fn partner(
        &self,
        raw: &[u8],
        col: &str,
        line: u64,
        errs: &mut Capped,
    ) -> Option<(bool, Option<usize>)> {
        if raw.is_empty() {
            return Some((false, None));
        }
        if let Some(&p) = std::str::from_utf8(raw)
            .ok()
            .and_then(|s| self.slugs.get(s))
        {
            return Some((true, Some(p)));
        }
        if self.unknown_partners_ok {
            return Some((true, None));
        }
        let slugs = self.policy.partners.iter().map(|p| p.slug.as_str());
        let hint = match shown(raw).and_then(|v| closest(v, slugs).first().copied()) {
            Some(best) => did_you_mean(best),
            None => "partner slugs are the folder names in content/partners/".into(),
        };
        errs.push(
            line,
            format!(
                "{}: no such folder in content/partners/",
                unknown("partner", raw, col)
            ),
            hint,
        );
        None
    }

    fn method(
        &self,
        raw: Option<Vec<u8>>,
        has_partner: bool,
        line: u64,
        errs: &mut Capped,
    ) -> Option<Option<Method>> {
        let (name, _) = method_names(self.leads);
        let Some(raw) = raw.filter(|r| !r.is_empty()) else {
            return Some(None);
        };
        match Method::parse(&raw) {
            Some(Method::None) if has_partner => {
                errs.push(line, format!("the method is `none` (column `{name}`) but a partner is set"), "`none` is for a lead no partner could receive: clear the partner, or write `manual`".into());
                None
            }
            Some(m) => Some(Some(m)),
            None => {
                errs.push(
                    line,
                    unknown("allocation method", &raw, &name),
                    "the methods are existing, manual, requested, rule and none".into(),
                );
                None
            }
        }
    }

    fn relaxed(&self, raw: Option<Vec<u8>>, line: u64, errs: &mut Capped) -> Option<Option<u32>> {
        let (_, name) = method_names(self.leads);
        let Some(raw) = raw.filter(|r| !r.is_empty()) else {
            return Some(None);
        };
        let max = self.allocation.constraints.len();
        match std::str::from_utf8(&raw)
            .ok()
            .and_then(|s| s.parse::<u32>().ok())
        {
            Some(n) if n as usize <= max => Some(Some(n)),
            _ => {
                errs.push(line, format!("the value in column `{name}` is not a number of dropped constraints from 0 to {max}"), "leave it to `partnersite leads allocate`".into());
                None
            }
        }
    }

    /// The lead's value index per constraint; a value outside the facet's vocabulary is
    /// an error naming the line and the column, never the value.
    fn values(
        &mut self,
        bytes: &[u8],
        rec: &Record,
        cols: &Columns,
        line: u64,
        errs: &mut Capped,
    ) -> Option<Vec<Option<u32>>> {
        let mut out = Vec::with_capacity(cols.constraints.len());
        let mut ok = true;
        for (k, (c, col)) in self
            .allocation
            .constraints
            .iter()
            .zip(&cols.constraints)
            .enumerate()
        {
            let (
                Constraint::Category {
                    name,
                    column,
                    facet,
                },
                Some(col),
            ) = (c, col)
            else {
                out.push(None);
                continue;
            };
            let raw = rec
                .fields
                .get(*col)
                .and_then(|f| bytes.get(f.clone()))
                .unwrap_or_default();
            let v = value(raw);
            let v = std::str::from_utf8(v.trim_ascii()).ok().unwrap_or("\u{0}");
            if v.is_empty() {
                out.push(None);
            } else if in_vocabulary(facet, self.config, v) {
                out.push(self.interners.get_mut(k).map(|i| i.intern(v)));
            } else {
                ok = false;
                errs.push(
                    line,
                    format!("[leads.categories] {name}: the value in column `{column}` is not an id of the partner facet `{}` (not shown)", facet.key),
                    format!("[allocation.categories] matches it against the partners' {}: use one of its ids, or leave the cell empty", facet.label.to_lowercase()),
                );
            }
        }
        ok.then_some(out)
    }
}

/// A duplicate lead id is an error at its second line (ids are never shown).
fn duplicates(leads: &[Lead], lines: &[u64], rel: &Path, diags: &mut Diagnostics) {
    let mut ids: Vec<(&[u8], u64)> = leads
        .iter()
        .map(|l| &*l.id)
        .zip(lines.iter().copied())
        .collect();
    ids.sort_unstable();
    for w in ids.windows(2) {
        if let [(a, first), (b, line)] = w
            && a == b
        {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("duplicate lead id: line {line} repeats the id of line {first}"),
                )
                .at(usize::try_from(*line).unwrap_or(usize::MAX), 0)
                .hint("each lead must appear once; remove the repeated row"),
            );
        }
    }
}

/// The replay line of a lead: its hashed id, received date, region, matched category
/// values, partner, method and relaxed count, tab-separated.
pub fn replay_line(
    r: &Resolved,
    lead: &Lead,
    out: &allocate::Outcome,
    partner_name: &str,
) -> String {
    let mut cols = vec![
        crate::sha::sha256_hex(&[r.policy.seed.as_bytes(), b"\n", &lead.id]),
        lead.received.to_string(),
        r.regions.get(lead.region).cloned().unwrap_or_default(),
    ];
    for (k, c) in r.allocation.constraints.iter().enumerate() {
        if let Constraint::Category { .. } = c {
            let v = lead.values.get(k).copied().flatten();
            cols.push(v.map(|v| r.value_id(k, v).to_string()).unwrap_or_default());
        }
    }
    cols.push(partner_name.to_string());
    cols.push(out.method.map(Method::id).unwrap_or_default().to_string());
    cols.push(out.relaxed.map(|n| n.to_string()).unwrap_or_default());
    let mut line = cols.join("\t");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        split(bytes)
            .unwrap()
            .iter()
            .map(|r| {
                r.fields
                    .iter()
                    .map(|f| value(&bytes[f.clone()]).into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn split_agrees_with_the_csv_crate() {
        let text: &[u8] = b"\xef\xbb\xbfa,b,c\r\n1,\"x,\ny\",\"q\"\"r\"\r\n\n2,,\"\"\r3,\"ab\"c,d";
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text);
        let theirs: Vec<Vec<Vec<u8>>> = rdr
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect();
        assert_eq!(fields(text), theirs);
        let lines: Vec<u64> = split(text).unwrap().iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 5, 6]);
    }

    #[test]
    fn the_example_export_splits_as_the_csv_crate_reads_it() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/leads/export-2025-2026.csv"
        ))
        .unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let mut rec = csv::ByteRecord::new();
        let mine = split(&bytes).unwrap();
        let mut n = 0;
        while rdr.read_byte_record(&mut rec).unwrap() {
            let r = &mine[n];
            assert_eq!(r.line, rec.position().unwrap().line());
            let got: Vec<Vec<u8>> = r
                .fields
                .iter()
                .map(|f| value(&bytes[f.clone()]).into_owned())
                .collect();
            let want: Vec<Vec<u8>> = rec.iter().map(<[u8]>::to_vec).collect();
            assert_eq!(got, want);
            n += 1;
        }
        assert_eq!(n, mine.len());
    }

    /// Random CSV over the bytes that matter to the splitter.
    fn random_csv(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b"a\",,\n\r\"b"[(x % 7) as usize]
            })
            .collect()
    }

    #[test]
    fn split_agrees_with_the_csv_crate_on_random_bytes_and_at_every_cut() {
        for seed in 1..400u64 {
            let text = random_csv(seed, 1 + (seed as usize * 7) % 60);
            let Ok(mine) = split(&text) else {
                continue;
            };
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_slice());
            let theirs: Vec<Vec<Vec<u8>>> = rdr
                .byte_records()
                .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
                .collect();
            assert_eq!(
                fields(&text),
                theirs,
                "{:?}",
                String::from_utf8_lossy(&text)
            );
            for r in &mine {
                // The start line: 1 + the line breaks (LF, CRLF, lone CR) before it.
                let before = &text[..r.body.start];
                let breaks = before.iter().enumerate().filter(|&(k, &b)| {
                    b == b'\n'
                        || (b == b'\r'
                            && before.get(k + 1) != Some(&b'\n')
                            && text.get(k + 1) != Some(&b'\n'))
                });
                assert_eq!(r.line, 1 + breaks.count() as u64, "{text:?}");
            }
            // Cut anywhere, read on from where the first part stopped: the same records.
            for cut in 0..=text.len() {
                let mut got = Vec::new();
                let (at, line) = split_from(&text[..cut], 0, 1, false, &mut got).unwrap();
                split_from(&text, at, line, true, &mut got).unwrap();
                let spans = |v: &[Record]| -> Vec<_> {
                    v.iter()
                        .map(|r| (r.body.clone(), r.end.clone(), r.line, r.fields.clone()))
                        .collect()
                };
                assert_eq!(spans(&got), spans(&mine), "{text:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn an_open_quote_names_its_line() {
        assert_eq!(split(b"a,b\n1,2\n3,\"x\ny\n").unwrap_err(), 3);
    }
}
