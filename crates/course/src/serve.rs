//! `cargo course serve`: build the book, serve it on localhost, rebuild it when a source changes,
//! and reload open pages after each good build.
//!
//! The server is a small static file server on `tiny_http`. Every HTML page gets a script that
//! polls `/__course/version` (the number of good builds so far) once a second and reloads the page
//! when it changes. A watcher thread polls the modification times of `book/`, `crates/` and
//! `exercises/` once a second; a rebuild goes into a staging folder that replaces the served one
//! only when the build succeeded, so a broken include never takes the book offline.

use crate::book;
use crate::project::Project;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, ErrorKind};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};
use tiny_http::{Header, Method, Request, Response};

/// The path the reload script polls.
pub const VERSION_PATH: &str = "/__course/version";

/// How many threads answer requests (a browser opens several connections at once).
const WORKERS: usize = 4;

/// The content type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "txt" | "md" | "rs" | "py" | "toml" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or text that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Turns a request URL into a path relative to the served folder: the query and fragment are
/// dropped, escapes decoded, empty and `.` segments skipped. `None` for anything that could leave
/// the folder (`..`, a backslash, a NUL, a drive or absolute path inside a segment).
pub fn sanitize(url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut rel = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', '\0', ':']) => return None,
            s => rel.push(s),
        }
    }
    Some(rel)
}

/// The live-reload script for a page served from build `version`.
pub fn reload_script(version: u64) -> String {
    format!(
        r#"<script>
// Injected by `cargo course serve`: reload this page after the book is rebuilt.
(function () {{
  var built = "{version}";
  function poll() {{
    fetch("{VERSION_PATH}", {{ cache: "no-store" }})
      .then(function (r) {{ return r.text(); }})
      .then(function (v) {{
        if (v !== built) {{ location.reload(); }} else {{ setTimeout(poll, 1000); }}
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  setTimeout(poll, 1000);
}})();
</script>
"#
    )
}

/// Inserts `script` before the last `</body>` of `html` (at the end if there is none).
pub fn inject(html: &str, script: &str) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + script.len());
    out.push_str(&html[..at]);
    out.push_str(script);
    out.push_str(&html[at..]);
    out
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| panic!("invalid header {name}: {value}"))
}

/// What the server shares between its request threads and its owner.
struct State {
    dir: PathBuf,
    version: AtomicU64,
    stop: AtomicBool,
}

/// A running static file server for a built book. Stop it with [`Server::shutdown`] (or by
/// dropping it).
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    http: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Serves `dir` on 127.0.0.1:`port` (`0` picks a free port; see [`Server::addr`]).
    pub fn start(dir: impl Into<PathBuf>, port: u16) -> Result<Server> {
        let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            Ok(l) => l,
            Err(e) if e.kind() == ErrorKind::AddrInUse => bail!(
                "port {port} on 127.0.0.1 is already in use (another `cargo course serve`?); \
                 pick another with --port, e.g. `cargo course serve --port {}`",
                port.wrapping_add(1).max(1024)
            ),
            Err(e) => return Err(e).context(format!("listening on 127.0.0.1:{port}")),
        };
        let addr = listener.local_addr().context("reading the bound address")?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| anyhow!("starting the HTTP server: {e}"))?;
        let http = Arc::new(http);
        let state = Arc::new(State {
            dir: dir.into(),
            version: AtomicU64::new(1),
            stop: AtomicBool::new(false),
        });
        let workers = (0..WORKERS)
            .map(|_| {
                let http = Arc::clone(&http);
                let state = Arc::clone(&state);
                thread::spawn(move || worker(&http, &state))
            })
            .collect();
        Ok(Server {
            addr,
            state,
            http,
            workers,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The build counter that open pages compare against.
    pub fn version(&self) -> u64 {
        self.state.version.load(Ordering::SeqCst)
    }

    /// Tells open pages that a new build is in place: they reload within a second.
    pub fn bump_version(&self) -> u64 {
        self.state.version.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// A handle the watcher thread uses to bump the version.
    fn version_handle(&self) -> Arc<State> {
        Arc::clone(&self.state)
    }

    /// Stops accepting requests and waits for the request threads to finish.
    pub fn shutdown(mut self) {
        self.stop_workers();
    }

    fn stop_workers(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        for _ in 0..self.workers.len() {
            self.http.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_workers();
    }
}

fn worker(http: &tiny_http::Server, state: &State) {
    while !state.stop.load(Ordering::SeqCst) {
        match http.recv_timeout(Duration::from_millis(250)) {
            Ok(Some(request)) => {
                // A client that hangs up mid-response is not our problem.
                let _ = respond(request, state);
            }
            Ok(None) => {}
            Err(_) => break,
        }
    }
}

fn respond(request: Request, state: &State) -> io::Result<()> {
    match request.method() {
        Method::Get | Method::Head => {}
        _ => {
            return request.respond(
                Response::from_string("only GET and HEAD are served\n")
                    .with_status_code(405)
                    .with_header(header("Allow", "GET, HEAD")),
            );
        }
    }
    let url = request.url().to_string();
    let version = state.version.load(Ordering::SeqCst);
    if url.split('?').next() == Some(VERSION_PATH) {
        return send(
            request,
            200,
            "text/plain; charset=utf-8",
            version.to_string().into_bytes(),
        );
    }
    let Some(rel) = sanitize(&url) else {
        return send(
            request,
            400,
            "text/plain; charset=utf-8",
            b"bad path: it would leave the book's folder\n".to_vec(),
        );
    };
    let mut path = state.dir.join(&rel);
    if path.is_dir() {
        let bare = url.split(['?', '#']).next().unwrap_or("/");
        if !bare.ends_with('/') {
            // Relative links in the page only work from the folder's own URL.
            let location = format!("{bare}/");
            return match Header::from_bytes("Location", location.as_bytes()) {
                Ok(h) => request.respond(Response::empty(301).with_header(h)),
                Err(()) => send(
                    request,
                    400,
                    "text/plain; charset=utf-8",
                    b"bad path\n".to_vec(),
                ),
            };
        }
        path.push("index.html");
    }
    match fs::read(&path) {
        Ok(body) if path.is_file() => {
            let ctype = content_type(&path);
            send(request, 200, ctype, page(ctype, body, version))
        }
        _ => {
            let not_found = state.dir.join("404.html");
            match fs::read(&not_found) {
                Ok(body) => send(
                    request,
                    404,
                    "text/html; charset=utf-8",
                    page("text/html", body, version),
                ),
                Err(_) => send(
                    request,
                    404,
                    "text/plain; charset=utf-8",
                    format!("not found: {url}\n").into_bytes(),
                ),
            }
        }
    }
}

/// HTML pages get the reload script; everything else is sent as it is.
fn page(ctype: &str, body: Vec<u8>, version: u64) -> Vec<u8> {
    if !ctype.starts_with("text/html") {
        return body;
    }
    match String::from_utf8(body) {
        Ok(html) => inject(&html, &reload_script(version)).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

fn send(request: Request, code: u16, ctype: &str, body: Vec<u8>) -> io::Result<()> {
    // tiny_http itself leaves the body out of a HEAD response.
    request.respond(
        Response::from_data(body)
            .with_status_code(code)
            .with_header(header("Content-Type", ctype))
            .with_header(header("Cache-Control", "no-cache")),
    )
}

/// Modification time and size of every file under the watched folders.
pub type Snapshot = BTreeMap<PathBuf, (SystemTime, u64)>;

/// The folders whose changes trigger a rebuild, relative to the root.
pub const WATCHED: [&str; 4] = ["book.toml", "book", "crates", "exercises"];

/// Reads the modification times under `root`'s watched folders, skipping `target/`, hidden
/// folders and `__pycache__`.
pub fn snapshot(root: &Path) -> Snapshot {
    let mut snap = Snapshot::new();
    for rel in WATCHED {
        walk(&root.join(rel), &mut snap);
    }
    snap
}

fn walk(path: &Path, snap: &mut Snapshot) {
    let Ok(meta) = fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        snap.insert(path.to_path_buf(), (mtime, meta.len()));
        return;
    }
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name == "__pycache__" || name.starts_with('.') {
            continue;
        }
        walk(&entry.path(), snap);
    }
}

/// The first path that differs between two snapshots (added, removed or changed).
pub fn first_change<'a>(before: &'a Snapshot, after: &'a Snapshot) -> Option<&'a Path> {
    after
        .iter()
        .find(|(p, v)| before.get(*p) != Some(v))
        .map(|(p, _)| p.as_path())
        .or_else(|| {
            before
                .keys()
                .find(|p| !after.contains_key(*p))
                .map(PathBuf::as_path)
        })
}

/// Builds the book (without running its snippets) into a staging folder beside `dest`, then puts
/// it in place of `dest`. A failed build leaves `dest` as it was.
pub fn rebuild(root: &Path, dest: &Path) -> Result<()> {
    let name = dest
        .file_name()
        .and_then(|n| n.to_str())
        .context("the book's output folder has no name")?;
    let staging = dest.with_file_name(format!("{name}.building"));
    let old = dest.with_file_name(format!("{name}.old"));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)
                .with_context(|| format!("removing {}", leftover.display()))?;
        }
    }
    if let Err(e) = book::build_book(root, Some(&staging), false) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if dest.exists() {
        fs::rename(dest, &old).with_context(|| format!("moving {} aside", dest.display()))?;
    }
    fs::rename(&staging, dest)
        .with_context(|| format!("moving the new build to {}", dest.display()))?;
    if old.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let started = Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        Ok(mut child) => {
            // Reap it in the background so it never lingers as a zombie.
            thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(e) => {
            println!("note: could not open a browser with `{opener}` ({e}); open {url} yourself")
        }
    }
}

/// `cargo course serve [--port P] [--open]`: runs until interrupted.
pub fn run(project: &Project, port: u16, open: bool) -> Result<()> {
    let root = project.root.clone();
    let dest = project.path("target/book");
    // Listen first: a taken port is reported before a build that may take a while.
    let server = Server::start(&dest, port)?;
    println!("building the book...");
    match rebuild(&root, &dest) {
        Ok(()) => println!("built the book into {}", dest.display()),
        Err(e) if dest.join("index.html").is_file() => {
            println!("error: the book does not build, serving the previous build:\n{e:#}");
        }
        Err(e) => {
            println!("error: the book does not build; fix it and the server rebuilds:\n{e:#}");
        }
    }
    let url = format!("http://{}/", server.addr());
    println!("Serving the book at {url} (Ctrl-C to stop)");
    println!("watching book/, crates/ and exercises/ for changes");
    if open {
        open_browser(&url);
    }
    let state = server.version_handle();
    let watcher = thread::spawn(move || {
        let mut seen = snapshot(&root);
        loop {
            thread::sleep(Duration::from_secs(1));
            let now = snapshot(&root);
            let Some(changed) = first_change(&seen, &now) else {
                continue;
            };
            let shown = changed.strip_prefix(&root).unwrap_or(changed);
            println!("{} changed, rebuilding...", shown.display());
            seen = now;
            match rebuild(&root, &dest) {
                Ok(()) => {
                    let v = state.version.fetch_add(1, Ordering::SeqCst) + 1;
                    println!("rebuilt (build {v}); open pages reload");
                }
                Err(e) => {
                    println!("error: the rebuild failed, still serving the last good build:\n{e:#}")
                }
            }
        }
    });
    watcher
        .join()
        .map_err(|_| anyhow!("the watcher thread panicked"))?;
    server.shutdown();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_by_extension() {
        for (file, ctype) in [
            ("index.html", "text/html; charset=utf-8"),
            ("css/chrome.css", "text/css; charset=utf-8"),
            ("book.js", "text/javascript; charset=utf-8"),
            ("bench/ch01-sequential.svg", "image/svg+xml"),
            ("fonts/open-sans.woff", "font/woff"),
            ("fonts/x.woff2", "font/woff2"),
            ("FontAwesome/fonts/fa.ttf", "font/ttf"),
            ("searchindex.json", "application/json"),
            ("favicon.png", "image/png"),
            ("favicon.ICO", "image/x-icon"),
            ("output/cores.txt", "text/plain; charset=utf-8"),
            ("README", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), ctype, "{file}");
        }
    }

    #[test]
    fn paths_are_sanitised() {
        assert_eq!(sanitize("/"), Some(PathBuf::new()));
        assert_eq!(
            sanitize("/ch01-sequential/index.html?x=1#top"),
            Some(PathBuf::from("ch01-sequential/index.html"))
        );
        assert_eq!(
            sanitize("/a%20b/./c.html"),
            Some(PathBuf::from("a b/c.html"))
        );
        assert_eq!(sanitize("//a//b"), Some(PathBuf::from("a/b")));
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/secret",
            "/a/%2E%2E/%2e%2e/b",
            "/..%2fsecret",
            "/a%5c..%5cb",
            "/c:/windows",
            "/a%00b",
            "/bad%zzescape",
            "/%ff",
        ] {
            assert_eq!(sanitize(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let script = reload_script(7);
        assert!(script.contains(VERSION_PATH));
        assert!(script.contains("var built = \"7\""));
        let html = "<html><body><p>&lt;/body&gt; in text</p></body></html>";
        let out = inject(html, "<script>s</script>");
        assert_eq!(
            out,
            "<html><body><p>&lt;/body&gt; in text</p><script>s</script></body></html>"
        );
        assert_eq!(
            inject("<BODY>x</BODY>", "<s/>"),
            "<BODY>x<s/></BODY>",
            "case-insensitive"
        );
        assert_eq!(inject("no body", "<s/>"), "no body<s/>");
        assert_eq!(
            page("image/svg+xml", b"<svg></svg>".to_vec(), 1),
            b"<svg></svg>"
        );
    }

    #[test]
    fn snapshots_see_changed_added_and_removed_files_but_not_target() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("book/ch01")).unwrap();
        fs::create_dir_all(root.join("crates/ch01/target/debug")).unwrap();
        fs::write(root.join("book/ch01/index.md"), "# One\n").unwrap();
        let before = snapshot(root);
        assert_eq!(first_change(&before, &snapshot(root)), None);

        fs::write(root.join("crates/ch01/target/debug/x"), "build output").unwrap();
        assert_eq!(
            first_change(&before, &snapshot(root)),
            None,
            "target/ is skipped"
        );

        let page = root.join("book/ch01/index.md");
        let file = fs::File::options().write(true).open(&page).unwrap();
        file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
            .unwrap();
        let touched = snapshot(root);
        assert_eq!(first_change(&before, &touched), Some(page.as_path()));

        let added = root.join("crates/ch01/lib.rs");
        fs::write(&added, "").unwrap();
        let after_add = snapshot(root);
        assert_eq!(first_change(&touched, &after_add), Some(added.as_path()));
        fs::remove_file(&added).unwrap();
        assert_eq!(
            first_change(&after_add, &snapshot(root)),
            Some(added.as_path())
        );
    }
}
