//! Spec for exercise 3. Each test runs in a single-threaded process of its own, with a time
//! limit, and fails if it leaves a child process behind (see `support::fork`).

use std::process::ExitCode;

use support::case;

use ch03_ex03_exit_status::{ChildError, run_checked};
use nix::sys::signal::{Signal, raise};

fn a_normal_exit_gives_the_value() {
    assert_eq!(run_checked(|| 1 << 40).unwrap(), Ok(1 << 40));
}

fn a_panic_is_reported_as_a_panic() {
    let got = run_checked(|| panic!("no value")).unwrap();
    assert_eq!(got, Err(ChildError::Panicked));
    assert!(got.unwrap_err().to_string().contains("panic"));
}

fn a_child_killed_by_a_signal_names_it() {
    let got = run_checked(|| {
        let _ = raise(Signal::SIGKILL);
        0
    })
    .unwrap();
    assert_eq!(
        got,
        Err(ChildError::Killed {
            signal: Signal::SIGKILL
        })
    );
    let text = got.unwrap_err().to_string();
    assert!(
        text.contains("SIGKILL"),
        "the message must name the signal: {text:?}"
    );

    let got = run_checked(|| std::process::abort()).unwrap();
    assert_eq!(
        got,
        Err(ChildError::Killed {
            signal: Signal::SIGABRT
        })
    );
    assert!(got.unwrap_err().to_string().contains("SIGABRT"));
}

fn an_exit_code_is_reported_with_its_value() {
    let got = run_checked(|| std::process::exit(3)).unwrap();
    assert_eq!(got, Err(ChildError::Exited { code: 3 }));
    assert!(got.unwrap_err().to_string().contains('3'));
}

fn exiting_without_a_result_is_not_a_value() {
    let got = run_checked(|| std::process::exit(0)).unwrap();
    assert_eq!(got, Err(ChildError::NoResult));
    assert!(!got.unwrap_err().to_string().is_empty());
}

fn main() -> ExitCode {
    support::fork::run(&[
        case!(a_normal_exit_gives_the_value),
        case!(a_panic_is_reported_as_a_panic),
        case!(a_child_killed_by_a_signal_names_it),
        case!(an_exit_code_is_reported_with_its_value),
        case!(exiting_without_a_result_is_not_a_value),
    ])
}
