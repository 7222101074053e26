//! What one run of an exercise's tests says: how many pass, the first failing test in the spec's
//! order (source order of its `fn`s, not alphabetical), its panic message and location; or the
//! compiler's errors, from cargo's JSON messages.

use crate::services::cargo_json;
use crate::services::files::stems;
use crate::services::libtest::{self, Outcome};
use crate::services::progress::Status;
use crate::services::project::{Exercise, Project};

/// The first failing test and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub test: String,
    /// Why it failed (`libtest::FailedTest`): the test's own panic message, not one it provoked
    /// before, with the fork harness's explanation; if one was found. For a test that ran
    /// trybuild, then each ui file that failed and how (`libtest::trybuild`).
    pub message: Option<String>,
    /// Where the panic shown panicked, `ch01-sequential/ex01-timed/src/lib.rs:30:5` (relative to
    /// exercises/).
    pub location: Option<String>,
}

/// How one test of a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Passed,
    Failed,
    /// Not run: the fork harness skips every test after one that hung.
    NotRun,
}

impl Mark {
    /// As `check` lists it.
    pub fn label(self) -> &'static str {
        match self {
            Mark::Passed => "ok",
            Mark::Failed => "FAILED",
            Mark::NotRun => "not run",
        }
    }
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub status: Status,
    pub passed: usize,
    /// Tests with a result line (ignored ones not counted, tests not run counted).
    pub total: usize,
    pub first_failure: Option<Failure>,
    /// The compiler's first errors, or why the test run ended early.
    pub detail: Option<String>,
    /// Every test with a result line, in the spec's order (source order of its `fn`s).
    pub tests: Vec<(String, Mark)>,
    /// What the spec wrote about how it ran (`testrun::spec::notes`: chapter 09's "ran under
    /// mpirun"), each once.
    pub notes: Vec<String>,
}

impl Summary {
    /// How many tests ended so.
    pub fn count(&self, mark: Mark) -> usize {
        self.tests.iter().filter(|t| t.1 == mark).count()
    }
}

/// Cargo's own lines of a `--message-format=json` output (`Compiling ...`, `error: ...`),
/// without its JSON messages.
pub fn cargo_lines(output: &str) -> String {
    let human: Vec<&str> = output.lines().filter(|l| !l.starts_with('{')).collect();
    human.join("\n")
}

/// The summary of a build (`cargo test --no-run --message-format=json`) of `package` that
/// failed: the compiler's errors from cargo's JSON messages, else the end of cargo's own output
/// (a broken manifest, say).
pub fn summarize_build_failure(output: &str, package: &str) -> Summary {
    let detail = cargo_json::Build::parse(output)
        .errors_of(package, 16)
        .unwrap_or_else(|| cargo_json::tail(&cargo_lines(output), 16));
    Summary {
        status: Status::CompileError,
        passed: 0,
        total: 0,
        first_failure: None,
        detail: Some(detail),
        tests: Vec::new(),
        notes: Vec::new(),
    }
}

/// The source of an exercise's spec (every `tests/*.rs`, in name order), to order its tests.
pub fn spec_source(project: &Project, ex: &Exercise) -> String {
    let dir = project.path(ex.starter_dir().join("tests"));
    let read = |stem| std::fs::read_to_string(dir.join(format!("{stem}.rs"))).ok();
    let files = stems(&dir, "rs").unwrap_or_default();
    files.iter().filter_map(read).collect::<Vec<_>>().join("\n")
}

/// The summary of a test run from its merged output; `exit` is `None` when it was killed for
/// running too long, else whether cargo exited successfully.
///
/// Reads libtest's format (panic messages in `---- <name> stdout ----` sections), the fork
/// harness's (libtest-mimic's `---- <name> ----` sections) and that of a `harness = false` runner
/// that lets panics go to stderr, before each `FAILED` line.
///
/// `spec` is the spec's source ([`spec_source`]): the tests are reported in its order, so the
/// first failing test is the first one the spec defines, not the first alphabetically.
pub fn summarize(output: &str, exit: Option<bool>, spec: &str) -> Summary {
    let failures = libtest::failures(output);
    let mark = |r: libtest::TestResult| match r.outcome {
        Outcome::Ok => Some((r.name, Mark::Passed)),
        Outcome::Failed if failures.get(&r.name).is_some_and(|f| f.not_run) => {
            Some((r.name, Mark::NotRun))
        }
        Outcome::Failed => Some((r.name, Mark::Failed)),
        Outcome::Ignored => None,
    };
    let mut tests: Vec<(String, Mark)> = libtest::parse_results(output)
        .into_iter()
        .filter_map(mark)
        .collect();
    // Where each test (`module::name` or `name`) is defined in the spec: the offset of its
    // `fn name(`. A stable sort: tests not found in the spec come last, in the order they ran.
    tests.sort_by_key(|(name, _)| {
        let short = name.rsplit("::").next().unwrap_or(name);
        spec.find(&format!("fn {short}(")).unwrap_or(usize::MAX)
    });
    let passed = tests.iter().filter(|t| t.1 == Mark::Passed).count();
    let first_failure =
        tests.iter().find(|t| t.1 == Mark::Failed).map(|(name, _)| {
            // libtest's sections (the fork harness's too), else the inline format.
            let failed = failures
                .get(name)
                .cloned()
                .filter(|f| !f.message.is_empty())
                .or_else(|| libtest::inline_failures(output).remove(name));
            let location = failed.as_ref().and_then(|f| f.location.clone());
            let mut message = failed.map(|f| f.message);
            // A test that ran trybuild panics in it with "1 of 4 tests failed": which ui file
            // failed, and how, is in trybuild's report. Where it panicked, in trybuild's own
            // source, tells the learner nothing.
            let in_trybuild = location
                .as_ref()
                .is_some_and(|at| at.contains("/trybuild-"));
            if in_trybuild {
                let ui = libtest::trybuild::ui_failures(output);
                let ui = ui.iter().map(|f| f.describe());
                message = Some(
                    message.into_iter().chain(ui).collect::<Vec<_>>().join("\n"),
                );
            }
            Failure {
                test: name.clone(),
                message,
                location: location.filter(|_| !in_trybuild),
            }
        });
    let (status, detail) = match exit {
        None => (Status::TimedOut, None),
        Some(true) if first_failure.is_none() => (Status::Passed, None),
        Some(_) if first_failure.is_none() => {
            // Cargo failed, yet no test failed: the test binary died (a signal, an abort).
            let why = output
                .lines()
                .find(|l| l.contains("process didn't exit successfully"))
                .or_else(|| output.lines().rev().find(|l| l.starts_with("error")))
                .unwrap_or("cargo test failed without naming a failing test");
            (Status::Failing, Some(why.trim().to_string()))
        }
        Some(_) => (Status::Failing, None),
    };
    Summary {
        status,
        passed,
        // Ignored tests are left out.
        total: tests.len(),
        first_failure,
        detail,
        tests,
        notes: testrun::spec::notes(output),
    }
}

#[cfg(test)]
mod tests;
