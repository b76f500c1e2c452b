//! The preview HTTP server: answers from the in-memory site only, refuses traversal,
//! sends the site's 404 page, and streams live-reload events (Server-Sent Events).

use super::{Shared, client};
use std::io::Write;
use std::sync::Arc;
use tiny_http::{Header, Request, Response, Server};

/// Serve requests until the server shuts down. Event streams get their own thread.
pub fn serve_requests(server: &Arc<Server>, shared: &Arc<Shared>) {
    while let Ok(req) = server.recv() {
        if req.url().split('?').next() == Some("/__partnersite/events") {
            let shared = shared.clone();
            std::thread::spawn(move || event_stream(req, &shared));
        } else {
            let _ = respond(req, shared);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    // Both parts are ASCII literals, MIME types we chose, or a request path that
    // tiny_http already accepted as header-safe.
    #[allow(clippy::expect_used)]
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("static header")
    })
}

/// Content-Type by file extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Decode `%XX` escapes; `None` for malformed escapes or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request path resolves to in the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// `/dir` -> `/dir/`.
    Redirect(String),
    NotFound,
}

/// Map a URL path to a file of the site: `/` and `/dir/` serve `index.html`; `..`,
/// backslashes, NUL and encoded variants of them are refused.
pub fn resolve(url: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return Resolved::NotFound;
    };
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return Resolved::NotFound;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Resolved::NotFound;
    }
    let rel = decoded.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        let index = format!("{rel}index.html");
        return if exists(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if exists(rel) {
        return Resolved::File(rel.to_string());
    }
    if exists(&format!("{rel}/index.html")) {
        return Resolved::Redirect(format!("{path}/"));
    }
    Resolved::NotFound
}

fn respond(req: Request, shared: &Shared) -> std::io::Result<()> {
    let url = req.url().to_string();
    match url.split('?').next().unwrap_or("") {
        "/__partnersite/livereload.js" => {
            return req.respond(
                Response::from_string(client::JS)
                    .with_header(header("Content-Type", "text/javascript; charset=utf-8")),
            );
        }
        "/__partnersite/overlay.css" => {
            return req.respond(
                Response::from_string(client::CSS)
                    .with_header(header("Content-Type", "text/css; charset=utf-8")),
            );
        }
        _ => {}
    }
    let files = match shared.files.read() {
        Ok(f) => f,
        Err(_) => {
            return req
                .respond(Response::from_string("server state unavailable").with_status_code(500));
        }
    };
    match resolve(&url, |p| files.contains_key(p)) {
        Resolved::File(path) => {
            let body = files.get(&path).cloned().unwrap_or_default();
            drop(files);
            req.respond(
                Response::from_data(body)
                    .with_header(header("Content-Type", content_type(&path)))
                    .with_header(header("Cache-Control", "no-store")),
            )
        }
        Resolved::Redirect(to) => {
            drop(files);
            req.respond(Response::empty(301).with_header(header("Location", &to)))
        }
        Resolved::NotFound => {
            let body = files.get("404.html").cloned().unwrap_or_else(|| {
                b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>".to_vec()
            });
            drop(files);
            req.respond(
                Response::from_data(body)
                    .with_status_code(404)
                    .with_header(header("Content-Type", "text/html; charset=utf-8")),
            )
        }
    }
}

/// Keep a Server-Sent Events connection open and forward rebuild events to it.
fn event_stream(req: Request, shared: &Shared) {
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.write_all(b"retry: 500\n\n"))
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    let has_problems = shared.errors.read().map(|e| !e.is_empty()).unwrap_or(false)
        || shared
            .warnings
            .read()
            .map(|e| !e.is_empty())
            .unwrap_or(false);
    if has_problems
        && w.write_all(shared.state_event().as_bytes())
            .and_then(|_| w.flush())
            .is_err()
    {
        return;
    }
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push(tx);
    }
    loop {
        // A comment line every 15 s notices closed connections.
        let msg = match rx.recv_timeout(std::time::Duration::from_secs(15)) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(_) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(url: &str) -> Resolved {
        resolve(url, |p| {
            ["index.html", "a/index.html", "a/b.css", "404.html"].contains(&p)
        })
    }

    #[test]
    fn resolves_and_refuses_traversal() {
        assert_eq!(r("/"), Resolved::File("index.html".into()));
        assert_eq!(r("/a/"), Resolved::File("a/index.html".into()));
        assert_eq!(r("/a"), Resolved::Redirect("/a/".into()));
        assert_eq!(r("/a/b.css?x=1"), Resolved::File("a/b.css".into()));
        assert_eq!(r("/../etc/passwd"), Resolved::NotFound);
        assert_eq!(r("/a/%2e%2e/%2e%2e/etc/passwd"), Resolved::NotFound);
        assert_eq!(r("/a/..%2f..%2fx"), Resolved::NotFound);
        assert_eq!(r("/a%5c..%5cx"), Resolved::NotFound);
        assert_eq!(r("/%zz"), Resolved::NotFound);
        assert_eq!(r("/missing"), Resolved::NotFound);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("leads.csv"), "text/csv; charset=utf-8");
    }
}
