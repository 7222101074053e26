//! Serving the book: build it, serve it, rebuild it when a source changes, and reload open pages
//! after each good build (the watching is in `watch`).
//!
//! axum serves the build folder with tower-http's `ServeDir` (content types, percent-decoding, no
//! path out of the folder); `tower-livereload` puts a script into every HTML page that listens on
//! an event stream at [`LIVE_RELOAD`] and reloads the page when the server says so. A rebuild
//! goes into a staging folder that replaces the served one only when the build succeeded, so a
//! broken include never takes the book offline.

use crate::services::book;
use anyhow::{Context, Result, anyhow};
use axum::Router;
use std::fs;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use tokio::net::TcpListener;
use tokio::runtime::{self, Runtime};
use tokio::task::JoinHandle;
use tower_http::services::{ServeDir, ServeFile};
use tower_livereload::{LiveReloadLayer, Reloader};

/// Where the pages' live-reload script listens (its event stream is `{LIVE_RELOAD}/event-stream`).
pub const LIVE_RELOAD: &str = "/__livereload";

/// The address served unless `--address` says otherwise: this machine only.
pub const DEFAULT_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A running HTTP server for a built book. Stop it with [`Server::shutdown`] or by dropping it.
pub struct Server {
    addr: SocketAddr,
    /// Tells every open page to reload.
    pub(crate) reloader: Reloader,
    /// Dropping it stops the server and closes every connection, the pages' event streams too.
    runtime: Runtime,
    served: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Serves `dir` on `addr` (port `0` picks a free port; see [`Server::addr`]).
    pub fn start(dir: &Path, addr: SocketAddr) -> Result<Server> {
        let runtime = runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_io()
            .build()
            .context("starting the HTTP server's runtime")?;
        let listener = runtime
            .block_on(TcpListener::bind(addr))
            .map_err(|e| match e.kind() {
                ErrorKind::AddrInUse => anyhow!(
                    "port {} on {} is already in use (another `cargo course serve`?); pick \
                     another with --port, e.g. `cargo course serve --port {}`",
                    addr.port(),
                    addr.ip(),
                    addr.port().wrapping_add(1).max(1024)
                ),
                _ => anyhow!(e).context(format!("listening on {addr}")),
            })?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let live_reload = LiveReloadLayer::new().custom_prefix(LIVE_RELOAD);
        let reloader = live_reload.reloader();
        let app = Router::new()
            .fallback_service(
                ServeDir::new(dir)
                    .not_found_service(ServeFile::new(dir.join("404.html"))),
            )
            .layer(live_reload);
        let served = runtime.spawn(axum::serve(listener, app).into_future());
        Ok(Server {
            addr,
            reloader,
            runtime,
            served,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving (dropping the runtime); says why if the server had stopped by itself.
    pub fn shutdown(self) -> Result<()> {
        if !self.served.is_finished() {
            return Ok(());
        }
        let served = self.runtime.block_on(self.served);
        served
            .context("the HTTP server panicked")?
            .context("serving the book")
    }
}

/// Builds the book (without running its snippets) into a staging folder beside `dest`, then puts
/// it in place of `dest`. A failed build leaves `dest` as it was.
pub fn rebuild(root: &Path, dest: &Path) -> Result<()> {
    let (staging, old) =
        (dest.with_extension("building"), dest.with_extension("old"));
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
        fs::rename(dest, &old)
            .with_context(|| format!("moving {} aside", dest.display()))?;
    }
    fs::rename(&staging, dest)
        .with_context(|| format!("moving the new build to {}", dest.display()))?;
    // Not worth failing a good build for: the next rebuild removes it first.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}
