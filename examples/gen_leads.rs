//! Benchmark generator: a synthetic PRIVATE lead export (CSV, RFC 4180) for a site made by
//! gen_site. Clearly fake people (example.org e-mails, +1-555-01xx phones); countries from
//! the site's `[regions]`, services and market segments from its vocabularies, assigned
//! providers from its partner folders (preferring partners that serve the lead's region).
//! Deterministic for the same arguments. See bench/README.md.
//!
//! `cargo run --release --example gen_leads -- --rows 1000000 --partners-from SITE --out SITE/leads.csv`

use anyhow::{Context, Result, bail};
use clap::Parser;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Write a synthetic lead export CSV for a gen_site site")]
struct Args {
    /// Number of lead rows.
    #[arg(long)]
    rows: usize,
    /// Site folder whose site.toml and content/partners/* the leads refer to.
    #[arg(long)]
    partners_from: PathBuf,
    /// CSV file to write.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// First day of the period (YYYY-MM-DD).
    #[arg(long, default_value = "2025-01-01")]
    start: String,
    /// Length of the period in months.
    #[arg(long, default_value_t = 18)]
    months: u32,
    /// End records with CRLF instead of LF.
    #[arg(long)]
    crlf: bool,
    /// Start the file with a UTF-8 byte order mark.
    #[arg(long)]
    bom: bool,
    /// Leads per thousand left without a provider (for `leads allocate` to fill).
    #[arg(long, default_value_t = 80)]
    unassigned: usize,
}

const HEADER: &str = "lead_id,received_date,first_name,last_name,email,phone,organisation,country,region,assigned_provider,status,service_requested,market_segment,budget_band,notes";
/// Rows per independently seeded chunk: the output does not depend on the thread count.
const CHUNK: usize = 8192;

// ---------------------------------------------------------------------------------------
// Deterministic PRNG (splitmix64), one stream per chunk.

struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn word(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Items with cumulative weights, for weighted picks by binary search.
struct Weighted {
    items: Vec<usize>,
    cumulative: Vec<u64>,
}

impl Weighted {
    fn new(items: Vec<usize>, weight: impl Fn(usize) -> u64) -> Weighted {
        let mut total = 0;
        let cumulative = items
            .iter()
            .map(|&i| {
                total += weight(i);
                total
            })
            .collect();
        Weighted { items, cumulative }
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1);
        let x = rng.below(total as usize) as u64;
        let pos = self.cumulative.partition_point(|&c| c <= x);
        self.items[pos.min(self.items.len() - 1)]
    }
}

// ---------------------------------------------------------------------------------------
// Fake people and free text.

const FIRST_NAMES: &[&str] = &[
    "Alex", "Sam", "Jordan", "Maria", "Wei", "Amina", "Lars", "Priya", "Diego", "Hannah", "Kofi",
    "Yuki", "Omar", "Elena", "Tariq", "Grace", "José", "Zoë", "Søren", "Ana",
];
const LAST_NAMES: &[&str] = &[
    "Example",
    "Sample",
    "Testperson",
    "Placeholder",
    "Fictional",
    "Demo",
    "Mockley",
    "Fakename",
    "Doe",
    "Roe",
    "Nobody",
    "Ficticio",
    "Beispiel",
    "Exemple",
    "Muster",
];
const PLACES: &[&str] = &[
    "Northbridge",
    "Riverton",
    "Kestrel Bay",
    "Ashford",
    "Valmont",
    "Lakeshore",
    "Greyfield",
    "Eastmoor",
    "Port Anselm",
    "Westholm",
    "Coral Point",
    "Mirano",
];
const ORG_KINDS: &[&str] = &[
    "University",
    "College",
    "Institute",
    "Health Trust",
    "Training Centre",
    "Business School",
    "Foundation",
    "Ministry of Learning",
];
const NOTES: &[&str] = &[
    "Interested in a pilot for next term with two departments",
    "Asked about pricing, SSO, and mobile apps for field staff",
    "Wants a demo before the budget meeting at the end of the month",
    "Referred by a colleague at another university in the same network",
    "From the form: \"we need this live by September, if at all possible\"",
    "Prefers e-mail, not phone; replies are slow during exam weeks",
    "Needs an Arabic and French interface and right-to-left support",
    "Budget not confirmed yet; call back next quarter after the board meets",
    "Migrating from another LMS, about 40 courses and 12,000 enrolments",
    "Asked whether \"white label\" is possible, including the mobile app",
    "Long message:\nfirst, hosting and backups; second, course design help",
    "Call back on Tuesday.\nPrefers mornings, before the teaching day starts.",
    "About 2,500 learners a year, mostly on phones with slow connections",
    "Synthetic benchmark lead, not a real person or organisation",
];
const STATUSES: &[&str] = &["new", "contacted", "won", "lost"];
const BUDGETS: &[&str] = &["lt-10k", "10k-50k", "50k-250k", "gt-250k"];

/// Appends one CSV field, quoted when it holds a comma, a quote or a line break.
fn field(buf: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        buf.push('"');
        buf.push_str(&s.replace('"', "\"\""));
        buf.push('"');
    } else {
        buf.push_str(s);
    }
}

// ---------------------------------------------------------------------------------------
// What the site offers.

struct Site {
    /// (country code, region index).
    countries: Vec<(String, usize)>,
    /// Countries per region, as indices into `countries`.
    region_countries: Vec<Vec<usize>>,
    services: Vec<String>,
    markets: Vec<String>,
    partners: Vec<String>,
    /// Partners (indices) serving each region, weighted.
    serving: Vec<Weighted>,
    all_partners: Weighted,
    regions: Weighted,
}

fn table_keys(t: &toml::Table, key: &str) -> Result<Vec<String>> {
    let keys: Vec<String> = t
        .get(key)
        .and_then(|v| v.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    if keys.is_empty() {
        bail!("site.toml has no [{key}] entries");
    }
    Ok(keys)
}

/// A stable per-partner popularity weight in 1..=16, so lead shares vary between partners.
fn popularity(seed: u64, index: usize) -> u64 {
    Rng::new(seed ^ 0x5EED, index as u64).next_u64() % 16 + 1
}

fn load_site(root: &Path, seed: u64) -> Result<Site> {
    let path = root.join("site.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    // toml::Table keeps keys sorted; sorting is fine here (determinism is what matters).
    let regions = config
        .get("regions")
        .and_then(|v| v.as_table())
        .context("site.toml has no [regions]")?;
    let region_ids: Vec<String> = regions.keys().cloned().collect();
    let mut countries = Vec::new();
    let mut region_countries = vec![Vec::new(); region_ids.len()];
    for (r, id) in region_ids.iter().enumerate() {
        let list = regions[id]
            .get("countries")
            .and_then(|v| v.as_array())
            .with_context(|| format!("[regions.{id}] has no countries"))?;
        for c in list.iter().filter_map(|c| c.as_str()) {
            region_countries[r].push(countries.len());
            countries.push((c.to_string(), r));
        }
    }

    let partners_dir = root.join("content/partners");
    let mut slugs: Vec<String> = fs::read_dir(&partners_dir)
        .with_context(|| format!("reading {}", partners_dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("partner.toml").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    slugs.sort();
    if slugs.is_empty() {
        bail!("no partner folders in {}", partners_dir.display());
    }
    // Regions served and draft flag of every partner, read in parallel.
    let records: Vec<(Vec<usize>, bool)> = slugs
        .par_iter()
        .map(|slug| {
            let p = partners_dir.join(slug).join("partner.toml");
            let text =
                fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
            let t: toml::Table = text
                .parse()
                .with_context(|| format!("parsing {}", p.display()))?;
            let served = t
                .get("regions")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|r| r.as_str())
                        .filter_map(|r| region_ids.iter().position(|id| id == r))
                        .collect()
                })
                .unwrap_or_default();
            let draft = t.get("draft").and_then(|v| v.as_bool()).unwrap_or(false);
            Ok((served, draft))
        })
        .collect::<Result<_>>()?;
    let listed: Vec<usize> = (0..slugs.len()).filter(|&i| !records[i].1).collect();
    let serving: Vec<Weighted> = (0..region_ids.len())
        .map(|r| {
            let items = listed
                .iter()
                .copied()
                .filter(|&i| records[i].0.contains(&r))
                .collect();
            Weighted::new(items, |i| popularity(seed, i))
        })
        .collect();
    // Demand roughly follows supply: a region's weight is its number of serving partners.
    let region_weights: Vec<u64> = serving.iter().map(|w| w.items.len() as u64 + 1).collect();
    let regions_w = Weighted::new(
        (0..region_ids.len())
            .filter(|&r| !region_countries[r].is_empty())
            .collect(),
        |r| region_weights[r],
    );
    if regions_w.is_empty() {
        bail!("site.toml's [regions] list no countries");
    }
    Ok(Site {
        countries,
        region_countries,
        services: table_keys(&config, "services")?,
        markets: table_keys(&config, "market_size")?,
        all_partners: Weighted::new(listed, |i| popularity(seed, i)),
        partners: slugs,
        serving,
        regions: regions_w,
    })
}

// ---------------------------------------------------------------------------------------
// Dates.

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn parse_date(s: &str) -> Result<(i32, u32, u32)> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() == 3 && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2;
    let parsed = ok
        .then(|| {
            Some((
                parts[0].parse().ok()?,
                parts[1].parse().ok()?,
                parts[2].parse().ok()?,
            ))
        })
        .flatten();
    match parsed {
        Some((y, m, d)) if (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m) => {
            Ok((y, m, d))
        }
        _ => bail!("invalid date {s:?}: expected YYYY-MM-DD"),
    }
}

// ---------------------------------------------------------------------------------------
// Rows.

struct Plan<'a> {
    site: &'a Site,
    start: (i32, u32, u32),
    months: u32,
    unassigned: usize,
    newline: &'a str,
    /// ASCII spellings of the names, for e-mail addresses.
    first_ascii: Vec<String>,
    last_ascii: Vec<String>,
}

fn ascii_lower(s: &str) -> String {
    deunicode::deunicode(s)
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl Plan<'_> {
    fn chunk(&self, seed: u64, index: usize, rows: std::ops::Range<usize>) -> String {
        let mut rng = Rng::new(seed, index as u64);
        let site = self.site;
        let mut buf = String::with_capacity(rows.len() * 270);
        let mut notes = String::new();
        for row in rows {
            // Later months get more leads (the program grows): half the leads are spread
            // evenly, half with a density rising linearly (month = floor(M * sqrt(u))).
            let u = if rng.chance(500) {
                rng.unit()
            } else {
                rng.unit().sqrt()
            };
            let m = ((f64::from(self.months) * u) as u32).min(self.months - 1);
            let (y0, m0, d0) = self.start;
            let month0 = m0 - 1 + m;
            let (year, month) = (y0 + (month0 / 12) as i32, month0 % 12 + 1);
            let first_day = if m == 0 { d0 } else { 1 };
            let dim = days_in_month(year, month);
            let day = first_day + rng.below((dim - first_day + 1) as usize) as u32;

            let f = rng.below(FIRST_NAMES.len());
            let l = rng.below(LAST_NAMES.len());
            let region = site.regions.pick(&mut rng);
            let country = if rng.chance(30) {
                None
            } else {
                Some(*rng.pick(&site.region_countries[region]))
            };
            let provider = if rng.chance(self.unassigned) {
                None
            } else {
                let serving = &site.serving[region];
                let p = if country.is_some() && !serving.is_empty() && !rng.chance(10) {
                    serving.pick(&mut rng)
                } else {
                    site.all_partners.pick(&mut rng)
                };
                Some(site.partners[p].as_str())
            };
            let age = self.months - 1 - m;
            let status_weights: [usize; 4] = if age < 2 {
                [45, 35, 10, 10]
            } else {
                [5, 15, 38, 42]
            };
            let mut x = rng.below(100);
            let mut status = 3;
            for (i, w) in status_weights.iter().enumerate() {
                if x < *w {
                    status = i;
                    break;
                }
                x -= w;
            }

            let _ = write!(buf, "L-{:07},{year:04}-{month:02}-{day:02},", row + 1);
            field(&mut buf, FIRST_NAMES[f]);
            buf.push(',');
            field(&mut buf, LAST_NAMES[l]);
            let _ = write!(
                buf,
                ",{}.{}{}@example.org,+1-555-01{:02},",
                self.first_ascii[f],
                self.last_ascii[l],
                rng.below(1000),
                rng.below(100)
            );
            let place = rng.pick(PLACES);
            if rng.chance(50) {
                let org = format!(
                    "{}, {} & Partners",
                    LAST_NAMES[rng.below(LAST_NAMES.len())],
                    LAST_NAMES[rng.below(LAST_NAMES.len())]
                );
                field(&mut buf, &org);
            } else {
                let _ = write!(buf, "{place} {}", rng.pick(ORG_KINDS));
            }
            buf.push(',');
            if let Some(c) = country {
                buf.push_str(&site.countries[c].0);
            }
            buf.push_str(",,"); // region: left empty, derived from the country by the tool
            if let Some(p) = provider {
                buf.push_str(p);
            }
            let _ = write!(
                buf,
                ",{},{},{},{},",
                STATUSES[status],
                rng.pick(&site.services),
                rng.pick(&site.markets),
                rng.pick(BUDGETS)
            );
            notes.clear();
            if !rng.chance(120) {
                notes.push_str(rng.word(NOTES));
                for extra in [650, 200] {
                    if rng.chance(extra) {
                        notes.push_str(if rng.chance(700) { ". " } else { "\n" });
                        notes.push_str(rng.word(NOTES));
                    }
                }
            }
            field(&mut buf, &notes);
            buf.push_str(self.newline);
        }
        buf
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.months == 0 {
        bail!("--months must be at least 1");
    }
    let start_time = Instant::now();
    let site = load_site(&args.partners_from, args.seed)?;
    let plan = Plan {
        site: &site,
        start: parse_date(&args.start)?,
        months: args.months,
        unassigned: args.unassigned,
        newline: if args.crlf { "\r\n" } else { "\n" },
        first_ascii: FIRST_NAMES.iter().map(|s| ascii_lower(s)).collect(),
        last_ascii: LAST_NAMES.iter().map(|s| ascii_lower(s)).collect(),
    };

    let file =
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    if args.bom {
        w.write_all("\u{feff}".as_bytes())?;
    }
    write!(w, "{HEADER}{}", plan.newline)?;
    let chunks = args.rows.div_ceil(CHUNK);
    let batch = rayon::current_num_threads() * 4;
    let mut bytes = 0usize;
    for first in (0..chunks).step_by(batch) {
        let texts: Vec<String> = (first..(first + batch).min(chunks))
            .into_par_iter()
            .map(|c| plan.chunk(args.seed, c, c * CHUNK..((c + 1) * CHUNK).min(args.rows)))
            .collect();
        for t in texts {
            bytes += t.len();
            w.write_all(t.as_bytes())
                .with_context(|| format!("writing {}", args.out.display()))?;
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "gen_leads: {} rows ({} partners) to {}: {:.1} MB in {:.2} s",
        args.rows,
        site.partners.len(),
        args.out.display(),
        bytes as f64 / 1e6,
        start_time.elapsed().as_secs_f64()
    );
    Ok(())
}
