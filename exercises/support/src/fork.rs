//! A test harness for tests that call `fork` (the `fork` feature; Unix only).
//!
//! Why not `#[test]`: libtest runs every test on a thread of its own, beside its main
//! thread, so a test process always runs at least two threads, and forking a threaded
//! process is exactly the danger chapter 03 teaches (only the forking thread survives
//! in the child; locks held by the others stay locked there forever).
//! `--test-threads=1` does not help: the test still runs on a second thread.
//!
//! So a test file that forks declares `harness = false` and its `main` calls [`run`].
//! It is built on [`libtest_mimic`], told to use one test thread, which means the
//! main thread: the process never starts a thread of its own. Each test is forked
//! into a child process (single-threaded, so the test may fork freely), in a process
//! group of its own, and:
//!
//! * its output (and its children's) is captured and shown only if it fails, as
//!   libtest does (`--nocapture` lets it through);
//! * it fails if it panics;
//! * it fails if it takes longer than the runner's patience ([`crate::PATIENCE`]
//!   unless [`Runner::patience`] says otherwise): then its whole process group is
//!   killed and reaped, and every later test fails at once instead of waiting for the
//!   same hang again;
//! * it fails if it leaves a child process behind, running or zombie
//!   ([`crate::children`]);
//! * it fails, saying so, if a child process it forked leaves the test's code by
//!   returning or unwinding (instead of `_exit`) and so runs the rest of the test as
//!   a copy of it.
//!
//! The output is libtest's (`test name ... ok`, `test result: ...`), and its filters
//! work: `cargo test -- name --exact`.
//!
//! [`ProcessRendezvous`] and [`ProcessInFlight`] are [`crate::Rendezvous`] and
//! [`crate::InFlight`] for processes: their counters live in shared memory that
//! forked children keep sharing with their parent.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::panic::catch_unwind;
use std::process::ExitCode;
use std::ptr::NonNull;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous};
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, dup2_stderr, dup2_stdout, fork, getpid, setpgid};

/// One test: a name and a body that panics to fail.
#[derive(Clone, Copy)]
pub struct Test {
    /// The name libtest prints and filters on.
    pub name: &'static str,
    /// The test itself.
    pub body: fn(),
}

/// Makes a [`Test`] from a function, named after it: `case!(returns_the_value)`.
#[macro_export]
macro_rules! case {
    ($f:ident) => {
        $crate::fork::Test {
            name: stringify!($f),
            body: $f,
        }
    };
}

/// Runs the selected tests with the default [`Runner`].
pub fn run(tests: &[Test]) -> ExitCode {
    Runner::new().run(tests)
}

/// How the tests are run: how long each may take, what a hang probably means.
#[derive(Clone, Copy, Debug)]
pub struct Runner {
    patience: Duration,
    on_hang: Option<&'static str>,
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Runner {
    /// Each test may take up to [`crate::PATIENCE`].
    pub fn new() -> Self {
        Runner {
            patience: crate::PATIENCE,
            on_hang: None,
        }
    }

    /// Each test may take up to `limit`; longer is a hang.
    pub fn patience(self, limit: Duration) -> Self {
        Runner {
            patience: limit,
            ..self
        }
    }

    /// The likely cause of a hang, printed with the failure (say what to check).
    pub fn on_hang(self, hint: &'static str) -> Self {
        Runner {
            on_hang: Some(hint),
            ..self
        }
    }

    /// Runs the tests selected by the command line, one by one, each in
    /// a child process.
    pub fn run(self, tests: &[Test]) -> ExitCode {
        let mut args = Arguments::from_args();
        // One thread means the main thread: this process stays single-threaded.
        args.test_threads = Some(1);
        let capture = !args.nocapture;
        let trials = tests
            .iter()
            .map(|&test| Trial::test(test.name, move || self.run_one(test, capture)))
            .collect();
        libtest_mimic::run(&args, trials).exit_code()
    }

    /// Runs one test in a child process.
    fn run_one(self, test: Test, capture: bool) -> Result<(), Failed> {
        if let Some(hung) = HUNG.get() {
            return Err(format!(
                "not run: test {hung} hung before it; fix that first"
            )
            .into());
        }
        let shared = state();
        shared[STRAY].store(0, Ordering::SeqCst);
        shared[STRAY_PANICKED].store(0, Ordering::SeqCst);
        shared[PANIC_TURN].store(0, Ordering::SeqCst);
        let output = if capture {
            Some(pipe().map_err(|e| format!("cannot make a pipe: {e}"))?)
        } else {
            None
        };
        // Nothing buffered may be copied into the child, or it would be
        // printed twice.
        let _ = std::io::stdout().flush();
        // SAFETY: the runner never starts a thread (libtest-mimic runs the tests on
        // the main thread when told to use one), so this process is single-threaded
        // and the child is a complete copy of it. The child leaves through `_exit`,
        // never returning here.
        match unsafe { fork() } {
            Err(e) => Err(format!("cannot fork to run the test: {e}").into()),
            Ok(ForkResult::Child) => {
                let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
                if let Some((reader, writer)) = output {
                    drop(reader);
                    let _ = dup2_stdout(&writer);
                    let _ = dup2_stderr(&writer);
                }
                in_test_process(test)
            }
            Ok(ForkResult::Parent { child }) => {
                // also here: no race with the child's own call
                let _ = setpgid(child, child);
                let reader = output.map(|(reader, writer)| {
                    drop(writer);
                    File::from(reader)
                });
                let mut watch = Watch {
                    reader,
                    output: Vec::new(),
                };
                let verdict = watch.wait(child, self.patience);
                // Kill whatever the test left running in its group;
                // init reaps those orphans.
                let _ = killpg(child, Signal::SIGKILL);
                watch.drain(Duration::ZERO);
                self.verdict(
                    test,
                    verdict,
                    shared[STRAY].load(Ordering::SeqCst),
                    watch,
                )
            }
        }
    }

    /// The test's result, with everything that explains a failure.
    fn verdict(
        self,
        test: Test,
        end: End,
        stray: usize,
        watch: Watch,
    ) -> Result<(), Failed> {
        let mut why = Vec::new();
        if stray != 0 {
            let how = if state()[STRAY_PANICKED].load(Ordering::SeqCst) != 0 {
                "panicked, and nothing caught the panic (`catch_unwind`) before it unwound out of \
                 the child's code into the test's"
            } else {
                "returned into the test's code instead of ending with `_exit`"
            };
            why.push(format!(
                "a child process (pid {stray}) forked by the test {how}: it went on to run the \
                 rest of the test as a copy of it (what it printed is below). A child must end \
                 with `_exit`, on every path."
            ));
        }
        match end {
            End::Passed if stray == 0 => return Ok(()),
            End::Passed | End::Failed => {}
            End::Hung => {
                let _ = HUNG.set(test.name);
                why.push(format!(
                    "the test did not finish within {:?}: it probably hangs (killed).",
                    self.patience
                ));
                why.extend(self.on_hang.map(str::to_owned));
            }
            End::Other(what) => why.push(what),
        }
        let output = String::from_utf8_lossy(&watch.output);
        if !output.trim().is_empty() {
            why.push(output.trim().to_owned());
        }
        Err(why.join("\n").into())
    }
}

/// How the test's process ended.
enum End {
    Passed,
    Failed,
    Hung,
    Other(String),
}

/// A running test seen from the runner: its process and its captured output.
struct Watch {
    reader: Option<File>,
    output: Vec<u8>,
}

impl Watch {
    /// Waits for the test's process for at most `limit`; kills its group after that.
    fn wait(&mut self, child: Pid, limit: Duration) -> End {
        let deadline = Instant::now() + limit;
        loop {
            match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                    self.drain(Duration::from_millis(2));
                }
                Ok(WaitStatus::StillAlive) => {
                    let _ = killpg(child, Signal::SIGKILL);
                    let _ = waitpid(child, None);
                    return End::Hung;
                }
                Ok(WaitStatus::Exited(_, 0)) => return End::Passed,
                Ok(WaitStatus::Exited(..)) => return End::Failed,
                Ok(WaitStatus::Signaled(_, signal, _)) => {
                    return End::Other(format!(
                        "the test's process was killed by {signal}"
                    ));
                }
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => {
                    return End::Other(format!("cannot wait for the test: {e}"));
                }
            }
        }
    }

    /// Reads what the test wrote, waiting up to `wait` for the first bytes; without a
    /// capture, only sleeps.
    fn drain(&mut self, wait: Duration) {
        let Some(reader) = &mut self.reader else {
            std::thread::sleep(wait);
            return;
        };
        let mut timeout = PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX);
        loop {
            let mut fds = [PollFd::new(reader.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, timeout) {
                Ok(n) if n > 0 => {}
                _ => return,
            }
            let mut buffer = [0u8; 4096];
            match reader.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(n) => self.output.extend_from_slice(&buffer[..n]),
            }
            timeout = PollTimeout::ZERO;
        }
    }
}

/// The name of the test that hung: later tests are not run.
static HUNG: OnceLock<&'static str> = OnceLock::new();

/// Index in [`state`]: the pid of a child that left the test's code, or 0.
const STRAY: usize = 0;
/// Index in [`state`]: 1 if that child got there by unwinding from a panic.
const STRAY_PANICKED: usize = 1;
/// Index in [`state`]: the pid of the test's own process.
const TEST_PID: usize = 2;
/// Index in [`state`]: the pid of the process writing a panic report now, or 0
/// ([`PanicTurn`]).
const PANIC_TURN: usize = 3;

/// The runner's counters, shared with every test process and its children.
fn state() -> &'static [AtomicUsize] {
    static STATE: OnceLock<&'static [AtomicUsize]> = OnceLock::new();
    STATE.get_or_init(|| shared_counters(4))
}

/// One panic report at a time among the test's processes. They all write into one
/// pipe, and a report is many `write`s (the mark, then the default hook's lines):
/// children that panic together would tear each other's reports, a mark would no
/// longer precede its panic, and `cargo course check` would take a child's panic for
/// the test's own.
struct PanicTurn {
    taken: bool,
}

impl PanicTurn {
    /// Waits for the turn, but not for ever: a process killed during its report never
    /// gives it back, and a torn report is better than none.
    fn take(pid: usize) -> Self {
        let turn = &state()[PANIC_TURN];
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            if turn
                .compare_exchange(0, pid, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return PanicTurn { taken: true };
            }
            if Instant::now() > deadline {
                return PanicTurn { taken: false };
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

impl Drop for PanicTurn {
    fn drop(&mut self) {
        if self.taken {
            state()[PANIC_TURN].store(0, Ordering::SeqCst);
        }
    }
}

/// The test's process: runs the body, then leaves through `_exit`.
fn in_test_process(test: Test) -> ! {
    let me = getpid().as_raw() as usize;
    state()[TEST_PID].store(me, Ordering::SeqCst);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let pid = getpid().as_raw() as usize;
        let _turn = PanicTurn::take(pid);
        if pid != state()[TEST_PID].load(Ordering::SeqCst) {
            // One `write` (`eprintln!` would make three).
            let mark = format!("[in child process {pid}, forked by the test]\n");
            let _ = std::io::stderr().write_all(mark.as_bytes());
        }
        default_hook(info);
    }));
    let passed = catch_unwind(test.body).is_ok();
    let pid = getpid().as_raw() as usize;
    if pid != me {
        // A child the test forked got here: it left the test's code without `_exit`.
        state()[STRAY_PANICKED].store(usize::from(!passed), Ordering::SeqCst);
        state()[STRAY].store(pid, Ordering::SeqCst);
        exit_now(1);
    }
    let passed = passed && no_children_left(test.name);
    exit_now(if passed { 0 } else { 1 })
}

/// Flushes stdout and leaves at once, without running exit handlers or destructors.
fn exit_now(code: i32) -> ! {
    let _ = std::io::stdout().flush();
    // SAFETY: `_exit` has no preconditions and never returns.
    unsafe { nix::libc::_exit(code) }
}

/// `true` if the test left no child process behind, running or zombie (Linux only).
fn no_children_left(name: &str) -> bool {
    let left = crate::children();
    if !left.is_empty() {
        eprintln!("test {name} left child processes behind (never reaped): {left:?}");
    }
    left.is_empty()
}

/// `n` atomic counters in memory shared with every child forked after this call.
///
/// The mapping is never unmapped: it lives as long as the process.
pub fn shared_counters(n: usize) -> &'static [AtomicUsize] {
    let len =
        std::num::NonZeroUsize::new(n * size_of::<AtomicUsize>()).expect("n > 0");
    // SAFETY: a fresh anonymous mapping, at an address of the kernel's choosing,
    // aliases no Rust object. Zeroed pages are valid `AtomicUsize`s, suitably aligned
    // (page-aligned).
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
    // SAFETY: `ptr` points at `n` zeroed, aligned `AtomicUsize`s that live (mapped)
    // until the process exits; atomics are the only access, so sharing them between
    // processes is sound.
    unsafe { std::slice::from_raw_parts(ptr.as_ptr(), n) }
}

/// [`crate::Rendezvous`] across processes: all `n` must be inside at
/// once, or it times out.
#[derive(Clone, Copy, Debug)]
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
    pub fn arrive(&self, timeout: Duration) -> Result<(), crate::RendezvousTimeout> {
        let deadline = Instant::now() + timeout;
        self.arrived.fetch_add(1, Ordering::SeqCst);
        loop {
            let arrived = self.arrived.load(Ordering::SeqCst);
            if arrived >= self.expected {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(crate::RendezvousTimeout {
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

/// [`crate::InFlight`] across processes: the most tasks ever inside a region at once.
#[derive(Clone, Copy, Debug)]
pub struct ProcessInFlight {
    counters: &'static [AtomicUsize],
}

/// Leaves the region when dropped.
#[must_use = "the task leaves the region when the guard is dropped"]
#[derive(Debug)]
pub struct ProcessInFlightGuard(&'static AtomicUsize);

impl Default for ProcessInFlight {
    fn default() -> Self {
        Self::new()
    }
}

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

/// A pipe whose two ends close on `exec`, as chapter 03's `ch03_processes::pipe`: a
/// program started later never holds them. `pipe2(O_CLOEXEC)` sets the flag
/// atomically where it exists; macOS has no `pipe2`, so there the flag is set right
/// after creation.
pub fn pipe() -> nix::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    #[cfg(not(target_vendor = "apple"))]
    return nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC);
    #[cfg(target_vendor = "apple")]
    {
        use nix::fcntl::{FcntlArg, FdFlag, fcntl};
        let (read, write) = nix::unistd::pipe()?;
        for fd in [&read, &write] {
            fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
        }
        Ok((read, write))
    }
}
