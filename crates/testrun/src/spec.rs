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
