//! Benchmark of the transparency report's reader: aggregate a lead export of a gen_site
//! site and print the time and peak memory (Linux: VmHWM). When site.toml has no
//! `[leads]` table, the columns of gen_leads are assumed.
//!
//! ```text
//! cargo run --release --example gen_site -- --partners 1000 --out /tmp/lb/site
//! cargo run --release --example gen_leads -- --rows 1000000 --partners-from /tmp/lb/site --out /tmp/lb/site/leads.csv
//! cargo run --release --example leads_bench -- --root /tmp/lb/site --source leads.csv
//! ```

use anyhow::{Result, bail};
use clap::Parser;
use partnersite::config::{Categories, Category, CategoryValues, LeadColumns, LeadsConfig};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Time the aggregation of a lead export")]
struct Args {
    /// Site folder.
    #[arg(long)]
    root: PathBuf,
    /// Export to read, relative to the site folder (replaces `[leads] source`).
    #[arg(long)]
    source: Option<String>,
    /// Write the digest (leads.json) here.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn gen_leads_config(source: &str) -> LeadsConfig {
    let cat = |name: &str, col: &str| Category {
        name: name.into(),
        span: 0..0,
        column: col.into(),
        values: CategoryValues::Slugs,
        known: None,
        labels: None,
    };
    LeadsConfig {
        source: toml::Spanned::new(0..0, source.into()),
        from: None,
        to: None,
        eligible_tiers: None,
        min_cell: 5,
        policy: None,
        allow_unknown_partners: false,
        periods: Vec::new(),
        columns: Some(LeadColumns {
            id: "lead_id".into(),
            received: "received_date".into(),
            country: "country".into(),
            region: Some("region".into()),
            partner: "assigned_provider".into(),
            status: "status".into(),
            requested_partner: None,
            allocation_method: None,
            allocation_relaxed: None,
        }),
        categories: Some(Categories(vec![
            cat("service", "service_requested"),
            cat("market_segment", "market_segment"),
            cat("budget", "budget_band"),
        ])),
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let (config, diags) = partnersite::config::load(&args.root)?;
    let Some(mut config) = config.filter(|_| !diags.has_errors()) else {
        bail!("site.toml has errors: {:?}", diags);
    };
    match (&mut config.leads, &args.source) {
        (Some(l), Some(s)) => l.source = toml::Spanned::new(0..0, s.clone()),
        (None, Some(s)) => config.leads = Some(gen_leads_config(s)),
        (Some(_), None) => {}
        (None, None) => bail!("no [leads] in site.toml: give --source"),
    }
    let (site, diags) = partnersite::content::load(config, partnersite::content::Depth::Records);
    let Some(site) = site.filter(|_| !diags.has_errors()) else {
        bail!("content has errors");
    };
    let before = peak_kib();
    let start = Instant::now();
    let digest = match partnersite::leads::load(&site.config, &site.partners) {
        Ok(Some(d)) => d,
        Ok(None) => bail!("no [leads]"),
        Err(d) => {
            for e in d.iter().take(20) {
                eprintln!("{e}");
            }
            bail!("{} problem(s) in the export", d.error_count());
        }
    };
    let took = start.elapsed();
    let json = partnersite::leads::write_digest(&digest);
    if let Some(out) = &args.out {
        std::fs::write(out, &json)?;
    }
    println!(
        "leads_bench: {} leads ({} partners) aggregated in {:.2} s; peak RSS {} MiB (before reading: {} MiB); digest {} bytes",
        digest.totals.leads,
        digest.by_partner.len(),
        took.as_secs_f64(),
        peak_kib() / 1024,
        before / 1024,
        json.len()
    );
    Ok(())
}
