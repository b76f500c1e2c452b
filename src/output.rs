//! Where rendered files go: a [`Sink`] on disk (written into a temporary sibling folder,
//! then swapped in atomically) or in memory (for `serve`).

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Receives every output file. Called from many threads at once.
pub trait Sink: Sync {
    /// Called once with every folder that will receive files (parents before children),
    /// so writers need not check for folders file by file.
    fn prepare_dirs(&self, _dirs: &[String]) -> Result<()> {
        Ok(())
    }
    /// `path` is relative to the output root, with forward slashes (`partners/x/index.html`).
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Copy a file from disk (logos, static files).
    fn copy(&self, path: &str, source: &Path) -> Result<()> {
        let bytes =
            std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
        self.write(path, &bytes)
    }
}

/// Writes into a fresh temporary folder beside the final output; [`DiskSink::commit`]
/// swaps it in. Dropping it without commit removes the temporary folder, so a failed
/// build leaves the previous output exactly as it was.
pub struct DiskSink {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl DiskSink {
    pub fn new(target: &Path) -> Result<DiskSink> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let tmp = parent.join(format!(".{name}.partnersite-tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)
                .with_context(|| format!("cannot remove {}", tmp.display()))?;
        }
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(DiskSink {
            tmp,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Replace the target folder with the freshly written one.
    pub fn commit(mut self) -> Result<()> {
        let old = self.tmp.with_extension("old");
        if old.exists() {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove {}", old.display()))?;
        }
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "cannot move the previous output {} aside",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.target) {
            if had_old {
                // Put the previous output back before reporting.
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!("cannot move the new output to {}", self.target.display())
            });
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove {}", old.display()))?;
        }
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

    fn copy(&self, path: &str, source: &Path) -> Result<()> {
        let full = self.tmp.join(path);
        if let Some(parent) = full.parent().filter(|p| !p.exists()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::copy(source, &full)
            .map(|_| ())
            .with_context(|| format!("cannot copy {} to {}", source.display(), full.display()))
    }
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

    /// Opens the source (a file `build` could not read fails `check` too) but reads no byte.
    fn copy(&self, path: &str, source: &Path) -> Result<()> {
        std::fs::File::open(source).with_context(|| format!("cannot read {}", source.display()))?;
        self.record(path)
    }
}

#[cfg(test)]
mod tests {
    use super::{PlanSink, Sink};

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
