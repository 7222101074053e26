//! Watching the book's sources: `notify` reports changed files, `notify-debouncer-full` lets a
//! burst of changes settle, then the book is rebuilt (see `server::rebuild`) and open pages are
//! told to reload.

use crate::services::server::{Server, rebuild};
use anyhow::{Context, Result};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, RecommendedCache, new_debouncer,
};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
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

/// Folders never watched: build output, caches, hidden folders.
fn ignored(name: &OsStr) -> bool {
    name == "target"
        || name == "__pycache__"
        || name.to_string_lossy().starts_with('.')
}

/// Whether a change to `path` (absolute) calls for a rebuild.
pub fn is_source(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rel| {
        WATCHED.iter().any(|w| rel.starts_with(w)) && !rel.iter().any(ignored)
    })
}

/// Rebuilds the book on every change of its sources; stops when dropped.
pub type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Watches [`WATCHED`] under `root`; once a burst of changes (an editor's save, a checkout) has
/// settled, [`rebuild`]s into `dest`, tells `server`'s pages to reload after a good build, and
/// reports each step to `events`.
pub fn start(
    root: &Path,
    dest: &Path,
    server: &Server,
    events: mpsc::Sender<Event>,
) -> Result<Watcher> {
    let top = root.to_path_buf();
    let dest = dest.to_path_buf();
    let reloader = server.reloader.clone();
    let mut watcher = new_debouncer(
        Duration::from_millis(200),
        None,
        move |batch: DebounceEventResult| {
            // Reads are events too (the build reads every source): only writes count. A failed
            // watch is not worth stopping the server for.
            let Some(changed) = batch
                .into_iter()
                .flatten()
                .filter(|e| !e.kind.is_access())
                .flat_map(|e| e.event.paths)
                .find(|p| is_source(&top, p))
            else {
                return;
            };
            let rel = changed.strip_prefix(&top).unwrap_or(&changed).to_path_buf();
            let _ = events.send(Event::Changed(rel));
            let _ = events.send(match rebuild(&top, &dest) {
                Ok(()) => {
                    reloader.reload();
                    Event::Rebuilt
                }
                Err(e) => Event::Failed(e),
            });
        },
    )
    .context("watching for changes")?;
    // The root itself (not recursively) for book.toml, which editors often replace; each watched
    // folder, and recursively each folder in it but the ignored ones (a recursive watch on a
    // `target/` folder would see every write of the compiler). A folder created later right
    // inside a watched folder is seen at the next `cargo course serve`.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED.map(|w| root.join(w)).iter().filter(|d| d.is_dir()) {
        let context = || format!("watching {}", dir.display());
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .with_context(context)?;
        for entry in fs::read_dir(dir).with_context(context)?.flatten() {
            if entry.path().is_dir() && !ignored(&entry.file_name()) {
                watcher
                    .watch(entry.path(), RecursiveMode::Recursive)
                    .with_context(context)?;
            }
        }
    }
    Ok(watcher)
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
