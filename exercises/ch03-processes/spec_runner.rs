//! A small test runner for specs whose tests call `fork`.
//!
//! Why not `#[test]`: libtest runs every test on a thread of its own, beside its main thread,
//! so a test process always runs at least two threads, and forking a threaded process is
//! exactly the danger chapter 03 teaches (only the forking thread survives in the child; locks
//! held by the others stay locked there forever). `--test-threads=1` does not help: the test
//! still runs on a second thread.
//!
//! So a spec that forks declares `harness = false` and its `main` calls [`run`]. The runner
//! never starts a thread. It forks each test into its own child process (single-threaded, so
//! the test may fork freely), in its own process group, and:
//!
//! * fails the test if it panics (the message is printed as usual);
//! * fails it if it takes longer than [`support::PATIENCE`]: then the whole process group is
//!   killed and reaped, so a hang becomes a failure, never a stuck run;
//! * fails it if it leaves a child process behind, running or zombie ([`support::children`]);
//! * prints libtest's lines (`test name ... ok`, `test result: ...`), so `cargo test` output
//!   and `cargo course verify` read it as usual. Filters work: `cargo test -- name --exact`.
//!
//! [`ProcessRendezvous`] and [`ProcessInFlight`] are `support::Rendezvous` and
//! `support::InFlight` for processes: their counters live in shared memory that forked
//! children keep sharing with their parent.
#![allow(dead_code)] // each spec uses only some of the helpers

use std::io::Write;
use std::panic::catch_unwind;
use std::process::ExitCode;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous};
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, setpgid};

/// One test: a name and a body that panics to fail.
pub struct Test {
    pub name: &'static str,
    pub body: fn(),
}

/// Makes a [`Test`] from a function, named after it: `case!(returns_the_value)`.
/// (Declare the module with `#[macro_use]` to use it.)
macro_rules! case {
    ($f:ident) => {
        $crate::spec_runner::Test {
            name: stringify!($f),
            body: $f,
        }
    };
}

/// Flags of libtest that take a value, so the value is not mistaken for a filter.
const TAKES_VALUE: [&str; 6] = [
    "--test-threads",
    "--format",
    "--color",
    "--logfile",
    "-Z",
    "--shuffle-seed",
];

/// Runs the selected tests one by one, each in its own child process; prints libtest's lines.
pub fn run(tests: &[Test]) -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut filters, mut skips, mut exact, mut list) = (Vec::new(), Vec::new(), false, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--exact" => exact = true,
            "--list" => list = true,
            "--skip" => skips.extend(args.next()),
            flag if TAKES_VALUE.contains(&flag) => {
                args.next();
            }
            flag if flag.starts_with('-') => {} // --nocapture, --quiet, --include-ignored...
            filter => filters.push(filter.to_owned()),
        }
    }
    let matches = |name: &str, pattern: &str| {
        if exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    let selected: Vec<&Test> = tests
        .iter()
        .filter(|t| filters.is_empty() || filters.iter().any(|f| matches(t.name, f)))
        .filter(|t| !skips.iter().any(|s| matches(t.name, s)))
        .collect();
    if list {
        for t in &selected {
            println!("{}: test", t.name);
        }
        return ExitCode::SUCCESS;
    }

    let started = Instant::now();
    println!("\nrunning {} tests", selected.len());
    let mut failed = Vec::new();
    for test in &selected {
        let passed = run_one(test);
        println!(
            "test {} ... {}",
            test.name,
            if passed { "ok" } else { "FAILED" }
        );
        if !passed {
            failed.push(test.name);
        }
    }
    if !failed.is_empty() {
        println!("\nfailures:");
        for name in &failed {
            println!("    {name}");
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed; 0 ignored; 0 measured; {} filtered out; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        selected.len() - failed.len(),
        failed.len(),
        tests.len() - selected.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(101)
    }
}

/// Runs one test in a child process; `true` if it passed.
fn run_one(test: &Test) -> bool {
    // Nothing buffered may be copied into the child, or it would be printed twice.
    let _ = std::io::stdout().flush();
    // SAFETY: the runner never starts a thread, so this process is single-threaded and the
    // child is a complete copy of it. The child leaves through `_exit`, never returning here.
    match unsafe { fork() } {
        Err(e) => {
            eprintln!("cannot fork to run {}: {e}", test.name);
            false
        }
        Ok(ForkResult::Child) => {
            let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
            let passed = catch_unwind(test.body).is_ok() && no_children_left(test.name);
            let _ = std::io::stdout().flush();
            // SAFETY: `_exit` has no preconditions and never returns.
            unsafe { nix::libc::_exit(if passed { 0 } else { 1 }) }
        }
        Ok(ForkResult::Parent { child }) => {
            let _ = setpgid(child, child); // also here: no race with the child's own call
            let passed = wait_with_limit(test.name, child);
            // Kill whatever the test left running in its group; init reaps those orphans.
            let _ = killpg(child, Signal::SIGKILL);
            passed
        }
    }
}

/// Waits for the test's process for at most [`support::PATIENCE`]; kills its group after that.
fn wait_with_limit(name: &str, child: Pid) -> bool {
    let deadline = Instant::now() + support::PATIENCE;
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Ok(WaitStatus::StillAlive) => {
                eprintln!(
                    "test {name} did not finish within {:?}: it probably hangs (killed)",
                    support::PATIENCE
                );
                let _ = killpg(child, Signal::SIGKILL);
                let _ = waitpid(child, None);
                return false;
            }
            Ok(WaitStatus::Exited(_, code)) => return code == 0,
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                eprintln!("test {name} was killed by {signal}");
                return false;
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => {
                eprintln!("cannot wait for test {name}: {e}");
                return false;
            }
        }
    }
}

/// `true` if the test left no child process behind, running or zombie (Linux only).
fn no_children_left(name: &str) -> bool {
    let left = support::children();
    if !left.is_empty() {
        eprintln!("test {name} left child processes behind (never reaped): {left:?}");
    }
    left.is_empty()
}

/// `n` atomic counters in memory shared with every child forked after this call.
///
/// The mapping is never unmapped: each test runs in its own short-lived process.
fn shared_counters(n: usize) -> &'static [AtomicUsize] {
    let len = std::num::NonZeroUsize::new(n * size_of::<AtomicUsize>()).expect("n > 0");
    // SAFETY: a fresh anonymous mapping, at an address of the kernel's choosing, aliases no
    // Rust object. Zeroed pages are valid `AtomicUsize`s, suitably aligned (page-aligned).
    let ptr: NonNull<AtomicUsize> = unsafe {
        mmap_anonymous(
            None,
            len,
            ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
            MapFlags::MAP_SHARED,
        )
    }
    .expect("mmap of a shared page")
    .cast();
    // SAFETY: `ptr` points at `n` zeroed, aligned `AtomicUsize`s that live (mapped) until the
    // process exits; atomics are the only access, so sharing them between processes is sound.
    unsafe { std::slice::from_raw_parts(ptr.as_ptr(), n) }
}

/// `support::Rendezvous` across processes: all `n` must be inside at once, or it times out.
#[derive(Clone, Copy)]
pub struct ProcessRendezvous {
    expected: usize,
    arrived: &'static AtomicUsize,
}

impl ProcessRendezvous {
    /// A rendezvous for `expected` processes; make it before forking them.
    pub fn new(expected: usize) -> Self {
        ProcessRendezvous {
            expected,
            arrived: &shared_counters(1)[0],
        }
    }

    /// Arrives and waits up to `timeout` for the others.
    pub fn arrive(&self, timeout: Duration) -> Result<(), support::RendezvousTimeout> {
        let deadline = Instant::now() + timeout;
        self.arrived.fetch_add(1, Ordering::SeqCst);
        loop {
            let arrived = self.arrived.load(Ordering::SeqCst);
            if arrived >= self.expected {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(support::RendezvousTimeout {
                    arrived,
                    expected: self.expected,
                });
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// How many have arrived so far.
    pub fn arrived(&self) -> usize {
        self.arrived.load(Ordering::SeqCst)
    }
}

/// `support::InFlight` across processes: the most tasks ever inside a region at once.
#[derive(Clone, Copy)]
pub struct ProcessInFlight {
    counters: &'static [AtomicUsize],
}

/// Leaves the region when dropped.
pub struct ProcessInFlightGuard(&'static AtomicUsize);

impl ProcessInFlight {
    /// A counter with nobody inside; make it before forking.
    pub fn new() -> Self {
        ProcessInFlight {
            counters: shared_counters(2),
        }
    }

    /// Enters the region; the guard leaves it.
    pub fn enter(&self) -> ProcessInFlightGuard {
        let now = self.counters[0].fetch_add(1, Ordering::SeqCst) + 1;
        self.counters[1].fetch_max(now, Ordering::SeqCst);
        ProcessInFlightGuard(&self.counters[0])
    }

    /// The largest number that were ever inside at once.
    pub fn max(&self) -> usize {
        self.counters[1].load(Ordering::SeqCst)
    }
}

impl Drop for ProcessInFlightGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
