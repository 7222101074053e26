//! Serving the book: build it, serve it, rebuild it when a source changes, and reload open pages
//! after each good build.
//!
//! The stack of `mdbook serve`: axum serves the build folder with tower-http's `ServeDir` (content
//! types, percent-decoding, no path out of the folder) and a websocket at [`LIVE_RELOAD`]; mdBook
//! puts a script into every page that reloads it when that websocket says `reload`. `notify`
//! reports changed files. A rebuild goes into a staging folder that replaces the served one only
//! when the build succeeded, so a broken include never takes the book offline.

use crate::services::book;
use anyhow::{Context, Result, anyhow, bail};
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;
use tokio::sync::{broadcast, oneshot};
use tower_http::services::{ServeDir, ServeFile};

/// The websocket that tells open pages to reload (mdBook's `output.html.live-reload-endpoint`).
pub const LIVE_RELOAD: &str = "__livereload";

/// The address served unless `--address` says otherwise: this machine only.
pub const DEFAULT_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// What is watched for changes, relative to the root.
pub const WATCHED: [&str; 4] = ["book.toml", "book", "crates", "exercises"];

/// A running HTTP server for a built book. Stop it with [`Server::shutdown`] (or by dropping it).
pub struct Server {
    addr: SocketAddr,
    reload: broadcast::Sender<()>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Serves `dir` on `addr` (port `0` picks a free port; see [`Server::addr`]).
    pub fn start(dir: &Path, addr: SocketAddr) -> Result<Server> {
        let listener = TcpListener::bind(addr).map_err(|e| match e.kind() {
            ErrorKind::AddrInUse => anyhow!(
                "port {} on {} is already in use (another `cargo course serve`?); pick another \
                 with --port, e.g. `cargo course serve --port {}`",
                addr.port(),
                addr.ip(),
                addr.port().wrapping_add(1).max(1024)
            ),
            _ => anyhow!(e).context(format!("listening on {addr}")),
        })?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let (reload, _) = broadcast::channel(16);
        let app = Router::new()
            .route(&format!("/{LIVE_RELOAD}"), get(live_reload))
            .with_state(reload.clone())
            .fallback_service(
                ServeDir::new(dir).not_found_service(ServeFile::new(dir.join("404.html"))),
            );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .context("starting the HTTP server's runtime")?;
        let (stop, stopped) = oneshot::channel::<()>();
        // Dropping the runtime at the end of the thread closes every connection, websockets too.
        let thread = thread::spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                tokio::select! {
                    served = axum::serve(listener, app).into_future() => served,
                    _ = stopped => Ok(()),
                }
            })
        });
        Ok(Server {
            addr,
            reload,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Tells every open page to reload.
    pub fn reload(&self) {
        // No open page, no receiver: nothing to tell.
        let _ = self.reload.send(());
    }

    /// Stops serving and waits for the server's thread.
    pub fn shutdown(mut self) -> Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> Result<()> {
        drop(self.stop.take());
        match self.thread.take().map(JoinHandle::join) {
            Some(Err(_)) => bail!("the HTTP server panicked"),
            Some(Ok(served)) => served.context("serving the book"),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// A page's websocket: one `reload` message after the next good build, then the socket closes.
async fn live_reload(
    ws: WebSocketUpgrade,
    State(reload): State<broadcast::Sender<()>>,
) -> Response {
    // Subscribe before answering, so a build that ends during the handshake is not missed.
    let mut rebuilt = reload.subscribe();
    ws.on_upgrade(|mut socket| async move {
        tokio::select! {
            Ok(()) = rebuilt.recv() => { let _ = socket.send(Message::text("reload")).await; }
            _ = socket.recv() => {} // the page went away (or spoke, which it never does)
        }
    })
}

/// Builds the book (without running its snippets) into a staging folder beside `dest`, then puts
/// it in place of `dest`. A failed build leaves `dest` as it was. The pages listen on
/// [`LIVE_RELOAD`] for the next build.
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
    let built = book::load(root, Some(&staging)).and_then(|mut book| {
        book.config
            .set("output.html.live-reload-endpoint", LIVE_RELOAD)?;
        // The 404 page links its assets from the site's root, which is `/` here.
        book.config.set("output.html.site-url", "/")?;
        book.build().context("building the book")
    });
    if let Err(e) = built {
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

/// What the watcher does, in order.
#[derive(Debug)]
pub enum Event {
    /// A source changed (the first changed path of a batch, relative to the root).
    Changed(PathBuf),
    /// The rebuild succeeded; open pages were told to reload.
    Rebuilt,
    /// The rebuild failed; the last good build is still served.
    Failed(anyhow::Error),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Changed(path) => write!(f, "{} changed, rebuilding...", path.display()),
            Event::Rebuilt => write!(f, "rebuilt; open pages reload"),
            Event::Failed(e) => write!(
                f,
                "error: the rebuild failed, still serving the last good build:\n{e:#}"
            ),
        }
    }
}

/// Folders never watched: build output, caches, hidden folders.
fn ignored(name: &OsStr) -> bool {
    name == "target" || name == "__pycache__" || name.to_string_lossy().starts_with('.')
}

/// Whether a change to `path` (absolute) calls for a rebuild.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let top = rel.components().next().map(|c| c.as_os_str());
    WATCHED.iter().any(|w| top == Some(OsStr::new(w)))
        && !rel
            .components()
            .any(|c| matches!(c, Component::Normal(n) if ignored(n)))
}

/// Watches `dir` and, recursively, each folder in it but the [`ignored`] ones (a recursive
/// watch on a `target/` folder would see every write of the compiler). A folder created later
/// right inside `dir` is seen at the next `cargo course serve`.
fn watch_tree(watcher: &mut RecommendedWatcher, dir: &Path) -> notify::Result<()> {
    watcher.watch(dir, RecursiveMode::NonRecursive)?;
    for entry in fs::read_dir(dir).map_err(notify::Error::io)?.flatten() {
        if entry.path().is_dir() && !ignored(&entry.file_name()) {
            watcher.watch(&entry.path(), RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

/// Rebuilds the book on every change of its sources; stops when dropped.
pub struct Watcher {
    watcher: Option<RecommendedWatcher>,
    builder: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Watches [`WATCHED`] under `root`; after a change, [`rebuild`]s into `dest`, tells `server`'s
    /// pages to reload after a good build, and reports each step to `events`.
    pub fn start(
        root: &Path,
        dest: &Path,
        server: &Server,
        events: mpsc::Sender<Event>,
    ) -> Result<Watcher> {
        let (tx, changes) = mpsc::channel();
        let top = root.to_path_buf();
        let mut watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
            // Reads are events too (the build reads every source): only writes count. A failed
            // watch is not worth stopping the server for.
            if let Some(path) = e
                .into_iter()
                .filter(|e| !e.kind.is_access())
                .flat_map(|e| e.paths)
                .find(|p| is_source(&top, p))
            {
                let _ = tx.send(path);
            }
        })
        .context("watching for changes")?;
        // The root itself (not recursively) for book.toml, which editors often replace.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED.map(|w| root.join(w)).iter().filter(|d| d.is_dir()) {
            watch_tree(&mut watcher, dir).with_context(|| format!("watching {}", dir.display()))?;
        }
        let (root, dest, reload) = (
            root.to_path_buf(),
            dest.to_path_buf(),
            server.reload.clone(),
        );
        let builder = thread::spawn(move || {
            // Ends when the watcher is dropped (and with it the sender).
            while let Ok(changed) = changes.recv() {
                // Let a burst of writes (an editor's save, a checkout) settle into one rebuild.
                loop {
                    match changes.recv_timeout(Duration::from_millis(200)) {
                        Ok(_) => {}
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                let rel = changed
                    .strip_prefix(&root)
                    .unwrap_or(&changed)
                    .to_path_buf();
                let _ = events.send(Event::Changed(rel));
                let event = match rebuild(&root, &dest) {
                    Ok(()) => {
                        let _ = reload.send(());
                        Event::Rebuilt
                    }
                    Err(e) => Event::Failed(e),
                };
                let _ = events.send(event);
            }
        });
        Ok(Watcher {
            watcher: Some(watcher),
            builder: Some(builder),
        })
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.watcher.take());
        if let Some(builder) = self.builder.take() {
            let _ = builder.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_watched_folders_without_build_output() {
        let root = Path::new("/r");
        for yes in [
            "book.toml",
            "book/SUMMARY.md",
            "crates/ch01/src/lib.rs",
            "exercises/ch01/README.md",
        ] {
            assert!(is_source(root, &root.join(yes)), "{yes}");
        }
        for no in [
            "target/book/index.html",
            "exercises/target/debug/x",
            "crates/ch01/.git/x",
            "book/__pycache__/x.pyc",
            "solutions/ch01/src/lib.rs",
            "Cargo.toml",
        ] {
            assert!(!is_source(root, &root.join(no)), "{no}");
        }
        assert!(!is_source(root, Path::new("/elsewhere/book/x.md")));
    }
}
