//! Chapter 09: building, before the timed spec runs, the MPI examples the specs build in them.
//!
//! Where `mpirun` is on the PATH, a chapter 09 spec builds its exercise's MPI example with
//! cargo (`support::mpirun::under_mpirun`: `cargo build --quiet --features=mpi --example NAME
//! --manifest-path <exercise>/Cargo.toml --target-dir <CARGO_TARGET_TMPDIR>/mpi`) and runs it
//! under `mpirun`. That first build (rsmpi, bindgen) counted inside grade's watchdog. The same
//! command, run here first under the build's watchdog, leaves the spec's build nothing to do.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use testrun::process::{cargo, run_with_watchdog};

/// `mpirun` on the PATH, if any.
pub(super) fn mpirun() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        let candidate = dir.join("mpirun");
        candidate.is_file().then_some(candidate)
    })
}

/// The builds of the examples of the exercise in `dir` that need its `mpi` feature, each as
/// its spec starts it, into the spec's target folder: `<target>/tmp/mpi` (`target` is where
/// the spec was built, so `CARGO_TARGET_TMPDIR` is `<target>/tmp`).
pub(super) fn prebuilds(dir: &Path, target: &Path) -> Result<Vec<Command>> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", manifest.display()))?;
    let examples = table.get("example").and_then(|e| e.as_array());
    let needs_mpi = |e: &&toml::Value| {
        e.get("required-features")
            .and_then(|f| f.as_array())
            .is_some_and(|f| f.iter().any(|f| f.as_str() == Some("mpi")))
    };
    let names = examples
        .into_iter()
        .flatten()
        .filter(needs_mpi)
        .filter_map(|e| e.get("name")?.as_str());
    Ok(names
        .map(|name| {
            let mut cmd = cargo();
            cmd.args(["build", "--quiet", "--features=mpi", "--example", name])
                .arg("--manifest-path")
                .arg(&manifest)
                .arg("--target-dir")
                .arg(target.join("tmp").join("mpi"));
            cmd
        })
        .collect())
}

/// Runs [`prebuilds`] for the exercise `package` in `dir` when `mpirun` exists, each under
/// `limit`. A build that fails is only reported: the spec's own build fails the same way, and
/// the spec says so (it then runs the ranks as threads).
pub(super) fn prebuild(
    dir: &Path,
    target: &Path,
    package: &str,
    limit: Duration,
) -> Result<()> {
    if mpirun().is_none() {
        return Ok(());
    }
    for mut build in prebuilds(dir, target)? {
        eprintln!("building {package}'s MPI example, before its spec runs...");
        let done = run_with_watchdog(&mut build, limit)?;
        if done.status.is_none_or(|s| !s.success()) {
            eprintln!("  it did not build; its spec will say why");
        }
    }
    Ok(())
}
