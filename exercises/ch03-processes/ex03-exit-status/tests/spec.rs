//! Spec for exercise 3. Each test runs in a single-threaded process of its own, with
//! a time limit, and fails if it leaves a child process behind (see `support::fork`).

use std::process::ExitCode;

use support::case;

use ch03_ex03_exit_status::{ChildError, classify, run_checked};
use nix::sys::signal::{Signal, raise};
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;

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

fn eight_bytes_are_a_value_only_after_a_clean_exit() {
    // A child may write its whole result and still fail afterwards
    // (killed while exiting, a non-zero code from a cleanup step): the
    // exit status decides, not the byte count.
    let pid = Pid::from_raw(12345);
    let bytes = 7u64.to_le_bytes();
    assert_eq!(classify(WaitStatus::Exited(pid, 0), &bytes), Ok(7));
    assert_eq!(
        classify(WaitStatus::Signaled(pid, Signal::SIGTERM, false), &bytes),
        Err(ChildError::Killed {
            signal: Signal::SIGTERM
        }),
        "a child killed by a signal gave no value, whatever it wrote before"
    );
    assert_eq!(
        classify(WaitStatus::Exited(pid, 3), &bytes),
        Err(ChildError::Exited { code: 3 })
    );
    assert_eq!(
        classify(WaitStatus::Exited(pid, 101), &bytes),
        Err(ChildError::Panicked)
    );
    assert_eq!(
        classify(WaitStatus::Exited(pid, 0), &[1, 2, 3]),
        Err(ChildError::NoResult),
        "3 bytes are not a u64"
    );
    assert_eq!(
        classify(WaitStatus::Exited(pid, 0), &[0; 9]),
        Err(ChildError::NoResult),
        "9 bytes are not a u64 either"
    );
}

fn every_message_is_distinct() {
    let errors = [
        ChildError::Panicked,
        ChildError::Killed {
            signal: Signal::SIGKILL,
        },
        ChildError::Exited { code: 3 },
        ChildError::NoResult,
    ];
    let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for (i, text) in texts.iter().enumerate() {
        assert!(
            !text.is_empty() && !texts[..i].contains(text),
            "each error says something of its own: {texts:?}"
        );
    }
}

fn main() -> ExitCode {
    support::fork::run(&[
        case!(a_normal_exit_gives_the_value),
        case!(a_panic_is_reported_as_a_panic),
        case!(a_child_killed_by_a_signal_names_it),
        case!(an_exit_code_is_reported_with_its_value),
        case!(exiting_without_a_result_is_not_a_value),
        case!(eight_bytes_are_a_value_only_after_a_clean_exit),
        case!(every_message_is_distinct),
    ])
}
