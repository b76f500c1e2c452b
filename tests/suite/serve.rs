//! `serve`: incremental rebuilds produce exactly what a full rebuild would, and the
//! preview server answers safely over real HTTP.

use crate::common;

use common::SiteTest;
use partnersite::content::{self, Patched};
use partnersite::output::MemorySink;
use partnersite::pipeline::{self, BuildOptions, Outcome};
use partnersite::render::{Dirty, RenderOptions};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

fn opts(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        preview: true,
        ..Default::default()
    }
}

fn render(
    site: &content::Site,
    o: &BuildOptions,
    only: Option<Dirty>,
) -> BTreeMap<String, Vec<u8>> {
    let prepared = match pipeline::finish(site, Default::default(), o) {
        Outcome::Ready(p) => p,
        Outcome::Failed(d, _) => panic!("{:?}", d),
    };
    let sink = MemorySink::default();
    pipeline::render_site(
        &prepared,
        &RenderOptions {
            body_end: None,
            only,
        },
        &sink,
    )
    .unwrap()
    .unwrap();
    sink.into_files()
}

#[test]
fn incremental_rebuild_equals_full_rebuild() {
    let site = SiteTest::from_fixture("site-basic");
    let o = opts(site.root());
    let (mut full, _) = pipeline::load_full(&o).unwrap().unwrap();
    let mut files = render(&full, &o, None);

    // Edit a case study's title and body (same date, not a draft).
    let rel = "content/partners/cedar-and-quill/case-studies";
    let dir = site.path(rel);
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| !t.contains("draft = true")));
    let file = file.expect("a published case study");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited =
        text.replacen("title = \"", "title = \"Edited: ", 1) + "\nA brand new closing paragraph.\n";
    std::fs::write(&file, edited).unwrap();
    let rel_file = file.strip_prefix(site.root()).unwrap();
    let patched = content::reload_file(&mut full, rel_file)
        .expect("incremental")
        .unwrap();
    assert_eq!(patched, Patched::Partner("cedar-and-quill".into()));
    let mut dirty = Dirty::default();
    dirty.partners.insert("cedar-and-quill".into());
    let changed = render(&full, &o, Some(dirty));
    assert!(
        changed.len() < files.len() / 2,
        "re-rendered {} of {} files",
        changed.len(),
        files.len()
    );
    files.extend(changed);

    let (fresh, _) = pipeline::load_full(&o).unwrap().unwrap();
    let expected = render(&fresh, &o, None);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(
            files.get(path) == Some(bytes),
            "{path} differs after an incremental rebuild"
        );
    }
    assert!(String::from_utf8_lossy(&expected["case-studies/index.html"]).contains("Edited: "));
}

#[test]
fn a_changed_date_or_a_new_file_needs_a_full_rebuild() {
    let site = SiteTest::from_fixture("site-basic");
    let o = opts(site.root());
    let (mut full, _) = pipeline::load_full(&o).unwrap().unwrap();
    site.write(
        "content/partners/cedar-and-quill/posts/brand-new.md",
        "+++\ntitle = \"New\"\ndate = 2026-05-01\n+++\nHi\n",
    );
    assert!(
        content::reload_file(
            &mut full,
            Path::new("content/partners/cedar-and-quill/posts/brand-new.md")
        )
        .is_none()
    );
    assert!(content::reload_file(&mut full, Path::new("site.toml")).is_none());
}

/// A running `partnersite serve` on a free port, killed on drop.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(clippy::zombie_processes)] // Server's Drop kills and waits.
fn serve(site: &SiteTest) -> Server {
    let (child, rx) = common::spawn_serve(site.root(), &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200))
            && let Some(rest) = line.split(" at http://").nth(1)
        {
            let base = format!("http://{}", rest.split_whitespace().next().unwrap());
            std::thread::spawn(move || while rx.recv().is_ok() {});
            return Server { child, base };
        }
    }
    panic!("serve did not start");
}

/// A raw HTTP/1.0 GET: (status, headers, body).
fn get(base: &str, path: &str) -> (u16, String, Vec<u8>) {
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, buf[split + 4..].to_vec())
}

#[test]
fn preview_server_serves_only_the_site() {
    let site = SiteTest::from_fixture("site-basic");
    let server = serve(&site);
    let (status, head, body) = get(&server.base, "/");
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("content-type: text/html"));
    let html = String::from_utf8_lossy(&body);
    assert!(
        html.contains("/__partnersite/livereload.js"),
        "live reload client injected"
    );
    assert!(
        get(&server.base, "/style.css")
            .1
            .to_lowercase()
            .contains("content-type: text/css")
    );
    for bad in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/partners/..%2f..%2fsite.toml",
        "/content/partners/",
    ] {
        let (status, _, body) = get(&server.base, bad);
        assert_eq!(status, 404, "{bad}");
        assert!(
            String::from_utf8_lossy(&body).contains("Page not found"),
            "site 404 page for {bad}"
        );
    }
    let (status, head, _) = get(&server.base, "/partners/cedar-and-quill");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /partners/cedar-and-quill/"));
    // public/ is never written by serve.
    assert!(!site.path("public").exists());
}

#[test]
fn preview_server_pushes_a_reload_after_an_edit() {
    let site = SiteTest::from_fixture("site-basic");
    let server = serve(&site);
    let addr = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /__partnersite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    // Headers, then the retry line.
    while reader.read_line(&mut line).unwrap() > 0 && !line.contains("retry") {
        line.clear();
    }
    let about = site.path("content/partners/cedar-and-quill/about.md");
    let mut text = std::fs::read_to_string(&about).unwrap_or_default();
    text.push_str("\nFresh sentence from the test.\n");
    std::fs::write(&about, text).unwrap();
    let mut got = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !got.contains("event: reload") {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        got.push_str(&line);
    }
    assert!(got.contains("event: reload"), "no reload event: {got:?}");
    let (_, _, body) = get(&server.base, "/partners/cedar-and-quill/");
    assert!(String::from_utf8_lossy(&body).contains("Fresh sentence from the test."));
}
