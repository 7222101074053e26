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
    let hung = &libtest::inline_failures(RUNNER)["every_child_is_reaped"];
    assert_eq!(hung.location, None);
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
    let s = summarize_build_failure(
        "error: failed to parse manifest\n",
        "ch01-ex01-timed",
    );
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

/// What `cargo course check` read for a wrong solution of ch03-ex02 (`?` on `join`): the fork
/// harness's sections (`---- name ----`), with a panic the test provoked in a child first.
const FORK_HARNESS: &str = include_str!(
    "../../../../testrun/src/libtest/fixtures/ch03-ex02-join-question-mark.txt"
);

#[test]
fn fork_harness_output_shows_the_tests_own_panic_and_where() {
    let s = summarize(FORK_HARNESS, Some(false), "");
    assert_eq!((s.status, s.passed, s.total), (Status::Failing, 4, 5));
    assert_eq!(
        s.first_failure,
        Some(Failure {
            test: "a_failing_child_is_an_error_and_every_child_is_reaped".into(),
            message: Some("every child must be joined, even after an error".into()),
            location: Some(
                "ch03-processes/ex02-parallel-map/tests/spec.rs:65:5".into()
            ),
        })
    );
}

#[test]
fn tests_after_a_hang_are_not_run_rather_than_failed() {
    let hang = include_str!(
        "../../../../testrun/src/libtest/fixtures/ch03-ex01-writer-not-dropped.txt"
    );
    let s = summarize(hang, Some(false), "");
    assert_eq!((s.status, s.passed, s.total), (Status::Failing, 0, 9));
    let f = s.first_failure.clone().unwrap();
    assert_eq!(f.test, "returns_the_string_computed_in_the_child");
    assert!(
        f.message
            .unwrap()
            .starts_with("the test did not finish within 5s"),
    );
    assert_eq!(s.tests[0].1, Mark::Failed);
    assert!(
        s.tests[1..].iter().all(|t| t.1 == Mark::NotRun),
        "{:?}",
        s.tests
    );
    assert_eq!((s.count(Mark::Failed), s.count(Mark::NotRun)), (1, 8));
}

#[test]
fn a_trybuild_failure_shows_which_ui_file_failed_and_how() {
    let wrong = include_str!(
        "../../../../testrun/src/libtest/fixtures/ch07-ex02-mut-self-and-exitcode-while-running.txt"
    );
    // As trybuild prints it (coloured), and as `check` keeps it (colour codes stripped).
    let plain = libtest::trybuild::strip_ansi(wrong);
    let s = summarize(&plain, Some(false), "");
    assert_eq!(s, summarize(wrong, Some(false), ""));
    assert_eq!((s.status, s.passed, s.total), (Status::Failing, 7, 8));
    let f = s.first_failure.unwrap();
    assert_eq!(f.test, "wrong_orders_do_not_compile");
    assert_eq!(
        f.location, None,
        "trybuild's own source is no place to show"
    );
    let message = f.message.unwrap();
    assert!(
        message.starts_with("2 of 4 tests failed\ntests/ui/exitcode_while_running.rs: error\n    Expected test case to fail to compile, but it succeeded.\ntests/ui/start_twice.rs: mismatch: "),
        "{message}"
    );
    assert!(
        message.contains(
            "ACTUAL:\n    note: `Proc::<CreatedState>::start` takes ownership"
        ),
        "{message}"
    );
    assert!(!message.contains('\x1b'), "{message}");
}

#[test]
fn the_specs_course_notes_are_kept() {
    let ran = include_str!(
        "../../../../testrun/src/libtest/fixtures/ch09-ex01-ran-under-mpirun.txt"
    );
    let s = summarize(ran, Some(true), "");
    assert_eq!((s.status, s.passed, s.total), (Status::Passed, 8, 8));
    assert_eq!(
        s.notes,
        [
            "ex01-tree-reduce: the ranks ran under mpirun -n 2 and -n 4, every rank passed"
        ]
    );
    assert_eq!(summarize(LIBTEST, Some(false), "").notes, [] as [String; 0]);
}
