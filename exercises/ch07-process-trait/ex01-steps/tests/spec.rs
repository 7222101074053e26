//! Spec for exercise 1. Each test runs in a single-threaded process of its own, with
//! a time limit, and fails if it leaves a child process behind (see `support::fork`).

use std::process::ExitCode;

use support::case;

use ch07_ex01_steps::{
    ChildFailed, MyProcess, Outcome, decode, encode, exit_code_for, run_in_child,
};

/// Silences panic messages in the children `run_in_child` forks (a
/// panic there is reported to the parent as a failed child), and only
/// there: the test's own panics still print.
fn quiet_panics() {
    let test_process = std::process::id();
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::process::id() == test_process {
            report(info);
        }
    }));
}

/// The failure message for a child whose exit code and outcome disagree, or for any
/// other result that is not the one `expected`.
fn unexpected(expected: &str, got: &Result<(i32, Outcome), ChildFailed>) -> String {
    match got {
        Err(ChildFailed::WrongExitCode { code, outcome }) => format!(
            "expected {expected}; the child sent {outcome:?} but exited with code {code}: \
             exit_code_for must give 0 for Ok and 1 for Err (CPython's exitcode after an \
             uncaught exception)"
        ),
        Err(ChildFailed::NoOutcome(status)) => format!(
            "expected {expected}; the child sent nothing and ended with {status:?}: did a step \
             panic? An overflow must be an Err naming the step (checked_add), not a panic"
        ),
        other => format!("expected {expected}, got {other:?}"),
    }
}

fn each_step_records_and_returns_its_result() {
    let mut p = MyProcess {
        value: 2,
        ..Default::default()
    };
    assert_eq!(p.step_1(), Ok(3), "step_1 is value + 1");
    assert_eq!(p.results, [3], "step_1 pushes its result onto results");
    assert_eq!(p.step_2(), Ok(4), "step_2 is value + 2");
    assert_eq!(p.results, [3, 4], "step_2 pushes its result onto results");
}

fn the_steps_results_reach_the_parent() {
    quiet_panics();
    let mut p = MyProcess {
        value: 2,
        ..Default::default()
    };
    let got = run_in_child(&mut p);
    assert!(
        matches!(got, Ok((0, Ok(ref v))) if v == &[3, 4]),
        "{}",
        unexpected("exit code 0 and Ok([3, 4]) from the child", &got)
    );
    assert!(
        p.results.is_empty(),
        "the parent's copy must not change: the steps ran in the child's copy"
    );
}

fn an_overflow_in_step_2_is_an_error_with_exit_code_1() {
    quiet_panics();
    let mut p = MyProcess {
        value: u64::MAX - 1,
        ..Default::default()
    };
    match run_in_child(&mut p) {
        Ok((1, Err(message))) => assert!(
            message.starts_with("step_2"),
            "the error must name the step that failed: {message:?}"
        ),
        other => panic!(
            "{}",
            unexpected("exit code 1 and an error from step_2", &other)
        ),
    }
}

fn an_overflow_in_step_1_names_step_1() {
    quiet_panics();
    let mut p = MyProcess {
        value: u64::MAX,
        ..Default::default()
    };
    match run_in_child(&mut p) {
        Ok((1, Err(message))) => assert!(
            message.starts_with("step_1"),
            "the first error stops run: {message:?}"
        ),
        other => panic!(
            "{}",
            unexpected("exit code 1 and an error from step_1", &other)
        ),
    }
    let mut direct = MyProcess {
        value: u64::MAX,
        ..Default::default()
    };
    assert!(direct.step_2().is_err(), "value + 2 overflows too");
    assert!(direct.results.is_empty(), "a failed step records nothing");
}

fn outcomes_survive_encode_and_decode() {
    let cases: Vec<Outcome> = vec![
        Ok(vec![]),
        Ok(vec![3, 4]),
        Ok(vec![u64::MAX, 0, 1 << 40]),
        Err(String::new()),
        Err("step_2: déjà overflowed".into()),
    ];
    for outcome in cases {
        assert_eq!(
            decode(&encode(&outcome)),
            Ok(outcome.clone()),
            "decode(encode(x)) must give x back"
        );
    }
    assert_ne!(
        encode(&Ok(vec![])),
        encode(&Err(String::new())),
        "an empty Ok and an empty Err must not have the same bytes"
    );
}

fn bad_bytes_are_errors_not_panics() {
    let mut too_many = encode(&Ok(vec![1, 2]));
    too_many.extend_from_slice(&[0; 8]);
    let mut too_few = encode(&Ok(vec![1, 2]));
    too_few.truncate(too_few.len() - 1);
    let mut huge_count = encode(&Ok(vec![1]));
    huge_count[1..9].copy_from_slice(&u64::MAX.to_le_bytes());
    let mut not_utf8 = encode(&Err("x".into()));
    not_utf8.push(0xff);
    for (name, bytes) in [
        ("no bytes", vec![]),
        ("too many numbers", too_many),
        ("a number cut short", too_few),
        ("a count far bigger than the bytes", huge_count),
        ("an error that is not UTF-8", not_utf8),
    ] {
        let got = std::panic::catch_unwind(|| decode(&bytes));
        assert!(
            matches!(got, Ok(Err(_))),
            "{name}: decode must return Err, not a value or a panic"
        );
    }
}

fn exit_codes_are_cpythons() {
    assert_eq!(exit_code_for(&Ok(vec![])), 0, "run returned: exitcode 0");
    assert_eq!(exit_code_for(&Ok(vec![1])), 0, "run returned: exitcode 0");
    assert_eq!(
        exit_code_for(&Err("boom".into())),
        1,
        "an uncaught exception in CPython: exitcode 1"
    );
}

fn main() -> ExitCode {
    support::fork::run(&[
        case!(each_step_records_and_returns_its_result),
        case!(the_steps_results_reach_the_parent),
        case!(an_overflow_in_step_2_is_an_error_with_exit_code_1),
        case!(an_overflow_in_step_1_names_step_1),
        case!(outcomes_survive_encode_and_decode),
        case!(bad_bytes_are_errors_not_panics),
        case!(exit_codes_are_cpythons),
    ])
}
