//! Running a learner's exercise against its spec, as `cargo course check` and `list` do.
//!
//! Underneath it is the command the exercise's README gives, `cargo test -p <package>` in
//! `exercises/`, built into the learner's own `exercises/target` (never into `target/nested/`,
//! where `verify` builds the starters, and never into the solutions' directory: see
//! ARCHITECTURE.md, "The shared-target-dir trap"). cargo's whole output goes to
//! `target/course/check/<package>.txt` (without colour codes), the result into the progress
//! file that `list` reads.

use crate::services::cargo_json;
use crate::services::files::write_atomically;
use crate::services::fingerprint;
use crate::services::libtest::trybuild::strip_ansi;
use crate::services::process::{cargo, run_streaming};
use crate::services::progress::Progress;
use crate::services::project::{Exercise, Project};
use crate::services::summary::{
    Summary, cargo_lines, spec_source, summarize, summarize_build_failure,
};
use anyhow::{Result, bail};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The build of one exercise gets at least this long, whatever `--timeout` says: compiling is
/// not hanging.
const BUILD_LIMIT: Duration = Duration::from_secs(600);

fn test_command(project: &Project, ex: &Exercise, backtrace: bool) -> Command {
    let mut cmd = cargo();
    cmd.current_dir(project.path("exercises"))
        .env("RUST_BACKTRACE", if backtrace { "1" } else { "0" })
        .args(["test", "-p", &ex.package, "--no-fail-fast"])
        .arg("--target-dir")
        .arg(project.path("exercises/target"));
    cmd
}

/// Where `check` keeps cargo's whole output of an exercise's last run.
pub fn output_path(project: &Project, ex: &Exercise) -> PathBuf {
    project.path(format!("target/course/check/{}.txt", ex.package))
}

/// Builds and runs an exercise's tests (in the learner's `exercises/target`), echoing the build's
/// progress through `echo_build` and nothing of the test run; keeps cargo's whole output in
/// [`output_path`] and records the result in the progress file.
pub fn test_exercise(
    project: &Project,
    ex: &Exercise,
    limit: Duration,
    backtrace: bool,
    mut echo_build: impl FnMut(&str),
) -> Result<Summary> {
    let source_hash = fingerprint::source_hash(project, ex)?;
    let mut build = test_command(project, ex, backtrace);
    build.args(["--no-run", "--message-format=json"]);
    // JSON lines are for us; the rest (Compiling ...) is the build's progress, less the
    // "Executable <path>" lines, which say nothing to a learner.
    let echo = |line: &str| {
        if !line.starts_with('{') && !line.trim_start().starts_with("Executable ") {
            echo_build(line);
        }
    };
    let built = run_streaming(&mut build, limit.max(BUILD_LIMIT), echo)?;
    if built.timed_out() {
        bail!(
            "building {} took longer than {} s; is the machine very busy?",
            ex.package,
            limit.max(BUILD_LIMIT).as_secs()
        );
    }
    let (summary, output) = if built.success() {
        let ran =
            run_streaming(&mut test_command(project, ex, backtrace), limit, |_| {})?;
        let spec = spec_source(project, ex);
        // trybuild colours its report even into a pipe: the file is for reading in an editor.
        let output = strip_ansi(&ran.stdout);
        (
            summarize(&output, ran.status.map(|s| s.success()), &spec),
            output,
        )
    } else {
        // Keep it readable: cargo's own lines, then every compiler error as rustc renders it.
        let errors = cargo_json::Build::parse(&built.stdout)
            .errors_of(&ex.package, usize::MAX)
            .unwrap_or_default();
        (
            summarize_build_failure(&built.stdout, &ex.package),
            format!("{}\n\n{errors}\n", cargo_lines(&built.stdout)),
        )
    };
    write_atomically(&output_path(project, ex), output)?;

    let path = Progress::path(project);
    let mut progress = Progress::load(&path)?;
    let entry = progress.entry(ex);
    entry.status = Some(summary.status);
    entry.passed = summary.passed;
    entry.total = summary.total;
    // RFC 3339 without fractional seconds, `2026-11-22T14:03:09Z`.
    entry.checked_at = Some(format!("{:.0}", jiff::Timestamp::now()));
    entry.source_hash = Some(source_hash);
    progress.save(&path)?;
    Ok(summary)
}
