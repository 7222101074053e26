//! Spec for exercise 2: the programs in `tests/ui/` must not compile, and the ones
//! below must run. These tests start programs with `std::process::Command` (no `fork`
//! of the test process), so they use the usual test harness.

use std::sync::mpsc;
use std::time::Duration;

use ch07_ex02_typestate::{Proc, Running};

/// Each file in `tests/ui/` calls a method in a state that must not
/// have it. `trybuild` compiles each one; it must fail with the error
/// in the `.stderr` file beside it.
#[test]
fn wrong_orders_do_not_compile() {
    // Relative to the crate being tested. The solution's `tests/ui` is
    // a symbolic link to this folder, so the files and the paths in the
    // errors are the same for both.
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

fn exitcode_of(program: &str, args: &[&str]) -> i32 {
    Proc::new(program, args)
        .start()
        .expect("start")
        .join()
        .expect("join")
        .exitcode()
}

#[test]
fn a_normal_exit_is_its_code() {
    assert_eq!(exitcode_of("true", &[]), 0);
    assert_eq!(exitcode_of("sh", &["-c", "exit 3"]), 3);
    assert_eq!(exitcode_of("sh", &["-c", "exit 255"]), 255);
}

#[test]
fn a_signal_is_minus_its_number() {
    assert_eq!(
        exitcode_of("sh", &["-c", "kill -TERM $$"]),
        -15,
        "CPython: -N for signal N (SIGTERM is 15)"
    );
    assert_eq!(exitcode_of("sh", &["-c", "kill -KILL $$"]), -9);
}

/// Joins `running` on a helper thread: a child that a signal should
/// have ended but did not fails the test after a few seconds, naming
/// the likely mistake, instead of hanging.
fn exitcode_after(running: Proc<Running>, what: &str) -> i32 {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(running.join().map(|f| f.exitcode())));
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(joined) => joined.expect("join"),
        Err(_) => panic!(
            "`sleep 10` still runs 5 s after {what}: was the signal sent to its pid?"
        ),
    }
}

#[test]
fn terminate_and_kill_send_sigterm_and_sigkill() {
    let running = Proc::new("sleep", &["10"]).start().unwrap();
    running.terminate().unwrap();
    assert_eq!(
        exitcode_after(running, "terminate()"),
        -15,
        "terminate sends SIGTERM"
    );
    let mut running = Proc::new("sleep", &["10"]).start().unwrap();
    running.kill().unwrap();
    assert_eq!(exitcode_after(running, "kill()"), -9, "kill sends SIGKILL");
}

#[test]
fn pid_is_the_childs() {
    let running = Proc::new("sleep", &["10"]).start().unwrap();
    let pid = running.pid();
    assert_ne!(pid, std::process::id(), "pid is the child's, not ours");
    if cfg!(target_os = "linux") {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."
        let stat =
            std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let after_comm = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let ppid = after_comm.split_whitespace().nth(1);
        assert_eq!(
            (stat.contains("(sleep)"), ppid),
            (true, Some(std::process::id().to_string().as_str())),
            "pid {pid} must be the `sleep` this test started, a child of this process"
        );
    }
    running.terminate().unwrap();
    assert_eq!(exitcode_after(running, "terminate()"), -15);
}

#[test]
fn a_dropped_running_process_is_killed_and_reaped() {
    let running = Proc::new("sleep", &["10"]).start().unwrap();
    let proc_dir = format!("/proc/{}", running.pid());
    drop(running);
    if cfg!(target_os = "linux") {
        assert!(
            !std::path::Path::new(&proc_dir).exists(),
            "no process, not even a zombie, after the handle is dropped"
        );
    }
}

#[test]
fn the_program_is_the_same_in_every_state() {
    let created = Proc::new("true", &[]);
    assert_eq!(created.program(), "true");
    let running = created.start().unwrap();
    assert_eq!(running.program(), "true", "start keeps the program's name");
    let finished = running.join().unwrap();
    assert_eq!(finished.program(), "true", "join keeps the program's name");
}

#[test]
fn a_missing_program_is_an_error_not_a_panic() {
    let got = std::panic::catch_unwind(|| {
        Proc::new("/no/such/program", &[]).start().is_err()
    });
    assert!(
        matches!(got, Ok(true)),
        "start must return the io::Error (NotFound), not panic"
    );
}
