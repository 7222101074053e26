//! `cargo course serve`: build the book, serve it at 127.0.0.1:3000, rebuild on every change.

use crate::services::project::Project;
use crate::services::server::{Server, rebuild};
use crate::services::watch::{self, Event};
use anyhow::Result;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc;

/// `cargo course serve [--address A] [--port P] [--open]`: runs until interrupted.
pub fn run(project: &Project, address: IpAddr, port: u16, open: bool) -> Result<()> {
    let root = &project.root;
    let dest = project.path("target/book");
    // Listen first: a taken port is reported before a build that may take a while.
    let server = Server::start(&dest, SocketAddr::new(address, port))?;
    let (events, changes) = mpsc::channel();
    let _watcher = watch::start(root, &dest, &server, events)?;
    println!("building the book...");
    match rebuild(root, &dest) {
        Ok(()) => println!("built the book into {}", dest.display()),
        Err(e) if dest.join("index.html").is_file() => {
            println!(
                "error: the book does not build, serving the previous build:\n{e:#}"
            );
        }
        Err(e) => {
            println!(
                "error: the book does not build; fix it and the server rebuilds:\n{e:#}"
            );
        }
    }
    let url = format!("http://{}/", server.addr());
    println!("Serving the book at {url} (Ctrl-C to stop)");
    println!("watching book.toml, book/, crates/ and exercises/ for changes");
    // The launcher (xdg-open or the like) is reaped in the background: no zombie.
    if open && let Err(e) = open::that_detached(&url) {
        println!("note: could not open a browser ({e}); open {url} yourself");
    }
    for event in changes {
        match event {
            Event::Changed(path) => {
                println!("{} changed, rebuilding...", path.display())
            }
            Event::Rebuilt => println!("rebuilt; open pages reload"),
            Event::Failed(e) => {
                println!(
                    "error: the rebuild failed, still serving the last good build:\n{e:#}"
                )
            }
        }
    }
    server.shutdown()
}
