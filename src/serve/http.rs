//! The preview HTTP server: answers from the in-memory site only, refuses traversal,
//! sends the site's 404 page, and streams live-reload events (Server-Sent Events).
//! One thread per connection on `std::net`: a browser opens several connections at once
//! (page, stylesheet, logos, the event stream) and each must be answered right away.

use super::{Shared, client};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Accept connections until the process ends.
pub fn serve_connections(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming().flatten() {
        let shared = shared.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &shared);
        });
    }
}

/// The request target of an HTTP request head (`GET /path HTTP/1.1`), or `None`.
fn read_request(stream: &TcpStream) -> std::io::Result<Option<(String, String)>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (method, target) = (method.to_string(), target.to_string());
    // Skip the headers (bounded, so a client cannot make us read forever).
    let mut total = line.len();
    loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        total += n;
        if n == 0 || line == "\r\n" || line == "\n" || total > 64 * 1024 {
            break;
        }
    }
    Ok(Some((method, target)))
}

fn write_response(
    mut stream: &TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let Some((method, target)) = read_request(&stream)? else {
        return Ok(());
    };
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return write_response(
            &stream,
            "405 Method Not Allowed",
            &[("Allow", "GET, HEAD")],
            b"",
            false,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    match path {
        "/__partnersite/events" => return event_stream(stream, shared),
        "/__partnersite/livereload.js" => {
            return write_response(
                &stream,
                "200 OK",
                &[("Content-Type", "text/javascript; charset=utf-8")],
                client::JS.as_bytes(),
                head_only,
            );
        }
        "/__partnersite/overlay.css" => {
            return write_response(
                &stream,
                "200 OK",
                &[("Content-Type", "text/css; charset=utf-8")],
                client::CSS.as_bytes(),
                head_only,
            );
        }
        _ => {}
    }
    let (status, ctype, body, location) = {
        let files = match shared.files.read() {
            Ok(f) => f,
            Err(_) => {
                return write_response(
                    &stream,
                    "500 Internal Server Error",
                    &[],
                    b"server state unavailable",
                    false,
                );
            }
        };
        match resolve(&target, |p| files.contains_key(p)) {
            Resolved::File(p) => (
                "200 OK",
                content_type(&p),
                files.get(&p).cloned().unwrap_or_default(),
                None,
            ),
            Resolved::Redirect(to) => (
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                Vec::new(),
                Some(to),
            ),
            Resolved::NotFound => (
                "404 Not Found",
                "text/html; charset=utf-8",
                files.get("404.html").cloned().unwrap_or_else(|| {
                    b"<!DOCTYPE html><title>Not found</title><h1>Page not found</h1>".to_vec()
                }),
                None,
            ),
        }
    };
    let mut headers = vec![("Content-Type", ctype), ("Cache-Control", "no-store")];
    if let Some(to) = &location {
        headers.push(("Location", to));
    }
    write_response(&stream, status, &headers, &body, head_only)
}

/// Keep a Server-Sent Events connection open and forward rebuild events to it.
fn event_stream(mut w: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    w.write_all(head.as_bytes())?;
    let has_problems = shared.errors.read().map(|e| !e.is_empty()).unwrap_or(false)
        || shared
            .warnings
            .read()
            .map(|e| !e.is_empty())
            .unwrap_or(false);
    if has_problems {
        w.write_all(shared.state_event().as_bytes())?;
    }
    w.flush()?;
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push(tx);
    }
    loop {
        // A comment line every 15 s notices closed connections.
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(_) => return Ok(()),
        };
        w.write_all(msg.as_bytes())?;
        w.flush()?;
    }
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
