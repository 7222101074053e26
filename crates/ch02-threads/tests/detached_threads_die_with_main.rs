//! A detached thread does not keep the process alive: when `main` returns, it is
//! killed mid-work, silently, and the exit status is still success.
//!
//! The test runs its own test binary again as a child process, in which the "program"
//! starts a worker through `fire_and_forget` and returns while the worker is blocked.
//! The parent then checks that the child exited (no hang), successfully, without the
//! worker ever finishing.

use std::process::Command;
use std::sync::{Arc, Mutex, mpsc};

use ch02_threads::pitfalls::fire_and_forget;
use support::within_patience;

const CHILD: &str = "CH02_DETACHED_CHILD";

/// In the child: start a worker that can never finish, wait until it
/// runs, and return.
fn child_main() {
    let (started, worker_started) = mpsc::channel();
    let (never, blocked) = mpsc::channel::<()>();
    // The sender is leaked: it lives as long as the process, so `recv`
    // below never returns.
    Box::leak(Box::new(never));
    let blocked = Arc::new(Mutex::new(blocked));
    let _results = fire_and_forget(&[1], move |_| {
        started.send(()).expect("the child's main is listening");
        // Blocks for good: nobody ever sends, and the sender is never dropped.
        let _ = blocked.lock().map(|rx| rx.recv());
        println!("worker: finished");
    });
    worker_started.recv().expect("the worker starts");
    println!("main: returning while the worker is still busy");
}

#[test]
fn main_returning_kills_a_detached_thread() {
    if std::env::var_os(CHILD).is_some() {
        return child_main();
    }
    let output = within_patience(|| {
        Command::new(std::env::current_exe().expect("the test binary's path"))
            .args([
                "--exact",
                "main_returning_kills_a_detached_thread",
                "--nocapture",
            ])
            .args(["--test-threads", "1"])
            .env(CHILD, "1")
            .output()
            .expect("the child runs")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the child failed: {output:?}");
    assert!(
        stdout.contains("main: returning while the worker is still busy"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("worker: finished"),
        "the worker finished after all: {stdout}"
    );
}
