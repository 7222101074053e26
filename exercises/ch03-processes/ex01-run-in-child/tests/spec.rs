//! Spec for exercise 1. Each test runs in a single-threaded process of its own, with
//! a time limit, and fails if it leaves a child process behind (see `support::fork`).

use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Duration;

use ch03_ex01_run_in_child::{ChildError, run_in_child};
use nix::sys::signal::{
    SaFlags, SigAction, SigHandler, SigSet, Signal, kill, raise, sigaction,
};
use nix::sys::wait::WaitStatus;
use nix::unistd::getppid;
use support::case;
use support::fork::Runner;

fn returns_the_string_computed_in_the_child() {
    assert_eq!(
        run_in_child(|| "forty-two".to_owned()),
        Ok("forty-two".into())
    );
    assert_eq!(run_in_child(String::new), Ok(String::new()));
}

fn f_runs_in_another_process() {
    let parent = std::process::id().to_string();
    let child = run_in_child(|| std::process::id().to_string()).unwrap();
    assert_ne!(
        child, parent,
        "f must run in a child process, not in the caller"
    );
}

fn a_value_bigger_than_the_pipe_buffer_arrives_whole() {
    // A pipe holds 64 KiB: the child blocks in `write` until the parent reads.
    let big = "x".repeat(1 << 20);
    let got = run_in_child(|| "x".repeat(1 << 20)).unwrap();
    assert!(
        got == big,
        "got {} bytes instead of {}",
        got.len(),
        big.len()
    );
}

fn a_panic_in_the_child_comes_back_with_its_message() {
    assert_eq!(
        run_in_child(|| panic!("no value for input {}", 7)),
        Err(ChildError::Panicked("no value for input 7".into())),
        "catch the panic in the child (catch_unwind) and send its message"
    );
    assert_eq!(
        run_in_child(|| std::panic::panic_any(3)),
        Err(ChildError::Panicked(
            "a panic with a non-string payload".into()
        ))
    );
}

fn a_value_that_looks_like_a_report_is_still_a_value() {
    let text = "P: not a panic, just text";
    assert_eq!(run_in_child(|| text.to_owned()), Ok(text.to_owned()));
}

fn a_child_killed_by_a_signal_is_died_with_its_status() {
    let got = run_in_child(|| {
        let _ = raise(Signal::SIGKILL);
        "never sent".into()
    });
    assert!(
        matches!(
            got,
            Err(ChildError::Died(WaitStatus::Signaled(
                _,
                Signal::SIGKILL,
                _
            )))
        ),
        "a child killed by SIGKILL sent nothing: {got:?}"
    );
}

fn a_child_that_exits_without_a_report_is_died() {
    for code in [0, 101] {
        let got = run_in_child(|| std::process::exit(code));
        assert!(
            matches!(got, Err(ChildError::Died(WaitStatus::Exited(_, c))) if c == code),
            "exit({code}) without a report is no value and no panic: {got:?}"
        );
    }
}

/// How many times an exit handler ran, in memory shared with every child.
static EXIT_HANDLERS: OnceLock<&'static [AtomicUsize]> = OnceLock::new();

extern "C" fn count_exit_handler() {
    if let Some(counter) = EXIT_HANDLERS.get() {
        counter[0].fetch_add(1, Ordering::SeqCst);
    }
}

fn the_child_leaves_with_exit_not_process_exit() {
    EXIT_HANDLERS.get_or_init(|| support::fork::shared_counters(1));
    // SAFETY: `atexit` only stores the function pointer; the handler
    // touches an atomic only.
    assert_eq!(unsafe { nix::libc::atexit(count_exit_handler) }, 0);
    assert_eq!(run_in_child(|| "ok".to_owned()), Ok("ok".into()));
    let _ = run_in_child(|| panic!("and on this path too"));
    assert_eq!(
        EXIT_HANDLERS.get().unwrap()[0].load(Ordering::SeqCst),
        0,
        "the child ran this program's exit handlers (atexit): it left with \
         std::process::exit, which also flushes buffers it inherited; use nix::libc::_exit"
    );
}

fn every_child_is_reaped() {
    for i in 0..5 {
        assert_eq!(run_in_child(move || i.to_string()), Ok(i.to_string()));
    }
    let _ = run_in_child(|| panic!("reaped too"));
    assert_eq!(support::zombies(), Vec::<i32>::new(), "waitpid every child");
    assert!(support::children().is_empty());
}

/// The descriptors the SIGUSR1 handler of `a_failed_read_still_reaps_the_child` works
/// on: an open directory, and the number `run_in_child`'s read end will have.
static DIRECTORY_FD: AtomicI32 = AtomicI32::new(-1);
static READ_END_FD: AtomicI32 = AtomicI32::new(-1);
/// Set (in memory shared with the child) once the handler has run.
static HANDLER_RAN: OnceLock<&'static [AtomicUsize]> = OnceLock::new();

extern "C" fn swap_the_read_end_for_a_directory(_: nix::libc::c_int) {
    // SAFETY: `dup2` is async-signal-safe; both numbers are open
    // descriptors of this process (the directory is closed only after
    // `run_in_child` returns, and the read end is the one `run_in_child`
    // is reading from). It closes the pipe's read end and puts the
    // directory in its place: the parent's next `read` fails with EISDIR.
    unsafe {
        nix::libc::dup2(
            DIRECTORY_FD.load(Ordering::SeqCst),
            READ_END_FD.load(Ordering::SeqCst),
        );
    }
    if let Some(ran) = HANDLER_RAN.get() {
        ran[0].fetch_add(1, Ordering::SeqCst);
    }
}

fn a_failed_read_still_reaps_the_child() {
    // The child asks the parent (SIGUSR1) to swap the pipe's read end for a directory
    // while the parent reads: the parent's `read_to_end` fails (EISDIR) with the
    // child still alive.
    let ran = *HANDLER_RAN.get_or_init(|| support::fork::shared_counters(1));
    let directory = std::fs::File::open("/").unwrap();
    DIRECTORY_FD.store(directory.as_raw_fd(), Ordering::SeqCst);
    // descriptors are handed out lowest first: `run_in_child`'s pipe
    // will get these numbers
    let (reader, writer) = support::fork::pipe().unwrap();
    READ_END_FD.store(reader.as_raw_fd(), Ordering::SeqCst);
    drop((reader, writer));
    let handler = SigAction::new(
        SigHandler::Handler(swap_the_read_end_for_a_directory),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only calls `dup2` and touches atomics (async-signal-safe).
    let before = unsafe { sigaction(Signal::SIGUSR1, &handler) }.unwrap();
    let got = run_in_child(move || {
        let _ = kill(getppid(), Signal::SIGUSR1);
        // wait (up to 3 s) until the parent's read end is gone, then try to report
        for _ in 0..3000 {
            if ran[0].load(Ordering::SeqCst) > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        "sent to a pipe nobody reads".into()
    });
    // SAFETY: puts back the handler that was there before.
    unsafe { sigaction(Signal::SIGUSR1, &before) }.unwrap();
    drop(directory);
    assert_eq!(
        ran[0].load(Ordering::SeqCst),
        1,
        "the child did not signal its parent"
    );
    let left = support::children();
    assert!(
        left.is_empty(),
        "the read failed while the child was still running, and it was never reaped \
         ({left:?}): after a failed read, still `waitpid` the child, then return the error \
         (`read_to_end(..)?` before `waitpid` returns without reaping)"
    );
    assert!(
        got.is_err(),
        "the parent could not read the report, so there is no value: {got:?}"
    );
}

fn main() -> ExitCode {
    Runner::new()
        .patience(Duration::from_secs(5))
        .on_hang(
            "A hang here is usually the parent reading forever: `read_to_end` returns only once \
             every write end of the pipe is closed, the parent's own copy included (drop the \
             writer before reading). Or the parent waits for the child before reading, while \
             the child waits for room in the pipe (read first, then waitpid).",
        )
        .run(&[
            case!(returns_the_string_computed_in_the_child),
            case!(f_runs_in_another_process),
            case!(a_value_bigger_than_the_pipe_buffer_arrives_whole),
            case!(a_panic_in_the_child_comes_back_with_its_message),
            case!(a_value_that_looks_like_a_report_is_still_a_value),
            case!(a_child_killed_by_a_signal_is_died_with_its_status),
            case!(a_child_that_exits_without_a_report_is_died),
            case!(the_child_leaves_with_exit_not_process_exit),
            case!(every_child_is_reaped),
            case!(a_failed_read_still_reaps_the_child),
        ])
}
