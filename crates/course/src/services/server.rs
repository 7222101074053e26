//! Serving the book: build it, serve it, rebuild it when a source changes, and reload open pages
//! after each good build (the watching is in `watch`).
//!
//! axum serves the build folder with tower-http's `ServeDir` (content types, percent-decoding, no
//! path out of the folder); `tower-livereload` puts a script into every HTML page that listens on
//! an event stream at [`LIVE_RELOAD`] and reloads the page when the server says so. A rebuild
//! goes into a staging folder that replaces the served one only when the build succeeded, so a
//! broken include never takes the book offline.

use crate::services::book;
use anyhow::{Context, Result, anyhow, bail};
use axum::Router;
use std::fs;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::thread::{self, JoinHandle};
use tokio::sync::oneshot;
use tower_http::services::{ServeDir, ServeFile};
use tower_livereload::{LiveReloadLayer, Reloader};

/// Where the pages' live-reload script listens (its event stream is `{LIVE_RELOAD}/event-stream`).
pub const LIVE_RELOAD: &str = "/__livereload";

/// The address served unless `--address` says otherwise: this machine only.
pub const DEFAULT_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A running HTTP server for a built book. Stop it with [`Server::shutdown`], which waits for it,
/// or by dropping it.
pub struct Server {
    addr: SocketAddr,
    /// Tells every open page to reload.
    pub(crate) reloader: Reloader,
    stop: oneshot::Sender<()>,
    thread: JoinHandle<std::io::Result<()>>,
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
        let live_reload = LiveReloadLayer::new().custom_prefix(LIVE_RELOAD);
        let reloader = live_reload.reloader();
        let app = Router::new()
            .fallback_service(
                ServeDir::new(dir).not_found_service(ServeFile::new(dir.join("404.html"))),
            )
            .layer(live_reload);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .context("starting the HTTP server's runtime")?;
        let (stop, stopped) = oneshot::channel::<()>();
        // Dropping the runtime at the end of the thread closes every connection, the pages' event
        // streams too. A dropped `Server` drops `stop`, which stops the server as well.
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
            reloader,
            stop,
            thread,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the server's thread.
    pub fn shutdown(self) -> Result<()> {
        drop(self.stop);
        match self.thread.join() {
            Err(_) => bail!("the HTTP server panicked"),
            Ok(served) => served.context("serving the book"),
        }
    }
}

/// Builds the book (without running its snippets) into a staging folder beside `dest`, then puts
/// it in place of `dest`. A failed build leaves `dest` as it was.
pub fn rebuild(root: &Path, dest: &Path) -> Result<()> {
    let (staging, old) = (dest.with_extension("building"), dest.with_extension("old"));
    let built = book::load(root, Some(&staging)).and_then(|mut book| {
        // The 404 page links its assets from the site's root, which is `/` here.
        book.config.set("output.html.site-url", "/")?;
        // mdBook empties the staging folder (a leftover of an interrupted rebuild) first.
        book.build().context("building the book")
    });
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    // An `old` left by an interrupted rebuild would make the first rename fail.
    let _ = fs::remove_dir_all(&old);
    if dest.exists() {
        fs::rename(dest, &old).with_context(|| format!("moving {} aside", dest.display()))?;
    }
    fs::rename(&staging, dest)
        .with_context(|| format!("moving the new build to {}", dest.display()))?;
    // Not worth failing a good build for: the next rebuild removes it first.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}
