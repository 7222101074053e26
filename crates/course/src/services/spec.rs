//! The check behind `cargo course verify`: every spec test fails on its starter and passes on its
//! solution.
//!
//! The starters (exercises/) and the solutions (solutions/) are separate workspaces with the same
//! package names, built into separate target directories: with a shared one, cargo would reuse
//! one side's build for the other and the check would silently test the wrong code.

use crate::services::cargo_json::tail;
use crate::services::libtest::{self, Outcome, TestResult};
use crate::services::process::{Finished, run_with_watchdog};
use crate::services::project::{Exercise, Project};
use crate::services::units::indent;
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::time::Duration;
use testrun::spec::{build_specs, spec_command};

/// What a spec writes about how it ran (chapter 09: under mpirun, or skipped): `check` and
/// `verify` show it.
pub use testrun::spec::{NOTE, notes};

/// One side of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Starter,
    Solution,
}

impl Side {
    /// The side's name and its workspace's folder.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Side::Starter => ("starter", "exercises"),
            Side::Solution => ("solution", "solutions"),
        }
    }
}

/// What running one exercise's spec on one side produced, or, if it did not compile (or has no
/// `spec` test target), the compiler's errors.
pub type SpecRun = Result<Ran, String>;

/// A spec that built and ran.
#[derive(Debug)]
pub struct Ran {
    /// Test names from `--list`.
    pub listed: Vec<String>,
    pub results: Vec<TestResult>,
    pub run: Finished,
}

/// Builds every exercise's spec on one side into its own target directory,
/// `<root>/target/nested/<workspace>`, with one cargo command (`--keep-going`, so one package
/// that does not compile does not hide the others), reading the test executables and the
/// compiler's errors from cargo's JSON messages. Then, one exercise at a time as the iterator
/// is read, runs its spec executable: lists its tests, then runs them, in the package's folder
/// as `cargo test` would.
pub fn run_side<'a>(
    project: &'a Project,
    exercises: &'a [Exercise],
    side: Side,
    limit: Duration,
) -> Result<impl Iterator<Item = Result<SpecRun>> + 'a> {
    let workspace = side.names().1;
    let target = format!("target/nested/{workspace}");
    println!(
        "building the {workspace} workspace ({} packages, target dir {target})...",
        exercises.len()
    );
    let packages = exercises.iter().map(|ex| ex.package.as_str());
    let (build, done) = build_specs(
        &project.path(workspace),
        &project.path(&target),
        packages,
        limit * 4,
    )?;
    if done.timed_out() {
        bail!(
            "building the {workspace} workspace took longer than {} s",
            (limit * 4).as_secs()
        );
    }
    Ok(exercises.iter().map(move |ex| {
        let Some(exe) = build.executable(&ex.package, "spec") else {
            let errors = build.errors_of(&ex.package, 12);
            return Ok(Err(errors.unwrap_or_else(|| tail(&done.stderr, 12))));
        };
        let dir = project.path(match side {
            Side::Starter => ex.starter_dir(),
            Side::Solution => ex.solution_dir(),
        });
        let listed = run_with_watchdog(spec_command(exe, &dir).arg("--list"), limit)?;
        let run = run_with_watchdog(&mut spec_command(exe, &dir), limit)?;
        Ok(Ok(Ran {
            listed: libtest::parse_list(&listed.stdout),
            results: libtest::parse_results(&run.stdout),
            run,
        }))
    }))
}

/// The verdict on one exercise.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Tests that fail on the starter and pass on the solution.
    pub passed: Vec<String>,
    /// One line per problem, naming the tests involved.
    pub problems: Vec<String>,
    /// How many tests the problems concern (at least 1 per exercise-level problem).
    pub failed: usize,
}

fn no_result(name: &str, side: Side, ran: &Ran, limit: Duration) -> String {
    let status = match ran.run.status {
        None => format!("killed after {} s", limit.as_secs()),
        Some(s) => s.to_string(),
    };
    format!(
        "`{name}` has no result on the {} (the test binary ended early: {status})",
        side.names().0
    )
}

/// Applies the rules to the two runs of one exercise.
pub fn judge(starter: &SpecRun, solution: &SpecRun, limit: Duration) -> Verdict {
    let mut v = Verdict::default();
    for (side, run) in [(Side::Starter, starter), (Side::Solution, solution)] {
        let label = side.names().0;
        match run {
            Err(errors) => v.problems.push(format!(
                "the {label} does not compile with its spec:\n{}",
                indent(errors, 7)
            )),
            Ok(ran) if ran.run.timed_out() => v.problems.push(format!(
                "the {label}'s spec did not finish within {} s (a hung test? run it under support::watchdog)",
                limit.as_secs()
            )),
            Ok(_) => {}
        }
    }
    let listed = |run: &SpecRun| run.as_ref().map_or(0, |r| r.listed.len());
    if !v.problems.is_empty() {
        v.failed = listed(starter).max(listed(solution)).max(1);
        return v;
    }
    // A side that did not build is a problem above.
    let (Ok(starter), Ok(solution)) = (starter, solution) else {
        return v;
    };
    let starter_names: BTreeSet<&str> =
        starter.listed.iter().map(String::as_str).collect();
    let solution_names: BTreeSet<&str> =
        solution.listed.iter().map(String::as_str).collect();
    if solution_names.is_empty() {
        v.problems.push("the spec has no tests".to_string());
        v.failed = 1;
        return v;
    }
    if starter_names != solution_names {
        let only = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| {
            a.difference(b).copied().collect::<Vec<_>>().join(", ")
        };
        v.problems.push(format!(
            "the starter and the solution run different tests (only on the starter: [{}]; only on the solution: [{}]): does the solution's [[test]] point at the exercise's tests/spec.rs?",
            only(&starter_names, &solution_names),
            only(&solution_names, &starter_names)
        ));
        v.failed = starter_names.union(&solution_names).count();
        return v;
    }
    for name in &solution.listed {
        let on_starter = starter.results.iter().find(|r| r.name == *name);
        let on_solution = solution.results.iter().find(|r| r.name == *name);
        let starter_problem = match on_starter.map(|r| (r.outcome, r.should_panic)) {
            Some((Outcome::Failed, _)) => None,
            Some((Outcome::Ok, true)) => Some(format!(
                "`{name}` passes on the starter: it is #[should_panic] and todo!() panics too (give it `expected = \"...\"` with the solution's message)"
            )),
            Some((Outcome::Ok, false)) => Some(format!(
                "`{name}` passes on the starter (it must fail until the learner does the work)"
            )),
            Some((Outcome::Ignored, _)) => {
                Some(format!("`{name}` is ignored on the starter"))
            }
            None => Some(no_result(name, Side::Starter, starter, limit)),
        };
        let solution_problem = match on_solution.map(|r| r.outcome) {
            Some(Outcome::Ok) => None,
            Some(Outcome::Failed) => {
                let why = libtest::failure_messages(&solution.run.stdout)
                    .remove(name.as_str())
                    .map(|m| format!(": {}", m.lines().next().unwrap_or("")))
                    .unwrap_or_default();
                Some(format!("`{name}` fails on the solution{why}"))
            }
            Some(Outcome::Ignored) => {
                Some(format!("`{name}` is ignored on the solution"))
            }
            None => Some(no_result(name, Side::Solution, solution, limit)),
        };
        let problems: Vec<String> = [starter_problem, solution_problem]
            .into_iter()
            .flatten()
            .collect();
        if problems.is_empty() {
            v.passed.push(name.clone());
        } else {
            v.failed += 1;
            v.problems.extend(problems);
        }
    }
    v
}

#[cfg(test)]
mod tests;
