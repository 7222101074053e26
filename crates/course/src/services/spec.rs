//! The check behind `cargo course verify`: every spec test fails on its starter and passes on its
//! solution.
//!
//! The starters (exercises/) and the solutions (solutions/) are separate workspaces with the same
//! package names, built into separate target directories: with a shared one, cargo would reuse
//! one side's build for the other and the check would silently test the wrong code.

use crate::services::cargo_json;
use crate::services::libtest::{self, Outcome, TestResult};
use crate::services::process::{Finished, run_with_watchdog};
use crate::services::project::{Exercise, Project};
use crate::services::units::indent;
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;
use testrun::spec::{build_specs, spec_command};

/// One side of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Starter,
    Solution,
}

impl Side {
    pub fn workspace(self) -> &'static str {
        match self {
            Side::Starter => "exercises",
            Side::Solution => "solutions",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Side::Starter => "starter",
            Side::Solution => "solution",
        }
    }

    /// The side's own target directory under `<root>/target/nested/`.
    pub fn target_dir(self, project: &Project) -> PathBuf {
        project.path("target/nested").join(self.workspace())
    }
}

/// What running one side's spec produced.
#[derive(Debug)]
pub struct SpecRun {
    /// Test names from `--list` (empty if it did not build).
    pub listed: Vec<String>,
    pub results: Vec<TestResult>,
    pub run: Finished,
    /// The spec did not compile (or has no `spec` test target): the compiler's errors.
    pub build_errors: Option<String>,
}

/// Builds every exercise's spec on one side with one cargo command (`--keep-going`, so one
/// package that does not compile does not hide the others), reading the test executables and
/// the compiler's errors from cargo's JSON messages.
pub fn build_side(
    project: &Project,
    exercises: &[Exercise],
    side: Side,
    limit: Duration,
) -> Result<(cargo_json::Build, Finished)> {
    println!(
        "building the {} workspace ({} packages, target dir {})...",
        side.workspace(),
        exercises.len(),
        relative(project, &side.target_dir(project)).display()
    );
    let packages = exercises.iter().map(|ex| ex.package.as_str());
    let (built, done) = build_specs(
        &project.path(side.workspace()),
        &side.target_dir(project),
        packages,
        limit * 4,
    )?;
    if done.timed_out() {
        bail!(
            "building the {} workspace took longer than {} s",
            side.workspace(),
            (limit * 4).as_secs()
        );
    }
    Ok((built, done))
}

/// Runs an exercise's spec executable on one side (built by [`build_side`]): lists its tests,
/// then runs them, in the package's folder as `cargo test` would.
pub fn run_spec(
    project: &Project,
    ex: &Exercise,
    side: Side,
    build: &(cargo_json::Build, Finished),
    limit: Duration,
) -> Result<SpecRun> {
    let (built, cargo_run) = build;
    let Some(exe) = built.executable(&ex.package, "spec") else {
        let errors = built
            .errors_of(&ex.package, 12)
            .unwrap_or_else(|| cargo_json::tail(&cargo_run.stderr, 12));
        return Ok(SpecRun {
            listed: Vec::new(),
            results: Vec::new(),
            run: Finished {
                status: cargo_run.status,
                stdout: String::new(),
                stderr: String::new(),
            },
            build_errors: Some(errors),
        });
    };
    let dir = project.path(match side {
        Side::Starter => ex.starter_dir(),
        Side::Solution => ex.solution_dir(),
    });
    let listed = run_with_watchdog(spec_command(exe, &dir).arg("--list"), limit)?;
    let names = libtest::parse_list(&listed.stdout);
    let run = run_with_watchdog(&mut spec_command(exe, &dir), limit)?;
    Ok(SpecRun {
        listed: names,
        results: libtest::parse_results(&run.stdout),
        build_errors: None,
        run,
    })
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

fn outcome_of<'a>(results: &'a [TestResult], name: &str) -> Option<&'a TestResult> {
    results.iter().find(|r| r.name == name)
}

fn no_result(name: &str, side: Side, run: &SpecRun, limit: Duration) -> String {
    let status = match run.run.status {
        None => format!("killed after {} s", limit.as_secs()),
        Some(s) => s.to_string(),
    };
    format!(
        "`{name}` has no result on the {} (the test binary ended early: {status})",
        side.label()
    )
}

/// Applies the rules to the two runs of one exercise.
pub fn judge(starter: &SpecRun, solution: &SpecRun, limit: Duration) -> Verdict {
    let mut v = Verdict::default();
    for (side, run) in [(Side::Starter, starter), (Side::Solution, solution)] {
        if run.run.timed_out() {
            v.problems.push(format!(
                "the {}'s spec did not finish within {} s (a hung test? run it under support::watchdog)",
                side.label(),
                limit.as_secs()
            ));
        } else if let Some(errors) = &run.build_errors {
            v.problems.push(format!(
                "the {} does not compile with its spec:\n{}",
                side.label(),
                indent(errors, 7)
            ));
        }
    }
    if !v.problems.is_empty() {
        v.failed = starter.listed.len().max(solution.listed.len()).max(1);
        return v;
    }
    let starter_names: BTreeSet<&String> = starter.listed.iter().collect();
    let solution_names: BTreeSet<&String> = solution.listed.iter().collect();
    if solution_names.is_empty() {
        v.problems.push("the spec has no tests".to_string());
        v.failed = 1;
        return v;
    }
    if starter_names != solution_names {
        let only_s: Vec<&str> = starter_names
            .difference(&solution_names)
            .map(|s| s.as_str())
            .collect();
        let only_x: Vec<&str> = solution_names
            .difference(&starter_names)
            .map(|s| s.as_str())
            .collect();
        v.problems.push(format!(
            "the starter and the solution run different tests (only on the starter: [{}]; only on the solution: [{}]): does the solution's [[test]] point at the exercise's tests/spec.rs?",
            only_s.join(", "),
            only_x.join(", ")
        ));
        v.failed = starter_names.union(&solution_names).count();
        return v;
    }
    let mut wrong: BTreeSet<&str> = BTreeSet::new();
    for name in &solution.listed {
        let on_starter = outcome_of(&starter.results, name);
        let on_solution = outcome_of(&solution.results, name);
        let starter_problem = match on_starter.map(|r| (r.outcome, r.should_panic)) {
            Some((Outcome::Failed, _)) => None,
            Some((Outcome::Ok, true)) => Some(format!(
                "`{name}` passes on the starter: it is #[should_panic] and todo!() panics too (give it `expected = \"...\"` with the solution's message)"
            )),
            Some((Outcome::Ok, false)) => Some(format!(
                "`{name}` passes on the starter (it must fail until the learner does the work)"
            )),
            Some((Outcome::Ignored, _)) => Some(format!("`{name}` is ignored on the starter")),
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
            Some(Outcome::Ignored) => Some(format!("`{name}` is ignored on the solution")),
            None => Some(no_result(name, Side::Solution, solution, limit)),
        };
        for problem in [starter_problem, solution_problem].into_iter().flatten() {
            v.problems.push(problem);
            wrong.insert(name);
        }
    }
    v.failed = wrong.len();
    v.passed = solution
        .listed
        .iter()
        .filter(|n| !wrong.contains(n.as_str()))
        .cloned()
        .collect();
    v
}

pub fn relative(project: &Project, p: &Path) -> PathBuf {
    p.strip_prefix(&project.root).unwrap_or(p).to_path_buf()
}

#[cfg(test)]
mod tests;
