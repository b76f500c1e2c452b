//! Test harness shared by the modules of the integration suite, after mdBook's
//! `BookTest`: a [`SiteTest`] is a site in a fresh temp dir (a fixture, the repo's example
//! site, or nothing), edited with chained calls, run with the real binary; a [`Run`]
//! checks exit code and exact stderr. Also: parsed output (HTML, JSON), snapshots
//! (`PARTNERSITE_BLESS=1` rewrites them), a link checker and a small XML checker.
#![allow(dead_code)] // not every module uses every helper

use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The site.toml base_url of the `site-basic` fixture.
pub const BASE_URL: &str = "https://example.org/dir/";

/// A run still going after this long is killed and fails its test (a read that blocks, a
/// loop): a watchdog against hangs, not a timing assertion.
const WATCHDOG: Duration = Duration::from_secs(120);

/// The repository root, where the example site lives.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a fresh temp dir (removed when dropped). Editing methods return `&Self` so
/// that they chain: `site.write(..).replace(..).build(&[]).expect_success()`.
pub struct SiteTest {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl SiteTest {
    /// An empty site folder (for `init`, or a site written file by file).
    pub fn empty() -> SiteTest {
        let dir = tempfile::Builder::new()
            .prefix("partnersite-test-")
            .tempdir()
            .expect("create temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        SiteTest { _dir: dir, root }
    }

    /// A copy of `tests/fixtures/<name>` (`name` may be a sub-path, e.g. `leads/site`).
    pub fn from_fixture(name: &str) -> SiteTest {
        let src = repo().join("tests/fixtures").join(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        let site = SiteTest::empty();
        copy_dir(&src, &site.root);
        site
    }

    /// A copy of the repository's example site (its sources only: no `public/`,
    /// `target/` or code).
    pub fn example() -> SiteTest {
        let site = SiteTest::empty();
        for entry in [
            "site.toml",
            "content",
            "leads",
            "static",
            "themes",
            "templates",
        ] {
            let src = repo().join(entry);
            if src.is_dir() {
                copy_dir(&src, &site.root.join(entry));
            } else if src.is_file() {
                std::fs::copy(&src, site.root.join(entry)).unwrap();
            }
        }
        site
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path inside the site folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Write (or overwrite) a file, creating folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
        self
    }

    /// Rewrite a text file through `f`; panics when `f` changes nothing (a stale test).
    pub fn edit(&self, rel: &str, f: impl FnOnce(&str) -> String) -> &Self {
        let before = self.read(rel);
        let after = f(&before);
        assert!(after != before, "the edit of {rel} changed nothing");
        self.write(rel, after)
    }

    /// Replace the first `from` by `to` in a file; panics when `from` is not there.
    pub fn replace(&self, rel: &str, from: &str, to: &str) -> &Self {
        self.edit(rel, |text| {
            assert!(text.contains(from), "{rel} does not contain {from:?}");
            text.replacen(from, to, 1)
        })
    }

    /// Remove a file, link or folder.
    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.path(rel);
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        }
        self
    }

    /// Rename a file or folder inside the site.
    pub fn rename(&self, from: &str, to: &str) -> &Self {
        std::fs::rename(self.path(from), self.path(to)).unwrap();
        self
    }

    /// A symlink at `at` (inside the site) pointing to `target`, written as given.
    #[cfg(unix)]
    pub fn symlink(&self, target: impl AsRef<Path>, at: &str) -> &Self {
        let path = self.path(at);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::os::unix::fs::symlink(target, &path).unwrap_or_else(|e| panic!("link {at}: {e}"));
        self
    }

    /// A source file of the site.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Run the binary in the site folder with exactly these arguments (no `--root`).
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// `partnersite build --root <site> <args>`.
    pub fn build(&self, args: &[&str]) -> Run {
        self.command("build", args)
    }

    /// `partnersite check --root <site> <args>`.
    pub fn check(&self, args: &[&str]) -> Run {
        self.command("check", args)
    }

    fn command(&self, name: &str, args: &[&str]) -> Run {
        let root = self.root.display().to_string();
        let mut all = vec![name, "--root", root.as_str()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Parse an output file of the default output folder (`dir/` means `dir/index.html`).
    pub fn html(&self, rel: &str) -> Html {
        html_file(&self.public(), rel)
    }

    /// Parse a JSON output file of the default output folder.
    pub fn json(&self, rel: &str) -> serde_json::Value {
        let text = self.output_text(rel);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("output {rel}: {e}\n{text}"))
    }

    /// Raw text of an output file of the default output folder.
    pub fn output_text(&self, rel: &str) -> String {
        let path = self.public().join(index_of(rel));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read output {rel}: {e}"))
    }

    /// Every file of the default output folder, relative, sorted.
    pub fn output_files(&self) -> Vec<String> {
        tree(&self.public()).into_keys().collect()
    }

    /// Run the link checker over the default output folder with the fixture's base_url.
    pub fn check_links(&self) -> Vec<String> {
        check_links(&self.public(), BASE_URL)
    }

    /// Panics with every broken link.
    pub fn assert_links_ok(&self, dir: &Path, base_url: &str) -> &Self {
        let errors = check_links(dir, base_url);
        assert!(
            errors.is_empty(),
            "{} broken links:\n{}",
            errors.len(),
            errors.join("\n")
        );
        self
    }

    /// Names directly inside the site root (where the default output's temporary sibling
    /// would be), sorted: shows that no temporary folder was left behind. The share-image
    /// cache (`.partnersite-cache`, kept between builds on purpose) is left out.
    pub fn root_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".partnersite-cache")
            .collect();
        names.sort();
        names
    }
}

/// The outcome of one run of the binary; stdout and stderr have the site folder replaced
/// by `[ROOT]`.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The command and its output, long output clipped, for failure messages.
    pub fn describe(&self) -> String {
        let clip = |s: &str| -> String {
            match s.char_indices().nth(4000) {
                Some((at, _)) => format!("{}… ({} bytes)", &s[..at], s.len()),
                None => s.to_string(),
            }
        };
        format!(
            "partnersite {}\nexit code: {:?}\n--- stdout\n{}--- stderr\n{}---",
            self.args.join(" "),
            self.code,
            clip(&self.stdout),
            clip(&self.stderr)
        )
    }

    /// Exit code 0.
    pub fn expect_success(&self) -> &Self {
        self.expect_code(0)
    }

    /// Exactly this exit code (so never a panic's 101 or a signal).
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n{}",
            self.describe()
        );
        self
    }

    /// Same as [`Run::expect_code`]; reads better for a non-zero code.
    pub fn expect_failure(&self, code: i32) -> &Self {
        self.expect_code(code)
    }

    /// Exit code 1 with at least one located `path: error: ` diagnostic and no panic.
    pub fn expect_error(&self) -> &Self {
        self.expect_code(1);
        assert!(
            self.stderr.contains(": error: ") && !self.stderr.contains("panicked"),
            "expected a clear error\n{}",
            self.describe()
        );
        self
    }

    /// The whole of stderr, compared line by line (trailing newline ignored).
    pub fn expect_stderr(&self, expected: &str) -> &Self {
        let got = self.stderr.trim_end();
        let want = expected.trim_end();
        assert!(
            got == want,
            "stderr differs\n--- expected\n{want}\n--- got\n{got}\n---\n{}",
            self.describe()
        );
        self
    }

    /// Exit code 1 and, on stderr, exactly these diagnostics, a blank line, the count line
    /// and the final "build failed: ..." line.
    pub fn expect_errors(&self, diagnostics: &str) -> &Self {
        let n = diagnostics
            .lines()
            .filter(|l| l.contains(": error: "))
            .count();
        let count = format!("{n} error{} found", if n == 1 { "" } else { "s" });
        self.expect_failure(1);
        let (body, last) = self.stderr.trim_end().rsplit_once('\n').unwrap_or_default();
        assert!(
            last.starts_with("build failed: "),
            "no final `build failed` line\n{}",
            self.describe()
        );
        let want = format!("{}\n\n{count}", diagnostics.trim_end());
        assert!(
            body == want,
            "stderr differs\n--- expected\n{want}\n--- got\n{body}\n---\n{}",
            self.describe()
        );
        self
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()))
    }

    pub fn stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }

    pub fn stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }
}

/// Run the binary in `dir` with these arguments; `dir` is redacted to `[ROOT]` in the
/// output.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partnersite"));
    // "Today" comes from the content unless a test sets it (tests/suite/spotlight.rs).
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH");
    run_command(cmd, dir, args)
}

/// Run a prepared command (the binary, or a wrapper around it) with a clean environment
/// and no stdin, killed by the watchdog if it hangs; `dir` is redacted to `[ROOT]` and
/// `args` names the run in failure messages.
pub fn run_command(mut cmd: Command, dir: &Path, args: &[&str]) -> Run {
    let mut child = cmd
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run partnersite");
    // Drain both pipes on threads so that a chatty run cannot fill one and stall.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut buf).unwrap();
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = with_watchdog(child.id(), WATCHDOG, args, || child.wait().unwrap());
    let redact = |b: Vec<u8>| {
        let s = String::from_utf8_lossy(&b).into_owned();
        s.replace(&dir.display().to_string(), "[ROOT]")
    };
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: status.code(),
        stdout: redact(out.join().unwrap()),
        stderr: redact(err.join().unwrap()),
    }
}

/// Run `wait`; if it has not returned after `limit`, kill the process `pid` so that `wait`
/// returns, and fail the test.
fn with_watchdog<T>(pid: u32, limit: Duration, args: &[&str], wait: impl FnOnce() -> T) -> T {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let hung = matches!(
            finished.recv_timeout(limit),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout)
        );
        if hung {
            // SAFETY: kill(2) on the pid of our own child, not yet reaped (wait blocks).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
        hung
    });
    let value = wait();
    let _ = done.send(());
    if watchdog.join().unwrap() {
        panic!("partnersite {} did not finish: it hangs", args.join(" "));
    }
    value
}

#[test]
fn the_watchdog_kills_a_run_that_hangs() {
    let mut child = Command::new("sleep").arg("60").spawn().unwrap();
    let pid = child.id();
    let limit = Duration::from_millis(100);
    let hung = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        with_watchdog(pid, limit, &["sleep"], || child.wait().unwrap())
    }));
    let why = hung.expect_err("the watchdog let a hung run pass");
    assert_eq!(
        why.downcast_ref::<String>().map(String::as_str),
        Some("partnersite sleep did not finish: it hangs")
    );
    // A run that ends in time passes through.
    let mut quick = Command::new("true").spawn().unwrap();
    let pid = quick.id();
    assert!(with_watchdog(pid, WATCHDOG, &["true"], || quick.wait().unwrap()).success());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `dir/` -> `dir/index.html`, `` -> `index.html`.
pub fn index_of(rel: &str) -> String {
    let rel = rel.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// Parse an output HTML file.
pub fn html_file(out: &Path, rel: &str) -> Html {
    let path = out.join(index_of(rel));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    Html::parse_document(&text)
}

/// Compare `actual` with `tests/fixtures/snapshots/<name>`; with `PARTNERSITE_BLESS=1` in
/// the environment, write it there instead (then review the diff in git).
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/snapshots")
        .join(name);
    if std::env::var_os("PARTNERSITE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let removed: Vec<&str> = expected
            .lines()
            .filter(|l| !actual.lines().any(|a| a == *l))
            .collect();
        let added: Vec<&str> = actual
            .lines()
            .filter(|l| !expected.lines().any(|e| e == *l))
            .collect();
        panic!(
            "snapshot {name} differs (rerun with PARTNERSITE_BLESS=1 to accept)\n\
             --- only in the snapshot\n{}\n--- only in the output\n{}",
            removed.join("\n"),
            added.join("\n")
        );
    }
}

/// Every file under `dir`, by relative path (forward slashes), with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap_or_else(|e| panic!("walk {}: {e}", dir.display()));
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Elements matching a CSS selector.
pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    doc.select(&sel).collect()
}

/// The one element matching `css`; panics when there are none or several.
pub fn one<'a>(doc: &'a Html, css: &str) -> ElementRef<'a> {
    let found = select(doc, css);
    assert_eq!(
        found.len(),
        1,
        "expected one `{css}`, found {}",
        found.len()
    );
    found[0]
}

/// Text content with whitespace collapsed.
pub fn text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Elements matching a CSS selector inside `el`.
pub fn select_in<'a>(el: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    el.select(&sel).collect()
}

/// The one element matching `css` inside `el`.
pub fn one_in<'a>(el: ElementRef<'a>, css: &str) -> ElementRef<'a> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
    let found: Vec<_> = el.select(&sel).collect();
    assert_eq!(found.len(), 1, "expected one `{css}` in {}", el.html());
    found[0]
}

pub fn attr<'a>(el: ElementRef<'a>, name: &str) -> &'a str {
    el.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", el.value().name()))
}

/// Partner slugs of the directory cards on a page, in order.
pub fn card_slugs(doc: &Html) -> Vec<String> {
    select(doc, "li.card")
        .into_iter()
        .map(|c| attr(c, "data-slug").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Link checker

/// Check every internal `href`/`src` of every `.html` and `.xml` file under `out` (and
/// `<loc>` of sitemaps): it must resolve to a written file (`dir/` -> `dir/index.html`),
/// and a `#fragment` to an element id of the target. Internal means relative, starting
/// with the base path, or absolute under `base_url`. Root-relative URLs outside the base
/// path are errors too (they break on a GitHub Pages project site). Errors read
/// `path:line:col: message` with `path` relative to `out`'s parent.
pub fn check_links(out: &Path, base_url: &str) -> Vec<String> {
    let base_path = url_path(base_url);
    let files: BTreeSet<String> = tree(out).into_keys().collect();
    let shown = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut errors = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".xml"))
    {
        let raw = std::fs::read_to_string(out.join(file)).unwrap();
        let doc = Html::parse_document(&raw);
        let mut locator = Locator::new(&raw);
        for (kind, url) in links_of(&doc) {
            let problem = check_one(file, &url, base_url, base_path, &files, |target| {
                ids.entry(target.to_string())
                    .or_insert_with(|| ids_of(&out.join(target)))
                    .clone()
            });
            if let Some(problem) = problem {
                let (line, col) = locator.find(&kind, &url);
                errors.push(format!("{shown}/{file}:{line}:{col}: {problem}"));
            }
        }
    }
    errors
}

/// (attribute or element name, URL) in document order.
fn links_of(doc: &Html) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for el in select(doc, "[href], [src], loc") {
        for name in ["href", "src"] {
            if let Some(v) = el.value().attr(name) {
                out.push((name.to_string(), v.to_string()));
            }
        }
        if el.value().name() == "loc" {
            out.push(("loc".to_string(), text(el)));
        }
    }
    out
}

fn ids_of(path: &Path) -> BTreeSet<String> {
    let Ok(raw) = std::fs::read_to_string(path) else {
        return BTreeSet::new();
    };
    let doc = Html::parse_document(&raw);
    let mut ids: BTreeSet<String> = select(&doc, "[id]")
        .into_iter()
        .map(|e| attr(e, "id").to_string())
        .collect();
    ids.extend(
        select(&doc, "a[name]")
            .into_iter()
            .map(|e| attr(e, "name").to_string()),
    );
    ids
}

/// The path of an absolute URL (`https://x.org/a/` -> `/a/`).
pub fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => !url[..i].contains(['/', '?', '#']),
        None => false,
    }
}

/// `None` when the link is fine or external.
fn check_one(
    file: &str,
    url: &str,
    base_url: &str,
    base_path: &str,
    files: &BTreeSet<String>,
    mut ids: impl FnMut(&str) -> BTreeSet<String>,
) -> Option<String> {
    if url.trim().is_empty() {
        return Some("empty URL".into());
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (url, None),
    };
    let before_query = before_fragment.split('?').next().unwrap_or("");
    // Site-relative path of the target, before `dir/` -> `dir/index.html`.
    let target: String = if before_query.is_empty() {
        file.to_string()
    } else if let Some(rest) = before_query.strip_prefix(base_url) {
        rest.to_string()
    } else if has_scheme(before_query) || before_query.starts_with("//") {
        return None; // external
    } else if let Some(abs) = before_query.strip_prefix('/') {
        match format!("/{abs}").strip_prefix(base_path) {
            Some(rest) => rest.to_string(),
            None => {
                return Some(format!(
                    "`{url}` is outside the base path {base_path} (it breaks under a sub-path)"
                ));
            }
        }
    } else {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        match normalize(&format!("{dir}/{before_query}")) {
            Some(p) => p,
            None => return Some(format!("`{url}` leaves the site")),
        }
    };
    let target = percent_decode(&target);
    let mut resolved = index_of(&target);
    if !files.contains(&resolved) && files.contains(&format!("{resolved}/index.html")) {
        resolved = format!("{resolved}/index.html");
    }
    if !files.contains(&resolved) {
        return Some(format!("`{url}`: no file {resolved} in the output"));
    }
    match fragment {
        Some(f) if !f.is_empty() && resolved.ends_with(".html") => {
            let f = percent_decode(f);
            if ids(&resolved).contains(&f) {
                None
            } else {
                Some(format!("`{url}`: no element with id `{f}` in {resolved}"))
            }
        }
        _ => None,
    }
}

/// Resolve `.` and `..` segments; `None` when the path climbs above the root. A trailing
/// slash is kept.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Finds where an attribute value sits in the raw text, for `line:col` in errors. Each
/// (attribute, value) pair continues searching after its previous hit.
struct Locator<'a> {
    raw: &'a str,
    next: HashMap<(String, String), usize>,
}

impl<'a> Locator<'a> {
    fn new(raw: &'a str) -> Self {
        Locator {
            raw,
            next: HashMap::new(),
        }
    }

    fn find(&mut self, kind: &str, value: &str) -> (usize, usize) {
        let from = *self
            .next
            .get(&(kind.to_string(), value.to_string()))
            .unwrap_or(&0);
        let escaped = escape_attr(value);
        let needles = if kind == "loc" {
            vec![
                format!("<loc>{escaped}</loc>"),
                format!("<loc>{value}</loc>"),
            ]
        } else {
            vec![
                format!("{kind}=\"{escaped}\""),
                format!("{kind}=\"{value}\""),
                format!("{kind}='{value}'"),
            ]
        };
        for needle in needles {
            if let Some(i) = self.raw[from..].find(&needle) {
                let at = from + i;
                self.next
                    .insert((kind.to_string(), value.to_string()), at + needle.len());
                // Point at the value, after `href="`.
                let value_at = if kind == "loc" {
                    at
                } else {
                    at + kind.len() + 2
                };
                return line_col(self.raw, value_at);
            }
        }
        (0, 0)
    }
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

// ---------------------------------------------------------------------------------------
// XML well-formedness (badges, feeds, sitemap): balanced tags, quoted attributes, no bare
// `&` or `<`. Enough to catch broken escaping; not a validating parser.

pub fn assert_well_formed_xml(name: &str, xml: &str) {
    if let Err((offset, why)) = xml_check(xml) {
        let (line, col) = line_col(xml, offset);
        panic!("{name}:{line}:{col}: not well-formed XML: {why}\n{xml}");
    }
}

fn xml_check(xml: &str) -> Result<(), (usize, String)> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    let b = xml.as_bytes();
    let mut roots = 0;
    while i < b.len() {
        if b[i] == b'<' {
            let rest = &xml[i..];
            let skip_to = |end: &str| -> Result<usize, (usize, String)> {
                rest.find(end)
                    .map(|j| i + j + end.len())
                    .ok_or((i, format!("unterminated {}", &rest[..rest.len().min(10)])))
            };
            if rest.starts_with("<?") {
                i = skip_to("?>")?;
            } else if rest.starts_with("<!--") {
                i = skip_to("-->")?;
            } else if rest.starts_with("<![CDATA[") {
                i = skip_to("]]>")?;
            } else if let Some(close) = rest.strip_prefix("</") {
                let end = close.find('>').ok_or((i, "unterminated end tag".into()))?;
                let name = close[..end].trim();
                match stack.pop() {
                    Some((open, _)) if open == name => {}
                    Some((open, at)) => {
                        return Err((
                            i,
                            format!("</{name}> closes <{open}> (opened at byte {at})"),
                        ));
                    }
                    None => return Err((i, format!("</{name}> without an open tag"))),
                }
                i += 2 + end + 1;
            } else {
                let end = tag_end(rest).ok_or((i, "unterminated tag".to_string()))?;
                let inner = &rest[1..end];
                let self_closing = inner.ends_with('/');
                let inner = inner.trim_end_matches('/');
                let name_len = inner
                    .find(|c: char| c.is_whitespace())
                    .unwrap_or(inner.len());
                let name = &inner[..name_len];
                if name.is_empty() {
                    return Err((i, "empty tag name".into()));
                }
                check_attrs(&inner[name_len..]).map_err(|why| (i, why))?;
                if stack.is_empty() {
                    roots += 1;
                }
                if !self_closing {
                    stack.push((name.to_string(), i));
                }
                i += end + 1;
            }
        } else if b[i] == b'&' {
            check_entity(&xml[i..]).map_err(|why| (i, why))?;
            i += 1;
        } else {
            if stack.is_empty() && !b[i].is_ascii_whitespace() {
                return Err((i, "text outside the root element".into()));
            }
            i += 1;
        }
    }
    if let Some((open, at)) = stack.pop() {
        return Err((at, format!("<{open}> is never closed")));
    }
    if roots != 1 {
        return Err((0, format!("{roots} root elements")));
    }
    Ok(())
}

/// Index of the `>` ending a start tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn check_attrs(s: &str) -> Result<(), String> {
    let mut rest = s.trim_start();
    let mut seen = BTreeSet::new();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or(format!("attribute without value: {rest}"))?;
        let name = rest[..eq].trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("bad attribute name {name:?}"));
        }
        if !seen.insert(name.to_string()) {
            return Err(format!("duplicate attribute {name}"));
        }
        let after = rest[eq + 1..].trim_start();
        let q = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or(format!("unquoted value of {name}"))?;
        let close = after[1..]
            .find(q)
            .ok_or(format!("unterminated value of {name}"))?;
        let value = &after[1..1 + close];
        if value.contains('<') {
            return Err(format!("`<` in the value of {name}"));
        }
        for (j, _) in value.match_indices('&') {
            check_entity(&value[j..])?;
        }
        rest = after[close + 2..].trim_start();
    }
    Ok(())
}

fn check_entity(s: &str) -> Result<(), String> {
    let end = s
        .find(';')
        .filter(|&e| e <= 10)
        .ok_or_else(|| format!("bare `&` in {:?}", &s[..s.len().min(20)]))?;
    let name = &s[1..end];
    let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
        || name
            .strip_prefix("#x")
            .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
        || name
            .strip_prefix('#')
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(format!("unknown entity &{name};"))
    }
}

/// Start `partnersite serve --port 0 --root ROOT EXTRA...` (stdout discarded); each line
/// it prints to stderr arrives on the receiver. The caller kills and waits for the child.
#[allow(clippy::zombie_processes)] // the caller's job (usually a Drop)
pub fn spawn_serve(
    root: &Path,
    extra: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnersite"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run partnersite serve");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}
