//! Serving the book: build it, serve it, rebuild it when a source changes, and reload open pages
//! after each good build (the watching is in `watch`).
//!
//! The stack of `mdbook serve`: axum serves the build folder with tower-http's `ServeDir` (content
//! types, percent-decoding, no path out of the folder) and a websocket at [`LIVE_RELOAD`]; mdBook
//! puts a script into every page that reloads it when that websocket says `reload`. A rebuild goes into a staging folder that replaces the served one only
//! when the build succeeded, so a broken include never takes the book offline.

use crate::services::book;
use anyhow::{Context, Result, anyhow, bail};
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use std::fs;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::thread::{self, JoinHandle};
use tokio::sync::{broadcast, oneshot};
use tower_http::services::{ServeDir, ServeFile};

/// The websocket that tells open pages to reload (mdBook's `output.html.live-reload-endpoint`).
pub const LIVE_RELOAD: &str = "__livereload";

/// The address served unless `--address` says otherwise: this machine only.
pub const DEFAULT_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A running HTTP server for a built book. Stop it with [`Server::shutdown`] (or by dropping it).
pub struct Server {
    addr: SocketAddr,
    pub(crate) reload: broadcast::Sender<()>,
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
