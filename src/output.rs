//! Where rendered files go: a [`Sink`] on disk (checked against the site's sources, written
//! into a temporary sibling folder under a lock, then swapped in) or in memory (for `serve`).

use crate::diagnostics::Diagnostic;
use crate::fsread::resolve_path as resolve;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file that marks a folder as partnersite's own output: only a folder holding it (or
/// an empty one) is ever replaced without `--force`. It is deployed with the site.
pub const MARKER: &str = ".partnersite-output";
const MARKER_TEXT: &str = "This folder was written by partnersite, a static site generator.\n\
The next `partnersite build` into it replaces the whole folder.\n";

/// Why an output path is refused (exit code 2, nothing touched).
#[derive(Debug)]
pub struct Refusal(pub Diagnostic);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refusal {}

/// What writes a file's bytes for [`Sink::write_from`].
pub type Fill<'f> = dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + 'f;

/// Receives every output file. Called from many threads at once.
pub trait Sink: Sync {
    /// Called once with every folder that will receive files (parents before children),
    /// so writers need not check for folders file by file.
    fn prepare_dirs(&self, _dirs: &[String]) -> Result<()> {
        Ok(())
    }
    /// `path` is relative to the output root, with forward slashes (`partners/x/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Write a file whose bytes `fill` writes, so that a large file (the home page of
    /// 10,000 partners is 13 MB) need not be held in memory at once: a disk sink streams
    /// them into the file, the others collect them and call [`Sink::write`]. When `fill`
    /// fails, no file is left at `path`.
    fn write_from(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        // A sink that keeps no bytes (`check`) need not hold a 13 MB page either.
        if !self.keeps_bytes() {
            fill(&mut std::io::sink()).with_context(|| format!("cannot write {path}"))?;
            return self.write(path, &[]);
        }
        let mut bytes = Vec::new();
        fill(&mut bytes).with_context(|| format!("cannot write {path}"))?;
        self.write(path, &bytes)
    }
    /// Whether the bytes written are kept: `false` lets the renderer skip generating
    /// files (share images) for a sink that only records paths.
    fn keeps_bytes(&self) -> bool {
        true
    }
    /// Copy a file from disk (logos, static files).
    fn copy(&self, path: &str, source: &Path) -> Result<()> {
        use std::io::Read;
        let mut bytes = Vec::new();
        crate::fsread::open_regular(source)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {}", source.display()))?;
        self.write(path, &bytes)
    }
}

/// A checked output folder. `path` is canonical (symlinks and `..` resolved) and is the
/// folder actually replaced; `shown` is the path as given, for messages.
#[derive(Debug, Clone)]
pub struct Target {
    path: PathBuf,
    shown: PathBuf,
    force: bool,
}

impl Target {
    /// Check `output` against the site at `root` before anything is written: refuse the
    /// site's sources (never, whatever `force` says), a file, and a non-empty folder that
    /// partnersite did not write (unless `force`). Errors that are refusals downcast to
    /// [`Refusal`].
    pub fn check(
        root: &Path,
        output: &Path,
        leads_source: Option<&str>,
        force: bool,
    ) -> Result<Target> {
        let path = resolve(output)?;
        let real_root = resolve(root)?;
        if let Some(why) = source_conflict(&real_root, &path, root, leads_source)? {
            return Err(Refusal(
                Diagnostic::error(output, format!("cannot build into this folder: {why}")).hint(
                    "choose an output folder outside the site's sources, such as the default \
                     `public/` beside site.toml; --force does not override this",
                ),
            )
            .into());
        }
        let target = Target {
            path,
            shown: output.to_path_buf(),
            force,
        };
        target.check_existing()?;
        Ok(target)
    }

    /// The folder that is replaced (canonical).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A file is never replaced; a folder only when it is empty, holds the [`MARKER`], or
    /// `--force` was given. Run again under the lock, just before writing.
    fn check_existing(&self) -> Result<()> {
        let meta = match std::fs::symlink_metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", self.path.display()));
            }
        };
        let refuse = |message: &str, hint: &str| -> Result<()> {
            Err(Refusal(Diagnostic::error(&self.shown, message).hint(hint)).into())
        };
        if !meta.is_dir() {
            let what = if meta.is_file() {
                "a file, not a folder"
            } else {
                "not a folder"
            };
            return refuse(
                &format!("cannot build into this path: it is {what}"),
                "remove it or choose another --output (a new or empty folder, or one partnersite wrote)",
            );
        }
        if self.force || is_marked(&self.path) || is_empty(&self.path)? {
            return Ok(());
        }
        refuse(
            &format!(
                "cannot replace this folder: it is not empty and partnersite did not write it \
                 (it has no `{MARKER}` file), so replacing it would delete what it holds"
            ),
            "choose a new or empty folder, or pass --force to replace it (everything in it is deleted)",
        )
    }
}

fn is_marked(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_empty(dir: &Path) -> Result<bool> {
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    Ok(entries.next().is_none())
}

/// What in the site `out` would overwrite or delete, if anything: the root itself or a
/// folder above it, a source folder or file (being it, inside it, or containing it), the
/// leads source, or a `.git` of the root or of a folder above it.
fn source_conflict(
    real_root: &Path,
    out: &Path,
    root: &Path,
    leads_source: Option<&str>,
) -> Result<Option<String>> {
    if out == real_root {
        return Ok(Some(
            "it is the site root, and a build replaces its output folder whole".into(),
        ));
    }
    if real_root.starts_with(out) {
        return Ok(Some(
            "it contains the site root, and a build replaces its output folder whole".into(),
        ));
    }
    let mut sources: Vec<(PathBuf, String)> = [
        "content",
        "static",
        "templates",
        "themes",
        crate::ogimage::cache::DIR,
    ]
    .iter()
    .map(|d| (real_root.join(d), format!("the site's `{d}/` folder")))
    .collect();
    sources.push((real_root.join("site.toml"), "the site's `site.toml`".into()));
    if let Some(source) = leads_source {
        sources.push((
            resolve(&root.join(source))?,
            format!("the leads source `{source}` (private lead data)"),
        ));
    }
    for dir in real_root.ancestors() {
        let git = dir.join(".git");
        if dir == real_root || std::fs::symlink_metadata(&git).is_ok() {
            let shown = if dir == real_root {
                "the site's git repository `.git`".to_string()
            } else {
                format!("the git repository {}", git.display())
            };
            sources.push((resolve(&git)?, shown));
        }
    }
    for (source, what) in sources {
        if out == source {
            return Ok(Some(format!(
                "it is {what}, and a build replaces its output folder whole"
            )));
        }
        if out.starts_with(&source) {
            return Ok(Some(format!(
                "it lies inside {what}, which a build must never write"
            )));
        }
        if source.starts_with(out) {
            return Ok(Some(format!(
                "it contains {what}, and a build replaces its output folder whole"
            )));
        }
    }
    Ok(None)
}

/// The entries partnersite keeps beside an output folder `<name>`, all hidden and named
/// after it: `.<name>.partnersite-lock`, `-tmp-<pid>` (a build in progress, or one that
/// was killed) and `-old` (the previous output while a rename-aside swap is under way).
struct Siblings {
    parent: PathBuf,
    prefix: String,
}

impl Siblings {
    fn of(target: &Path) -> Result<Siblings> {
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            anyhow::bail!(
                "cannot build into {}: it has no parent folder",
                target.display()
            );
        };
        Ok(Siblings {
            parent: parent.to_path_buf(),
            prefix: format!(".{}.partnersite-", name.to_string_lossy()),
        })
    }

    fn named(&self, suffix: &str) -> PathBuf {
        self.parent.join(format!("{}{suffix}", self.prefix))
    }

    /// Undo what a killed build left (called under the lock, so no live build owns these):
    /// a swap cut between its two renames is completed backwards, and temporary folders
    /// are removed. Failures are warnings: the previous output is never at stake here.
    fn recover(&self, target: &Path) {
        let old = self.named("old");
        if std::fs::symlink_metadata(&old).is_ok() {
            if std::fs::symlink_metadata(target).is_err() {
                match std::fs::rename(&old, target) {
                    Ok(()) => warn(
                        target,
                        "a build was interrupted while swapping in its output: the previous \
                         output was restored before building",
                    ),
                    Err(e) => warn(&old, &format!("cannot restore the previous output: {e}")),
                }
            } else {
                remove_or_warn(&old, "the previous output of an interrupted build");
            }
        }
        let stale = format!("{}tmp-", self.prefix);
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&stale) {
                remove_or_warn(
                    &entry.path(),
                    "the temporary folder of an interrupted build",
                );
            }
        }
    }
}

fn warn(path: &Path, message: &str) {
    eprintln!("{}", Diagnostic::warning(path, message));
}

fn remove_or_warn(dir: &Path, what: &str) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        warn(dir, &format!("cannot remove {what}: {e}"));
    }
}

/// An exclusive lock on `.<name>.partnersite-lock` beside the output, held from before
/// the temporary folder is made until after the swap. The file is removed while still
/// locked; a waiter that then gets the lock on the removed file notices (the path no
/// longer names its file) and locks the new one instead.
struct OutputLock {
    path: PathBuf,
    _file: File,
}

impl OutputLock {
    fn acquire(path: &Path, shown: &Path) -> Result<OutputLock> {
        let mut announced = false;
        loop {
            let file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .with_context(|| format!("cannot open the lock file {}", path.display()))?;
            // Called through the trait: std's own `File::lock` is newer than our MSRV.
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    if !announced {
                        eprintln!(
                            "waiting for another build into {} to finish (lock file {})",
                            crate::diagnostics::printable_path(shown),
                            crate::diagnostics::printable_path(path)
                        );
                        announced = true;
                    }
                    fs4::FileExt::lock(&file)
                        .with_context(|| format!("cannot lock {}", path.display()))?;
                }
                Err(fs4::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
            if still_named(&file, path) {
                return Ok(OutputLock {
                    path: path.to_path_buf(),
                    _file: file,
                });
            }
        }
    }
}

#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere the lock file is never removed, so the file locked is always the one named.
#[cfg(not(unix))]
fn still_named(_file: &File, _path: &Path) -> bool {
    true
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Swap two paths in one step, so the output is never missing. `Ok(false)` where the
/// platform or filesystem cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => Ok(false),
        Err(e) => Err(std::io::Error::from(e))
            .with_context(|| format!("cannot swap {} with {}", a.display(), b.display())),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool> {
    Ok(false)
}

/// Writes into a fresh temporary folder beside the final output; [`DiskSink::commit`]
/// swaps it in. Dropping it without commit removes the temporary folder, so a failed
/// build leaves the previous output exactly as it was.
pub struct DiskSink {
    tmp: PathBuf,
    target: Target,
    siblings: Siblings,
    committed: bool,
    // Dropped after `Drop::drop` has removed the temporary folder.
    _lock: OutputLock,
}

impl DiskSink {
    pub fn new(target: &Target) -> Result<DiskSink> {
        let siblings = Siblings::of(&target.path)?;
        std::fs::create_dir_all(&siblings.parent)
            .with_context(|| format!("cannot create {}", siblings.parent.display()))?;
        let lock = OutputLock::acquire(&siblings.named("lock"), &target.shown)?;
        siblings.recover(&target.path);
        // Another build may have changed the output while we waited.
        target.check_existing()?;
        let tmp = siblings.named(&format!("tmp-{}", std::process::id()));
        std::fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(DiskSink {
            tmp,
            target: target.clone(),
            siblings,
            committed: false,
            _lock: lock,
        })
    }

    /// Replace the target folder with the freshly written one. Once the new output is in
    /// place nothing fails: removing the previous copy is only a warning (the next build
    /// removes it).
    pub fn commit(mut self) -> Result<()> {
        let marker = self.tmp.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT)
            .with_context(|| format!("cannot write {}", marker.display()))?;
        let target = self.target.path.clone();
        if std::fs::symlink_metadata(&target).is_err() {
            std::fs::rename(&self.tmp, &target)
                .with_context(|| format!("cannot move the new output to {}", target.display()))?;
            self.committed = true;
            return Ok(());
        }
        if exchange(&self.tmp, &target)? {
            self.committed = true;
            remove_or_warn(&self.tmp, "the previous output");
            return Ok(());
        }
        self.swap_aside(&target)
    }

    /// Where the filesystem cannot swap in one step: previous output aside to `-old`, new
    /// one in. Killed in between, the next build's [`Siblings::recover`] puts `-old` back.
    fn swap_aside(&mut self, target: &Path) -> Result<()> {
        let old = self.siblings.named("old");
        std::fs::rename(target, &old).with_context(|| {
            format!("cannot move the previous output {} aside", target.display())
        })?;
        if let Err(e) = std::fs::rename(&self.tmp, target) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&old, target);
            return Err(e)
                .with_context(|| format!("cannot move the new output to {}", target.display()));
        }
        self.committed = true;
        remove_or_warn(&old, "the previous output");
        Ok(())
    }
}

impl Drop for DiskSink {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

impl Sink for DiskSink {
    fn prepare_dirs(&self, dirs: &[String]) -> Result<()> {
        use rayon::prelude::*;
        // Level by level (parents exist before their children), each level in parallel.
        let depth = |d: &String| d.matches('/').count();
        let max = dirs.iter().map(depth).max().unwrap_or(0);
        for level in 0..=max {
            dirs.par_iter()
                .filter(|d| depth(d) == level)
                .try_for_each(|d| {
                    let full = self.tmp.join(d);
                    match std::fs::create_dir(&full) {
                        Ok(()) => Ok(()),
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
                        Err(_) => std::fs::create_dir_all(&full)
                            .with_context(|| format!("cannot create {}", full.display())),
                    }
                })?;
        }
        Ok(())
    }

    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let full = self.tmp.join(path);
        std::fs::write(&full, bytes)
            .or_else(|_| {
                // Folder not prepared (a caller that skipped prepare_dirs): create it.
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&full, bytes)
            })
            .with_context(|| format!("cannot write {}", full.display()))
    }

    fn write_from(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        let full = self.tmp.join(path);
        let mut file = create_in_prepared(&full)
            .with_context(|| format!("cannot write {}", full.display()))?;
        fill(&mut file).map_err(|e| {
            let _ = std::fs::remove_file(&full);
            anyhow::Error::from(e).context(format!("cannot write {}", full.display()))
        })
    }

    fn copy(&self, path: &str, source: &Path) -> Result<()> {
        let full = self.tmp.join(path);
        // Not `fs::copy`: it follows links and blocks on a FIFO swapped in since the
        // read policy vetted `source`. `io::copy` still uses copy_file_range on Linux.
        let mut from = crate::fsread::open_regular(source)
            .with_context(|| format!("cannot copy {} to {}", source.display(), full.display()))?;
        let to = create_in_prepared(&full);
        to.and_then(|mut to| std::io::copy(&mut from, &mut to).map_err(anyhow::Error::from))
            .map(|_| ())
            .with_context(|| format!("cannot copy {} to {}", source.display(), full.display()))
    }
}

/// Create the file `full`, whose folder was made by prepare_dirs (no stat per file); else
/// it is made here.
fn create_in_prepared(full: &Path) -> Result<File> {
    File::create(full).or_else(|_| {
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        File::create(full).map_err(anyhow::Error::from)
    })
}

/// Keeps the site in memory: `serve` answers requests from it.
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut files = self
            .files
            .lock()
            .map_err(|_| anyhow::anyhow!("output map poisoned"))?;
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// Writes nothing and keeps no bytes: `check` renders the whole site into it to run every
/// stage of `build` but the write. It records each output path (for the link checker),
/// refuses a path written twice, and finds paths that are both a file and a folder.
#[derive(Default)]
pub struct PlanSink {
    paths: Mutex<std::collections::BTreeSet<String>>,
}

impl PlanSink {
    fn record(&self, path: &str) -> Result<()> {
        let mut paths = self
            .paths
            .lock()
            .map_err(|_| anyhow::anyhow!("output path set poisoned"))?;
        if !paths.insert(path.to_string()) {
            anyhow::bail!("the output path {path} is written twice");
        }
        Ok(())
    }

    /// (file, path inside it) for every recorded file that another path needs as a folder.
    pub fn folder_conflicts(&self) -> Vec<(String, String)> {
        let paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        folder_conflicts(&paths)
    }

    /// Every recorded output path, sorted.
    pub fn into_paths(self) -> std::collections::BTreeSet<String> {
        self.paths.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// (file, path inside it) for every path of `paths` that another one needs as a folder.
pub fn folder_conflicts<S>(paths: &std::collections::BTreeSet<S>) -> Vec<(String, String)>
where
    S: std::borrow::Borrow<str> + Ord,
{
    use std::ops::Bound::{Included, Unbounded};
    let mut out = Vec::new();
    for file in paths {
        let folder = format!("{}/", file.borrow());
        // Sorted: the paths inside `folder` come right after it, together.
        for inside in paths.range::<str, _>((Included(folder.as_str()), Unbounded)) {
            if !inside.borrow().starts_with(&folder) {
                break;
            }
            out.push((file.borrow().to_string(), inside.borrow().to_string()));
        }
    }
    out
}

impl Sink for PlanSink {
    fn write(&self, path: &str, _bytes: &[u8]) -> Result<()> {
        self.record(path)
    }

    fn keeps_bytes(&self) -> bool {
        false
    }

    /// Opens the source (a file `build` could not read fails `check` too) but reads no byte.
    fn copy(&self, path: &str, source: &Path) -> Result<()> {
        // The same open as the disk copy (no link followed, a FIFO never blocks).
        crate::fsread::open_regular(source)
            .with_context(|| format!("cannot read {}", source.display()))?;
        self.record(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rename-aside swap (used where RENAME_EXCHANGE is not available) replaces the
    /// output and leaves nothing beside it.
    #[test]
    fn the_rename_aside_swap_replaces_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        let target = Target::check(&dir.path().join("site"), &out, None, false).unwrap();
        let mut sink = DiskSink::new(&target).unwrap();
        sink.write("new.html", b"new").unwrap();
        sink.swap_aside(target.path()).unwrap();
        drop(sink);
        assert!(!out.join("old.html").exists());
        assert_eq!(std::fs::read(out.join("new.html")).unwrap(), b"new");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["out"]);
    }

    /// A file written in pieces is whole; one whose writer fails is not left behind (a
    /// page whose template fails halfway), and the error is the writer's.
    #[test]
    fn a_disk_sink_streams_files_and_leaves_no_failed_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::check(
            &dir.path().join("site"),
            &dir.path().join("out"),
            None,
            false,
        )
        .unwrap();
        let sink = DiskSink::new(&target).unwrap();
        sink.write_from("big.html", &mut |w| {
            (0..3).try_for_each(|i| w.write_all(format!("part {i};").as_bytes()))
        })
        .unwrap();
        let err = sink
            .write_from("half.html", &mut |w| {
                w.write_all(b"<html>")?;
                Err(std::io::Error::other("template failed"))
            })
            .unwrap_err();
        assert!(format!("{err:#}").contains("template failed"), "{err:#}");
        assert_eq!(
            std::fs::read(sink.tmp.join("big.html")).unwrap(),
            b"part 0;part 1;part 2;"
        );
        assert!(!sink.tmp.join("half.html").exists());
        // The default implementations record nothing when the writer fails.
        let plan = PlanSink::default();
        assert!(
            plan.write_from("x.html", &mut |_| Err(std::io::Error::other("no")))
                .is_err()
        );
        plan.write_from("y.html", &mut |w| w.write_all(b"y"))
            .unwrap();
        assert_eq!(plan.into_paths().len(), 1);
        let memory = MemorySink::default();
        assert!(
            memory
                .write_from("x.html", &mut |_| Err(std::io::Error::other("no")))
                .is_err()
        );
        memory
            .write_from("y.html", &mut |w| w.write_all(b"y"))
            .unwrap();
        let files = memory.into_files();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["y.html"]);
        assert_eq!(files.get("y.html").map(Vec::as_slice), Some(&b"y"[..]));
    }

    #[test]
    fn plan_sink_records_paths_and_finds_collisions() {
        let sink = PlanSink::default();
        sink.write("a/index.html", b"x").unwrap();
        sink.write("a/index.html/logo.svg", b"x").unwrap();
        sink.write("a/index.htmlx", b"x").unwrap();
        assert!(sink.write("a/index.html", b"y").is_err());
        assert_eq!(
            sink.folder_conflicts(),
            vec![(
                "a/index.html".to_string(),
                "a/index.html/logo.svg".to_string()
            )]
        );
        assert_eq!(sink.into_paths().len(), 3);
    }
}
