//! `serve` follows every real save pattern: rename-replace, delete-then-create, `sed -i`,
//! `git checkout`, folders moved away and back or created after start; a site broken at
//! start shows the error overlay and recovers by itself; `--partner` typos are refused.

use crate::common;

use common::SiteTest;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ABOUT: &str = "content/partners/cedar-and-quill/about.md";
const PROFILE: &str = "/partners/cedar-and-quill/";
/// How long a change may take to show up in the served page.
const DEADLINE: Duration = Duration::from_secs(10);

/// A running `partnersite serve` on a free port, killed on drop.
struct Server {
    child: std::process::Child,
    base: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    #[allow(clippy::zombie_processes)] // Drop kills and waits.
    fn start(site: &SiteTest, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnersite"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        let log = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                log.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
                && let Some(rest) = line.split(" at http://").nth(1)
            {
                let addr = rest.split('/').next().unwrap();
                return Server {
                    child,
                    base: format!("http://{addr}"),
                    stderr,
                };
            }
        }
        panic!("serve did not start: {:?}", stderr.lock().unwrap());
    }

    /// GET a path over loopback HTTP: (status, body).
    fn get(&self, path: &str) -> (u16, String) {
        let addr = self.base.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    }

    /// Poll `path` until its body satisfies `ok`; panic with the last answer after the
    /// deadline. Returns the body.
    fn wait_until(&self, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        let mut last = (0, String::new());
        while Instant::now() < deadline {
            last = self.get(path);
            if ok(last.0, &last.1) {
                return last.1;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{path} never showed {what}; last answer {}:\n{}\nserve said:\n{}",
            last.0,
            last.1,
            self.stderr.lock().unwrap().join("\n")
        );
    }

    fn wait_for(&self, path: &str, needle: &str) -> String {
        self.wait_until(path, needle, |s, b| s == 200 && b.contains(needle))
    }

    fn wait_without(&self, path: &str, needle: &str) {
        self.wait_until(path, &format!("no {needle:?}"), |s, b| {
            s == 200 && !b.contains(needle)
        });
    }
}

/// Save like vim with `backupcopy=no` or an IDE: write a sibling temp file, rename it over.
fn rename_save(site: &SiteTest, rel: &str, temp_name: &str, text: &str) {
    let target = site.path(rel);
    let temp = target.parent().unwrap().join(temp_name);
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, &target).unwrap();
}

fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn git(site: &SiteTest, args: &[&str]) {
    let mut all = vec![
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.org",
        "-c",
        "commit.gpgsign=false",
    ];
    all.extend_from_slice(args);
    run(site.root(), "git", &all);
}

#[test]
fn rename_replace_saves_are_seen_every_time() {
    let site = SiteTest::from_fixture("site-basic");
    let server = Server::start(&site, &[]);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
    let about = site.read(ABOUT);
    rename_save(
        &site,
        ABOUT,
        "about.md.tmp",
        &format!("{about}\nFirst rename save.\n"),
    );
    server.wait_for(PROFILE, "First rename save.");
    // The second save replaces the file that replaced the original: still seen.
    rename_save(
        &site,
        ABOUT,
        ".about.md.kate-swp",
        &format!("{about}\nSecond rename save.\n"),
    );
    server.wait_for(PROFILE, "Second rename save.");
    // site.toml replaced the same way, twice.
    let toml = site.read("site.toml");
    let renamed = toml.replacen("Test Partner Directory", "Renamed Directory One", 1);
    rename_save(&site, "site.toml", "site.toml.tmp", &renamed);
    server.wait_for("/", "Renamed Directory One");
    let renamed = toml.replacen("Test Partner Directory", "Renamed Directory Two", 1);
    rename_save(&site, "site.toml", "site.toml.tmp", &renamed);
    server.wait_for("/", "Renamed Directory Two");
    // And a plain in-place write after all that.
    site.write(ABOUT, format!("{about}\nIn-place write.\n"));
    server.wait_for(PROFILE, "In-place write.");
}

#[test]
fn sed_in_place_edits_are_seen_every_time() {
    let site = SiteTest::from_fixture("site-basic");
    let server = Server::start(&site, &[]);
    server.wait_for("/", "Test Partner Directory");
    run(
        site.root(),
        "sed",
        &["-i", "s/Test Partner Directory/Sed One/", "site.toml"],
    );
    server.wait_for("/", "Sed One");
    run(
        site.root(),
        "sed",
        &["-i", "s/Sed One/Sed Two/", "site.toml"],
    );
    server.wait_for("/", "Sed Two");
    run(
        site.root(),
        "sed",
        &["-i", "s/designs courses/sed-edited courses/", ABOUT],
    );
    server.wait_for(PROFILE, "sed-edited courses");
    run(
        site.root(),
        "sed",
        &["-i", "s/sed-edited/twice-edited/", ABOUT],
    );
    server.wait_for(PROFILE, "twice-edited courses");
}

#[test]
fn deleted_and_recreated_files_and_folders_are_seen() {
    let site = SiteTest::from_fixture("site-basic");
    let server = Server::start(&site, &[]);
    let about = site.read(ABOUT);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
    site.remove(ABOUT);
    server.wait_without(PROFILE, "Cedar &amp; Quill designs courses");
    site.write(
        ABOUT,
        about.replace("designs courses", "re-created courses"),
    );
    server.wait_for(PROFILE, "re-created courses");
    // site.toml deleted and written anew, twice.
    let toml = site.read("site.toml");
    for title in ["Re-created One", "Re-created Two"] {
        site.remove("site.toml");
        site.write(
            "site.toml",
            toml.replacen("Test Partner Directory", title, 1),
        );
        server.wait_for("/", title);
    }
    // A whole folder deleted, then re-created with other content.
    let posts = "content/partners/cedar-and-quill/posts";
    let post = site.read(&format!("{posts}/accessible-video.md"));
    let title = post
        .lines()
        .find_map(|l| l.strip_prefix("title = \""))
        .and_then(|t| t.strip_suffix('"'))
        .expect("a post title")
        .to_string();
    server.wait_for(PROFILE, &title);
    site.remove(posts);
    server.wait_without(PROFILE, &title);
    site.write(
        &format!("{posts}/accessible-video.md"),
        post.replacen(&title, "A title from a re-created folder", 1),
    );
    server.wait_for(PROFILE, "A title from a re-created folder");
    // Files inside the re-created folder are watched too.
    site.replace(
        &format!("{posts}/accessible-video.md"),
        "A title from a re-created folder",
        "Edited inside the re-created folder",
    );
    server.wait_for(PROFILE, "Edited inside the re-created folder");
}

#[test]
fn git_checkout_of_another_branch_and_back_is_seen() {
    let site = SiteTest::from_fixture("site-basic");
    git(&site, &["init", "-q"]);
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-q", "-m", "start"]);
    git(&site, &["branch", "-M", "main"]);
    git(&site, &["checkout", "-q", "-b", "other"]);
    site.replace(ABOUT, "designs courses", "courses from the other branch");
    site.replace(
        "site.toml",
        "Test Partner Directory",
        "Other Branch Directory",
    );
    git(&site, &["commit", "-q", "-am", "other"]);
    git(&site, &["checkout", "-q", "main"]);

    let server = Server::start(&site, &[]);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
    for _ in 0..2 {
        git(&site, &["checkout", "-q", "other"]);
        server.wait_for(PROFILE, "courses from the other branch");
        server.wait_for("/", "Other Branch Directory");
        git(&site, &["checkout", "-q", "main"]);
        server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
        server.wait_for("/", "Test Partner Directory");
    }
    // Edits after the checkouts are still seen.
    site.replace(ABOUT, "designs courses", "edited after checkouts");
    server.wait_for(PROFILE, "edited after checkouts");
}

#[test]
fn content_moved_away_and_back_is_seen() {
    let site = SiteTest::from_fixture("site-basic");
    let server = Server::start(&site, &[]);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
    let away = site.root().parent().unwrap().join("content-away");
    std::fs::rename(site.path("content"), &away).unwrap();
    server.wait_until(PROFILE, "the profile gone or an error", |_, b| {
        !b.contains("Cedar &amp; Quill designs courses") || b.contains("error")
    });
    // Edited while away: the version moved back is the one served.
    let about = away.join("partners/cedar-and-quill/about.md");
    let text = std::fs::read_to_string(&about).unwrap();
    std::fs::write(
        &about,
        text.replace("designs courses", "courses edited away"),
    )
    .unwrap();
    std::fs::rename(&away, site.path("content")).unwrap();
    server.wait_for(PROFILE, "courses edited away");
    // The moved-back folder is watched again.
    site.replace(ABOUT, "courses edited away", "courses edited back home");
    server.wait_for(PROFILE, "courses edited back home");
    // Replaced by a copy (a restored backup, an unpacked archive): a new folder.
    let backup = site.root().parent().unwrap().join("content-backup");
    std::fs::rename(site.path("content"), &backup).unwrap();
    run(
        site.root(),
        "cp",
        &[
            "-r",
            backup.to_str().unwrap(),
            site.path("content").to_str().unwrap(),
        ],
    );
    server.wait_for(PROFILE, "courses edited back home");
    site.replace(
        ABOUT,
        "courses edited back home",
        "courses edited in the copy",
    );
    server.wait_for(PROFILE, "courses edited in the copy");
}

#[test]
fn folders_created_after_start_are_watched() {
    let site = SiteTest::from_fixture("site-basic");
    assert!(!site.path("static").exists(), "the fixture has no static/");
    let server = Server::start(&site, &[]);
    server.wait_for("/", "Test Partner Directory");
    std::fs::create_dir(site.path("static")).unwrap();
    site.write("static/hello.txt", "hello from a late static folder\n");
    server.wait_for("/hello.txt", "hello from a late static folder");
    site.write("static/hello.txt", "hello again\n");
    server.wait_for("/hello.txt", "hello again");
    site.write("static/deeper/nested.txt", "nested file\n");
    server.wait_for("/deeper/nested.txt", "nested file");
}

#[test]
fn partner_folders_named_target_or_public_are_watched() {
    let site = SiteTest::from_fixture("site-basic");
    let server = Server::start(&site, &["--drafts"]);
    server.wait_for("/", "Test Partner Directory");
    let partner = site.read("content/partners/nandu/partner.toml");
    let logo = std::fs::read(site.path("content/partners/nandu/logo.svg")).unwrap();
    for slug in ["target", "public"] {
        let name = format!("Partner In {slug}");
        site.write(&format!("content/partners/{slug}/logo.svg"), &logo);
        site.write(
            &format!("content/partners/{slug}/partner.toml"),
            partner.replacen("name = \"Ñandú\"", &format!("name = \"{name}\""), 1),
        );
        server.wait_for(&format!("/partners/{slug}/"), &name);
        site.write(
            &format!("content/partners/{slug}/about.md"),
            format!("About the partner in {slug}.\n"),
        );
        server.wait_for(
            &format!("/partners/{slug}/"),
            &format!("About the partner in {slug}."),
        );
    }
}

#[test]
fn a_site_broken_at_start_shows_the_overlay_and_recovers() {
    let site = SiteTest::from_fixture("site-basic");
    let good = site.read("site.toml");
    site.write("site.toml", good.replacen("title = ", "titel = ", 1));
    let server = Server::start(&site, &[]);
    for path in ["/", PROFILE, "/no/such/page/"] {
        let body = server.wait_until(path, "the error overlay", |_, b| {
            b.contains("partnersite-overlay") && b.contains("site.toml:")
        });
        assert!(
            body.contains("titel"),
            "{path}: the error names the key:\n{body}"
        );
        assert!(
            body.contains("/__partnersite/livereload.js"),
            "{path}: the page reloads itself when fixed"
        );
    }
    site.write("site.toml", &good);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
    let home = server.wait_for("/", "Test Partner Directory");
    assert!(
        !home.contains("partnersite-overlay\""),
        "no overlay once fixed"
    );

    // Watching goes on after the recovery.
    site.replace(ABOUT, "designs courses", "still served");
    server.wait_for(PROFILE, "still served");
}

#[test]
fn a_content_error_at_start_shows_the_overlay_and_recovers() {
    let site = SiteTest::from_fixture("site-basic");
    let toml = "content/partners/cedar-and-quill/partner.toml";
    let good = site.read(toml);
    site.write(toml, format!("{good}\ncolour = \"red\"\n"));
    let server = Server::start(&site, &[]);
    let body = server.wait_until("/", "the error overlay", |_, b| {
        b.contains("partnersite-overlay")
            && b.contains("content/partners/cedar-and-quill/partner.toml:")
    });
    assert!(body.contains("colour"), "{body}");
    site.write(toml, &good);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
}

/// Run `serve` expecting it to exit by itself: (exit code, stderr). A server still
/// running after the deadline is killed and reported as `None`.
fn serve_exit(site: &SiteTest, extra: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnersite"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + DEADLINE;
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (code, reader.join().unwrap())
}

#[test]
fn an_unknown_partner_is_a_usage_error() {
    let site = SiteTest::from_fixture("site-basic");
    let (code, stderr) = serve_exit(&site, &["--partner", "cedar-and-qill"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "error: no published partner `cedar-and-qill` (did you mean `cedar-and-quill`?)"
        ),
        "{stderr}"
    );
    // A known slug starts the server.
    let server = Server::start(&site, &["--partner", "cedar-and-quill"]);
    server.wait_for(PROFILE, "Cedar &amp; Quill designs courses");
}

#[test]
fn an_unknown_partner_on_a_broken_site_is_a_usage_error_too() {
    let site = SiteTest::from_fixture("site-basic");
    site.replace("site.toml", "title = ", "titel = ");
    let (code, stderr) = serve_exit(&site, &["--partner", "cedar-and-qill"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("error: no partner folder `cedar-and-qill` in content/partners/ (did you mean `cedar-and-quill`?)"),
        "{stderr}"
    );
}
