//! Watching the book's sources: `notify` reports changed files; after a burst of changes settles,
//! the book is rebuilt (see `server::rebuild`) and open pages are told to reload.

use crate::services::server::{Server, rebuild};
use anyhow::{Context, Result};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// What is watched for changes, relative to the root.
pub const WATCHED: [&str; 4] = ["book.toml", "book", "crates", "exercises"];

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
