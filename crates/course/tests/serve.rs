//! `cargo course serve` on a fixture book: pages, 404s, requests that try to leave the build
//! folder, the default address, a change that rebuilds and reloads the open pages, a failed
//! rebuild that keeps the last good build, and a clean shutdown.
//!
//! No assertion on time: every wait is bounded (a socket timeout or `recv_timeout`) only so that
//! a broken server fails the test instead of hanging it.

use clap::Parser;
use course::cli::{Cli, Command};
use course::services::server::{self as serve, Server};
use course::services::watch::{self, Event};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// The bound on every wait: far beyond a build of the fixture book, even on a loaded machine.
const WATCHDOG: Duration = Duration::from_secs(120);

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn fixture_book(root: &Path) {
    write(
        root,
        "book.toml",
        "[book]\ntitle = \"fixture\"\nsrc = \"book\"\n[build]\nbuild-dir = \"target/book\"\ncreate-missing = false\n",
    );
    write(
        root,
        "book/SUMMARY.md",
        "# Summary\n\n[Introduction](introduction.md)\n\n- [Sequential](ch01-sequential/index.md)\n",
    );
    write(
        root,
        "book/introduction.md",
        "# Introduction\n\nThe fixture introduction.\n",
    );
    write(
        root,
        "book/ch01-sequential/index.md",
        "# Sequential\n\n```text\n{{#include ../../crates/ch01-sequential/out.txt:shown}}\n```\n",
    );
    write(
        root,
        "crates/ch01-sequential/out.txt",
        "// ANCHOR: shown\ntotal: 3.1 s\n// ANCHOR_END: shown\n",
    );
}

/// A fixture book, built into root/target/book and served on 127.0.0.1 at a free port.
fn served_fixture() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    fixture_book(dir.path());
    let dest = dir.path().join("target/book");
    serve::rebuild(dir.path(), &dest).expect("the fixture book builds");
    let server =
        Server::start(&dest, SocketAddr::new(serve::DEFAULT_ADDRESS, 0)).unwrap();
    (dir, server)
}

/// One HTTP/1.1 request over a plain socket (the path is sent as it is, never normalised);
/// returns the status code and the whole response.
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, WATCHDOG).unwrap();
    stream.set_read_timeout(Some(WATCHDOG)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("the server answers and closes");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    (status, response)
}

/// An open page: its live-reload event stream, read up to the server's first event, `init`
/// (from then on the server tells it of every good build).
fn open_page(addr: SocketAddr) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect_timeout(&addr, WATCHDOG).unwrap();
    stream.set_read_timeout(Some(WATCHDOG)).unwrap();
    let path = format!("{}/event-stream", serve::LIVE_RELOAD);
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut page = BufReader::new(stream);
    assert_eq!(next_event(&mut page), "init");
    page
}

/// The name of the next event on a page's live-reload event stream (`event: NAME` lines; the
/// other lines are HTTP headers, chunk sizes and event data).
fn next_event(page: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let read = page.read_line(&mut line).expect("the event stream answers");
        assert_ne!(read, 0, "the event stream ended");
        if let Some(name) = line.trim_end().strip_prefix("event: ") {
            return name.to_string();
        }
    }
}

#[test]
fn serves_the_book_and_its_404_page() {
    let (_dir, server) = served_fixture();
    let addr = server.addr();

    let (status, page) = get(addr, "/");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{page}"
    );
    assert!(page.contains("The fixture introduction."), "{page}");
    assert!(
        page.contains(serve::LIVE_RELOAD),
        "the live-reload script: {page}"
    );

    let (status, chapter) = get(addr, "/ch01-sequential/index.html");
    assert_eq!(status, 200);
    assert!(chapter.contains("total: 3.1 s"), "{chapter}");

    let (status, redirect) = get(addr, "/ch01-sequential");
    assert!(
        (300..400).contains(&status),
        "a folder redirects to its slash: {redirect}"
    );
    assert!(
        redirect
            .to_ascii_lowercase()
            .contains("location: /ch01-sequential/"),
        "{redirect}"
    );

    let (status, missing) = get(addr, "/no-such-page.html");
    assert_eq!(status, 404, "{missing}");
    assert!(
        missing.contains("Document not found (404)"),
        "the book's 404.html: {missing}"
    );

    // An open page's event stream does not keep the server from stopping.
    let _page = open_page(addr);
    server.shutdown().unwrap();
    // Once shut down, nobody answers: the connection is refused or closed without a response.
    let answered = TcpStream::connect_timeout(&addr, WATCHDOG).and_then(|mut s| {
        s.set_read_timeout(Some(WATCHDOG))?;
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")?;
        let mut buf = String::new();
        s.read_to_string(&mut buf)?;
        Ok(buf)
    });
    assert!(
        answered.as_ref().map_or(true, |b| b.is_empty()),
        "{answered:?}"
    );
}

#[test]
fn no_request_reads_a_file_outside_the_build_folder() {
    let (dir, server) = served_fixture();
    // The build folder is root/target/book: one `..` reaches target/, two reach the root.
    write(dir.path(), "Cargo.toml", "secret of the root");
    write(dir.path(), "target/Cargo.toml", "secret of target");
    for escape in [
        "/../Cargo.toml",
        "/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/..%2f..%2fCargo.toml",
        "/ch01-sequential/../../Cargo.toml",
        "/..%5cCargo.toml",
        "//etc/passwd",
        &format!("/{}", dir.path().join("Cargo.toml").display()),
    ] {
        let (status, body) = get(server.addr(), escape);
        assert!((400..500).contains(&status), "{escape}: {status}\n{body}");
        assert!(
            !body.contains("secret"),
            "{escape} read a file outside: {body}"
        );
        assert!(!body.contains("root:"), "{escape} read /etc/passwd: {body}");
    }
}

#[test]
fn binds_to_127_0_0_1_by_default_and_a_taken_port_is_a_clear_error() {
    let cli = Cli::try_parse_from(["cargo course", "serve"]).unwrap();
    let Command::Serve { address, port, .. } = cli.command else {
        panic!("not the serve command: {:?}", cli.command);
    };
    assert_eq!(address, IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(port, 3000);

    let (_dir, first) = served_fixture();
    assert_eq!(first.addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_ne!(first.addr().port(), 0);
    let err = Server::start(Path::new("."), first.addr())
        .err()
        .expect("the port is taken")
        .to_string();
    let port = first.addr().port();
    assert!(err.contains(&format!("port {port}")), "{err}");
    assert!(err.contains("--port"), "{err}");
}

/// Waits for the watcher's next event that `wanted` accepts, skipping others (an editor's save
/// can come as two batches of events, hence two rebuilds).
fn wait_for(
    events: &mpsc::Receiver<Event>,
    what: &str,
    wanted: impl Fn(&Event) -> bool,
) -> Event {
    loop {
        match events.recv_timeout(WATCHDOG) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(e) => panic!("no {what} from the watcher: {e}"),
        }
    }
}

#[test]
fn a_change_rebuilds_and_reloads_and_a_failed_rebuild_keeps_the_last_good_build() {
    let (dir, server) = served_fixture();
    let root = dir.path();
    let addr = server.addr();
    let (tx, events) = mpsc::channel();
    let _watcher =
        watch::start(root, &root.join("target/book"), &server, tx).unwrap();
    let mut page = open_page(addr);

    // A source the book includes, outside book/.
    write(
        root,
        "crates/ch01-sequential/out.txt",
        "// ANCHOR: shown\ntotal: 2.7 s\n// ANCHOR_END: shown\n",
    );
    let changed = wait_for(&events, "change", |e| matches!(e, Event::Changed(_)));
    assert!(
        matches!(&changed, Event::Changed(p) if p == Path::new("crates/ch01-sequential/out.txt")),
        "{changed:?}"
    );
    let built = wait_for(&events, "build", |e| !matches!(e, Event::Changed(_)));
    assert!(matches!(built, Event::Rebuilt), "{built:?}");
    assert_eq!(next_event(&mut page), "reload");
    let (status, chapter) = get(addr, "/ch01-sequential/index.html");
    assert_eq!(status, 200);
    assert!(
        chapter.contains("total: 2.7 s"),
        "the new build is served: {chapter}"
    );

    // A broken include: the rebuild fails and says why; the last good build stays online.
    write(
        root,
        "book/ch01-sequential/index.md",
        "# Sequential\n\n{{#include ../../crates/ch01-sequential/out.txt:missing}}\n",
    );
    let Event::Failed(err) =
        wait_for(&events, "failed build", |e| matches!(e, Event::Failed(_)))
    else {
        unreachable!()
    };
    assert!(format!("{err:#}").contains("missing"), "{err:#}");
    let (status, chapter) = get(addr, "/ch01-sequential/index.html");
    assert_eq!(status, 200);
    assert!(
        chapter.contains("total: 2.7 s"),
        "the last good build: {chapter}"
    );
    assert!(!root.join("target/book.building").exists());
}
