//! File watching for `serve`: notify events, debounced, editor temp files dropped.

use crate::config::SiteConfig;
use anyhow::{Context as _, Result};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Quiet time after the last event before rebuilding: editors save in several steps.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// What `serve` watches: site.toml, content/, static/, templates/, themes/, the leads source.
pub fn watched_paths(root: &Path, config: Option<&SiteConfig>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = ["site.toml", "content", "static", "templates", "themes"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    if let Some(leads) = config.and_then(|c| c.leads.as_ref()) {
        paths.push(root.join(leads.source.get_ref()));
    }
    paths.retain(|p| p.exists());
    paths
}

/// Editor leftovers, hidden files and build output never trigger a rebuild. `path` is
/// relative to the site root (a site may itself live under a folder named `target`).
pub fn is_noise(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".crdownload")
        || name == "4913"
        || path
            .components()
            .any(|c| c.as_os_str() == "public" || c.as_os_str() == "target")
}

/// Block forever, calling `on_change` with each debounced batch of changed paths and
/// the instant the first event of the batch arrived.
/// `ready` runs once every watch is registered (edits from then on are seen).
pub fn watch(
    root: &Path,
    paths: &[PathBuf],
    ready: impl FnOnce(),
    mut on_change: impl FnMut(&[PathBuf], Instant),
) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(event.paths);
            }
        }
    })
    .context("cannot start the file watcher")?;
    for p in paths {
        let mode = if p.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        watcher
            .watch(p, mode)
            .with_context(|| format!("cannot watch {}", p.display()))?;
    }
    ready();
    loop {
        let Ok(first) = rx.recv() else { return Ok(()) };
        let started = Instant::now();
        let mut batch: Vec<PathBuf> = first;
        while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
            batch.extend(more);
        }
        batch.retain(|p| !is_noise(p.strip_prefix(root).unwrap_or(p)));
        batch.sort();
        batch.dedup();
        if !batch.is_empty() {
            on_change(&batch, started);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise() {
        assert!(is_noise(Path::new("content/.about.md.swp")));
        assert!(is_noise(Path::new("content/about.md~")));
        assert!(is_noise(Path::new("content/4913")));
        assert!(!is_noise(Path::new("content/partners/x/about.md")));
        assert!(is_noise(Path::new("public/index.html")));
    }
}
