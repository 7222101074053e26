//! The fork harness's panic reports stay whole when the test's child processes panic
//! at once: each child's report is its mark line, then its panic, as
//! `cargo course check` reads them (`testrun::libtest`: a panic right after a mark is
//! a child's, not the test's own).
//!
//! The test runs itself: the inner run is a fork-harness test that
//! fails on purpose after its children panicked together; the outer run
//! reads what the harness printed.

use std::process::{Command, ExitCode};
use std::time::Duration;

use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, fork};
use support::fork::ProcessRendezvous;

const INNER: &str = "SUPPORT_PANIC_REPORTS_INNER";
const CHILDREN: usize = 16;

fn children_panic_at_once() {
    let meet = ProcessRendezvous::new(CHILDREN);
    let mut pids = Vec::new();
    for i in 0..CHILDREN {
        // SAFETY: this test process is single-threaded (the fork harness); the child
        // panics inside `catch_unwind` and leaves with `_exit`.
        match unsafe { fork() }.unwrap() {
            ForkResult::Child => {
                let _ = meet.arrive(Duration::from_secs(5));
                let _ = std::panic::catch_unwind(|| {
                    panic!("child {i} panics on purpose")
                });
                // SAFETY: `_exit` ends the child at once, running
                // nothing of the parent's.
                unsafe { nix::libc::_exit(0) }
            }
            ForkResult::Parent { child } => pids.push(child),
        }
    }
    for pid in pids {
        waitpid(pid, None).unwrap();
    }
    panic!("the test's own panic, after its children's");
}

/// Problems with the panic reports in the harness's output, if any.
fn torn_reports(output: &str) -> Vec<String> {
    let lines: Vec<&str> = output.lines().collect();
    let is_mark = |l: &str| {
        l.starts_with("[in child process ") && l.ends_with(", forked by the test]")
    };
    let mut problems = Vec::new();
    let mut children = 0;
    for (i, line) in lines.iter().enumerate() {
        if !(line.starts_with("thread '") && line.contains("panicked at")) {
            continue;
        }
        let before = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
        let message = lines.get(i + 1).copied().unwrap_or_default();
        let marked = before.is_some_and(|l| is_mark(l));
        if message.starts_with("child ") {
            children += 1;
            if !marked {
                problems.push(format!(
                    "a child's panic without its mark just before: {before:?}"
                ));
            }
        } else if marked {
            problems.push(format!(
                "the test's own panic marked as a child's: {message:?}"
            ));
        }
    }
    if children != CHILDREN {
        problems.push(format!("{children} child panics found, not {CHILDREN}"));
    }
    problems
}

fn main() -> ExitCode {
    if std::env::var_os(INNER).is_some() {
        return support::fork::run(&[support::case!(children_panic_at_once)]);
    }
    let exe = std::env::current_exe().unwrap();
    for round in 0..5 {
        let out = Command::new(&exe)
            .env(INNER, "1")
            .env("RUST_BACKTRACE", "0") // as `cargo course check` runs specs
            .output()
            .unwrap();
        let output = String::from_utf8_lossy(&out.stdout);
        let problems = torn_reports(&output);
        if !problems.is_empty() {
            eprintln!("round {round}: {problems:#?}\n{output}");
            return ExitCode::FAILURE;
        }
    }
    println!("test panic reports of children that panic at once stay whole ... ok");
    ExitCode::SUCCESS
}
