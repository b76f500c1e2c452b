//! Stage timings printed to stderr when `PARTNERSITE_TIMINGS` is set: where a build's
//! time and memory go, for benchmarks and bug reports.

use std::time::Instant;

/// Resident memory in MiB (Linux; `None` elsewhere).
fn rss_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1024 * 1024))
}

/// Print how long the stage since `start` took, if timings are on; returns a new start.
pub fn stage(name: &str, start: Instant) -> Instant {
    if std::env::var_os("PARTNERSITE_TIMINGS").is_some() {
        let rss = rss_mib().map_or(String::new(), |m| format!("  rss {m:>6} MiB"));
        eprintln!(
            "timing: {name:<12} {:>8.1} ms{rss}",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
    Instant::now()
}
