use super::*;

const OUTPUT: &str = "
running 4 tests
test returns_value ... ok
test measures_time ... FAILED
test panics_on_zero - should panic ... ok
test slow_one ... ignored, needs a quiet machine
test with ... dots ... in name ... FAILED

failures:

---- measures_time stdout ----

thread 'measures_time' panicked at src/lib.rs:12:5:
not yet implemented: measure how long f takes
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- with ... dots ... in name stdout ----
thread 'with ... dots ... in name' panicked at tests/spec.rs:20:9:
assertion `left == right` failed
  left: 1
 right: 2


failures:
    measures_time

test result: FAILED. 2 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

#[test]
fn parses_results() {
    let results = parse_results(OUTPUT);
    let summary: Vec<(&str, Outcome, bool)> = results
        .iter()
        .map(|r| (r.name.as_str(), r.outcome, r.should_panic))
        .collect();
    assert_eq!(
        summary,
        [
            ("returns_value", Outcome::Ok, false),
            ("measures_time", Outcome::Failed, false),
            ("panics_on_zero", Outcome::Ok, true),
            ("slow_one", Outcome::Ignored, false),
            ("with ... dots ... in name", Outcome::Failed, false),
        ]
    );
}

#[test]
fn parses_padded_names_and_ignores_other_lines() {
    let results = parse_results(
        "test a      ... ok\ntest b - should panic ... FAILED\r\ntest c... ok\ntest d ... okay\n",
    );
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(
        (results[0].name.as_str(), results[0].outcome),
        ("a", Outcome::Ok)
    );
    assert_eq!(
        (results[1].name.as_str(), results[1].should_panic),
        ("b", true)
    );
    assert_eq!(results[1].outcome, Outcome::Failed);
}

#[test]
fn extracts_panic_messages() {
    let messages = failure_messages(OUTPUT);
    assert_eq!(
        messages["measures_time"],
        "not yet implemented: measure how long f takes"
    );
    assert_eq!(
        messages["with ... dots ... in name"],
        "assertion `left == right` failed\n  left: 1\n right: 2"
    );
}

#[test]
fn parses_lists() {
    assert_eq!(
        parse_list("a::b: test\nc: test\n\n2 tests, 0 benchmarks\n"),
        ["a::b", "c"]
    );
}

/// Outputs of `cargo course check` on wrong solutions a learner wrote (the fork harness of
/// chapter 03, and libtest for chapter 08): the spec provokes panics on purpose before its own
/// assertion fails.
fn fixture(name: &str) -> &'static str {
    match name {
        "process-exit" => include_str!("fixtures/ch03-ex01-process-exit.txt"),
        "no-catch-unwind" => include_str!("fixtures/ch03-ex01-no-catch-unwind.txt"),
        "no-waitpid" => include_str!("fixtures/ch03-ex01-no-waitpid.txt"),
        "hang" => include_str!("fixtures/ch03-ex01-writer-not-dropped.txt"),
        "join" => include_str!("fixtures/ch03-ex02-join-question-mark.txt"),
        "unwrap" => include_str!("fixtures/ch08-ex02-unwrap-join-error.txt"),
        _ => unreachable!("no fixture {name}"),
    }
}

#[test]
fn the_message_is_the_tests_own_panic_not_one_it_provoked() {
    let exit = failure_messages(fixture("process-exit"));
    assert_eq!(
        exit["the_child_leaves_with_exit_not_process_exit"],
        "assertion `left == right` failed: the child ran this program's exit handlers (atexit): it left with std::process::exit, which also flushes buffers it inherited; use nix::libc::_exit\n  left: 2\n right: 0"
    );
    let join = failure_messages(fixture("join"));
    assert_eq!(
        join["a_failing_child_is_an_error_and_every_child_is_reaped"],
        "every child must be joined, even after an error"
    );
    // libtest's format: the code under test panicked first (unwrap on a JoinError).
    let unwrap = failure_messages(fixture("unwrap"));
    let message = &unwrap["a_panicking_hasher_panics_with_its_own_message"];
    assert!(
            message.starts_with("assertion `left == right` failed: hash_password panicked with another message than the hasher's: resume the hasher's own panic"),
            "{message}"
        );
}

#[test]
fn the_fork_harness_explanations_are_kept() {
    let first = "a child process (pid 24251) forked by the test panicked, and nothing caught the panic (`catch_unwind`) before it unwound out of the child's code into the test's: it went on to run the rest of the test as a copy of it (what it printed is below). A child must end with `_exit`, on every path.";
    let no_catch = failure_messages(fixture("no-catch-unwind"));
    // The harness's explanation, then the test's own assertion.
    assert_eq!(
        no_catch["a_panic_in_the_child_comes_back_with_its_message"],
        format!(
            "{first}\nassertion `left == right` failed: catch the panic in the child (catch_unwind) and send its message\n  left: Err(Died(Exited(Pid(24251), 1)))\n right: Err(Panicked(\"no value for input 7\"))"
        )
    );
    // The test itself passed; only a child panicked: the harness's words alone.
    let message = &no_catch["the_child_leaves_with_exit_not_process_exit"];
    assert!(
        message.starts_with(
            "a child process (pid 24261) forked by the test panicked, and nothing caught the panic"
        ),
        "{message}"
    );
    assert!(!message.contains("and on this path too"), "{message}");
    // The harness's words at the end of the section, after the children's panics.
    let no_wait = failure_messages(fixture("no-waitpid"));
    assert_eq!(
        no_wait["a_panic_in_the_child_comes_back_with_its_message"],
        "test a_panic_in_the_child_comes_back_with_its_message left child processes behind (never reaped): [Child { pid: 14003, state: 'Z' }, Child { pid: 14004, state: 'Z' }]"
    );
    assert_eq!(
        no_wait["every_child_is_reaped"],
        "assertion `left == right` failed: waitpid every child\n  left: [14016, 14017, 14018, 14019, 14020, 14021]\n right: []"
    );
    // A hang: the harness's text and the spec's hint.
    let hang = failure_messages(fixture("hang"));
    let message = &hang["returns_the_string_computed_in_the_child"];
    assert!(
            message.starts_with("the test did not finish within 5s: it probably hangs (killed).\nA hang here is usually the parent reading forever"),
            "{message}"
        );
}

#[test]
fn the_location_is_that_of_the_panic_shown() {
    let at = |fixture_name: &str, test: &str| {
        failures(fixture(fixture_name))[test].location.clone()
    };
    assert_eq!(
        at(
            "join",
            "a_failing_child_is_an_error_and_every_child_is_reaped"
        )
        .as_deref(),
        Some("ch03-processes/ex02-parallel-map/tests/spec.rs:65:5")
    );
    assert_eq!(
        at("unwrap", "a_panicking_hasher_panics_with_its_own_message").as_deref(),
        Some("ch08-io-bound/ex02-unblock/tests/spec.rs:142:9")
    );
    assert_eq!(
        at(
            "no-catch-unwind",
            "a_panic_in_the_child_comes_back_with_its_message"
        )
        .as_deref(),
        Some("ch03-processes/ex01-run-in-child/tests/spec.rs:45:5")
    );
    // Only the harness's words are shown (no panic of the test's own): no location.
    assert_eq!(
        at(
            "no-catch-unwind",
            "the_child_leaves_with_exit_not_process_exit"
        ),
        None
    );
    assert_eq!(at("hang", "returns_the_string_computed_in_the_child"), None);
    // Std writes a newline before each panic: the second follows a blank line.
    let inline = inline_failures(
        "running 1 test\n\nthread 'main' panicked at a.rs:1:2:\nprovoked\n\nthread 'main' panicked at b.rs:3:4:\nown\ntest t ... FAILED\n",
    );
    assert_eq!(
        (
            inline["t"].message.as_str(),
            inline["t"].location.as_deref()
        ),
        ("own", Some("b.rs:3:4"))
    );
}

#[test]
fn tests_after_a_hang_are_not_run() {
    let hang = failures(fixture("hang"));
    assert_eq!(hang.len(), 9);
    let not_run: Vec<&str> = hang
        .iter()
        .filter(|(_, f)| f.not_run)
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(not_run.len(), 8, "{not_run:?}");
    assert!(!hang["returns_the_string_computed_in_the_child"].not_run);
    // A test that says so itself is not the harness's skip.
    assert!(
        !failures(
            "---- t stdout ----\nthread 'x' panicked at a.rs:1:1:\nnot run: x\n"
        )["t"]
            .not_run
    );
}

/// Panics no spec of the course produces yet, from a throwaway crate whose tests
/// panic so (`tests/spec.rs` under libtest, `tests/fork.rs` under `support::fork`),
/// run as `cargo course check` runs an exercise: `RUST_BACKTRACE=0 cargo test
/// --no-fail-fast`, or `RUST_BACKTRACE=1` (its `--backtrace`); libtest also with
/// `--test-threads=1`, where each test still runs on a thread named after it. Std
/// notes "run with `RUST_BACKTRACE=1`" after the first panic of a process only: under
/// libtest after one test's panic (which one depends on the threads), under the fork
/// harness after each test's first (each test runs in a process of its own).
fn shapes(run: &str) -> &'static str {
    match run {
        "libtest" => include_str!("fixtures/shapes-libtest.txt"),
        "one-thread" => include_str!("fixtures/shapes-libtest-one-thread.txt"),
        "backtrace" => include_str!("fixtures/shapes-libtest-backtrace.txt"),
        "fork" => include_str!("fixtures/shapes-fork.txt"),
        _ => unreachable!("no run {run}"),
    }
}

/// The message and location of `test` in each run of [`shapes`] (`runs`).
fn in_each<'a>(
    runs: &'a [&'a str],
    test: &'a str,
) -> impl Iterator<Item = (&'a str, FailedTest)> + 'a {
    runs.iter()
        .map(move |&run| (run, failures(shapes(run))[test].clone()))
}

const ALL_RUNS: [&str; 4] = ["libtest", "one-thread", "backtrace", "fork"];

#[test]
fn a_message_with_a_blank_line_is_whole() {
    for (run, failed) in in_each(&ALL_RUNS, "a_message_with_a_blank_line") {
        assert_eq!(
            failed.message, "first paragraph\n\nsecond paragraph",
            "{run}"
        );
    }
    // Under libtest, a message without std's note (that one, in the first run) runs
    // to the end of its section, not into the next; what a test printed before its
    // panic is left out.
    let failed = failures(shapes("libtest"));
    assert_eq!(
        failed["the_next_test_prints_then_fails"].message,
        "assertion `left == right` failed: the next test's message\n  left: 2\n right: 3"
    );
    // The test's own panic, not that of the child it forked, each with its blank
    // line.
    let fork = failures(shapes("fork"));
    let own = &fork["a_child_panics_then_the_test"];
    assert_eq!(
        (own.message.as_str(), own.location.as_deref()),
        (
            "the test's paragraph\n\nthe test's second paragraph",
            Some("tests/fork.rs:32:13")
        )
    );
}

#[test]
fn a_message_with_a_note_line_is_whole() {
    for (run, failed) in in_each(&ALL_RUNS, "a_message_with_a_note_line") {
        assert_eq!(
            failed.message,
            "the value was wrong\nnote: this line is the test's own\nlast line",
            "{run}"
        );
    }
}

/// A line of the message that looks like a panic's first line starts no panic: std
/// writes a blank line before each.
#[test]
fn a_message_quoting_another_panic_is_whole() {
    for (run, failed) in in_each(&ALL_RUNS, "a_message_quoting_another_panic") {
        assert_eq!(
            failed.message,
            "the worker died:\nthread 'worker' (7) panicked at src/lib.rs:7:9:\nboom\nand that is all",
            "{run}"
        );
        let spec = if run == "fork" {
            "tests/fork.rs:18:5"
        } else {
            "tests/spec.rs:17:5"
        };
        assert_eq!(failed.location.as_deref(), Some(spec), "{run}");
    }
}

#[test]
fn a_should_panic_test_whose_panic_lacks_the_text_shows_libtests_note() {
    for run in &ALL_RUNS[..3] {
        let failed = failures(shapes(run));
        let other = &failed["should_panic_with_another_message"];
        assert_eq!(
            other.message,
            "note: panic did not contain expected string\n      panic message: \"underflow\"\n expected substring: \"overflow\"",
            "{run}"
        );
        assert_eq!(
            other.location.as_deref(),
            Some("tests/spec.rs:23:5"),
            "{run}"
        );
        let value = &failed["should_panic_with_a_value"].message;
        assert!(
            value.starts_with(
                "note: expected panic with string value,\n found non-string value: `TypeId("
            ) && value.ends_with("`\n     expected substring: \"overflow\""),
            "{run}: {value}"
        );
        // No panic at all: libtest's note is the whole section.
        assert_eq!(
            failed["should_panic_but_returns"].message,
            "note: test did not panic as expected at tests/spec.rs:34:4",
            "{run}"
        );
    }
}
