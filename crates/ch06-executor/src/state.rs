//! The ticket's state machine, and the race at its heart: `cancel` against a worker
//! starting the task.
//!
//! ```text
//!            try_start            finish
//! PENDING ─────────────▶ RUNNING ───────▶ FINISHED
//!    │
//!    │ try_cancel
//!    ▼
//! CANCELLED
//! ```
//!
//! Two threads may act on a pending task at the same moment: a worker taking it from
//! the queue, and the owner of the ticket calling `cancel`. Exactly one must win. If
//! both did, the caller would be told "cancelled" while the task runs anyway (and its
//! side effects happen). One `compare_exchange` per transition makes the check and
//! the change a single step.
//!
//! Under `RUSTFLAGS="--cfg loom"` the atomics come from `loom`, which runs the tests
//! below under every interleaving the memory model allows (see `loom_tests`).

// ANCHOR: cfg_loom
#[cfg(loom)]
use loom::sync::atomic::{AtomicU8, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU8, Ordering};
// ANCHOR_END: cfg_loom

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Submitted, waiting for a worker: it can still be cancelled.
    Pending,
    /// A worker started it: it cannot be cancelled any more.
    Running,
    /// Cancelled before it started: it will never run.
    Cancelled,
    /// It ran (or failed): the ticket holds its outcome.
    Finished,
}

const PENDING: u8 = 0;
const RUNNING: u8 = 1;
const CANCELLED: u8 = 2;
const FINISHED: u8 = 3;

fn phase(v: u8) -> Phase {
    match v {
        PENDING => Phase::Pending,
        RUNNING => Phase::Running,
        CANCELLED => Phase::Cancelled,
        _ => Phase::Finished,
    }
}

// ANCHOR: state
/// The state of one task, one atomic byte.
#[derive(Debug)]
pub struct State(AtomicU8);

impl State {
    /// A pending task.
    pub fn new() -> Self {
        State(AtomicU8::new(PENDING))
    }

    /// A worker's claim: `true` if the task was pending and is now running (this
    /// worker runs it), `false` if it was cancelled first (the worker skips it).
    pub fn try_start(&self) -> bool {
        self.0
            .compare_exchange(PENDING, RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The owner's claim: `true` if the task was pending and is now cancelled (it
    /// will never run), `false` if a worker had started it (or it had finished).
    pub fn try_cancel(&self) -> bool {
        self.0
            .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
    // ANCHOR_END: state

    /// The task ran: its outcome is stored.
    pub fn finish(&self) {
        self.0.store(FINISHED, Ordering::Release);
    }

    /// The phase now (it may change right after).
    pub fn phase(&self) -> Phase {
        phase(self.0.load(Ordering::Acquire))
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: check_then_set
/// The same two claims written the tempting way: look, then write. Wrong; kept to
/// show the race that `loom` finds in it (and which `State` does not have).
#[derive(Debug)]
pub struct CheckThenSet(AtomicU8);

impl CheckThenSet {
    /// A pending task.
    pub fn new() -> Self {
        CheckThenSet(AtomicU8::new(PENDING))
    }

    /// Looks for PENDING, then writes RUNNING: another thread may cancel in between.
    pub fn try_start(&self) -> bool {
        if self.0.load(Ordering::Acquire) == PENDING {
            self.0.store(RUNNING, Ordering::Release);
            true
        } else {
            false
        }
    }

    /// Looks for PENDING, then writes CANCELLED: a worker may start it in between.
    pub fn try_cancel(&self) -> bool {
        if self.0.load(Ordering::Acquire) == PENDING {
            self.0.store(CANCELLED, Ordering::Release);
            true
        } else {
            false
        }
    }
}
// ANCHOR_END: check_then_set

impl Default for CheckThenSet {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn one_claim_wins_whatever_the_order() {
        let s = State::new();
        assert!(s.try_start());
        assert!(!s.try_cancel(), "a running task cannot be cancelled");
        s.finish();
        assert_eq!(s.phase(), Phase::Finished);

        let s = State::new();
        assert!(s.try_cancel());
        assert!(!s.try_start(), "a cancelled task must not start");
        assert_eq!(s.phase(), Phase::Cancelled);
    }

    #[test]
    fn check_then_set_is_right_when_nothing_interleaves() {
        // Sequentially the buggy version behaves: only an interleaving
        // shows the bug (loom).
        let s = CheckThenSet::new();
        assert!(s.try_cancel());
        assert!(!s.try_start());
    }
}

// ANCHOR: loom_tests
/// Run with `RUSTFLAGS="--cfg loom" cargo test -p ch06-executor
/// --release --lib loom`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    /// A worker starts the task while its owner cancels it: in every interleaving
    /// exactly one of the two claims succeeds.
    #[test]
    fn loom_cancel_and_start_never_both_win() {
        loom::model(|| {
            let state = Arc::new(State::new());
            let worker = {
                let state = state.clone();
                thread::spawn(move || state.try_start())
            };
            let cancelled = state.try_cancel();
            let started = worker.join().unwrap();
            assert!(
                started != cancelled,
                "started: {started}, cancelled: {cancelled}"
            );
        });
    }

    /// The same model on the check-then-set version: loom finds an
    /// interleaving where both claims succeed (both threads load
    /// PENDING before either stores), and the model panics.
    #[test]
    fn loom_finds_the_check_then_set_race() {
        let found = std::panic::catch_unwind(|| {
            loom::model(|| {
                let state = Arc::new(CheckThenSet::new());
                let worker = {
                    let state = state.clone();
                    thread::spawn(move || state.try_start())
                };
                let cancelled = state.try_cancel();
                let started = worker.join().unwrap();
                assert!(
                    !(started && cancelled),
                    "the race: the task was cancelled AND started"
                );
            });
        });
        assert!(
            found.is_err(),
            "loom should have found the interleaving where both claims succeed"
        );
    }
}
// ANCHOR_END: loom_tests
