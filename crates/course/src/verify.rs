//! `cargo course verify`: every spec test fails on its starter and passes on its solution.
//!
//! The starters (exercises/) and the solutions (solutions/) are separate workspaces with the same
//! package names, built into separate target directories: with a shared one, cargo would reuse
//! one side's build for the other and the check would silently test the wrong code.

use crate::cargo_json;
use crate::libtest::cargo;
use crate::libtest::{self, Finished, Outcome, TestResult};
use crate::project::{Exercise, Project};
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    let mut cmd = cargo();
    cmd.current_dir(project.path(side.workspace()))
        .args([
            "build",
            "--test",
            "spec",
            "--keep-going",
            "--message-format=json",
        ])
        .arg("--target-dir")
        .arg(side.target_dir(project));
    for ex in exercises {
        cmd.args(["-p", &ex.package]);
    }
    let done = libtest::run_with_timeout(&mut cmd, limit * 4)?;
    if done.timed_out() {
        bail!(
            "building the {} workspace took longer than {} s",
            side.workspace(),
            (limit * 4).as_secs()
        );
    }
    Ok((cargo_json::Build::parse(&done.stdout), done))
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
    let command = || {
        let mut cmd = std::process::Command::new(exe);
        // As `cargo test` would: the spec's own crate, not the `course` crate this tool runs
        // from under `cargo run` (trybuild builds the crate CARGO_MANIFEST_DIR names).
        cmd.current_dir(&dir).env("CARGO_MANIFEST_DIR", &dir);
        cmd
    };
    let listed = libtest::run_with_timeout(command().arg("--list"), limit)?;
    let names = libtest::parse_list(&listed.stdout);
    let run = libtest::run_with_timeout(&mut command(), limit)?;
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

fn status_text(run: &Finished, limit: Duration) -> String {
    match run.status {
        None => format!("killed after {} s", limit.as_secs()),
        Some(s) => s.to_string(),
    }
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
                indent(errors)
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
        match on_starter {
            Some(TestResult {
                outcome: Outcome::Failed,
                ..
            }) => {}
            Some(TestResult {
                outcome: Outcome::Ok,
                should_panic: true,
                ..
            }) => {
                v.problems.push(format!(
                    "`{name}` passes on the starter: it is #[should_panic] and todo!() panics too (give it `expected = \"...\"` with the solution's message)"
                ));
                wrong.insert(name);
            }
            Some(TestResult {
                outcome: Outcome::Ok,
                ..
            }) => {
                v.problems.push(format!(
                    "`{name}` passes on the starter (it must fail until the learner does the work)"
                ));
                wrong.insert(name);
            }
            Some(TestResult {
                outcome: Outcome::Ignored,
                ..
            }) => {
                v.problems
                    .push(format!("`{name}` is ignored on the starter"));
                wrong.insert(name);
            }
            None => {
                v.problems.push(format!(
                    "`{name}` has no result on the starter (the test binary ended early: {})",
                    status_text(&starter.run, limit)
                ));
                wrong.insert(name);
            }
        }
        match on_solution {
            Some(TestResult {
                outcome: Outcome::Ok,
                ..
            }) => {}
            Some(TestResult {
                outcome: Outcome::Failed,
                ..
            }) => {
                let why = libtest::failure_messages(&solution.run.stdout)
                    .remove(name.as_str())
                    .map(|m| format!(": {}", first_line(&m)))
                    .unwrap_or_default();
                v.problems
                    .push(format!("`{name}` fails on the solution{why}"));
                wrong.insert(name);
            }
            Some(TestResult {
                outcome: Outcome::Ignored,
                ..
            }) => {
                v.problems
                    .push(format!("`{name}` is ignored on the solution"));
                wrong.insert(name);
            }
            None => {
                v.problems.push(format!(
                    "`{name}` has no result on the solution (the test binary ended early: {})",
                    status_text(&solution.run, limit)
                ));
                wrong.insert(name);
            }
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

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("       {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn relative(project: &Project, p: &Path) -> PathBuf {
    p.strip_prefix(&project.root).unwrap_or(p).to_path_buf()
}

/// `cargo course verify [chapter]`. Returns an error (non-zero exit) on any violation.
pub fn run(project: &Project, chapter: Option<&str>, limit: Duration) -> Result<()> {
    let chapter = chapter.map(|c| project.chapter(c)).transpose()?;
    let exercises = project.exercises_of(chapter.as_ref())?;
    if exercises.is_empty() {
        bail!(
            "no exercises found{}",
            chapter.map(|c| format!(" for {c}")).unwrap_or_default()
        );
    }
    let starters = build_side(project, &exercises, Side::Starter, limit)?;
    let solutions = build_side(project, &exercises, Side::Solution, limit)?;
    let (mut passed, mut failed, mut bad_exercises) = (0, 0, 0);
    let width = exercises.iter().map(|e| e.package.len()).max().unwrap_or(0);
    for ex in &exercises {
        let starter = run_spec(project, ex, Side::Starter, &starters, limit)?;
        let solution = run_spec(project, ex, Side::Solution, &solutions, limit)?;
        let verdict = judge(&starter, &solution, limit);
        passed += verdict.passed.len();
        failed += verdict.failed;
        if verdict.problems.is_empty() {
            println!(
                "ok   {:width$}  {} test{}: fail on starter, pass on solution",
                ex.package,
                verdict.passed.len(),
                if verdict.passed.len() == 1 { "" } else { "s" }
            );
        } else {
            bad_exercises += 1;
            println!("FAIL {:width$}", ex.package);
            for p in &verdict.problems {
                println!("     - {p}");
            }
        }
        // What a spec says about how it ran (e.g. chapter 09's: under mpirun, or skipped).
        for note in solution
            .run
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix("course note: "))
        {
            println!("     {note}");
        }
    }
    println!("verify: {passed} passed, {failed} failed");
    if bad_exercises > 0 || failed > 0 {
        bail!(
            "{bad_exercises} of {} exercises break the rule: every spec test fails on the starter and passes on the solution",
            exercises.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    fn spec(listed: &[&str], stdout: &str, code: i32) -> SpecRun {
        SpecRun {
            listed: listed.iter().map(|s| s.to_string()).collect(),
            results: libtest::parse_results(stdout),
            run: Finished {
                status: Some(ExitStatus::from_raw(code << 8)),
                stdout: stdout.to_string(),
                stderr: String::new(),
            },
            build_errors: None,
        }
    }

    const LIMIT: Duration = Duration::from_secs(300);

    #[test]
    fn the_good_case() {
        let starter = spec(&["a", "b"], "test a ... FAILED\ntest b ... FAILED\n", 101);
        let solution = spec(&["a", "b"], "test a ... ok\ntest b ... ok\n", 0);
        let v = judge(&starter, &solution, LIMIT);
        assert_eq!(v.problems, Vec::<String>::new());
        assert_eq!((v.passed.len(), v.failed), (2, 0));
    }

    #[test]
    fn should_panic_passing_on_the_starter_is_reported() {
        let starter = spec(
            &["a", "p"],
            "test a ... FAILED\ntest p - should panic ... ok\n",
            101,
        );
        let solution = spec(
            &["a", "p"],
            "test a ... ok\ntest p - should panic ... ok\n",
            0,
        );
        let v = judge(&starter, &solution, LIMIT);
        assert_eq!((v.passed.len(), v.failed), (1, 1));
        assert!(
            v.problems[0].contains("`p` passes on the starter: it is #[should_panic]"),
            "{:?}",
            v.problems
        );
    }

    #[test]
    fn failures_on_the_solution_name_the_test_and_message() {
        let starter = spec(&["a"], "test a ... FAILED\n", 101);
        let solution = spec(
            &["a"],
            "test a ... FAILED\n\nfailures:\n\n---- a stdout ----\nthread 'a' panicked at tests/spec.rs:3:5:\nexpected 3, got 4\n\nfailures:\n    a\n",
            101,
        );
        let v = judge(&starter, &solution, LIMIT);
        assert_eq!(v.failed, 1);
        assert_eq!(v.problems, ["`a` fails on the solution: expected 3, got 4"]);
    }

    #[test]
    fn different_test_sets_and_empty_specs_are_reported() {
        let starter = spec(&["a", "b"], "", 101);
        let solution = spec(&["a", "c"], "", 0);
        let v = judge(&starter, &solution, LIMIT);
        assert!(
            v.problems[0].contains("only on the starter: [b]; only on the solution: [c]"),
            "{:?}",
            v.problems
        );
        assert_eq!(v.failed, 3);

        let v = judge(&spec(&[], "", 0), &spec(&[], "", 0), LIMIT);
        assert_eq!(v.problems, ["the spec has no tests"]);
    }

    #[test]
    fn missing_results_and_timeouts_are_reported() {
        let starter = spec(&["a"], "", 134);
        let solution = spec(&["a"], "test a ... ok\n", 0);
        let v = judge(&starter, &solution, LIMIT);
        assert!(
            v.problems[0].contains("`a` has no result on the starter"),
            "{:?}",
            v.problems
        );

        let mut hung = spec(&["a"], "", 0);
        hung.run.status = None;
        let v = judge(&hung, &solution, LIMIT);
        assert!(
            v.problems[0].contains("did not finish within 300 s"),
            "{:?}",
            v.problems
        );
        assert_eq!(v.failed, 1);
    }

    #[test]
    fn a_starter_that_does_not_compile_is_reported() {
        let mut broken = spec(&[], "", 101);
        broken.build_errors =
            Some("error[E0425]: cannot find value `x`\n --> src/lib.rs:3:5".into());
        let solution = spec(&["a", "b"], "test a ... ok\ntest b ... ok\n", 0);
        let v = judge(&broken, &solution, LIMIT);
        assert!(
            v.problems[0].starts_with("the starter does not compile"),
            "{:?}",
            v.problems
        );
        assert!(v.problems[0].contains("E0425"), "{:?}", v.problems);
        assert_eq!(v.failed, 2);
    }
}
