//! The preview server under hostile or careless clients, over raw TCP on loopback:
//! size limits, the connection cap, the `Host` check, redirects, `HEAD`, IPv6 binds.

use crate::common;

use common::SiteTest;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::time::{Duration, Instant};

/// Mirrors `MAX_CONNECTIONS` in src/serve/http.rs.
const CAP: usize = 64;
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `partnersite serve` on a free port, killed on drop.
struct Server {
    child: Child,
    /// `host:port` as printed, e.g. `127.0.0.1:40123` or `[::1]:40123`.
    addr: String,
    port: u16,
    _site: SiteTest,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(clippy::zombie_processes)] // Server's Drop kills and waits.
fn serve(args: &[&str]) -> Server {
    let site = SiteTest::from_fixture("site-basic");
    let (child, rx) = common::spawn_serve(site.root(), args);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if let Some(rest) = line.split(" at http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_string();
            let port = addr.rsplit(':').next().unwrap().parse().unwrap();
            std::thread::spawn(move || while rx.recv().is_ok() {});
            return Server {
                child,
                addr,
                port,
                _site: site,
            };
        }
        seen.push(line);
    }
    panic!("serve did not start: {seen:#?}");
}

fn connect(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    s
}

/// Everything the server sent, and whether it closed the connection (rather than the
/// read timing out).
fn read_all(mut s: &TcpStream) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (out, false);
            }
            // A reset after the reply: the server closed with our bytes unread.
            Err(_) => return (out, true),
        }
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
    closed: bool,
}

impl Reply {
    fn parse(bytes: Vec<u8>, closed: bool) -> Reply {
        let Some(split) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
            return Reply {
                status: 0,
                head: String::from_utf8_lossy(&bytes).into_owned(),
                body: Vec::new(),
                closed,
            };
        };
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Reply {
            status,
            head,
            body: bytes[split + 4..].to_vec(),
            closed,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Send `request` from another thread (the server may answer before reading it all)
/// and read the reply.
fn send(addr: &str, request: Vec<u8>) -> Reply {
    let s = connect(addr);
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(&request);
    });
    let (bytes, closed) = read_all(&s);
    writer.join().unwrap();
    Reply::parse(bytes, closed)
}

fn get(server: &Server, method: &str, path: &str, host: &str) -> Reply {
    let request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    send(&server.addr, request.into_bytes())
}

/// `GET /` until it answers 200: connections closed by the client free their place
/// once the server has noticed, which takes a moment.
fn get_until_ok(server: &Server) -> Reply {
    let deadline = Instant::now() + IO_TIMEOUT;
    loop {
        let reply = get(server, "GET", "/", &server.addr);
        if reply.status == 200 || Instant::now() > deadline {
            return reply;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_long_request_line_gets_414_without_being_read_to_the_end() {
    let server = serve(&[]);
    let mut line = b"GET /".to_vec();
    line.extend(std::iter::repeat_n(b'a', 100 * 1024));
    line.extend_from_slice(format!(" HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).as_bytes());
    let reply = send(&server.addr, line);
    assert_eq!(reply.status, 414, "{reply:?}");
    assert!(reply.closed);

    // 10 MB with no line end: the server stops reading at its limit, answers and
    // closes (before, it read the whole line into memory and never answered).
    let mut huge = b"GET /".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    let reply = send(&server.addr, huge);
    assert_eq!(reply.status, 414, "{:?}", reply.head);
    assert_eq!(reply.body, b"The request line is longer than 8 KiB.\n");
    assert!(reply.closed, "the connection is closed after the 414");
    assert_eq!(get_until_ok(&server).status, 200);
}

#[test]
fn huge_headers_get_431() {
    let server = serve(&[]);
    let many: String = (0..200).map(|i| format!("X-Pad-{i}: v\r\n")).collect();
    let request = format!("GET / HTTP/1.1\r\nHost: {}\r\n{many}\r\n", server.addr);
    let reply = send(&server.addr, request.into_bytes());
    assert_eq!(reply.status, 431, "{reply:?}");
    assert!(reply.closed);

    let cookie = "c".repeat(64 * 1024);
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nCookie: a={cookie}\r\n\r\n",
        server.addr
    );
    let reply = send(&server.addr, request.into_bytes());
    assert_eq!(reply.status, 431, "{:?}", reply.head);
    assert!(reply.closed);

    // Ordinary large cookies from other local dev servers still pass.
    let cookie = "c".repeat(12 * 1024);
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nCookie: a={cookie}\r\n\r\n",
        server.addr
    );
    assert_eq!(send(&server.addr, request.into_bytes()).status, 200);
}

/// Connections that never send a request, held open.
fn idle(server: &Server, n: usize) -> Vec<TcpStream> {
    (0..n).map(|_| connect(&server.addr)).collect()
}

/// The reply to a connection that sends nothing: the server answers at once only when
/// it refuses the connection.
fn refused_on_connect(server: &Server) -> Reply {
    let s = connect(&server.addr);
    let (bytes, closed) = read_all(&s);
    Reply::parse(bytes, closed)
}

#[test]
fn connections_past_the_cap_get_503_and_live_reload_streams_do_not_count() {
    let server = serve(&[]);
    // Five open tabs' live-reload streams, each past its response head.
    let streams: Vec<BufReader<TcpStream>> = (0..5)
        .map(|_| {
            let mut s = connect(&server.addr);
            let req = format!(
                "GET /__partnersite/events HTTP/1.1\r\nHost: {}\r\n\r\n",
                server.addr
            );
            s.write_all(req.as_bytes()).unwrap();
            let mut r = BufReader::new(s);
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            assert_eq!(line, "HTTP/1.1 200 OK\r\n");
            while r.read_line(&mut line).unwrap() > 0 && !line.contains("retry") {
                line.clear();
            }
            r
        })
        .collect();
    let held = idle(&server, CAP - 1);
    assert_eq!(get(&server, "GET", "/", &server.addr).status, 200);
    let held_too = idle(&server, 1);
    let reply = refused_on_connect(&server);
    assert_eq!(reply.status, 503, "{reply:?}");
    assert_eq!(reply.header("Retry-After"), Some("1"));
    assert!(reply.closed);
    drop((held, held_too, streams));
    assert_eq!(get_until_ok(&server).status, 200);
}

#[test]
fn still_answers_after_300_connections_opened_and_closed() {
    let server = serve(&[]);
    for round in 0..3 {
        let mut conns = idle(&server, 100);
        // Some clients send half a request before going away.
        for s in conns.iter_mut().step_by(7) {
            let _ = s.write_all(b"GET /partners/ HTTP/1.1\r\nHo");
        }
        // Accepted in order: the first CAP are held, the rest refused at once.
        let last = conns.pop().unwrap();
        let (bytes, closed) = read_all(&last);
        let reply = Reply::parse(bytes, closed);
        assert_eq!(reply.status, 503, "round {round}: {reply:?}");
        drop(conns);
        let reply = get_until_ok(&server);
        assert_eq!(reply.status, 200, "round {round}: {reply:?}");
    }
}

#[test]
fn a_foreign_host_is_refused() {
    let server = serve(&[]);
    let port = server.port;
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        format!("127.0.0.1.evil.example:{port}"),
        format!("[::2]:{port}"),
    ] {
        for path in ["/", "/__partnersite/events"] {
            let reply = get(&server, "GET", path, &host);
            assert_eq!(reply.status, 421, "Host: {host} {path}: {reply:?}");
            assert!(
                String::from_utf8_lossy(&reply.body).contains(&format!(
                    "This preview answers only to http://127.0.0.1:{port}/"
                )),
                "{reply:?}"
            );
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let reply = get(&server, "GET", "/", &host);
        assert_eq!(reply.status, 200, "Host: {host}: {:?}", reply.head);
    }
    let no_host = send(&server.addr, b"GET / HTTP/1.1\r\n\r\n".to_vec());
    assert_eq!(no_host.status, 400, "{no_host:?}");
    let two = format!(
        "GET / HTTP/1.1\r\nHost: {0}\r\nHost: evil.example\r\n\r\n",
        server.addr
    );
    assert_eq!(send(&server.addr, two.into_bytes()).status, 400);
}

#[test]
fn bound_to_all_interfaces_any_ip_literal_is_accepted_but_no_other_name() {
    let server = serve(&["--bind", "0.0.0.0"]);
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
    let port = server.port;
    assert_eq!(
        get(&server, "GET", "/", &format!("10.1.2.3:{port}")).status,
        200
    );
    assert_eq!(
        get(&server, "GET", "/", &format!("localhost:{port}")).status,
        200
    );
    let reply = get(&server, "GET", "/", &format!("evil.example:{port}"));
    assert_eq!(reply.status, 421);
}

#[test]
fn double_slashes_never_give_a_protocol_relative_redirect() {
    let server = serve(&[]);
    for (path, to) in [
        ("/blog", "/blog/"),
        ("//blog", "/blog/"),
        ("///blog?page=2", "/blog/?page=2"),
        ("//partners/cedar-and-quill", "/partners/cedar-and-quill/"),
    ] {
        let reply = get(&server, "GET", path, &server.addr);
        assert_eq!(reply.status, 301, "{path}: {reply:?}");
        assert_eq!(reply.header("Location"), Some(to), "{path}");
    }
    for path in ["/\\blog", "/%5Cblog", "//evil.example"] {
        let reply = get(&server, "GET", path, &server.addr);
        assert_eq!(reply.status, 404, "{path}: {:?}", reply.head);
        assert_eq!(reply.header("Location"), None, "{path}");
    }
}

#[test]
fn head_sends_the_headers_and_no_body() {
    let server = serve(&[]);
    for path in [
        "/",
        "/style.css",
        "/missing/",
        "/__partnersite/livereload.js",
    ] {
        let full = get(&server, "GET", path, &server.addr);
        let head = get(&server, "HEAD", path, &server.addr);
        assert_eq!(head.status, full.status, "{path}");
        assert!(!full.body.is_empty(), "{path}");
        assert_eq!(
            head.header("Content-Length"),
            Some(full.body.len().to_string().as_str()),
            "{path}"
        );
        assert!(head.body.is_empty(), "{path}: {:?}", head.body);
        assert!(head.closed, "{path}");
    }
    // The event stream answers HEAD with its headers and closes instead of streaming.
    let head = get(&server, "HEAD", "/__partnersite/events", &server.addr);
    assert_eq!(head.status, 200, "{head:?}");
    assert_eq!(head.header("Content-Type"), Some("text/event-stream"));
    assert!(head.body.is_empty(), "{head:?}");
    assert!(head.closed, "{head:?}");
}

#[test]
fn binds_the_ipv6_loopback_with_or_without_brackets() {
    // This machine has an IPv6 loopback; fail loudly rather than skip if it goes away.
    std::net::TcpListener::bind("[::1]:0").expect("this machine binds [::1]");
    for bind in ["::1", "[::1]"] {
        let server = serve(&["--bind", bind]);
        assert!(
            server.addr.starts_with("[::1]:"),
            "--bind {bind} printed {}",
            server.addr
        );
        let reply = get(&server, "GET", "/", &server.addr);
        assert_eq!(reply.status, 200, "--bind {bind}: {:?}", reply.head);
        assert!(
            String::from_utf8_lossy(&reply.body).contains(&format!("http://{}/", server.addr)),
            "pages link to the bracketed address"
        );
        let port = server.port;
        let reply = get(&server, "GET", "/", &format!("localhost:{port}"));
        assert_eq!(reply.status, 200);
    }
}
