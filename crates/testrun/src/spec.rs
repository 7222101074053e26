//! The exercises' `spec` test targets: building several with one cargo command, and running
//! one's executable as `cargo test` would.

use crate::cargo_json::Build;
use crate::process::{Finished, cargo, run_with_watchdog};
use anyhow::Result;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Builds the `spec` test of each of `packages` in the workspace at `workspace` into
/// `target_dir`, with one cargo command under the watchdog (`--keep-going`, so one package
/// that does not compile does not hide the others). The executables and the compiler's errors
/// are read from cargo's JSON messages.
pub fn build_specs<'a>(
    workspace: &Path,
    target_dir: &Path,
    packages: impl IntoIterator<Item = &'a str>,
    limit: Duration,
) -> Result<(Build, Finished)> {
    let mut cmd = cargo();
    cmd.current_dir(workspace)
        .args(["build", "--test", "spec", "--keep-going"])
        .args(["--message-format=json", "--target-dir"])
        .arg(target_dir)
        .args(packages.into_iter().flat_map(|package| ["-p", package]));
    let done = run_with_watchdog(&mut cmd, limit)?;
    Ok((Build::parse(&done.stdout), done))
}

/// A spec executable, to run in its package's folder `dir` as `cargo test` would: with
/// `CARGO_MANIFEST_DIR` naming that package (trybuild builds the crate it names), not the tool
/// that runs it under `cargo run`.
pub fn spec_command(exe: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.current_dir(dir).env("CARGO_MANIFEST_DIR", dir);
    cmd
}

/// What a line a spec writes about how it ran starts with (`support::mpirun::NOTE`: chapter
/// 09's "ran under mpirun -n 2 and -n 4", or "MPI skipped, ...").
pub const NOTE: &str = "course note: ";

/// The notes in a spec's output, each once, in the order written, without [`NOTE`]. A note goes
/// to the real stderr, past libtest's capture, so it may follow other text on its line.
pub fn notes(output: &str) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    for line in output.lines() {
        let Some((_, note)) = line.split_once(NOTE) else {
            continue;
        };
        if !notes.iter().any(|n| n == note) {
            notes.push(note.to_string());
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_come_once_each_in_order() {
        let ran = include_str!("libtest/fixtures/ch09-ex01-ran-under-mpirun.txt");
        assert_eq!(
            notes(ran),
            [
                "ex01-tree-reduce: the ranks ran under mpirun -n 2 and -n 4, every rank passed"
            ]
        );
        let twice = "course note: b\ntest x ... course note: a\ncourse note: b\n";
        assert_eq!(notes(twice), ["b", "a"]);
        assert_eq!(
            notes("note: course notes are not notes\n"),
            [] as [String; 0]
        );
    }
}
