//! Running one exercise's spec under the watchdog, and again alone for a test without a verdict.

use super::{Outcome, TestGrade};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use testrun::libtest::{self, Outcome as LibtestOutcome};
use testrun::process::run_with_watchdog;
use testrun::spec::spec_command;

/// The start of the message of a test that `support::fork`'s runner did not run because a
/// test before it hung ("not run: test X hung before it; fix that first").
const NOT_RUN: &str = "not run: ";

/// Runs the spec of one exercise (its executable `exe`, in its folder `dir`) under the
/// watchdog and grades each of `tests`. A test the full run gave no verdict is run again alone
/// (`--exact`), as the GitHub Classroom workflow runs every test, so both give the same grade:
/// one the fork harness did not run because a test before it hung, and one without a result
/// when the watchdog killed the run (`hung`: libtest runs as many tests at once as there are
/// cores, so a test can wait behind hung ones). Each re-run has the same `timeout`, so an
/// exercise costs at most (1 + its tests) × `timeout`.
pub(super) fn run_exercise(
    exe: &Path,
    dir: &Path,
    package: &str,
    tests: &[String],
    timeout: Duration,
) -> Result<Vec<TestGrade>> {
    let mut grades = run_spec(exe, dir, package, tests, None, timeout)?;
    for grade in &mut grades {
        let not_run =
            grade.outcome == Outcome::Failed && grade.message.starts_with(NOT_RUN);
        if not_run || grade.outcome == Outcome::Hung {
            let alone = std::slice::from_ref(&grade.test);
            if let Some(again) =
                run_spec(exe, dir, package, alone, Some(&grade.test), timeout)?.pop()
            {
                *grade = again;
            }
        }
    }
    Ok(grades)
}

/// One run of a spec under the watchdog (only the test `exact`, if given), graded.
fn run_spec(
    exe: &Path,
    dir: &Path,
    package: &str,
    tests: &[String],
    exact: Option<&str>,
    timeout: Duration,
) -> Result<Vec<TestGrade>> {
    let mut cmd = spec_command(exe, dir);
    cmd.env("RUST_BACKTRACE", "0");
    if let Some(test) = exact {
        cmd.args(["--exact", test]);
    }
    let run = run_with_watchdog(&mut cmd, timeout)?;
    let results: BTreeMap<_, _> = libtest::parse_results(&run.stdout)
        .into_iter()
        .map(|r| (r.name, r.outcome))
        .collect();
    // The first line of each panic message: a grade's message is one line.
    let messages: BTreeMap<_, _> = libtest::failure_messages(&run.stdout)
        .into_iter()
        .filter_map(|(name, m)| Some((name, m.lines().next()?.to_string())))
        .collect();
    let mut grades = Vec::new();
    for t in tests {
        let (outcome, message) = match (results.get(t), run.status) {
            (Some(LibtestOutcome::Ok), _) => (Outcome::Passed, String::new()),
            (Some(LibtestOutcome::Failed), _) => (
                Outcome::Failed,
                messages.get(t).cloned().unwrap_or_else(|| {
                    format!(
                        "failed (its message: cargo test -p {package} --test spec)"
                    )
                }),
            ),
            (Some(LibtestOutcome::Ignored), _) => (
                Outcome::Failed,
                "ignored (#[ignore] counts as failed)".into(),
            ),
            (None, None) if exact.is_some() => (
                Outcome::Hung,
                format!(
                    "no result when the watchdog killed it, run alone, after {} s: it hangs",
                    timeout.as_secs()
                ),
            ),
            (None, None) => (
                Outcome::Hung,
                format!(
                    "no result when the watchdog killed the spec after {} s: it hung, or waited behind a test that did",
                    timeout.as_secs()
                ),
            ),
            (None, Some(status)) => (
                Outcome::NoResult,
                format!("no result: the spec ended early ({status})"),
            ),
        };
        grades.push(TestGrade {
            exercise: package.to_string(),
            test: t.clone(),
            outcome,
            message,
        });
    }
    Ok(grades)
}

pub(super) fn first_error(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .map(str::to_string)
}
