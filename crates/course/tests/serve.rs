//! `cargo course serve` on a fixture book: pages, the reload script, 404s, path escapes, the build
//! counter, a failed rebuild that keeps the last good build, and a clean shutdown.

use course::serve::{self, Server};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn fixture_book(root: &Path) {
    write(
        root,
        "book.toml",
        "[book]\ntitle = \"fixture\"\nsrc = \"book\"\n[build]\nbuild-dir = \"target/book\"\ncreate-missing = false\n[output.html.search]\nenable = true\n",
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

/// One HTTP/1.1 request over a plain socket; returns the status code and the whole response.
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("the server answers and closes within 10 s");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    (status, response)
}

#[test]
fn serves_the_book_with_live_reload_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture_book(root);
    let dest = root.join("target/book");
    serve::rebuild(root, &dest).expect("the fixture book builds");
    // mdBook 0.5 names assets by content hash: searchindex-<hash>.js, css/general-<hash>.css.
    let asset = |dir: &str, prefix: &str| {
        fs::read_dir(dest.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .find(|n| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {dir}/{prefix}* in the build"))
    };
    let search_index = asset(".", "searchindex");
    let css_file = asset("css", "general");

    let server = Server::start(&dest, 0).unwrap();
    let addr = server.addr();
    assert_ne!(addr.port(), 0);

    let (status, page) = get(addr, "/");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Content-Type: text/html; charset=utf-8"),
        "{page}"
    );
    assert!(page.contains("The fixture introduction."), "{page}");
    let script = page.find(serve::VERSION_PATH).expect("the reload script");
    assert!(script < page.rfind("</body>").unwrap(), "before </body>");

    let (status, chapter) = get(addr, "/ch01-sequential/index.html");
    assert_eq!(status, 200);
    assert!(chapter.contains("total: 3.1 s"), "{chapter}");

    let (status, redirect) = get(addr, "/ch01-sequential");
    assert_eq!(status, 301, "{redirect}");
    assert!(
        redirect.contains("Location: /ch01-sequential/"),
        "{redirect}"
    );

    let (status, css) = get(addr, &format!("/css/{css_file}"));
    assert_eq!(status, 200);
    assert!(css.contains("Content-Type: text/css"), "{css}");
    assert!(
        !css.contains(serve::VERSION_PATH),
        "only HTML gets the script"
    );

    let (status, index) = get(addr, &format!("/{search_index}"));
    assert_eq!(status, 200, "the search index is served");
    assert!(index.contains("Content-Type: text/javascript"), "{index}");

    let (status, missing) = get(addr, "/no-such-page.html");
    assert_eq!(status, 404, "{missing}");
    assert!(
        missing.contains("Document not found (404)"),
        "the book's 404.html: {missing}"
    );
    assert!(missing.contains(serve::VERSION_PATH));

    fs::write(root.join("secret.txt"), "do not serve").unwrap();
    for escape in ["/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt"] {
        let (status, body) = get(addr, escape);
        assert_eq!(status, 400, "{escape}: {body}");
        assert!(!body.contains("do not serve"));
    }

    let (_, version) = get(addr, serve::VERSION_PATH);
    assert!(version.ends_with("\r\n\r\n1"), "{version:?}");
    server.bump_version();
    let (_, version) = get(addr, serve::VERSION_PATH);
    assert!(version.ends_with("\r\n\r\n2"), "{version:?}");

    server.shutdown();
    // Once shut down, nobody answers: the connection is refused or closed without a response.
    let answered = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).and_then(|mut s| {
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
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
fn a_failed_rebuild_keeps_the_last_good_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture_book(root);
    let dest = root.join("target/book");
    serve::rebuild(root, &dest).unwrap();

    write(
        root,
        "book/ch01-sequential/index.md",
        "# Sequential\n\n{{#include ../../crates/ch01-sequential/out.txt:missing}}\n",
    );
    let err = format!("{:#}", serve::rebuild(root, &dest).unwrap_err());
    assert!(err.contains("missing"), "{err}");
    let page = fs::read_to_string(dest.join("ch01-sequential/index.html")).unwrap();
    assert!(
        page.contains("total: 3.1 s"),
        "the last good build is still there"
    );
    assert!(!root.join("target/book.building").exists());
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let first = Server::start(tempfile::tempdir().unwrap().path(), 0).unwrap();
    let port = first.addr().port();
    let err = Server::start(tempfile::tempdir().unwrap().path(), port)
        .err()
        .expect("the port is taken")
        .to_string();
    assert!(err.contains(&format!("port {port}")), "{err}");
    assert!(err.contains("--port"), "{err}");
    first.shutdown();
}
