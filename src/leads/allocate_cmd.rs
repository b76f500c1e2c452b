//! `partnersite leads allocate` and `partnersite leads verify`: the commands around the
//! allocation algorithm ([`super::allocate`]). Both print counts, slugs, region ids and
//! line numbers only, never a cell of the export.

use super::allocate::{self, Method, Outcome};
use super::export::{self, Parsed, Resolved};
use crate::cli::{EXIT_CONTENT, EXIT_USAGE, print_diagnostics, stdout};
use crate::config::{Allocation, LeadsConfig, SiteConfig};
use crate::content::Partner;
use crate::diagnostics::{Diagnostics, display_path, printable_path};
use crate::pipeline::{self, BuildOptions};
use anyhow::Result;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The site's config and partner records, or the exit code of why not.
fn load_site(root: &Path) -> Result<std::result::Result<(SiteConfig, Vec<Partner>), ExitCode>> {
    if !root.join(crate::config::SITE_FILE).is_file() {
        eprintln!(
            "error: no site.toml in {} (use --root to point at the site folder)",
            printable_path(root)
        );
        return Ok(Err(ExitCode::from(EXIT_USAGE)));
    }
    let opts = BuildOptions {
        root: root.to_path_buf(),
        depth: crate::content::Depth::Records,
        ..Default::default()
    };
    match pipeline::load_full(&opts)? {
        Ok((site, _)) => Ok(Ok((site.config, site.partners))),
        Err(d) => {
            print_diagnostics(&d);
            Ok(Err(ExitCode::from(EXIT_CONTENT)))
        }
    }
}

/// `[leads]` and `[allocation]`, or an error saying which is missing.
fn tables(config: &SiteConfig) -> Option<(&LeadsConfig, &Allocation)> {
    let found = config.leads.as_ref().zip(config.allocation.as_ref());
    if found.is_none() {
        eprintln!(
            "error: site.toml has no [allocation] policy (and [leads] mapping): nothing to allocate by"
        );
    }
    found
}

/// Read a file the user named, refusing what is not a regular file.
fn read_input(path: &Path) -> Result<Vec<u8>> {
    let file = crate::fsread::open_regular(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", printable_path(path)))?;
    let mut bytes = Vec::new();
    file.take(crate::fsread::MAX_LEAD_EXPORT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", printable_path(path)))?;
    if bytes.len() as u64 > crate::fsread::MAX_LEAD_EXPORT {
        anyhow::bail!(
            "{} is larger than {} bytes: split the export",
            printable_path(path),
            crate::fsread::MAX_LEAD_EXPORT
        );
    }
    Ok(bytes)
}

/// True when `output` is the file `input` is (the same path, a link to it, or a hard
/// link: the same device and inode).
pub fn same_file(input: &Path, output: &Path) -> bool {
    if let (Ok(a), Ok(b)) = (std::fs::metadata(input), std::fs::metadata(output)) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if a.dev() == b.dev() && a.ino() == b.ino() {
                return true;
            }
        }
        let _ = (a, b);
    }
    match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Write a temp file beside `path` with `write`, then rename it over `path`: a killed
/// run leaves the old file (or none), never half of the new one.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.partnersite-{}.tmp", std::process::id()));
    let run = || -> std::io::Result<()> {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        write(&mut w)?;
        let f = w
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    let result = run();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Write `bytes` to `path` atomically ([`write_atomic_with`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// `partnersite leads allocate`. The export is read twice, a chunk at a time (once into
/// leads, once to copy it with the allocation), so memory holds the leads, not the file.
pub fn allocate(root: &Path, input: &Path, output: &Path) -> Result<ExitCode> {
    let (config, partners) = match load_site(root)? {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let Some((leads, allocation)) = tables(&config) else {
        return Ok(ExitCode::from(EXIT_USAGE));
    };
    if same_file(input, output) {
        eprintln!(
            "error: --output {} is the input file: write the allocated export to a new file",
            printable_path(output)
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let rel = input.strip_prefix(root).unwrap_or(input).to_path_buf();
    let mut resolved = Resolved::new(&config, leads, allocation, &partners);
    let mut diags = Diagnostics::default();
    let Some(parsed) = read_leads(&mut resolved, input, &rel, &mut diags)? else {
        print_diagnostics(&diags.sorted());
        eprintln!("allocate failed: nothing was written");
        return Ok(ExitCode::from(EXIT_CONTENT));
    };
    let replay = allocate::replay(&resolved.policy, &parsed.leads, true);
    let mut copy = Rewrite::new(&parsed, &replay.outcomes, &resolved);
    let written = write_atomic_with(output, |w| {
        let file = open_input(input)?;
        match export::read_chunks(file, |bytes, records| copy.chunk(bytes, records, w)) {
            Ok(_) if copy.done() => Ok(()),
            Ok(_) | Err(export::ChunkError::Quote(_)) => Err(changed(input)),
            Err(export::ChunkError::Read(e) | export::ChunkError::Sink(e)) => Err(e),
        }
    });
    written.map_err(|e| anyhow::anyhow!("cannot write {}: {e}", printable_path(output)))?;
    summary(&resolved, &parsed, &replay.outcomes, output)?;
    Ok(ExitCode::SUCCESS)
}

/// Open a file the user named, refusing what is not a regular file or is too large.
fn open_input(path: &Path) -> std::io::Result<std::io::Take<std::fs::File>> {
    let file = crate::fsread::open_regular(path)?;
    if file.metadata()?.len() > crate::fsread::MAX_LEAD_EXPORT {
        return Err(std::io::Error::other(format!(
            "larger than {} bytes: split the export",
            crate::fsread::MAX_LEAD_EXPORT
        )));
    }
    Ok(file.take(crate::fsread::MAX_LEAD_EXPORT))
}

/// The error of an input that changed between the two reads.
fn changed(input: &Path) -> std::io::Error {
    std::io::Error::other(format!(
        "{} changed while allocate read it: run it again",
        printable_path(input)
    ))
}

/// The leads of the input, read a chunk at a time; `None` when it has errors.
fn read_leads(
    resolved: &mut Resolved,
    input: &Path,
    rel: &Path,
    diags: &mut Diagnostics,
) -> Result<Option<Parsed>> {
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot read {}: {e}", printable_path(input));
    let file = open_input(input).map_err(cannot)?;
    let mut feed = export::Feed::new(rel);
    let read = export::read_chunks(file, |bytes, records| {
        resolved.feed(&mut feed, bytes, records, diags);
        Ok(())
    });
    match read {
        Ok(_) => Ok(resolved.finish(feed, diags)),
        Err(export::ChunkError::Quote(line)) => {
            diags.push(export::open_quote(rel, line));
            Ok(None)
        }
        Err(export::ChunkError::Read(e) | export::ChunkError::Sink(e)) => Err(cannot(e)),
    }
}

/// The input's bytes with, in each data row, the partner filled (when the lead had
/// none) and the method and relaxed cells set; the two columns are appended when the
/// header lacks them. Every other byte is copied as it is. Fed a chunk at a time.
struct Rewrite<'x> {
    parsed: &'x Parsed,
    outcomes: &'x [Outcome],
    r: &'x Resolved<'x>,
    names: (String, String),
    /// Records copied so far (the header is record 0).
    next: usize,
    /// A data record whose id is not its lead's: the file changed since it was read.
    mismatch: bool,
}

impl<'x> Rewrite<'x> {
    fn new(parsed: &'x Parsed, outcomes: &'x [Outcome], r: &'x Resolved<'x>) -> Self {
        Rewrite {
            parsed,
            outcomes,
            r,
            names: export::method_names(r.leads),
            next: 0,
            mismatch: false,
        }
    }

    /// True when every record was copied and matched its lead.
    fn done(&self) -> bool {
        !self.mismatch && self.next == self.parsed.leads.len() + 1
    }

    fn chunk(
        &mut self,
        bytes: &[u8],
        records: &[export::Record],
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let mut cursor = 0;
        for rec in records {
            out.write_all(bytes.get(cursor..rec.body.start).unwrap_or_default())?;
            self.record(bytes, rec, out)?;
            out.write_all(bytes.get(rec.end.clone()).unwrap_or_default())?;
            cursor = rec.end.end;
        }
        out.write_all(bytes.get(cursor..).unwrap_or_default())
    }

    /// One record's body, edited.
    fn record(
        &mut self,
        bytes: &[u8],
        rec: &export::Record,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let cols = &self.parsed.columns;
        let j = self.next;
        self.next += 1;
        let cell = |c: usize| {
            let raw = rec.fields.get(c).and_then(|f| bytes.get(f.clone()));
            export::value(raw.unwrap_or_default()).trim_ascii().to_vec()
        };
        let data = j
            .checked_sub(1)
            .map(|i| self.parsed.leads.get(i).zip(self.outcomes.get(i)));
        let (method, relaxed, data) = match data {
            None => (self.names.0.clone(), self.names.1.clone(), None),
            Some(None) => {
                self.mismatch = true;
                return Ok(());
            }
            Some(Some((lead, o))) => {
                if cell(cols.id) != *lead.id {
                    self.mismatch = true;
                    return Ok(());
                }
                (
                    o.method.map(Method::id).unwrap_or_default().to_string(),
                    o.relaxed.map(|n| n.to_string()).unwrap_or_default(),
                    Some((lead, o)),
                )
            }
        };
        let mut edits: Vec<(usize, String)> = Vec::new();
        let mut appended: Vec<String> = Vec::new();
        if let Some((lead, o)) = data
            && !lead.has_partner
            && let Some(p) = o.partner
        {
            edits.push((cols.partner, self.r.slug(p as usize).to_string()));
        }
        for (col, new) in [(cols.method, method), (cols.relaxed, relaxed)] {
            match col {
                None => appended.push(new),
                Some(c) if data.is_some() => {
                    if cell(c) != new.as_bytes() {
                        edits.push((c, new));
                    }
                }
                Some(_) => {}
            }
        }
        edits.sort();
        let mut at = rec.body.start;
        for (c, new) in edits {
            let Some(f) = rec.fields.get(c) else { continue };
            out.write_all(bytes.get(at..f.start).unwrap_or_default())?;
            out.write_all(new.as_bytes())?;
            at = f.end;
        }
        out.write_all(bytes.get(at..rec.body.end).unwrap_or_default())?;
        for a in appended {
            out.write_all(b",")?;
            out.write_all(a.as_bytes())?;
        }
        Ok(())
    }
}

/// What `allocate` did, by region and by partner (counts only).
fn summary(r: &Resolved, parsed: &Parsed, outcomes: &[Outcome], output: &Path) -> Result<()> {
    let np = r.policy.partners.len();
    let mut by_region = vec![0u64; r.regions.len()];
    let mut by_partner = vec![[0u64; 2]; np];
    let (mut rule, mut requested, mut none, mut kept) = (0u64, 0u64, 0u64, 0u64);
    for (lead, o) in parsed.leads.iter().zip(outcomes) {
        if lead.has_partner {
            kept += 1;
            continue;
        }
        if let Some(n) = by_region.get_mut(lead.region) {
            *n += 1;
        }
        let slot = match o.method {
            Some(Method::Rule) => {
                rule += 1;
                0
            }
            Some(Method::Requested) => {
                requested += 1;
                1
            }
            _ => {
                none += 1;
                continue;
            }
        };
        if let Some(n) = o
            .partner
            .and_then(|p| by_partner.get_mut(p as usize)?.get_mut(slot))
        {
            *n += 1;
        }
    }
    let mut out = stdout();
    writeln!(
        out,
        "allocated {} lead(s) without a partner into {}: rule {rule}, requested {requested}, none (no eligible partner) {none}; {kept} kept their partner",
        rule + requested + none,
        printable_path(output)
    )?;
    writeln!(out, "by region (leads allocated now):")?;
    for (id, n) in r.regions.iter().zip(&by_region).filter(|(_, n)| **n > 0) {
        writeln!(out, "  {id}: {n}")?;
    }
    writeln!(out, "by partner (leads allocated now):")?;
    for (p, [rule, req]) in by_partner
        .iter()
        .enumerate()
        .filter(|(_, c)| c[0] + c[1] > 0)
    {
        writeln!(
            out,
            "  {}: {} (rule {rule}, requested {req})",
            r.slug(p),
            rule + req
        )?;
    }
    Ok(())
}

/// `partnersite leads verify`.
pub fn verify(root: &Path, print_replay: bool) -> Result<ExitCode> {
    let (config, partners) = match load_site(root)? {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let Some((leads, allocation)) = tables(&config) else {
        return Ok(ExitCode::from(EXIT_USAGE));
    };
    let source = super::Source::new(&config, leads);
    if super::is_json(&source.full) {
        eprintln!(
            "error: [leads] source is a digest: verify replays the export itself (run it where the export is)"
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let policy = crate::fsread::SiteFiles::new(&config);
    let files = match source
        .export_files()
        .and_then(|f| super::vet_exports(&policy, &config.root, &f))
    {
        Ok(f) => f,
        Err(d) => {
            print_diagnostics(&d);
            return Ok(ExitCode::from(EXIT_CONTENT));
        }
    };
    let loaded = match load_leads(&config, leads, allocation, &partners, &files, false) {
        Ok(l) => l,
        Err(d) => {
            print_diagnostics(&d);
            return Ok(ExitCode::from(EXIT_CONTENT));
        }
    };
    let replay = allocate::replay(&loaded.resolved.policy, &loaded.leads, false);
    let names: Vec<String> = files.iter().map(|(_, rel)| display_path(rel)).collect();
    if print_replay {
        stdout().write_all(&replay_text(&loaded, &replay))?;
    }
    report(&loaded, &replay, &names, print_replay)
}

/// The export files read for a replay: the resolved policy, every lead of every file
/// (in file order), and each lead's (file index, physical start line).
pub struct Loaded<'a> {
    pub resolved: Resolved<'a>,
    pub leads: Vec<allocate::Lead>,
    pub at: Vec<(usize, u64)>,
}

/// Read the (vetted) export files into leads for a replay, as `verify` does; every
/// problem comes back as diagnostics. `unknown_partners_ok`: see
/// `Resolved::unknown_partners_ok`.
pub fn load_leads<'a>(
    config: &'a SiteConfig,
    leads: &'a LeadsConfig,
    allocation: &'a Allocation,
    partners: &[Partner],
    files: &[(PathBuf, PathBuf)],
    unknown_partners_ok: bool,
) -> std::result::Result<Loaded<'a>, Diagnostics> {
    let mut resolved = Resolved::new(config, leads, allocation, partners);
    resolved.unknown_partners_ok |= unknown_partners_ok;
    let mut diags = Diagnostics::default();
    let mut all = Vec::new();
    let mut at: Vec<(usize, u64)> = Vec::new();
    for (n, (file, rel)) in files.iter().enumerate() {
        let bytes = match read_input(file) {
            Ok(b) => b,
            Err(e) => {
                diags.push(crate::diagnostics::Diagnostic::error(rel, e.to_string()));
                continue;
            }
        };
        if let Some(p) = resolved.parse(&bytes, rel, &mut diags) {
            at.extend(p.lines.iter().map(|&l| (n, l)));
            all.extend(p.leads);
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(Loaded {
        resolved,
        leads: all,
        at,
    })
}

/// The canonical replay that `verify --print-replay` prints: one line per lead in
/// allocation order. Its SHA-256 is the digest's `allocation.commitment`.
pub fn replay_text(loaded: &Loaded, replay: &allocate::Replay) -> Vec<u8> {
    let r = &loaded.resolved;
    let mut out = Vec::new();
    for &i in &replay.order {
        if let (Some(lead), Some(o)) = (loaded.leads.get(i), replay.outcomes.get(i)) {
            out.extend_from_slice(
                export::replay_line(
                    r,
                    lead,
                    o,
                    &partner_name(r, lead, o.partner.map(|p| p as usize)),
                )
                .as_bytes(),
            );
        }
    }
    out
}

/// A partner as printed: its slug, `unknown` for a slug that is no record, `-` for none.
fn partner_name(r: &Resolved, lead: &allocate::Lead, p: Option<usize>) -> String {
    match p {
        Some(p) => r.slug(p).to_string(),
        None if lead.has_partner => "unknown".into(),
        None => String::new(),
    }
}

/// Print every difference (on stderr with `--print-replay`); exit 1 on any.
fn report(
    loaded: &Loaded,
    replay: &allocate::Replay,
    names: &[String],
    print_replay: bool,
) -> Result<ExitCode> {
    let (r, leads, at) = (&loaded.resolved, &loaded.leads, &loaded.at);
    let mut differences = Vec::new();
    let mut checked = 0u64;
    for &i in &replay.order {
        let (Some(lead), Some(o)) = (leads.get(i), replay.outcomes.get(i)) else {
            continue;
        };
        let (Some(method), Some(choice)) = (o.method, o.policy) else {
            continue;
        };
        if !matches!(method, Method::Rule | Method::Requested | Method::None) {
            continue;
        }
        checked += 1;
        if (o.partner, method, o.relaxed) == (choice.partner, choice.method, choice.relaxed) {
            continue;
        }
        let (file, line) = at.get(i).copied().unwrap_or_default();
        let show = |p: Option<u32>, m: Method, relaxed: Option<u32>| {
            let partner = partner_name(r, lead, p.map(|p| p as usize));
            let partner = if partner.is_empty() {
                "no partner".into()
            } else {
                format!("partner `{partner}`")
            };
            match relaxed {
                Some(n) => format!("{} ({partner}, {n} constraint(s) dropped)", m.id()),
                None => format!("{} ({partner})", m.id()),
            }
        };
        differences.push(format!(
            "{}:{line}: the export records {}; the policy gives {}",
            names.get(file).map_or("", String::as_str),
            show(o.partner, method, o.relaxed),
            show(choice.partner, choice.method, choice.relaxed)
        ));
    }
    let mut msg: Box<dyn Write> = if print_replay {
        Box::new(std::io::stderr())
    } else {
        Box::new(stdout())
    };
    for d in &differences {
        writeln!(msg, "{d}")?;
    }
    if differences.is_empty() {
        writeln!(
            msg,
            "verify passed: {checked} rule, requested and none lead(s) of {} match the policy",
            leads.len()
        )?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            msg,
            "verify failed: {} of {checked} rule, requested and none lead(s) differ from the policy",
            differences.len()
        )?;
        Ok(ExitCode::from(EXIT_CONTENT))
    }
}
