//! Spec for exercise 1. Each test runs in a single-threaded process of its own, with a time
//! limit, and fails if it leaves a child process behind (see `support::fork`).

use std::process::ExitCode;

use support::case;

use ch03_ex01_run_in_child::run_in_child;

fn returns_the_value_computed_in_the_child() {
    assert_eq!(run_in_child(|| 6 * 7).unwrap(), 42);
    let sum = (0..1_000_000u64).sum::<u64>();
    assert_eq!(run_in_child(|| (0..1_000_000u64).sum()).unwrap(), sum);
}

fn all_64_bits_come_back() {
    // An exit code holds only 8 bits: a pipe is needed for these.
    assert_eq!(run_in_child(|| u64::MAX - 1).unwrap(), u64::MAX - 1);
    assert_eq!(run_in_child(|| 256).unwrap(), 256);
}

fn f_runs_in_another_process() {
    let parent = u64::from(std::process::id());
    let child = run_in_child(|| u64::from(std::process::id())).unwrap();
    assert_ne!(
        child, parent,
        "f must run in a child process, not in the caller"
    );
}

fn what_the_child_changes_stays_in_the_child() {
    let mut counter = 1u64;
    let in_child = run_in_child(|| {
        counter += 10;
        counter
    })
    .unwrap();
    assert_eq!(in_child, 11);
    assert_eq!(
        counter, 1,
        "the child changed its own copy of memory, not ours"
    );
}

fn every_child_is_reaped() {
    for i in 0..5 {
        assert_eq!(run_in_child(move || i).unwrap(), i);
    }
    assert_eq!(support::zombies(), Vec::<i32>::new(), "waitpid every child");
    assert!(support::children().is_empty());
}

fn a_child_that_dies_before_writing_is_an_error() {
    assert!(
        run_in_child(|| std::process::abort()).is_err(),
        "killed by SIGABRT"
    );
    assert!(
        run_in_child(|| panic!("no value")).is_err(),
        "a panic is no value either"
    );
    assert!(support::children().is_empty());
}

fn main() -> ExitCode {
    support::fork::run(&[
        case!(returns_the_value_computed_in_the_child),
        case!(all_64_bits_come_back),
        case!(f_runs_in_another_process),
        case!(what_the_child_changes_stays_in_the_child),
        case!(every_child_is_reaped),
        case!(a_child_that_dies_before_writing_is_an_error),
    ])
}
