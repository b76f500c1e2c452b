//! The preview HTTP server: answers from the in-memory site only, refuses traversal and
//! foreign `Host` names (DNS rebinding), bounds what one client can cost, sends the
//! site's 404 page, and streams live-reload events (Server-Sent Events).
//! One thread per connection on `std::net`, under a cap: a browser opens several
//! connections at once (page, stylesheet, logos, the event stream) and each must be
//! answered right away, while the cap, the size limits and the timeouts keep one client
//! from using up threads, memory or file descriptors.

use super::{Shared, client};
use anyhow::{Context as _, Result};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Longest request line (`GET /path HTTP/1.1`) read; a longer one gets 414.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Largest request head (line and headers) read; a larger one gets 431. Not tiny:
/// browsers send this port the cookies of every other local dev server.
const MAX_HEAD: usize = 32 * 1024;
/// Header slots handed to httparse; more headers than this get 431.
const MAX_HEADERS: usize = 64;
/// Time a client has to send its whole request head (a slowloris client is dropped).
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to take each part of a response (one that never reads is dropped).
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections being read or answered at once; more get 503 until one ends.
const MAX_CONNECTIONS: usize = 64;
/// Open live-reload streams (one per open tab). Counted apart from
/// [`MAX_CONNECTIONS`] so that open tabs never use up what page requests need.
const MAX_EVENT_STREAMS: usize = 32;
/// What an error reply reads of a request it refused before closing, so that the
/// client sees the reply rather than a connection reset.
const LINGER_BYTES: usize = 64 * 1024;
const LINGER_TIME: Duration = Duration::from_millis(500);

const EVENTS_PATH: &str = "/__partnersite/events";

type Refusal = (&'static str, &'static str);
const URI_TOO_LONG: Refusal = (
    "414 URI Too Long",
    "The request line is longer than 8 KiB.\n",
);
const HEADERS_TOO_LARGE: Refusal = (
    "431 Request Header Fields Too Large",
    "The request headers are larger than 32 KiB or more than 64.\n",
);
const BAD_REQUEST: Refusal = ("400 Bad Request", "Malformed HTTP request.\n");
const TIMEOUT: Refusal = (
    "408 Request Timeout",
    "The request was not sent within 10 seconds.\n",
);
const BUSY: Refusal = (
    "503 Service Unavailable",
    "The preview server is answering too many connections; retry in a moment.\n",
);
const TOO_MANY_TABS: Refusal = (
    "503 Service Unavailable",
    "Too many live-reload connections are open; close some preview tabs.\n",
);

/// A bound listening socket with the `Host` names it answers to.
pub struct Listener {
    tcp: TcpListener,
    hosts: AllowedHosts,
    url: String,
}

impl Listener {
    /// Bind `--bind` on `port`: an IPv4 address, an IPv6 address with or without
    /// brackets (`::1`, `[::1]`), or a host name such as `localhost`.
    pub fn bind(bind: &str, port: u16) -> Result<Listener> {
        let name = bind
            .strip_prefix('[')
            .and_then(|b| b.strip_suffix(']'))
            .unwrap_or(bind);
        let ip = name.parse::<IpAddr>().ok();
        let tcp = match ip {
            Some(ip) => TcpListener::bind(SocketAddr::new(ip, port)),
            None => TcpListener::bind((name, port)),
        };
        let shown = match ip {
            Some(IpAddr::V6(_)) => format!("[{name}]:{port}"),
            _ => format!("{name}:{port}"),
        };
        let tcp = tcp.with_context(|| format!("cannot listen on {shown}"))?;
        let local = tcp
            .local_addr()
            .with_context(|| format!("cannot read the address bound for {shown}"))?;
        let url_host = match (ip, local.ip()) {
            (_, IpAddr::V4(v4)) if v4.is_unspecified() => "127.0.0.1".to_string(),
            (_, IpAddr::V6(v6)) if v6.is_unspecified() => "[::1]".to_string(),
            (None, _) => name.to_ascii_lowercase(),
            (Some(_), bound) => ip_literal(bound),
        };
        let mut names = vec!["localhost".to_string()];
        if ip.is_none() {
            names.push(name.to_ascii_lowercase());
        }
        let hosts = AllowedHosts {
            port: local.port(),
            ips: vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
                local.ip(),
            ],
            names,
            any_ip: local.ip().is_unspecified(),
        };
        let url = format!("http://{url_host}:{}/", local.port());
        Ok(Listener { tcp, hosts, url })
    }

    /// The address to print and to build the preview with, e.g. `http://[::1]:1111/`.
    pub fn base_url(&self) -> &str {
        &self.url
    }
}

/// An IP as it appears in a URL or a `Host` header: IPv6 in brackets.
fn ip_literal(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The `Host` values the preview answers to. A DNS-rebinding page reaches the preview
/// under its own domain name, so only `localhost`, the name given to `--bind` and IP
/// literals (with the port) are accepted. Bound to all interfaces (`0.0.0.0`, `::`),
/// any IP literal is accepted, so another device can use `http://192.168.1.5:1111/`.
struct AllowedHosts {
    port: u16,
    ips: Vec<IpAddr>,
    names: Vec<String>,
    any_ip: bool,
}

impl AllowedHosts {
    fn allows(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host.trim()) else {
            return false;
        };
        // Browsers leave out the port only when it is the scheme's default.
        if port.unwrap_or(80) != self.port {
            return false;
        }
        match parse_ip_literal(name) {
            Some(ip) => self.any_ip || self.ips.contains(&ip),
            None => self.names.iter().any(|n| n.eq_ignore_ascii_case(name)),
        }
    }
}

/// `name[:port]` or `[v6][:port]`; `None` when the port is not a number.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?.checked_add(1)?;
        let (name, rest) = host.split_at_checked(end)?;
        match rest {
            "" => (name, None),
            _ => (name, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some((name, port))
}

fn parse_ip_literal(name: &str) -> Option<IpAddr> {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        None => name.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// What every connection thread shares.
struct Ctx {
    shared: Arc<Shared>,
    hosts: AllowedHosts,
    /// The 421 reply body: where the preview can be reached instead.
    misdirected: String,
    connections: Arc<AtomicUsize>,
    event_streams: Arc<AtomicUsize>,
}

/// One counted place under a cap, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()?;
        Some(Slot(count.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Accept connections until the process ends. A failure to accept or to start a
/// thread never ends the loop.
pub fn serve_connections(listener: Listener, shared: Arc<Shared>) {
    let Listener { tcp, hosts, url } = listener;
    let ctx = Arc::new(Ctx {
        shared,
        hosts,
        misdirected: format!(
            "This preview answers only to {url} (or localhost with the same port).\n\
             The request named another host, as a DNS-rebinding page would.\n"
        ),
        connections: Arc::new(AtomicUsize::new(0)),
        event_streams: Arc::new(AtomicUsize::new(0)),
    });
    let mut backoff = Duration::ZERO;
    loop {
        let result = tcp.accept().and_then(|(stream, _)| dispatch(stream, &ctx));
        backoff = match result {
            Ok(()) => Duration::ZERO,
            Err(e) => pause_after(&e, backoff),
        };
    }
}

/// The pause after a failed accept or thread start: none when one client gave up during
/// the handshake; growing from 10 ms to 1 s when the process is out of file descriptors,
/// threads or memory (`EMFILE`, `ENFILE`, `EAGAIN`, `ENOBUFS`), so that the loop waits
/// for connections to end instead of spinning on the same error.
fn pause_after(e: &io::Error, backoff: Duration) -> Duration {
    use io::ErrorKind::{ConnectionAborted, ConnectionReset, Interrupted};
    if matches!(e.kind(), ConnectionAborted | ConnectionReset | Interrupted) {
        return backoff;
    }
    if backoff.is_zero() {
        eprintln!("serve: cannot take a connection ({e}); retrying");
    }
    let next = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
    std::thread::sleep(next);
    next
}

/// Answer one connection on its own thread, or 503 when over the cap or when no thread
/// can start (then the error is returned so that the accept loop backs off).
fn dispatch(stream: TcpStream, ctx: &Arc<Ctx>) -> io::Result<()> {
    let Some(slot) = Slot::take(&ctx.connections, MAX_CONNECTIONS) else {
        refuse_now(stream, BUSY);
        return Ok(());
    };
    // The stream goes through a channel so that it is still here if the thread cannot
    // start (`Builder::spawn` drops its closure on failure).
    let (tx, rx) = std::sync::mpsc::sync_channel::<TcpStream>(1);
    let worker = ctx.clone();
    let started = std::thread::Builder::new()
        .name("partnersite-http".into())
        .spawn(move || {
            if let Ok(stream) = rx.recv() {
                let _ = handle(stream, &worker, slot);
            }
        });
    match started {
        Ok(_) => {
            let _ = tx.send(stream);
            Ok(())
        }
        Err(e) => {
            refuse_now(stream, BUSY);
            Err(e)
        }
    }
}

/// The parts of a request head the server uses.
struct Request {
    method: String,
    target: String,
    /// The one `Host` header; `None` when missing or repeated.
    host: Option<String>,
}

enum Head {
    /// The client closed or sent nothing (a browser's unused preconnect).
    Closed,
    Refused(Refusal),
    Request(Request),
}

/// Read a request head through the limits: at most [`MAX_HEAD`] bytes (plus one read
/// chunk) are ever held, whatever the client sends, and the whole head must arrive
/// within [`HEAD_TIMEOUT`].
fn read_head(mut stream: &TcpStream) -> io::Result<Head> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut lines = 0usize;
    let mut line_end: Option<usize> = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(timed_out(&buf));
        }
        stream.set_read_timeout(Some(left))?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Ok(Head::Closed),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(timed_out(&buf));
            }
            Err(e) => return Err(e),
        };
        let new = chunk.get(..n).unwrap_or_default();
        let newlines = new.iter().filter(|&&b| b == b'\n').count();
        if line_end.is_none() {
            line_end = new.iter().position(|&b| b == b'\n').map(|p| buf.len() + p);
        }
        let room = MAX_HEAD.saturating_sub(buf.len());
        buf.extend_from_slice(new.get(..room.min(n)).unwrap_or(new));
        lines += newlines;
        if line_end.unwrap_or(buf.len()) > MAX_REQUEST_LINE {
            return Ok(Head::Refused(URI_TOO_LONG));
        }
        // A head can only be complete once a line ends; parsing only then bounds the
        // work per connection (at most one parse per line, and the lines are capped).
        if newlines > 0
            && let Some(head) = parse(&buf)
        {
            return Ok(head);
        }
        if buf.len() >= MAX_HEAD || lines > MAX_HEADERS + 2 {
            return Ok(Head::Refused(HEADERS_TOO_LARGE));
        }
    }
}

fn timed_out(buf: &[u8]) -> Head {
    if buf.is_empty() {
        Head::Closed
    } else {
        Head::Refused(TIMEOUT)
    }
}

/// httparse reads the head in place into a fixed array of header slots, so a request
/// with many headers costs no allocation and fails with `TooManyHeaders`; it also
/// refuses control characters in the target, so nothing can be smuggled into a
/// `Location` header. `None` while the head is incomplete.
fn parse(buf: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(buf) {
        Ok(httparse::Status::Complete(_)) => {
            let mut hosts = req
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("host"));
            let host = hosts
                .next()
                .and_then(|h| std::str::from_utf8(h.value).ok())
                .map(str::to_string);
            let repeated = hosts.next().is_some();
            Some(Head::Request(Request {
                method: req.method.unwrap_or_default().to_string(),
                target: req.path.unwrap_or_default().to_string(),
                host: host.filter(|_| !repeated),
            }))
        }
        Ok(httparse::Status::Partial) => None,
        Err(httparse::Error::TooManyHeaders) => Some(Head::Refused(HEADERS_TOO_LARGE)),
        Err(_) => Some(Head::Refused(BAD_REQUEST)),
    }
}

fn write_response(
    mut stream: &TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
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

/// Send an error reply, then read (and drop) a little of what the client still sends
/// before closing: closing with unread data resets the connection, and the client
/// could lose the reply.
fn refuse(stream: &TcpStream, (status, body): (&str, &str), head_only: bool) -> io::Result<()> {
    write_response(
        stream,
        status,
        &[("Content-Type", "text/plain; charset=utf-8")],
        body.as_bytes(),
        head_only,
    )?;
    linger(stream);
    Ok(())
}

/// [`refuse`] on the accept thread, which must not wait on a slow client: short write
/// timeout, and the linger reads only what has already arrived.
fn refuse_now(stream: TcpStream, refusal: Refusal) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let (status, body) = refusal;
    let sent = write_response(
        &stream,
        status,
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Retry-After", "1"),
        ],
        body.as_bytes(),
        false,
    );
    if sent.is_ok() && stream.set_nonblocking(true).is_ok() {
        linger(&stream);
    }
}

fn linger(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER_TIME;
    let mut sink = [0u8; 4096];
    let mut read = 0;
    while read < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => read += n,
        }
    }
}

fn handle(stream: TcpStream, ctx: &Ctx, slot: Slot) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let req = match read_head(&stream)? {
        Head::Closed => return Ok(()),
        Head::Refused(refusal) => return refuse(&stream, refusal, false),
        Head::Request(req) => req,
    };
    let head_only = req.method == "HEAD";
    let Some(host) = &req.host else {
        let missing = ("400 Bad Request", "Send exactly one Host header.\n");
        return refuse(&stream, missing, head_only);
    };
    if !ctx.hosts.allows(host) {
        let misdirected = ("421 Misdirected Request", ctx.misdirected.as_str());
        return refuse(&stream, misdirected, head_only);
    }
    if req.method != "GET" && !head_only {
        return write_response(
            &stream,
            "405 Method Not Allowed",
            &[("Allow", "GET, HEAD")],
            b"",
            false,
        );
    }
    let path = req.target.split(['?', '#']).next().unwrap_or("");
    let (ctype, body) = match path {
        EVENTS_PATH => return events(stream, ctx, slot, head_only),
        "/__partnersite/livereload.js" => ("text/javascript; charset=utf-8", client::JS),
        "/__partnersite/overlay.css" => ("text/css; charset=utf-8", client::CSS),
        _ => return serve_file(&stream, &ctx.shared, &req.target, head_only),
    };
    write_response(
        &stream,
        "200 OK",
        &[("Content-Type", ctype)],
        body.as_bytes(),
        head_only,
    )
}

/// A live-reload stream: moves from the connection cap to the stream cap, so that an
/// open tab holds no place that page requests need.
fn events(mut stream: TcpStream, ctx: &Ctx, slot: Slot, head_only: bool) -> io::Result<()> {
    if head_only {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        stream.write_all(head.as_bytes())?;
        return stream.flush();
    }
    let Some(_stream_slot) = Slot::take(&ctx.event_streams, MAX_EVENT_STREAMS) else {
        return refuse(&stream, TOO_MANY_TABS, false);
    };
    drop(slot);
    event_stream(stream, &ctx.shared)
}

fn serve_file(
    stream: &TcpStream,
    shared: &Shared,
    target: &str,
    head_only: bool,
) -> io::Result<()> {
    let (status, ctype, body, location) = {
        let Ok(files) = shared.files.read() else {
            return write_response(
                stream,
                "500 Internal Server Error",
                &[],
                b"server state unavailable",
                false,
            );
        };
        match resolve(target, |p| files.contains_key(p)) {
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
    write_response(stream, status, &headers, &body, head_only)
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
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
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
        // One leading slash, whatever the request had: `//blog/` would be a
        // protocol-relative URL, a redirect to the host `blog`.
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let sep = if query.is_empty() { "" } else { "?" };
        return Resolved::Redirect(format!("/{}/{sep}{query}", path.trim_start_matches('/')));
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
        assert_eq!(r("//a"), Resolved::Redirect("/a/".into()));
        assert_eq!(r("///a?x=1"), Resolved::Redirect("/a/?x=1".into()));
        assert_eq!(r("/%2Fa"), Resolved::Redirect("/%2Fa/".into()));
        assert_eq!(r("/\\a"), Resolved::NotFound);
    }

    #[test]
    fn host_check() {
        let loopback = Listener::bind("127.0.0.1", 0).unwrap();
        let port = loopback.hosts.port;
        let ok = |h: &AllowedHosts, host: &str| h.allows(&host.replace("PORT", &port.to_string()));
        let h = &loopback.hosts;
        for good in [
            "localhost:PORT",
            "127.0.0.1:PORT",
            "[::1]:PORT",
            " LOCALHOST:PORT ",
        ] {
            assert!(ok(h, good), "{good}");
        }
        for bad in [
            "evil.example:PORT",
            "localhost",
            "localhost:",
            "localhost:+PORT",
            "127.0.0.1:PORT:PORT",
            "[::1]PORT",
            "[::1",
            "10.0.0.1:PORT",
            "",
        ] {
            assert!(!ok(h, bad), "{bad}");
        }
        assert_eq!(loopback.base_url(), format!("http://127.0.0.1:{port}/"));
        let any = Listener::bind("0.0.0.0", 0).unwrap();
        let port = any.hosts.port;
        assert!(any.hosts.allows(&format!("192.168.1.5:{port}")));
        assert!(any.hosts.allows(&format!("[fe80::1]:{port}")));
        assert!(!any.hosts.allows(&format!("laptop.local:{port}")));
        let v6 = Listener::bind("[::1]", 0).unwrap();
        assert_eq!(v6.base_url(), format!("http://[::1]:{}/", v6.hosts.port));
    }

    #[test]
    fn request_heads_are_bounded() {
        let refused = |buf: &[u8]| match parse(buf) {
            Some(Head::Refused((status, _))) => status,
            Some(Head::Request(_)) => "complete",
            Some(Head::Closed) => "closed",
            None => "partial",
        };
        assert_eq!(refused(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "complete");
        assert_eq!(refused(b"GET / HTTP/1.1\r\nHost: a\r\n"), "partial");
        assert_eq!(refused(b"GET /\x01 HTTP/1.1\r\n\r\n"), "400 Bad Request");
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: v\r\n"))
            .collect();
        let req = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(refused(req.as_bytes()), HEADERS_TOO_LARGE.0);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("leads.csv"), "text/csv; charset=utf-8");
    }
}
