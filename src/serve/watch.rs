//! File watching for `serve`: one recursive watch on the site root (plus the leads source
//! when it lives outside the site), events filtered by their path relative to the root,
//! debounced into batches that say whether an incremental rebuild can apply them.

use crate::diagnostics::{escape_terminal, printable_path};
use anyhow::{Context as _, Result};
use notify::event::{ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Quiet time after the last event before rebuilding: editors save in several steps.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// One debounced batch of changes.
#[derive(Debug, Default)]
pub struct Batch {
    /// Changed paths, relative to the site root when inside it (sorted, unique). Files
    /// created and gone again within the batch (an editor's temp file) are left out.
    pub paths: Vec<PathBuf>,
    /// Only a full rebuild applies this batch: a folder was created, removed or renamed,
    /// a file that existed before the batch is gone, or the backend lost track.
    pub structural: bool,
    /// When the first event of the batch arrived.
    pub started: Option<Instant>,
}

/// What one event did to one path, as far as the rebuild policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A new name: the path did not exist just before.
    Create,
    /// The content or metadata changed, or a file was renamed over the path.
    Write,
    /// The name went away (deleted or renamed elsewhere).
    Vanish,
    /// A folder event, or an event the backend could not describe.
    Structural,
}

/// Editor leftovers and files the build never reads: never a reason to rebuild. `rel`
/// is relative to the site root: `public/`, `target/` and the share-image cache
/// `.partnersite-cache/` are ignored only at the root
/// (a partner folder may be named either), `.git` anywhere.
pub fn is_noise(rel: &Path) -> bool {
    let mut parts = rel.components().filter_map(|c| match c {
        Component::Normal(s) => Some(s),
        _ => None,
    });
    if parts.next().is_some_and(|first| {
        first == "public" || first == "target" || first == ".partnersite-cache"
    }) {
        return true;
    }
    if rel.components().any(|c| c.as_os_str() == ".git") {
        return true;
    }
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".crdownload")
        || name.contains("___jb_")
        || name == "4913"
}

/// The site root watched recursively, plus paths outside it (the leads source).
pub struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    /// Watched folders outside the root, and whether recursively.
    outside: BTreeSet<(PathBuf, bool)>,
    /// The outside paths whose changes count (not their siblings).
    targets: Vec<PathBuf>,
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
}

impl Watch {
    /// Start watching `root` (canonical). Events are queued from here on, so a save made
    /// while the first build runs is picked up by the first batch.
    pub fn start(root: &Path) -> Result<Watch> {
        let (tx, rx) = mpsc::channel();
        let filter_root = root.to_path_buf();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            // Drop noise here, not after debouncing: a busy `target/` must not keep the
            // quiet window open for ever.
            let keep = match &res {
                Ok(e) => !matches!(e.kind, EventKind::Access(_)) && relevant(&filter_root, e),
                Err(_) => true,
            };
            if keep {
                let _ = tx.send(res);
            }
        })
        .context("cannot start the file watcher")?;
        watcher
            .watch(root, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        Ok(Watch {
            root: root.to_path_buf(),
            watcher,
            outside: BTreeSet::new(),
            targets: Vec::new(),
            rx,
        })
    }

    /// Watch exactly these paths outside the root (a file through its parent folder, so
    /// that a file replaced by a rename is still seen). Paths inside the root are already
    /// watched. Give canonical paths.
    pub fn set_outside(&mut self, paths: &[PathBuf]) {
        let targets: Vec<PathBuf> = paths
            .iter()
            .filter(|p| !p.starts_with(&self.root))
            .cloned()
            .collect();
        let wanted: BTreeSet<(PathBuf, bool)> = targets
            .iter()
            .filter_map(|p| match p.is_dir() {
                true => Some((p.clone(), true)),
                false => p.parent().map(|d| (d.to_path_buf(), false)),
            })
            .collect();
        for (gone, _) in self.outside.difference(&wanted) {
            let _ = self.watcher.unwatch(gone);
        }
        for (new, recursive) in wanted.difference(&self.outside) {
            let mode = match recursive {
                true => RecursiveMode::Recursive,
                false => RecursiveMode::NonRecursive,
            };
            if let Err(e) = self.watcher.watch(new, mode) {
                eprintln!("{}", cannot_watch(new, &e));
            }
        }
        self.outside = wanted;
        self.targets = targets;
    }

    /// Block until the next debounced batch that holds a change; `None` when the watcher
    /// has stopped.
    pub fn next_batch(&self) -> Option<Batch> {
        loop {
            let first = self.rx.recv().ok()?;
            let started = Instant::now();
            let mut events = vec![first];
            while let Ok(more) = self.rx.recv_timeout(DEBOUNCE) {
                events.push(more);
            }
            let mut batch = classify(&self.root, &self.targets, &events, |p| {
                std::fs::symlink_metadata(p).ok().map(|m| m.is_dir())
            });
            if !batch.paths.is_empty() || batch.structural {
                batch.started = Some(started);
                return Some(batch);
            }
        }
    }
}

/// Whether an event touches a path the site may read.
fn relevant(root: &Path, e: &notify::Event) -> bool {
    e.need_rescan()
        || e.paths.is_empty()
        || e.paths
            .iter()
            .any(|p| !p.strip_prefix(root).is_ok_and(is_noise))
}

/// The ops of one event, per path.
fn ops(e: &notify::Event, exists: &impl Fn(&Path) -> Option<bool>) -> Vec<(PathBuf, Op)> {
    use notify::event::{CreateKind, RemoveKind};
    let each = |op: Op| e.paths.iter().map(|p| (p.clone(), op)).collect();
    match e.kind {
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder) => {
            each(Op::Structural)
        }
        EventKind::Create(_) => each(Op::Create),
        EventKind::Remove(_) => each(Op::Vanish),
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => each(Op::Vanish),
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => each(Op::Write),
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            let mut v: Vec<(PathBuf, Op)> = Vec::new();
            let mut paths = e.paths.iter();
            v.extend(paths.next().map(|p| (p.clone(), Op::Vanish)));
            v.extend(paths.map(|p| (p.clone(), Op::Write)));
            v
        }
        // FSEvents says only "renamed": which side this path was is read from the disk.
        EventKind::Modify(ModifyKind::Name(_)) => e
            .paths
            .iter()
            .map(|p| {
                let op = if exists(p).is_some() {
                    Op::Write
                } else {
                    Op::Vanish
                };
                (p.clone(), op)
            })
            .collect(),
        EventKind::Modify(_) => each(Op::Write),
        EventKind::Access(_) => Vec::new(),
        EventKind::Any | EventKind::Other => each(Op::Structural),
    }
}

/// Turn a burst of raw events into a batch. `exists(path)` is `Some(is_dir)` for a path
/// on disk now, `None` for a missing one.
/// The warning for a folder outside the root that cannot be watched; the path and the
/// error (which may quote it) are escaped for the terminal.
fn cannot_watch(path: &Path, e: &notify::Error) -> String {
    format!(
        "warning: cannot watch {}: {}",
        printable_path(path),
        escape_terminal(&e.to_string())
    )
}

/// The warning for a failed watcher event (its text may quote a file name).
fn watcher_failed(err: &notify::Error) -> String {
    format!(
        "warning: file watcher: {}; rebuilding everything",
        escape_terminal(&err.to_string())
    )
}

fn classify(
    root: &Path,
    outside: &[PathBuf],
    events: &[notify::Result<notify::Event>],
    exists: impl Fn(&Path) -> Option<bool>,
) -> Batch {
    let mut batch = Batch::default();
    // Each path's first op in the batch and whether any op was structural.
    let mut seen: BTreeMap<PathBuf, (Op, bool)> = BTreeMap::new();
    for res in events {
        let e = match res {
            Ok(e) => e,
            Err(err) => {
                eprintln!("{}", watcher_failed(err));
                batch.structural = true;
                continue;
            }
        };
        if e.need_rescan() || (e.paths.is_empty() && !matches!(e.kind, EventKind::Access(_))) {
            batch.structural = true;
        }
        for (path, op) in ops(e, &exists) {
            let rel = match path.strip_prefix(root) {
                Ok(rel) if is_noise(rel) => continue,
                Ok(rel) => rel.to_path_buf(),
                Err(_) if outside.iter().any(|t| path.starts_with(t)) => path.clone(),
                Err(_) => continue,
            };
            let entry = seen.entry(rel).or_insert((op, false));
            entry.1 |= op == Op::Structural;
        }
    }
    for (rel, (first, structural)) in seen {
        let full = root.join(&rel);
        match exists(&full) {
            // A temp file written and renamed away (or deleted) within the batch.
            None if first == Op::Create => continue,
            None => batch.structural = true,
            Some(true) => batch.structural = true,
            Some(false) => batch.structural |= structural,
        }
        batch.paths.push(rel);
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    #[test]
    fn watch_warnings_escape_file_names() {
        let path = Path::new("/tmp/\u{1b}[31mred\nx");
        let e = notify::Error::generic("no \u{1b}]0;title\u{7}").add_path(path.into());
        let shown = cannot_watch(path, &e);
        assert!(shown.starts_with("warning: cannot watch /tmp/\\u{1b}[31mred\\nx: "));
        assert!(
            !shown.chars().any(crate::diagnostics::is_unsafe_char),
            "{shown:?}"
        );
        let shown = watcher_failed(&e);
        assert!(shown.contains("\\u{1b}]0;title\\u{7}"), "{shown:?}");
        assert!(
            !shown.chars().any(crate::diagnostics::is_unsafe_char),
            "{shown:?}"
        );
    }

    #[test]
    fn noise() {
        assert!(is_noise(Path::new("content/.about.md.swp")));
        assert!(is_noise(Path::new("content/about.md~")));
        assert!(is_noise(Path::new("content/4913")));
        assert!(is_noise(Path::new("public/index.html")));
        assert!(is_noise(Path::new("public")));
        assert!(is_noise(Path::new(".partnersite-cache/og/x.png")));
        assert!(is_noise(Path::new("target/debug/x")));
        assert!(is_noise(Path::new(".git/index.lock")));
        assert!(is_noise(Path::new("content/about.md___jb_tmp___")));
        assert!(!is_noise(Path::new("content/partners/x/about.md")));
        assert!(!is_noise(Path::new("content/partners/target/about.md")));
        assert!(!is_noise(Path::new("content/partners/public/partner.toml")));
        assert!(!is_noise(Path::new("static")));
        assert!(!is_noise(Path::new("site.toml")));
    }

    fn ev(kind: EventKind, paths: &[&str]) -> notify::Result<notify::Event> {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(Path::new("/site").join(p));
        }
        Ok(e)
    }

    fn run(events: &[notify::Result<notify::Event>], on_disk: &[(&str, bool)]) -> Batch {
        classify(Path::new("/site"), &[], events, |p| {
            on_disk
                .iter()
                .find(|(d, _)| Path::new("/site").join(d) == p)
                .map(|(_, dir)| *dir)
        })
    }

    const ABOUT: &str = "content/partners/x/about.md";

    #[test]
    fn a_rename_replace_save_is_a_change_of_the_file() {
        let tmp = "content/partners/x/sedAb12Cd";
        let events = [
            ev(EventKind::Create(CreateKind::File), &[tmp]),
            ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &[tmp]),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                &[tmp],
            ),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                &[ABOUT],
            ),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[tmp, ABOUT],
            ),
        ];
        let b = run(&events, &[(ABOUT, false)]);
        assert_eq!(b.paths, vec![PathBuf::from(ABOUT)]);
        assert!(!b.structural);
    }

    #[test]
    fn deletes_folders_and_real_renames_are_structural() {
        let gone = run(&[ev(EventKind::Remove(RemoveKind::File), &[ABOUT])], &[]);
        assert!(gone.structural);
        assert_eq!(gone.paths, vec![PathBuf::from(ABOUT)]);
        let moved = run(
            &[ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                &["content"],
            )],
            &[],
        );
        assert!(moved.structural);
        let back = run(
            &[ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                &["content"],
            )],
            &[("content", true)],
        );
        assert!(back.structural);
        let folder = run(
            &[ev(EventKind::Create(CreateKind::Folder), &["static"])],
            &[("static", true)],
        );
        assert!(folder.structural);
        let rescan = run(
            &[Ok(
                notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan)
            )],
            &[],
        );
        assert!(rescan.structural);
    }

    #[test]
    fn noise_alone_is_no_batch() {
        let b = run(
            &[
                ev(EventKind::Modify(ModifyKind::Any), &["target/debug/x"]),
                ev(EventKind::Create(CreateKind::File), &[".git/index.lock"]),
            ],
            &[],
        );
        assert!(b.paths.is_empty() && !b.structural);
    }
}
