//! Browser tests (issue 5 "Browser tests", issue 6 hostile pages): the real built site in
//! Debian's headless Chromium, driven by the Node scripts in `tests/browser/`
//! (playwright-core, no bundled browser).
//!
//! - `example_site_in_chromium`: the repository's example site built once into a temp
//!   dir and served by a small static server; directory filters (multi-select with live
//!   counts, search over services and countries, "Serves country", sorting, the empty
//!   state, the phone-width Filters button, axe-core at 360 and 1280 px), axe-core and
//!   no horizontal scroll on one page of every kind in sitemap.xml (`pages.mjs`), the value
//!   pages without JavaScript, clean profile and transparency pages, screenshots at 360
//!   and 1280 px (written to `target/browser-screenshots/`) with no horizontal overflow,
//!   the decisions listing, pages and home block (`decisions.mjs`: no console errors,
//!   axe-core at 360 and 1280 px), and live reload against `partnersite serve` on
//!   another copy.
//! - `hostile_harness_detects_script`: the hostile-page harness
//!   (`tests/browser/hostile.mjs`) reports a dialog and the `window.__xss` marker.
//! - `hostile_fixture_runs_no_script`: every page of `tests/fixtures/hostile`, built,
//!   through that harness.
//! - `request_form_posts_an_export`: the example site's request form
//!   (`tests/browser/request.mjs`) posted to a loopback endpoint without JavaScript; the
//!   posts become an export that `leads allocate` fills and `leads verify` passes, until
//!   one assigned partner is edited by hand.
//!
//! A separate target that plain `cargo test` does not run (`test = false` in Cargo.toml,
//! as mdBook's GUI tests): run it with `cargo test --test browser`. It needs
//! `/usr/bin/chromium` (`apt-get install -y chromium`) and Node.js; the driver
//! (playwright-core) is installed with `npm ci --prefix tests/browser` by the first test
//! when missing. Without a prerequisite the tests fail and say what to install, unless
//! `PARTNERSITE_SKIP_BROWSER=1`, which reports them as ignored (libtest-mimic's runtime
//! ignore), never as passed.

use libtest_mimic::{Arguments, Completion, Trial};
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

const SKIP_VAR: &str = "PARTNERSITE_SKIP_BROWSER";
/// The scripts honour the same variable (tests/browser/lib.mjs).
const CHROMIUM_VAR: &str = "PARTNERSITE_CHROMIUM";
const CHROMIUM: &str = "/usr/bin/chromium";
/// A Node run that takes longer than this is killed and the test fails.
const NODE_TIMEOUT: Duration = Duration::from_secs(300);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn browser_dir() -> PathBuf {
    repo().join("tests/browser")
}

/// `target/` (or `$CARGO_TARGET_DIR`): the parent of the integration tests' tmp dir.
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn temp_dir() -> tempfile::TempDir {
    // The system temp dir on purpose: a site copied under this repository's target/
    // would sit inside another site root's ignored `target/`.
    tempfile::Builder::new()
        .prefix("partnersite-browser-")
        .tempdir()
        .expect("create temp dir")
}

/// One Chromium at a time: on a 2-core machine two of them make the timings flaky.
fn browser_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// `Ok(())` when the browser tests can run. `Err(reason)` when they are skipped on request
/// (reported as ignored, never as passed). Runs `npm ci --prefix tests/browser` once when
/// the driver is missing and npm is there; panics with install instructions when
/// something is still missing.
fn browser_ready() -> Result<(), String> {
    if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
        return Err(format!("{SKIP_VAR}=1"));
    }
    let mut missing = Vec::new();
    let chromium = std::env::var(CHROMIUM_VAR).unwrap_or_else(|_| CHROMIUM.to_string());
    if !Path::new(&chromium).is_file() {
        missing.push(format!(
            "Chromium at {chromium}: apt-get install -y chromium"
        ));
    }
    match Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => missing.push("Node.js (`node` on PATH): apt-get install -y nodejs npm".to_string()),
    }
    if !driver_installed() {
        missing.push(
            "tests/browser/node_modules (playwright-core, axe-core): npm ci --prefix tests/browser"
                .to_string(),
        );
    }
    if !missing.is_empty() {
        panic!(
            "the browser tests cannot run; missing:\n  - {}\n\
             Install with:\n  apt-get install -y chromium nodejs npm\n  npm ci --prefix tests/browser\n\
             or set {SKIP_VAR}=1 to report them as ignored.",
            missing.join("\n  - ")
        );
    }
    Ok(())
}

/// Whether playwright-core is installed; installs it (`npm ci`, once per run) when npm is
/// on PATH and it is not.
fn driver_installed() -> bool {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    // Every package of package.json: a node_modules from before axe-core was added
    // lacks it.
    let installed = || {
        ["playwright-core", "axe-core"].iter().all(|pkg| {
            browser_dir()
                .join(format!("node_modules/{pkg}/package.json"))
                .is_file()
        })
    };
    INSTALL.call_once(|| {
        if !installed() {
            eprintln!("browser tests: installing the driver (npm ci --prefix tests/browser)");
            let _ = Command::new("npm")
                .args(["ci", "--prefix", "tests/browser", "--no-audit", "--no-fund"])
                .current_dir(repo())
                .stdin(Stdio::null())
                .status();
        }
    });
    installed()
}

/// One browser test: ignored (with the reason) when skipped on request, failed when a
/// prerequisite is missing or the test panics.
fn trial(name: &'static str, test: fn()) -> Trial {
    Trial::ignorable_test(name, move || match browser_ready() {
        Err(reason) => Ok(Completion::ignored_with(reason)),
        Ok(()) => {
            test();
            Ok(Completion::Completed)
        }
    })
}

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let trials = vec![
        trial("example_site_in_chromium", example_site_in_chromium),
        trial(
            "hostile_harness_detects_script",
            hostile_harness_detects_script,
        ),
        trial(
            "hostile_fixture_runs_no_script",
            hostile_fixture_runs_no_script,
        ),
        trial("request_form_posts_an_export", request_form_posts_an_export),
    ];
    libtest_mimic::run(&args, trials).exit_code()
}

// -----------------------------------------------------------------------------------------
// Running the Node scripts
// -----------------------------------------------------------------------------------------

/// The result of one `node tests/browser/<script>.mjs` run.
pub struct NodeRun {
    pub command: String,
    /// Exit code; `None` when killed (timeout or signal).
    pub code: Option<i32>,
    /// stdout and stderr, interleaved.
    pub output: String,
    pub elapsed: Duration,
}

impl NodeRun {
    fn describe(&self) -> String {
        format!(
            "$ {}\nexit: {}, after {:.1} s\n--- output ---\n{}--- end ---",
            self.command,
            self.code
                .map_or_else(|| "killed (timeout?)".to_string(), |c| c.to_string()),
            self.elapsed.as_secs_f64(),
            self.output
        )
    }

    fn expect_success(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "browser script failed\n{}",
            self.describe()
        );
        self
    }
}

/// Run a script of tests/browser with arguments, killing it after [`NODE_TIMEOUT`].
pub fn node(script: &str, args: &[String]) -> NodeRun {
    let mut log = tempfile::tempfile().expect("temp file for the script's output");
    let command = format!("node tests/browser/{script} {}", args.join(" "));
    let started = Instant::now();
    let mut child = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone log handle"))
        .stderr(log.try_clone().expect("clone log handle"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break status.code();
        }
        if started.elapsed() > NODE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut output = String::new();
    log.rewind().expect("rewind log");
    let _ = log.read_to_string(&mut output);
    NodeRun {
        command,
        code,
        output,
        elapsed: started.elapsed(),
    }
}

/// The hostile-page harness (issue 6) over a list of URLs: fails (exit 1) when any page
/// opens a dialog or defines `window.__xss`, among other checks; see
/// tests/browser/hostile.mjs. `extra` goes before the list file (e.g. `--no-dom-checks`).
pub fn hostile_check(urls: &[String], extra: &[&str]) -> NodeRun {
    let mut list = tempfile::NamedTempFile::new().expect("temp URL list");
    for u in urls {
        writeln!(list, "{u}").expect("write URL list");
    }
    list.flush().expect("flush URL list");
    let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    args.push(list.path().display().to_string());
    node("hostile.mjs", &args)
}

/// The harness output of one URL: its `ok`/`FAIL` line and the indented lines under it.
fn section<'a>(output: &'a str, url: &str) -> Option<&'a str> {
    let start = output
        .find(&format!("FAIL {url}\n"))
        .or_else(|| output.find(&format!("ok   {url}\n")))?;
    let rest = &output[start..];
    let end = rest[1..]
        .find("\nok   ")
        .into_iter()
        .chain(rest[1..].find("\nFAIL "))
        .chain(rest[1..].find("\n\n"))
        .min()
        .map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

/// Every `.html` file under `dir` as a URL under `base` (ending in `/`); `index.html`
/// as its folder URL.
pub fn html_urls(dir: &Path, base: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read output dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path.strip_prefix(dir).expect("inside dir");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let rel = rel.strip_suffix("index.html").unwrap_or(&rel).to_string();
                urls.push(format!("{base}{rel}"));
            }
        }
    }
    urls.sort();
    urls
}

// -----------------------------------------------------------------------------------------
// A static file server over a build output (what GitHub Pages does, minus TLS)
// -----------------------------------------------------------------------------------------

/// Serves a folder on 127.0.0.1 on a free port, one thread per connection, until dropped.
pub struct StaticServer {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl StaticServer {
    /// Bind first (so the site can be built with the final base URL), serve `dir` later.
    pub fn bind() -> (TcpListener, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().expect("local addr").port();
        (listener, port)
    }

    pub fn serve(listener: TcpListener, dir: &Path) -> StaticServer {
        let port = listener.local_addr().expect("local addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, flag) = (dir.to_path_buf(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let dir = dir.clone();
                    std::thread::spawn(move || {
                        let _ = handle(stream, &dir);
                    });
                }
            }
        });
        StaticServer { port, stop }
    }

    pub fn start(dir: &Path) -> StaticServer {
        let (listener, _) = StaticServer::bind();
        StaticServer::serve(listener, dir)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 || head.len() > 64 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path).unwrap_or_default();
    let safe = decoded.starts_with('/')
        && !decoded.contains('\\')
        && !decoded.contains('\0')
        && !decoded.split('/').any(|s| s == ".." || s == ".");
    let mut file = dir.join(decoded.trim_start_matches('/'));
    let (status, body, ctype, location) = if !safe || !(method == "GET" || method == "HEAD") {
        (
            "400 Bad Request",
            b"bad request".to_vec(),
            "text/plain",
            None,
        )
    } else if file.is_dir() && !decoded.ends_with('/') {
        (
            "301 Moved Permanently",
            Vec::new(),
            "text/plain",
            Some(format!("{path}/")),
        )
    } else {
        if file.is_dir() {
            file = file.join("index.html");
        }
        match std::fs::read(&file) {
            Ok(bytes) => ("200 OK", bytes, content_type(&file), None),
            Err(_) => (
                "404 Not Found",
                std::fs::read(dir.join("404.html")).unwrap_or_else(|_| b"not found".to_vec()),
                "text/html; charset=utf-8",
                None,
            ),
        }
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(l) = location {
        response.push_str(&format!("Location: {l}\r\n"));
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

// -----------------------------------------------------------------------------------------
// Sites, builds and `partnersite serve`
// -----------------------------------------------------------------------------------------

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
        }
    }
}

/// The repository's own example site (site.toml, content/, leads/, the theme...) copied
/// into `dest`.
fn copy_example_site(dest: &Path) {
    std::fs::create_dir_all(dest).expect("create site dir");
    for name in [
        "site.toml",
        "content",
        "leads",
        "static",
        "templates",
        "themes",
        "data",
    ] {
        let src = repo().join(name);
        if src.is_dir() {
            copy_dir(&src, &dest.join(name));
        } else if src.is_file() {
            std::fs::copy(&src, dest.join(name)).expect("copy site file");
        }
    }
}

fn partnersite(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_partnersite"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run partnersite")
}

fn describe_output(args: &[&str], out: &std::process::Output) -> String {
    format!(
        "$ partnersite {}\nexit: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `partnersite build` of `root` into `out` for `base_url`; it must succeed as it is (the
/// example and hostile sites meet their own rules).
fn build_site(root: &Path, out: &Path, base_url: &str) {
    let args = [
        "build",
        "--root",
        root.to_str().expect("UTF-8 path"),
        "--output",
        out.to_str().expect("UTF-8 path"),
        "--base-url",
        base_url,
    ];
    let run = partnersite(&args);
    assert!(
        run.status.success(),
        "building the site failed\n{}",
        describe_output(&args, &run)
    );
}

/// A running `partnersite serve` (killed when dropped, also when a test panics).
struct Serve {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Serve {
    fn start(root: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnersite"))
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", "0"])
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start partnersite serve");
        let stderr = child.stderr.take().expect("serve stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut l) = sink.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
                // "serving <root> at http://127.0.0.1:<port>/ (Ctrl+C to stop)"
                if line.starts_with("serving ") {
                    if let Some(url) = line
                        .split(" at ")
                        .nth(1)
                        .and_then(|s| s.split_whitespace().next())
                    {
                        let _ = tx.send(url.to_string());
                    }
                }
            }
        });
        let mut serve = Serve {
            child,
            url: String::new(),
            log,
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => serve.url = url,
            Err(_) => panic!(
                "partnersite serve did not print `serving ... at <url>` within 60 s\n{}",
                serve.log()
            ),
        }
        serve
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// -----------------------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------------------

fn example_site_in_chromium() {
    let _lock = browser_lock();
    let started = Instant::now();
    let tmp = temp_dir();

    // Built output, served statically at its own base URL.
    let site = tmp.path().join("site");
    copy_example_site(&site);
    let (listener, port) = StaticServer::bind();
    let base = format!("http://127.0.0.1:{port}/");
    let out = tmp.path().join("out");
    build_site(&site, &out, &base);
    let server = StaticServer::serve(listener, &out);

    // Live reload edits files: a second copy, served by `partnersite serve`.
    let live_root = tmp.path().join("live");
    copy_example_site(&live_root);
    let serve = Serve::start(&live_root);

    let shots = target_dir().join("browser-screenshots");
    std::fs::create_dir_all(&shots).expect("create target/browser-screenshots");
    let run = node(
        "suite.mjs",
        &[
            "--site".into(),
            server.url(),
            "--screenshots".into(),
            shots.display().to_string(),
            "--live".into(),
            serve.url.clone(),
            "--live-root".into(),
            live_root.display().to_string(),
        ],
    );
    println!("{}", run.output);
    assert_eq!(
        run.code,
        Some(0),
        "browser checks failed\n{}\n--- partnersite serve log ---\n{}",
        run.describe(),
        serve.log()
    );
    drop(serve);
    println!(
        "example_site_in_chromium: {:.1} s in all; screenshots in {}",
        started.elapsed().as_secs_f64(),
        shots.display()
    );
}

fn hostile_harness_detects_script() {
    let _lock = browser_lock();
    let tmp = temp_dir();
    let pages = [
        (
            "clean.html",
            "<!DOCTYPE html><title>clean</title><p>Nothing to see.",
        ),
        (
            "alert.html",
            "<!DOCTYPE html><title>alert</title><p>x</p><script>alert(1)</script>",
        ),
        (
            "marker.html",
            "<!DOCTYPE html><title>marker</title><img src=\"missing.png\" alt=\"\" onerror=\"window.__xss=1\">",
        ),
        (
            "csp.html",
            "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'\"><title>csp</title><script>alert(1)</script>",
        ),
    ];
    for (name, html) in pages {
        std::fs::write(tmp.path().join(name), html).expect("write page");
    }
    let server = StaticServer::start(tmp.path());
    let url = |name: &str| format!("{}{name}", server.url());
    let urls: Vec<String> = pages.iter().map(|(n, _)| url(n)).collect();

    let run = hostile_check(&urls, &[]);
    println!("{}", run.output);
    assert_eq!(
        run.code,
        Some(1),
        "the harness must fail on these pages\n{}",
        run.describe()
    );
    let sect = |name: &str| {
        section(&run.output, &url(name))
            .unwrap_or_else(|| panic!("no report for {name}\n{}", run.describe()))
    };
    assert!(
        sect("clean.html").starts_with("ok "),
        "clean page flagged\n{}",
        run.describe()
    );
    assert!(
        sect("alert.html").starts_with("FAIL") && sect("alert.html").contains("dialog opened"),
        "alert() not detected\n{}",
        run.describe()
    );
    assert!(
        sect("marker.html").starts_with("FAIL") && sect("marker.html").contains("window.__xss"),
        "window.__xss not detected\n{}",
        run.describe()
    );
    // CSP blocked the script: no dialog, the violation is noted, the inline script is
    // still reported by the DOM check (the sanitiser let it through).
    let csp = sect("csp.html");
    assert!(
        !csp.contains("dialog opened")
            && csp.contains("note: CSP")
            && csp.contains("inline script"),
        "CSP page misreported\n{}",
        run.describe()
    );

    // Only the clean page: success.
    hostile_check(&[url("clean.html")], &[]).expect_success();
}

fn hostile_fixture_runs_no_script() {
    let fixture = repo().join("tests/fixtures/hostile");
    let _lock = browser_lock();
    let tmp = temp_dir();
    let site = tmp.path().join("site");
    copy_dir(&fixture, &site);
    let (listener, port) = StaticServer::bind();
    let base = format!("http://127.0.0.1:{port}/");
    let out = tmp.path().join("out");
    build_site(&site, &out, &base);
    let server = StaticServer::serve(listener, &out);
    let urls = html_urls(&out, &server.url());
    assert!(urls.len() > 5, "the hostile site built only {urls:?}");
    let run = hostile_check(&urls, &[]);
    println!("{}", run.output);
    run.expect_success();
}

/// The example's request form end to end: built with a loopback endpoint, filled and
/// sent in Chromium (tests/browser/request.mjs checks the posted names and values, axe
/// and screenshots at 360 and 1280 px); the posts, stored as the program's backend would
/// (it adds the lead id, the date and the status), are an export `leads allocate` reads
/// as it is; `leads verify` passes on its output and names the line of a hand edit.
fn request_form_posts_an_export() {
    let _lock = browser_lock();
    let tmp = temp_dir();
    let site = tmp.path().join("site");
    copy_example_site(&site);
    // A free port for the endpoint the script starts.
    let endpoint_port = StaticServer::bind().1;
    let toml = std::fs::read_to_string(site.join("site.toml")).expect("read site.toml");
    let configured = "endpoint = \"https://forms.example.org/openedx-partner-requests\"";
    assert!(toml.contains(configured), "the example's endpoint changed");
    let toml = toml.replace(
        configured,
        &format!("endpoint = \"http://127.0.0.1:{endpoint_port}/submit\""),
    );
    std::fs::write(site.join("site.toml"), &toml).expect("write site.toml");
    let (listener, port) = StaticServer::bind();
    let out = tmp.path().join("out");
    build_site(&site, &out, &format!("http://127.0.0.1:{port}/"));
    let server = StaticServer::serve(listener, &out);

    let posted = tmp.path().join("posted.json");
    let shots = target_dir().join("browser-screenshots");
    let run = node(
        "request.mjs",
        &[
            "--site".into(),
            server.url(),
            "--endpoint-port".into(),
            endpoint_port.to_string(),
            "--partner".into(),
            "eduvantage".into(),
            "--out".into(),
            posted.display().to_string(),
            "--screenshots".into(),
            shots.display().to_string(),
        ],
    );
    println!("{}", run.output);
    run.expect_success();

    let export = posts_as_export(&posted);
    std::fs::write(site.join("leads/requests.csv"), &export).expect("write the export");
    let root = site.to_str().expect("UTF-8 path");
    let input = site.join("leads/requests.csv");
    let output = site.join("leads/allocated.csv");
    let args = [
        "leads",
        "allocate",
        "--root",
        root,
        "--input",
        input.to_str().expect("UTF-8 path"),
        "--output",
        output.to_str().expect("UTF-8 path"),
    ];
    let run = partnersite(&args);
    assert!(run.status.success(), "{}", describe_output(&args, &run));
    let allocated = std::fs::read_to_string(&output).expect("read the allocated export");
    let rows = allocated_rows(&allocated);
    assert_eq!(rows.len(), 2, "{allocated}");
    assert_eq!(rows[0].1, "rule", "the general form's lead: {rows:?}");
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1.as_str()),
        ("eduvantage", "requested"),
        "the partner form's lead"
    );

    // The allocated export as the configured source: verify replays it.
    let toml = toml.replace(
        "source = \"leads/export-2025-2026.csv\"",
        "source = \"leads/allocated.csv\"",
    );
    std::fs::write(site.join("site.toml"), &toml).expect("write site.toml");
    let verify = ["leads", "verify", "--root", root];
    let run = partnersite(&verify);
    assert!(run.status.success(), "{}", describe_output(&verify, &run));

    // One assigned partner edited by hand: verify fails and names the row's line.
    let other = if rows[0].0 == "ipe-digital" {
        "eduvantage"
    } else {
        "ipe-digital"
    };
    let edited = allocated.replacen(&format!(",{},", rows[0].0), &format!(",{other},"), 1);
    assert_ne!(edited, allocated);
    std::fs::write(&output, edited).expect("edit the allocated export");
    let run = partnersite(&verify);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        describe_output(&verify, &run)
    );
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        said.contains(&format!(
            "leads/allocated.csv:2: the export records rule (partner `{other}`, "
        )),
        "{}",
        describe_output(&verify, &run)
    );
    assert!(!said.contains("Canary") && !said.contains("example.org"));
}

/// The posts as the program's backend stores them: the example export's columns (plus
/// `requested_partner`), the posted fields under their own names, and the lead id, the
/// date received and the status added.
fn posts_as_export(posted: &Path) -> String {
    let text = std::fs::read_to_string(posted).expect("read the posts");
    let posts: serde_json::Value = serde_json::from_str(&text).expect("posts JSON");
    let example = std::fs::read_to_string(repo().join("leads/export-2025-2026.csv"))
        .expect("read the example export");
    let mut header: Vec<String> = example
        .lines()
        .next()
        .expect("a header")
        .split(',')
        .map(String::from)
        .collect();
    header.push("requested_partner".into());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("write header");
    for (i, post) in posts
        .as_array()
        .expect("a list of posts")
        .iter()
        .enumerate()
    {
        let fields: Vec<(String, String)> = post["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| {
                (
                    f[0].as_str().expect("name").to_string(),
                    f[1].as_str().expect("value").to_string(),
                )
            })
            .collect();
        for (name, _) in &fields {
            assert!(
                header.contains(name) || name == "consent" || name == "homepage",
                "the form posted `{name}`, which is not a column of the export {header:?}"
            );
        }
        let row: Vec<String> = header
            .iter()
            .map(|col| match col.as_str() {
                "lead_id" => format!("R-{}", i + 1),
                "received_date" => format!("2026-03-0{}", i + 1),
                "status" => "new".into(),
                _ => fields
                    .iter()
                    .find(|(n, _)| n == col)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            })
            .collect();
        w.write_record(&row).expect("write row");
    }
    String::from_utf8(w.into_inner().expect("flush")).expect("UTF-8")
}

/// (partner, method) of each row of an allocated export.
fn allocated_rows(text: &str) -> Vec<(String, String)> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().expect("header").clone();
    let col = |name: &str| h.iter().position(|x| x == name).expect("column");
    let (p, m) = (col("assigned_provider"), col("allocation_method"));
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            (r[p].to_string(), r[m].to_string())
        })
        .collect()
}
