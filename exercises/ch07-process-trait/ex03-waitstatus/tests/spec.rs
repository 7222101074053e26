//! Spec for exercise 3. Each test runs in a single-threaded process of its own, with
//! a time limit, and fails if it leaves a child process behind (see `support::fork`).

use std::process::ExitCode;

use support::case;

use ch07_ex03_waitstatus::{StatusError, waitstatus_to_exitcode};
use nix::libc;

fn an_exit_gives_its_code() {
    for code in 0..=255 {
        assert_eq!(
            waitstatus_to_exitcode(code << 8),
            Ok(code),
            "status {:#06x}: the process exited with code {code} (bits 8-15)",
            code << 8
        );
    }
}

fn a_signal_gives_minus_its_number() {
    for signal in 1..0x7f {
        assert_eq!(
            waitstatus_to_exitcode(signal),
            Ok(-signal),
            "status {signal:#06x}: signal {signal} killed the process (bits 0-6)"
        );
        assert_eq!(
            waitstatus_to_exitcode(signal | 0x80),
            Ok(-signal),
            "status {:#06x}: signal {signal}, and a core was dumped (bit 7 is not part of the signal)",
            signal | 0x80
        );
    }
}

fn a_stopped_process_is_an_error_naming_the_signal() {
    let stopped = (libc::SIGSTOP << 8) | 0x7f;
    let got = waitstatus_to_exitcode(stopped);
    assert_eq!(
        got,
        Err(StatusError::Stopped {
            signal: libc::SIGSTOP
        }),
        "status {stopped:#06x}: 0x7f in the low byte means stopped, the signal is in bits 8-15"
    );
    assert_eq!(
        got.unwrap_err().to_string(),
        format!("process stopped by delivery of signal {}", libc::SIGSTOP),
        "CPython's message"
    );
}

fn other_statuses_are_invalid() {
    for status in [0xffff, 0x00ff, 0x12ff] {
        let got = waitstatus_to_exitcode(status);
        assert_eq!(
            got,
            Err(StatusError::Invalid { status }),
            "status {status:#06x}: low 7 bits 0x7f but low byte not 0x7f: no process ended so"
        );
        assert_eq!(
            got.unwrap_err().to_string(),
            format!("invalid wait status: {status}"),
            "CPython's message"
        );
    }
}

/// The C library's own macros decide every 16-bit status (Linux's layout).
#[cfg(target_os = "linux")]
fn agrees_with_the_c_macros_on_every_16_bit_status() {
    for status in 0..=0xffff {
        let expected = if libc::WIFEXITED(status) {
            Ok(libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            Ok(-libc::WTERMSIG(status))
        } else if libc::WIFSTOPPED(status) {
            Err(StatusError::Stopped {
                signal: libc::WSTOPSIG(status),
            })
        } else {
            Err(StatusError::Invalid { status })
        };
        assert_eq!(
            waitstatus_to_exitcode(status),
            expected,
            "status {status:#06x} (the first one that differs from WIFEXITED & co.)"
        );
    }
}

/// Forks a child that runs `child` (which must end it), and returns its
/// raw wait status.
fn raw_status_of(child: fn(), flags: libc::c_int) -> (libc::pid_t, libc::c_int) {
    // SAFETY: support::fork runs each test in a single-threaded
    // process; the child only calls async-signal-safe functions
    // (`raise`, `_exit`) and never returns here.
    match unsafe { nix::unistd::fork() }.expect("fork") {
        nix::unistd::ForkResult::Child => {
            child();
            // SAFETY: `_exit` has no preconditions and never returns.
            unsafe { libc::_exit(100) }
        }
        nix::unistd::ForkResult::Parent { child } => {
            let pid = child.as_raw();
            let mut status = 0;
            // SAFETY: `status` is a valid place for `waitpid` to write to.
            let got = unsafe { libc::waitpid(pid, &mut status, flags) };
            assert_eq!(got, pid, "waitpid");
            (pid, status)
        }
    }
}

fn real_children_end_as_cpython_reports() {
    // SAFETY (all three): `_exit` and `raise` are async-signal-safe.
    let exits = raw_status_of(|| unsafe { libc::_exit(7) }, 0).1;
    assert_eq!(
        waitstatus_to_exitcode(exits),
        Ok(7),
        "a child that called _exit(7)"
    );
    let killed = raw_status_of(|| unsafe { _ = libc::raise(libc::SIGKILL) }, 0).1;
    assert_eq!(
        waitstatus_to_exitcode(killed),
        Ok(-libc::SIGKILL),
        "SIGKILL"
    );
    let terminated = raw_status_of(|| unsafe { _ = libc::raise(libc::SIGTERM) }, 0).1;
    assert_eq!(
        waitstatus_to_exitcode(terminated),
        Ok(-libc::SIGTERM),
        "SIGTERM"
    );
}

fn a_real_stopped_child_is_not_an_ended_one() {
    // SAFETY: `raise` is async-signal-safe.
    let (pid, status) = raw_status_of(
        || unsafe { _ = libc::raise(libc::SIGSTOP) },
        libc::WUNTRACED,
    );
    let got = waitstatus_to_exitcode(status);
    // End and reap the stopped child before judging, so no child is left behind.
    // SAFETY: `pid` is our child, stopped and not yet reaped.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
    assert_eq!(
        got,
        Err(StatusError::Stopped {
            signal: libc::SIGSTOP
        }),
        "a child stopped by SIGSTOP (waitpid with WUNTRACED)"
    );
}

fn main() -> ExitCode {
    support::fork::run(&[
        case!(an_exit_gives_its_code),
        case!(a_signal_gives_minus_its_number),
        case!(a_stopped_process_is_an_error_naming_the_signal),
        case!(other_statuses_are_invalid),
        #[cfg(target_os = "linux")]
        case!(agrees_with_the_c_macros_on_every_16_bit_status),
        case!(real_children_end_as_cpython_reports),
        case!(a_real_stopped_child_is_not_an_ended_one),
    ])
}
