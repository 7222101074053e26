//! What one run of an exercise's tests says: how many pass, the first failing test in the spec's
//! order (source order of its `fn`s, not alphabetical), its panic message and location; or the
//! compiler's errors, from cargo's JSON messages.

use crate::services::cargo_json;
use crate::services::libtest::{self, Outcome};
use crate::services::progress::Status;
use crate::services::project::{Exercise, Project};

/// The first failing test and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub test: String,
    /// Its panic message, if one was found.
    pub message: Option<String>,
    /// Where it panicked, `ch01-sequential/ex01-timed/src/lib.rs:30:5` (relative to exercises/).
    pub location: Option<String>,
}

/// Where a failed test panicked: the first panic of its `---- <name> stdout ----` section, or,
/// in the spec runner's format, the last panic printed before its `FAILED` line.
pub fn panic_location(output: &str, test: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    let header = format!("---- {test} stdout ----");
    let found = if let Some(i) = lines.iter().position(|l| *l == header) {
        lines[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("---- ") && **l != "failures:")
            .find(|l| l.contains("panicked at "))
    } else {
        let failed = format!("test {test} ... FAILED");
        let end = lines.iter().position(|l| *l == failed)?;
        lines[..end]
            .iter()
            .rev()
            .take_while(|l| !l.starts_with("running ") && libtest::parse_results(l).is_empty())
            .find(|l| l.starts_with("thread '") && l.contains("panicked at "))
    };
    let (_, at) = found?.split_once("panicked at ")?;
    Some(at.trim_end_matches(':').to_string())
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub status: Status,
    pub passed: usize,
    /// Tests that ran to a result (ignored ones not counted).
    pub total: usize,
    pub first_failure: Option<Failure>,
    /// The compiler's first errors, or why the test run ended early.
    pub detail: Option<String>,
    /// Every test that ran to a result, in the spec's order (source order of its `fn`s).
    pub tests: Vec<(String, Outcome)>,
}

/// The summary of a build (`cargo test --no-run --message-format=json`) of `package` that
/// failed: the compiler's errors from cargo's JSON messages, else the end of cargo's own output
/// (a broken manifest, say).
pub fn summarize_build_failure(output: &str, package: &str) -> Summary {
    let detail = cargo_json::Build::parse(output)
        .errors_of(package, 16)
        .unwrap_or_else(|| {
            let human: Vec<&str> = output.lines().filter(|l| !l.starts_with('{')).collect();
            cargo_json::tail(&human.join("\n"), 16)
        });
    Summary {
        status: Status::CompileError,
        passed: 0,
        total: 0,
        first_failure: None,
        detail: Some(detail),
        tests: Vec::new(),
    }
}

/// Where test `name` (`module::name` or `name`) is defined in the spec's source: the offset of
/// its `fn name(`; tests not found there come last.
fn spec_position(spec: &str, name: &str) -> usize {
    let short = name.rsplit("::").next().unwrap_or(name);
    spec.find(&format!("fn {short}(")).unwrap_or(usize::MAX)
}

/// The source of an exercise's spec (every `tests/*.rs`, in name order), to order its tests.
pub fn spec_source(project: &Project, ex: &Exercise) -> String {
    let dir = project.path(ex.starter_dir().join("tests"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The summary of a test run from its merged output; `exit` is `None` when it was killed for
/// running too long, else whether cargo exited successfully.
///
/// Reads both libtest's format (panic messages in `---- <name> stdout ----` sections) and the
/// `harness = false` spec runner's (panic messages on stderr, before each `FAILED` line).
///
/// `spec` is the spec's source ([`spec_source`]): the tests are reported in its order, so the
/// first failing test is the first one the spec defines, not the first alphabetically.
pub fn summarize(output: &str, exit: Option<bool>, spec: &str) -> Summary {
    let mut results = libtest::parse_results(output);
    results.retain(|r| r.outcome != Outcome::Ignored);
    // A stable sort: tests not found in the spec keep the order they ran in.
    results.sort_by_key(|r| spec_position(spec, &r.name));
    let passed = results.iter().filter(|r| r.outcome == Outcome::Ok).count();
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .map(|r| r.name.as_str())
        .collect();
    let first_failure = failed.first().map(|name| {
        let message = libtest::failure_messages(output)
            .remove(*name)
            .filter(|m| !m.is_empty())
            .or_else(|| libtest::inline_failure_messages(output).remove(*name));
        Failure {
            test: name.to_string(),
            message,
            location: panic_location(output, name),
        }
    });
    let (status, detail) = match exit {
        None => (Status::TimedOut, None),
        Some(true) if failed.is_empty() => (Status::Passed, None),
        Some(_) if failed.is_empty() => {
            // Cargo failed, yet no test failed: the test binary died (a signal, an abort).
            let why = output
                .lines()
                .find(|l| l.contains("process didn't exit successfully"))
                .or_else(|| output.lines().rev().find(|l| l.starts_with("error")))
                .unwrap_or("cargo test failed without naming a failing test")
                .trim()
                .to_string();
            (Status::Failing, Some(why))
        }
        Some(_) => (Status::Failing, None),
    };
    Summary {
        status,
        passed,
        total: passed + failed.len(),
        first_failure,
        detail,
        tests: results
            .iter()
            .map(|r| (r.name.clone(), r.outcome))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBTEST: &str = "\
   Compiling ch01-ex01-timed v0.1.0 (/x/exercises/ch01-sequential/ex01-timed)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 2.39s
     Running unittests src/lib.rs (target/debug/deps/ch01_ex01_timed-a0fff0087d4b2439)

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/spec.rs (target/debug/deps/spec-a2f26fcc9ed3b2ab)

running 5 tests
test median_of_nothing_is_none ... ok
test median_of_an_odd_count_is_the_middle ... FAILED
test repeat_zero_times_is_empty ... ok
test timed_returns_the_closures_value ... ok
test timed_covers_the_whole_closure ... FAILED

failures:

---- median_of_an_odd_count_is_the_middle stdout ----

thread 'median_of_an_odd_count_is_the_middle' (14673) panicked at ch01-sequential/ex01-timed/src/lib.rs:30:5:
not yet implemented
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- timed_covers_the_whole_closure stdout ----

thread 'watched' (14688) panicked at tests/spec.rs:16:5:
assertion failed: elapsed >= PAUSE

failures:
    median_of_an_odd_count_is_the_middle
    timed_covers_the_whole_closure

test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.18s

error: test failed, to rerun pass `-p ch01-ex01-timed --test spec`
   Doc-tests ch01_ex01_timed

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

error: 1 target failed:
    `-p ch01-ex01-timed --test spec`
";

    /// The `harness = false` spec runner of chapters 03 and 04, stdout and stderr merged.
    const RUNNER: &str = "\
     Running tests/spec.rs (target/debug/deps/spec-ce13e4117bff70ee)

running 4 tests
test returns_the_value_computed_in_the_child ... ok

thread 'main' (15491) panicked at ch04-pools/ex02-panics-close/src/lib.rs:40:9:
task 3 panicked on purpose
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

thread 'main' (15490) panicked at ch04-pools/ex02-panics-close/tests/spec.rs:18:5:
assertion `left == right` failed: a panicking task must not kill the pool
  left: 3
 right: 4
test a_panicking_task_is_an_error ... FAILED
test f_runs_in_another_process ... ok
test every_child_is_reaped did not finish within 5s: it probably hangs (killed)
test every_child_is_reaped ... FAILED

failures:
    a_panicking_task_is_an_error
    every_child_is_reaped

test result: FAILED. 2 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 5.02s

error: test failed, to rerun pass `-p ch04-ex02-panics-close --test spec`
";

    #[test]
    fn libtest_output() {
        let s = summarize(LIBTEST, Some(false), "");
        assert_eq!(
            (s.status, s.passed, s.total, s.detail.clone()),
            (Status::Failing, 3, 5, None)
        );
        assert_eq!(
            s.first_failure,
            Some(Failure {
                test: "median_of_an_odd_count_is_the_middle".into(),
                message: Some("not yet implemented".into()),
                location: Some("ch01-sequential/ex01-timed/src/lib.rs:30:5".into()),
            })
        );
    }

    #[test]
    fn spec_runner_output() {
        let s = summarize(RUNNER, Some(false), "");
        assert_eq!((s.status, s.passed, s.total), (Status::Failing, 2, 4));
        let f = s.first_failure.unwrap();
        assert_eq!(f.test, "a_panicking_task_is_an_error");
        assert_eq!(
            f.location.as_deref(),
            Some("ch04-pools/ex02-panics-close/tests/spec.rs:18:5")
        );
        assert_eq!(panic_location(RUNNER, "every_child_is_reaped"), None);
        // The test's own assertion, not the panic it provoked on purpose before.
        assert_eq!(
            f.message.as_deref(),
            Some(
                "assertion `left == right` failed: a panicking task must not kill the pool\n  left: 3\n right: 4"
            )
        );
        let messages = libtest::inline_failure_messages(RUNNER);
        assert_eq!(
            messages["every_child_is_reaped"],
            "test every_child_is_reaped did not finish within 5s: it probably hangs (killed)"
        );
    }

    #[test]
    fn the_first_failure_is_the_first_in_the_spec_not_alphabetically() {
        let spec = "#[test]\nfn timed_covers_the_whole_closure() {}\n#[test]\nfn median_of_an_odd_count_is_the_middle() {}\nfn median_of_nothing_is_none() {}\n";
        let s = summarize(LIBTEST, Some(false), spec);
        let f = s.first_failure.unwrap();
        assert_eq!(f.test, "timed_covers_the_whole_closure");
        assert_eq!(
            f.message.as_deref(),
            Some("assertion failed: elapsed >= PAUSE")
        );
        let names: Vec<&str> = s.tests.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "timed_covers_the_whole_closure",
                "median_of_an_odd_count_is_the_middle",
                "median_of_nothing_is_none",
                "repeat_zero_times_is_empty",
                "timed_returns_the_closures_value"
            ]
        );
    }

    #[test]
    fn all_passing() {
        let out = "running 2 tests\ntest a ... ok\ntest b ... ok\n\ntest result: ok. 2 passed; 0 failed\n";
        let s = summarize(out, Some(true), "");
        assert_eq!((s.status, s.passed, s.total), (Status::Passed, 2, 2));
        assert_eq!(s.first_failure, None);
    }

    #[test]
    fn compile_errors_come_from_cargos_json_messages() {
        let message = serde_json::json!({
            "reason": "compiler-message",
            "package_id": "path+file:///x/ex01-timed#ch01-ex01-timed@0.1.0",
            "manifest_path": "/x/Cargo.toml",
            "target": {"kind": ["lib"], "crate_types": ["lib"], "name": "ch01_ex01_timed", "src_path": "/x/src/lib.rs", "edition": "2024", "doc": true, "doctest": true, "test": true},
            "message": {"rendered": "error[E0308]: mismatched types\n --> src/lib.rs:16:5\n   |\n16 |     42\n   |     ^^ expected `Duration`, found integer\n", "$message_type": "diagnostic", "children": [], "code": null, "level": "error", "message": "mismatched types", "spans": []}
        });
        let out = format!(
            "   Compiling ch01-ex01-timed v0.1.0\n{message}\nerror: could not compile `ch01-ex01-timed` (lib) due to 1 previous error\n"
        );
        let s = summarize_build_failure(&out, "ch01-ex01-timed");
        assert_eq!(s.status, Status::CompileError);
        let detail = s.detail.unwrap();
        assert!(
            detail.starts_with("error[E0308]: mismatched types"),
            "{detail}"
        );
        assert!(detail.contains("expected `Duration`"), "{detail}");
        // No JSON errors (cargo itself failed): the end of cargo's own output.
        let s = summarize_build_failure("error: failed to parse manifest\n", "ch01-ex01-timed");
        assert_eq!(s.detail.as_deref(), Some("error: failed to parse manifest"));
    }

    #[test]
    fn a_test_binary_that_dies_is_not_a_pass() {
        let out = "running 2 tests\ntest a ... ok\nerror: test failed, to rerun pass `--test spec`\n\nCaused by:\n  process didn't exit successfully: `/x/spec-123` (signal: 6, SIGABRT: process abort signal)\n";
        let s = summarize(out, Some(false), "");
        assert_eq!((s.status, s.passed, s.total), (Status::Failing, 1, 1));
        assert!(
            s.detail
                .unwrap()
                .starts_with("process didn't exit successfully"),
            "the reason is shown"
        );
    }

    #[test]
    fn a_killed_run_timed_out() {
        let out = "running 2 tests\ntest a ... ok\n";
        let s = summarize(out, None, "");
        assert_eq!((s.status, s.passed, s.total), (Status::TimedOut, 1, 1));
    }
}
