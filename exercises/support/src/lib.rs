//! Helpers that let a spec prove concurrency by structure, never by timing.
//!
//! * [`watchdog`]: run a test body; fail with a message instead of hanging
//!   ([`watchdog_or`]: a message that names the likely cause).
//! * [`Rendezvous`]: all `n` tasks must be inside at once, or the wait times out.
//! * [`InFlight`]: the largest number of tasks that were ever inside at once.
//! * [`Gate`]: a test-controlled door that orders tasks without sleeping.
//! * [`finishes_after_gate`]: does a `drop`/`join` wait for the tasks held at a gate?
//! * [`panic_message`]: the text of a panic payload (exercises give it
//!   to the learner).
//! * [`children`] / [`zombies`]: the calling process's children, from
//!   `/proc` (Linux); [`children_of`]: any process's.
//! * [`fork`] (feature `fork`, Unix): the harness for tests that fork.
//! * [`mpirun`]: run a chapter 09 exercise's ranks under `mpirun`, or say why not.
//!
//! Time limits here are generous ([`PATIENCE`]): they only turn a hang into a failure
//! on a shared, noisy two-core machine; nothing asserts that work was fast.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

#[cfg(all(unix, feature = "fork"))]
pub mod fork;
pub mod mpirun;

/// The `main` of a test file whose tests fork (`harness = false`): on
/// Unix it runs the [`fork::Test`]s that `tests` gives with
/// [`fork::run`], after `first` if given (a statement that must come
/// before anything else, such as serving a re-executed child); on other
/// targets it prints `elsewhere`, why there are no tests, and succeeds.
///
/// ```ignore
/// support::fork_main! {
///     tests: unix::tests(),
///     elsewhere: "the process pool needs fork(): no tests on this platform",
/// }
/// ```
#[cfg(feature = "fork")]
#[macro_export]
macro_rules! fork_main {
    ($(first: $first:expr,)? tests: $tests:expr, elsewhere: $elsewhere:expr $(,)?) => {
        #[cfg(unix)]
        fn main() -> ::std::process::ExitCode {
            $($first;)?
            $crate::fork::run(&$tests)
        }

        #[cfg(not(unix))]
        fn main() -> ::std::process::ExitCode {
            ::std::println!("{}", $elsewhere);
            ::std::process::ExitCode::SUCCESS
        }
    };
}

/// How long a spec waits for something that should happen at once
/// before calling it a hang.
pub const PATIENCE: Duration = Duration::from_secs(20);

// ANCHOR: watchdog
/// Runs `body` on its own thread and returns its value; panics if it
/// takes longer than `limit`.
///
/// A panic inside `body` is passed on unchanged, so `#[should_panic]` and assertion
/// messages work as usual. On a timeout the stuck thread is abandoned; the test
/// binary still exits.
pub fn watchdog<T, F>(limit: Duration, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let hang = format!(
        "watchdog: the test did not finish within {limit:?}; it probably hangs"
    );
    watch(limit, hang, body)
}
// ANCHOR_END: watchdog

/// [`watchdog`] whose timeout names the likely cause: it panics with `on_hang`, the
/// mistake a spec expects behind a hang there, instead of the generic "it probably
/// hangs". The panic points at the caller's line.
#[track_caller]
pub fn watchdog_or<T, F>(limit: Duration, on_hang: &str, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    watch(
        limit,
        format!("{on_hang} (watchdog: no end within {limit:?})"),
        body,
    )
}

/// The one body of [`watchdog`] and [`watchdog_or`]: a timeout panics with `hang`.
#[track_caller]
fn watch<T, F>(limit: Duration, hang: String, body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("watched".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
            let _ = tx.send(result);
        })
        .expect("watchdog: could not start the test thread");
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = handle.join();
            value
        }
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{hang}"),
    }
}

/// [`watchdog`] with the default limit, [`PATIENCE`].
pub fn within_patience<T, F>(body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    watchdog(PATIENCE, body)
}

/// A rendezvous did not complete: fewer than `expected` parties arrived in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RendezvousTimeout {
    /// How many parties had arrived when this one gave up.
    pub arrived: usize,
    /// How many were needed.
    pub expected: usize,
}

impl std::fmt::Display for RendezvousTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rendezvous timed out: only {} of {} tasks were running at the same time",
            self.arrived, self.expected
        )
    }
}

impl std::error::Error for RendezvousTimeout {}

// ANCHOR: rendezvous
/// A barrier with a timeout: `arrive` returns once `n` parties have
/// arrived, or fails.
///
/// If `n` tasks can all pass `arrive`, they were all running at the
/// same moment, which proves they ran concurrently without measuring
/// any time. Unlike `std::sync::Barrier`, a missing party makes the
/// others fail instead of waiting forever.
#[derive(Debug)]
pub struct Rendezvous {
    expected: usize,
    arrived: Mutex<usize>,
    all_here: Condvar,
}

impl Rendezvous {
    /// A rendezvous for `expected` parties.
    pub fn new(expected: usize) -> Self {
        Rendezvous {
            expected,
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
        }
    }

    /// Arrives and waits up to `timeout` for the others.
    pub fn arrive(&self, timeout: Duration) -> Result<(), RendezvousTimeout> {
        let deadline = Instant::now() + timeout;
        let mut arrived = self.arrived.lock().unwrap_or_else(|e| e.into_inner());
        *arrived += 1;
        if *arrived >= self.expected {
            self.all_here.notify_all();
            return Ok(());
        }
        while *arrived < self.expected {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(RendezvousTimeout {
                    arrived: *arrived,
                    expected: self.expected,
                });
            }
            arrived = self
                .all_here
                .wait_timeout(arrived, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        Ok(())
    }

    /// Arrives and waits up to [`PATIENCE`]; panics with a clear
    /// message on a timeout.
    pub fn arrive_or_panic(&self) {
        if let Err(e) = self.arrive(PATIENCE) {
            panic!("{e}");
        }
    }

    /// How many parties have arrived so far.
    pub fn arrived(&self) -> usize {
        *self.arrived.lock().unwrap_or_else(|e| e.into_inner())
    }
}
// ANCHOR_END: rendezvous

// ANCHOR: in_flight
/// Counts tasks inside a region and remembers the largest count ever seen.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// Leaves the region when dropped.
#[must_use = "the task leaves the region when the guard is dropped"]
#[derive(Debug)]
pub struct InFlightGuard<'a>(&'a InFlight);

impl InFlight {
    /// A counter with nobody inside.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enters the region; the returned guard leaves it.
    pub fn enter(&self) -> InFlightGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        InFlightGuard(self)
    }

    /// How many are inside now.
    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The largest number that were ever inside at once.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: in_flight

/// A door the test opens: tasks `wait` at it until the test calls `open`.
///
/// Use gates to order events instead of sleeping: a task blocks on its gate, the test
/// checks what it wants to check, then opens the gate.
#[derive(Debug, Default)]
pub struct Gate {
    open: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens the gate for everyone waiting now and later.
    pub fn open(&self) {
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.changed.notify_all();
    }

    /// Waits until the gate opens; `false` if `timeout` passed first.
    pub fn wait(&self, timeout: Duration) -> bool {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (open, _) = self
            .changed
            .wait_timeout_while(open, timeout, |open| !*open)
            .unwrap_or_else(|e| e.into_inner());
        *open
    }

    /// Waits up to [`PATIENCE`]; panics with a clear message if the gate never opens.
    pub fn wait_or_panic(&self) {
        assert!(
            self.wait(PATIENCE),
            "gate: nobody opened the gate within {PATIENCE:?}"
        );
    }
}

/// Runs `finish` (a pool's `drop` or `join`) on a thread of its own while tasks are
/// held at `gate`, then opens the gate. `Ok(value)` if `finish` returned only after
/// the gate opened, as it must if it waits for those tasks; `Err(value)` if it
/// returned before.
///
/// The short wait before opening only bounds how long we look: a
/// correct `finish` cannot return before the gate opens, however slow
/// the machine, so it never fails by chance.
pub fn finishes_after_gate<T, F>(gate: &Gate, finish: F) -> Result<T, T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let finisher = std::thread::spawn(move || {
        let _ = tx.send(finish());
    });
    let early = rx.recv_timeout(Duration::from_millis(500));
    gate.open();
    let outcome = match early {
        Ok(value) => Err(value),
        Err(_) => Ok(rx.recv().expect("finish panicked")),
    };
    let _ = finisher.join();
    outcome
}

/// The message of a panic payload (`panic!` gives a `&str` or a `String`), worded as
/// the book's `ch02_threads::panic_message`. A copy on purpose: the exercises depend
/// on no chapter crate, so that a chapter can be handed out on its own.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

/// One child process of the caller, as `/proc` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// Its process id.
    pub pid: i32,
    /// Its state letter (`R`, `S`, `Z` for a zombie, ...).
    pub state: char,
}

/// The caller's child processes (Linux only: elsewhere always empty).
pub fn children() -> Vec<Child> {
    children_of(std::process::id() as i32)
}

/// The child processes of process `parent` (Linux only: elsewhere always empty).
pub fn children_of(parent: i32) -> Vec<Child> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // Format: pid (comm) state ppid ...; comm may hold spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = after.split_whitespace();
        let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid = fields.next().and_then(|s| s.parse::<i32>().ok());
        if ppid == Some(parent) {
            found.push(Child { pid, state });
        }
    }
    found
}

/// The caller's children that are zombies: exited, never waited for.
pub fn zombies() -> Vec<i32> {
    children()
        .into_iter()
        .filter(|c| c.state == 'Z')
        .map(|c| c.pid)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn rendezvous_releases_when_all_arrive() {
        let r = Arc::new(Rendezvous::new(3));
        let handles: Vec<_> = (0..3)
            .map(|_| {
                let r = Arc::clone(&r);
                std::thread::spawn(move || r.arrive(PATIENCE))
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), Ok(()));
        }
    }

    #[test]
    fn rendezvous_times_out_when_someone_is_missing() {
        let r = Rendezvous::new(2);
        let err = r.arrive(Duration::from_millis(20)).unwrap_err();
        assert_eq!(
            err,
            RendezvousTimeout {
                arrived: 1,
                expected: 2
            }
        );
        assert!(err.to_string().contains("only 1 of 2"));
    }

    #[test]
    fn in_flight_remembers_the_peak() {
        let f = InFlight::new();
        {
            let _a = f.enter();
            let _b = f.enter();
            assert_eq!(f.current(), 2);
        }
        let _c = f.enter();
        assert_eq!((f.current(), f.max()), (1, 2));
    }

    #[test]
    fn gate_orders_without_sleeping() {
        let g = Arc::new(Gate::new());
        assert!(!g.wait(Duration::from_millis(1)));
        let g2 = Arc::clone(&g);
        let t = std::thread::spawn(move || g2.wait(PATIENCE));
        g.open();
        assert!(t.join().unwrap());
    }

    #[test]
    fn finishes_after_gate_tells_a_wait_from_an_early_return() {
        let gate = Arc::new(Gate::new());
        let g = Arc::clone(&gate);
        assert_eq!(
            finishes_after_gate(&gate, move || g.wait(PATIENCE)),
            Ok(true)
        );
        assert_eq!(finishes_after_gate(&Gate::new(), || 1), Err(1));
    }

    #[test]
    fn panic_message_reads_both_payloads() {
        assert_eq!(panic_message(&"static"), "static");
        assert_eq!(panic_message(&String::from("owned")), "owned");
        assert_eq!(panic_message(&3), "a panic with a non-string payload");
    }

    #[test]
    fn watchdog_returns_the_value_and_passes_panics_on() {
        assert_eq!(watchdog(PATIENCE, || 7), 7);
        let r = std::panic::catch_unwind(|| watchdog(PATIENCE, || panic!("inner")));
        assert!(r.is_err());
    }

    #[test]
    #[should_panic(expected = "did not finish")]
    fn watchdog_turns_a_hang_into_a_failure() {
        watchdog(Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_secs(60))
        });
    }

    #[test]
    #[should_panic(expected = "the likely cause (watchdog: no end within 20ms)")]
    fn watchdog_or_names_the_likely_cause() {
        assert_eq!(watchdog_or(PATIENCE, "unused", || 7), 7);
        watchdog_or(Duration::from_millis(20), "the likely cause", || {
            std::thread::sleep(Duration::from_secs(60))
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn children_sees_a_child_and_it_is_reaped() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = child.id() as i32;
        assert!(children().iter().any(|c| c.pid == pid));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!zombies().contains(&pid));
    }
}
