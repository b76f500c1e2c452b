//! Stage timings printed to stderr when `PARTNERSITE_TIMINGS` is set: where a build's
//! time goes, for benchmarks and bug reports.

use std::time::Instant;

/// Print how long the stage since `start` took, if timings are on; returns a new start.
pub fn stage(name: &str, start: Instant) -> Instant {
    if std::env::var_os("PARTNERSITE_TIMINGS").is_some() {
        eprintln!(
            "timing: {name:<10} {:>8.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
    Instant::now()
}
