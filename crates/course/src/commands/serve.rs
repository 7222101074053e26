//! `cargo course serve`: build the book, serve it at 127.0.0.1:3000, rebuild on every change.

use crate::services::project::Project;
use crate::services::server::{Server, rebuild};
use crate::services::watch::Watcher;
use anyhow::Result;
use std::net::{IpAddr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

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

/// `cargo course serve [--address A] [--port P] [--open]`: runs until interrupted.
pub fn run(project: &Project, address: IpAddr, port: u16, open: bool) -> Result<()> {
    let root = &project.root;
    let dest = project.path("target/book");
    // Listen first: a taken port is reported before a build that may take a while.
    let server = Server::start(&dest, SocketAddr::new(address, port))?;
    let (events, changes) = mpsc::channel();
    let _watcher = Watcher::start(root, &dest, &server, events)?;
    println!("building the book...");
    match rebuild(root, &dest) {
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
    println!("watching book.toml, book/, crates/ and exercises/ for changes");
    if open {
        open_browser(&url);
    }
    for event in changes {
        println!("{event}");
    }
    server.shutdown()
}
