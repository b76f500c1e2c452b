//! The one policy for reading a site file: regular files only (a FIFO, socket or device
//! is refused before it is opened, so nothing blocks), symlinks only where they resolve
//! inside their area and never into the lead export or `.git`, a size limit, and UTF-8
//! for text. Every read of site.toml, content, images, templates, static files and the
//! leads source goes through [`SiteFiles`].
//!
//! Cost on the hot path: one `lstat`, one `open` and one `fstat` per file. Symlinks (rare)
//! pay for `realpath` of the link and of the folders it may not enter.

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest lead export file (CSV) read: exports are streamed, so the limit only bounds
/// the time a runaway file can take; [`crate::config::SecurityConfig::max_file_size`]
/// (meant for content) would refuse real exports.
pub const MAX_LEAD_EXPORT: u64 = 2 * 1024 * 1024 * 1024;
/// Largest digest (`[leads] source = "*.json"`) read: it is parsed in memory.
pub const MAX_DIGEST: u64 = 256 * 1024 * 1024;

/// Where a file lives, which decides where a symlink to it may lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Under `content/` (partner records, Markdown, logos): links must stay in `content/`,
    /// since partners write it through pull requests.
    Content,
    /// site.toml, `themes/`, `templates/`, `static/`: links must stay in the site root.
    Site,
    /// The leads source named in site.toml: the program may keep the export outside the
    /// repository, so links may lead anywhere but into `.git`.
    Leads,
}

/// Why a file was not read. Phrased to follow "`name` " or "this ".
#[derive(Debug)]
pub enum Refused {
    NotFound,
    /// A FIFO, socket, device or folder where a file was expected.
    NotRegular(&'static str),
    /// A symlink whose target does not exist.
    Dangling,
    /// A symlink leading out of its area (`content/` or the site root).
    Outside(Area),
    /// A symlink into the lead export.
    IntoLeads(String),
    /// A symlink into `.git` (where CI keeps its token).
    IntoGit,
    TooLarge {
        len: u64,
        limit: u64,
    },
    Io(std::io::Error),
}

impl Refused {
    /// "is a link to ..." / "is a FIFO, not a regular file" (the subject comes first).
    pub fn describe(&self) -> String {
        match self {
            Refused::NotFound => "does not exist".into(),
            Refused::NotRegular(kind) => format!("is {kind}, not a regular file"),
            Refused::Dangling => "is a link to nothing (its target does not exist)".into(),
            Refused::Outside(Area::Content) => "is a link to a file outside content/".into(),
            Refused::Outside(_) => "is a link to a file outside the site".into(),
            Refused::IntoLeads(source) => format!("is a link into the lead export `{source}`"),
            Refused::IntoGit => "is a link into the `.git` folder".into(),
            Refused::TooLarge { len, limit } => {
                format!("is {len} bytes; the limit is {limit} bytes")
            }
            Refused::Io(e) => format!("cannot be read: {e}"),
        }
    }

    /// How to fix it, for an editor.
    pub fn help(&self) -> &'static str {
        match self {
            Refused::NotFound => "create the file or fix its name",
            Refused::NotRegular(_) => "replace it with a plain file",
            Refused::Dangling | Refused::Outside(Area::Site | Area::Leads) => {
                "copy the file into the site instead of linking to it"
            }
            Refused::Outside(Area::Content) => {
                "copy the file into content/ instead of linking to it"
            }
            Refused::IntoLeads(_) => {
                "the lead export is private: never link to it; put the content in this file"
            }
            Refused::IntoGit => {
                "`.git` holds the repository's settings and tokens: never link into it; put the content in this file"
            }
            Refused::TooLarge { .. } => {
                "split the content or raise [security] max_file_size in site.toml"
            }
            Refused::Io(_) => "check the file's permissions",
        }
    }

    /// A diagnostic on `rel` (relative to the site root).
    pub fn diagnostic(&self, rel: &Path) -> Diagnostic {
        let message = match self {
            // The wording editors already know from the content loader.
            Refused::TooLarge { len, limit } => {
                format!("file is {len} bytes; the limit is {limit} bytes")
            }
            Refused::Io(e) => format!("cannot read file: {e}"),
            other => format!("this {}", other.describe()),
        };
        Diagnostic::error(rel, message).hint(self.help())
    }
}

/// A file opened under the policy: a regular file, its length from `fstat`.
pub struct Opened {
    pub file: File,
    pub len: u64,
}

/// The read policy of one site, cheap to make (no system call): the folders a link may
/// not enter are resolved only when a link is met.
#[derive(Debug, Clone)]
pub struct SiteFiles<'a> {
    root: &'a Path,
    canonical_root: &'a Path,
    /// `[leads] source` and every `[[leads.period]]` source.
    leads: Vec<&'a str>,
    max_file_size: u64,
}

impl<'a> SiteFiles<'a> {
    pub fn new(config: &'a SiteConfig) -> SiteFiles<'a> {
        SiteFiles {
            root: &config.root,
            canonical_root: &config.canonical_root,
            leads: config
                .leads
                .iter()
                .flat_map(|l| {
                    std::iter::once(l.source.get_ref().as_str())
                        .chain(l.periods.iter().map(|p| p.source.get_ref().as_str()))
                })
                .filter(|s| !s.is_empty())
                .collect(),
            max_file_size: config.security.max_file_size,
        }
    }

    /// Before site.toml is parsed (or in tests): no leads source known yet.
    pub fn for_root(root: &'a Path, canonical_root: &'a Path, max_file_size: u64) -> Self {
        SiteFiles {
            root,
            canonical_root,
            leads: Vec::new(),
            max_file_size,
        }
    }

    /// `path` relative to the site root, as diagnostics show it.
    pub fn rel(&self, path: &Path) -> PathBuf {
        path.strip_prefix(self.root)
            .or_else(|_| path.strip_prefix(self.canonical_root))
            .unwrap_or(path)
            .to_path_buf()
    }

    /// `[security] max_file_size`.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// Open `path` for reading: its type is checked before it is opened (a FIFO would
    /// block `open`, a device never ends), a symlink must resolve inside `area`, and the
    /// opened handle is checked again (the file may have been swapped in between).
    pub fn open(&self, path: &Path, area: Area, limit: u64) -> Result<Opened, Refused> {
        self.open_resolved(path, area, limit).map(|(_, o)| o)
    }

    /// Check `path` as [`SiteFiles::open`] does and give the path to open it by later
    /// with [`open_regular`] (a link's resolved target).
    pub fn resolve(&self, path: &Path, area: Area, limit: u64) -> Result<PathBuf, Refused> {
        self.open_resolved(path, area, limit).map(|(p, _)| p)
    }

    fn open_resolved(
        &self,
        path: &Path,
        area: Area,
        limit: u64,
    ) -> Result<(PathBuf, Opened), Refused> {
        let meta = std::fs::symlink_metadata(path).map_err(io_refusal)?;
        let target = if meta.file_type().is_symlink() {
            self.check_link(path, area)?
        } else {
            not_regular(&meta).map_or(Ok(()), Err)?;
            path.to_path_buf()
        };
        let file = open_nonblocking(&target).map_err(io_refusal)?;
        Ok((target, checked(file, limit)?))
    }

    /// The bytes of a file, at most `limit` of them whatever its length said (`/proc`
    /// files report 0).
    pub fn read_bytes(&self, path: &Path, area: Area, limit: u64) -> Result<Vec<u8>, Refused> {
        read_opened(self.open(path, area, limit)?, limit)
    }

    /// [`SiteFiles::read_text`] of a file its folder's listing has just reported as a
    /// regular file (not a link): the listing's type stands for the `lstat` before the
    /// open. The open still follows no link and the opened handle is checked as in
    /// [`SiteFiles::open`]; when the open fails (a link swapped in since is refused by
    /// `O_NOFOLLOW`), the file is read by [`SiteFiles::read_text`], which reports it.
    pub fn read_listed_text(&self, path: &Path, area: Area) -> Result<String, Diagnostic> {
        if !cfg!(unix) {
            return self.read_text(path, area);
        }
        let Ok(file) = open_nonblocking(path) else {
            return self.read_text(path, area);
        };
        let rel = self.rel(path);
        let limit = self.max_file_size;
        let opened = checked(file, limit).map_err(|r| r.diagnostic(&rel))?;
        let bytes = read_opened(opened, limit).map_err(|r| r.diagnostic(&rel))?;
        utf8(&rel, bytes)
    }

    /// A text file under `[security] max_file_size`, as UTF-8; every refusal is a
    /// diagnostic naming the file.
    pub fn read_text(&self, path: &Path, area: Area) -> Result<String, Diagnostic> {
        let rel = self.rel(path);
        let bytes = self
            .read_bytes(path, area, self.max_file_size)
            .map_err(|r| r.diagnostic(&rel))?;
        utf8(&rel, bytes)
    }

    /// A symlink met while listing a folder or opening a file: where it leads, when that
    /// is allowed for `area`.
    pub fn check_link(&self, path: &Path, area: Area) -> Result<PathBuf, Refused> {
        let target = match path.canonicalize() {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Dangling),
            Err(e) => return Err(Refused::Io(e)),
        };
        let under = |rel: &str| {
            let p = self.canonical_root.join(rel);
            p.canonicalize().unwrap_or(p)
        };
        if target.starts_with(under(".git")) {
            return Err(Refused::IntoGit);
        }
        if area == Area::Leads {
            return Ok(target);
        }
        for source in &self.leads {
            // `root.join` keeps an absolute source as it is.
            if target.starts_with(under(source)) {
                return Err(Refused::IntoLeads(source.to_string()));
            }
        }
        if !target.starts_with(self.canonical_root) {
            return Err(Refused::Outside(Area::Site));
        }
        if area == Area::Content && !target.starts_with(under("content")) {
            return Err(Refused::Outside(Area::Content));
        }
        Ok(target)
    }
}

/// `path` made absolute with every symlink and `..` resolved. For a path that does not
/// exist yet, the deepest existing ancestor is resolved and the rest appended (`..` in
/// the rest pops lexically: nothing there exists, so nothing there is a symlink).
pub fn resolve_path(path: &Path) -> anyhow::Result<PathBuf> {
    use anyhow::Context;
    use std::path::Component;
    let abs =
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    let parts: Vec<Component> = abs.components().collect();
    for keep in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts.iter().take(keep).collect();
        match prefix.canonicalize() {
            Ok(mut real) => {
                for part in parts.iter().skip(keep) {
                    match part {
                        Component::ParentDir => {
                            real.pop();
                        }
                        Component::Normal(name) => real.push(name),
                        _ => {}
                    }
                }
                return Ok(real);
            }
            // It exists but does not resolve: a symlink to nothing, or unreadable.
            Err(e) if std::fs::symlink_metadata(&prefix).is_ok() => {
                return Err(e).with_context(|| format!("cannot resolve {}", prefix.display()));
            }
            Err(_) => {}
        }
    }
    Ok(abs)
}

/// Open a file already vetted by [`SiteFiles`] (a path from [`SiteFiles::resolve`]) for
/// copying into the output: still never blocking, never following a link swapped in
/// since, and only a regular file.
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    match not_regular(&meta) {
        None => Ok(file),
        Some(r) => Err(std::io::Error::other(r.describe())),
    }
}

/// Decode text, placing an invalid byte at its line and column.
pub fn utf8(rel: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text =
            String::from_utf8_lossy(e.as_bytes().get(..valid).unwrap_or_default()).into_owned();
        Diagnostic::error(rel, "file is not valid UTF-8 text")
            .at_offset(&text, valid, 0)
            .hint("re-save the file with UTF-8 encoding")
    })
}

fn io_refusal(e: std::io::Error) -> Refused {
    if e.kind() == std::io::ErrorKind::NotFound {
        Refused::NotFound
    } else {
        Refused::Io(e)
    }
}

/// What a non-regular file is, in words; `None` for a regular file.
fn not_regular(meta: &Metadata) -> Option<Refused> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    let kind = if t.is_dir() {
        "a folder"
    } else {
        special_kind(&t)
    };
    Some(Refused::NotRegular(kind))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else if t.is_symlink() {
        "a link"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    if t.is_symlink() {
        "a link"
    } else {
        "a special file"
    }
}

/// The opened handle checked again: a regular file of at most `limit` bytes.
fn checked(file: File, limit: u64) -> Result<Opened, Refused> {
    let meta = file.metadata().map_err(Refused::Io)?;
    not_regular(&meta).map_or(Ok(()), Err)?;
    let len = meta.len();
    if len > limit {
        return Err(Refused::TooLarge { len, limit });
    }
    Ok(Opened { file, len })
}

/// The bytes of an opened file, at most `limit` of them whatever its length said.
fn read_opened(opened: Opened, limit: u64) -> Result<Vec<u8>, Refused> {
    let Opened { file, len } = opened;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(Refused::TooLarge { len: read, limit });
    }
    Ok(bytes)
}

/// Open without blocking (a FIFO swapped in after the type check opens at once instead
/// of waiting for a writer) and without following a last-component link (a link swapped
/// in is refused by the `fstat` that follows... or by `open` itself).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn refuses_special_files_and_links_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/config"), "token").unwrap();
        std::fs::write(root.join("site.toml"), "x").unwrap();
        std::fs::write(root.join("content/a.md"), "hello").unwrap();
        let files = SiteFiles::for_root(&root, &root, 100);
        let c = |name: &str| root.join("content").join(name);
        assert_eq!(files.read_text(&c("a.md"), Area::Content).unwrap(), "hello");
        std::os::unix::fs::symlink("../.git/config", c("git.md")).unwrap();
        std::os::unix::fs::symlink("../site.toml", c("toml.md")).unwrap();
        std::os::unix::fs::symlink("a.md", c("alias.md")).unwrap();
        assert!(matches!(
            files.open(&c("git.md"), Area::Content, 100),
            Err(Refused::IntoGit)
        ));
        assert!(matches!(
            files.open(&c("toml.md"), Area::Content, 100),
            Err(Refused::Outside(Area::Content))
        ));
        assert!(
            files
                .open(&root.join("content/toml.md"), Area::Site, 100)
                .is_ok()
        );
        assert_eq!(
            files.read_text(&c("alias.md"), Area::Content).unwrap(),
            "hello"
        );
        let made = std::process::Command::new("mkfifo")
            .arg(c("pipe.md"))
            .status();
        assert!(made.unwrap().success());
        assert!(matches!(
            files.open(&c("pipe.md"), Area::Content, 100),
            Err(Refused::NotRegular("a FIFO (named pipe)"))
        ));
        assert!(matches!(
            files.open(&c("a.md"), Area::Content, 2),
            Err(Refused::TooLarge { len: 5, limit: 2 })
        ));
    }
}
