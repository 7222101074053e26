//! How a waiting thread waits: spin a little, then park.
//!
//! Every round trip hands work over twice: the caller to a worker (a queued task),
//! and the worker back to the caller (the result). The receiver is waiting each time.
//! If it *parks* (a condition variable, a blocking `read`), the kernel takes it off
//! its core, and the sender's wake-up has to put it back: a system call, the
//! scheduler, and on a virtual machine whose idle cores halt, a wake-up of the core
//! itself, which can cost tens of microseconds. If the receiver *spins* (checks again
//! and again, with [`std::hint::spin_loop`] between checks), it is still on its core
//! when the work arrives and sees it within a fraction of a microsecond.
//!
//! Spinning burns the core while it waits, so it must stop: [`Handoff`] spins at most
//! its budget, then parks as before. The cost is bounded by the budget (CPU time, per
//! wait), and it only pays when another core is free to run the sender meanwhile: on
//! one core the spinner delays the very thread it waits for, so [`Handoff::default`]
//! never spins there.
//!
//! The trick is old. std's `Mutex` on Linux spins 100 turns of `spin_loop` before its
//! futex wait; glibc's adaptive mutexes spin at most 100 turns by default (the
//! tunable `glibc.pthread.mutex_spin_count`), fewer when past spins were short;
//! crossbeam's `Backoff` spins 1 + 2 + ... + 64 = 127 hints, yields the core 4 times,
//! then `is_completed` says "park now". All three count their budget in loop turns,
//! and keep it small: they wait for a lock held a few instructions. A hand-off to a
//! parked thread waits for a wake-up, which is longer, so the budget here is counted
//! in time ([`SPIN_BUDGET`]).

use std::hint;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

// ANCHOR: budget
/// How long a waiter spins before it parks, by default.
///
/// A spin pays only if the hand-off comes within the budget. Once one side of a round
/// trip has parked, the other side's next wait lasts at least one wake-up: with a
/// budget shorter than a wake-up, both sides then run out of budget and park in turn,
/// every hand-off pays the wake-up *and* the spin, and nothing is gained. A short
/// budget keeps the fast hand-offs only until one of them comes late (a preemption,
/// say): that drops the pair into parking in turn, where it can stay, so the
/// `spin-budget` rows of short budgets scatter between the two times. To be safe from
/// that, the budget must outlast a wake-up. On this chapter's machine (a KVM guest
/// whose idle cores halt) round trips of two wake-ups took up to about 80 µs in the
/// park-only runs; during development, a ping-pong of two threads on the busy machine
/// stayed slow at budgets of 1 to 10 µs and dropped under 1 µs from 20 µs on. 100 µs
/// clears one wake-up with room to spare; the `spin-budget` benchmark group measures
/// the round trip from 3 to 300 µs, so each run can check the choice. A spin that
/// runs out wastes at most this much CPU time, and each place that waits skips
/// spinning for a while after such losses (exponentially longer after each in a row).
pub const SPIN_BUDGET: Duration = Duration::from_micros(100);
// ANCHOR_END: budget

// ANCHOR: handoff
/// How a waiter waits: spin up to `spin`, then park.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handoff {
    spin: Duration,
}

impl Handoff {
    /// Park at once, never spin (the executors' behaviour before spinning was added).
    pub const PARK: Handoff = Handoff {
        spin: Duration::ZERO,
    };

    /// Spin up to `budget`, then park.
    pub const fn spin_then_park(budget: Duration) -> Handoff {
        Handoff { spin: budget }
    }

    /// The spin budget (zero: park at once).
    pub const fn budget(self) -> Duration {
        self.spin
    }

    /// Checks `ready` until it says `true` or the budget is spent; returns its last
    /// answer. `ready` is asked at least once, even with a zero budget.
    fn spin(self, mut ready: impl FnMut() -> bool) -> bool {
        if ready() {
            return true;
        }
        if self.spin.is_zero() {
            return false;
        }
        let start = Instant::now();
        while start.elapsed() < self.spin {
            hint::spin_loop();
            if ready() {
                return true;
            }
        }
        false
    }
}

impl Default for Handoff {
    /// [`SPIN_BUDGET`] on a machine with more than one core; park at once on one core
    /// (the spinner would hold the only core the sender could run on).
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores > 1 {
            Handoff::spin_then_park(SPIN_BUDGET)
        } else {
            Handoff::PARK
        }
    }
}
// ANCHOR_END: handoff

// ANCHOR: spinner
/// After this many failed spins in a row, a place skips the most waits:
/// 2^10 - 1 = 1023.
const MAX_FAILURES: u32 = 10;

/// One place where threads wait (the queue's idle workers, the callers of one
/// executor, one pipe), and what spinning there has been worth lately.
///
/// A spin that runs out of budget is a loss: its partner was not running (all cores
/// busy, or a long task). After `k` such losses in a row, the next `2^k - 1` waits
/// park at once; one spin that catches its hand-off starts over. On a busy machine
/// spinning then fades to one try in a thousand waits; on a quiet one it stays on.
/// (glibc's adaptive mutex adapts too, to a running average of its past spins.)
#[derive(Debug)]
pub(crate) struct Spinner {
    handoff: Handoff,
    failures: AtomicU32,
    skip: AtomicU32,
}

impl Spinner {
    pub(crate) fn new(handoff: Handoff) -> Self {
        Spinner {
            handoff,
            failures: AtomicU32::new(0),
            skip: AtomicU32::new(0),
        }
    }

    /// Waits for `ready` by spinning, if spinning has paid here lately; returns
    /// `true` if it came (the caller takes it), `false` if the caller must park.
    /// `ready` is asked at least once. The counters are hints: threads sharing them
    /// may race, nothing depends on it.
    pub(crate) fn spin(&self, mut ready: impl FnMut() -> bool) -> bool {
        if ready() {
            return true;
        }
        if self.handoff.spin.is_zero() {
            return false;
        }
        let skip = self.skip.load(Ordering::Relaxed);
        if skip > 0 {
            self.skip.store(skip - 1, Ordering::Relaxed);
            return false;
        }
        if self.handoff.spin(ready) {
            self.failures.store(0, Ordering::Relaxed);
            return true;
        }
        let failures = (self.failures.load(Ordering::Relaxed) + 1).min(MAX_FAILURES);
        self.failures.store(failures, Ordering::Relaxed);
        self.skip.store((1 << failures) - 1, Ordering::Relaxed);
        false
    }
}
// ANCHOR_END: spinner

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_zero_budget_asks_once() {
        let spinner = Spinner::new(Handoff::PARK);
        let mut asked = 0;
        assert!(!spinner.spin(|| {
            asked += 1;
            false
        }));
        assert_eq!(asked, 1);
    }

    /// How many times one wait asks `ready` when it never comes.
    fn asks(spinner: &Spinner) -> usize {
        let mut asked = 0;
        assert!(!spinner.spin(|| {
            asked += 1;
            false
        }));
        asked
    }

    #[test]
    fn failed_spins_make_the_next_waits_park_at_once_and_a_caught_one_resets() {
        // A budget of 1 ns: every spin that does not find `ready` at once fails.
        let spinner = Spinner::new(Handoff::spin_then_park(Duration::from_nanos(1)));
        assert!(asks(&spinner) > 1, "first wait: spins");
        assert_eq!(asks(&spinner), 1, "1 failure: the next wait parks at once");
        assert!(asks(&spinner) > 1, "then it tries again");
        for _ in 0..3 {
            assert_eq!(
                asks(&spinner),
                1,
                "2 failures in a row: 3 waits park at once"
            );
        }
        assert!(asks(&spinner) > 1);
        for _ in 0..7 {
            assert_eq!(asks(&spinner), 1, "3 failures: 7 waits");
        }
        // A spin that catches its hand-off forgets the failures.
        let mut n = 0;
        assert!(spinner.spin(|| {
            n += 1;
            n == 2
        }));
        assert!(asks(&spinner) > 1, "after a caught hand-off: spins at once");
        assert_eq!(asks(&spinner), 1, "and one failure skips one wait again");
    }

    #[test]
    fn the_skips_stop_growing() {
        let spinner = Spinner::new(Handoff::spin_then_park(Duration::from_nanos(1)));
        for _ in 0..5000 {
            let _ = asks(&spinner); // 2^10 waits reach the cap; 5000 go past it
        }
        assert!(spinner.skip.load(Ordering::Relaxed) < 1 << MAX_FAILURES);
        assert_eq!(spinner.failures.load(Ordering::Relaxed), MAX_FAILURES);
    }

    #[test]
    fn spinning_stops_when_ready_and_gives_up_when_never() {
        let mut asked = 0;
        let handoff = Handoff::spin_then_park(Duration::from_secs(60));
        assert!(handoff.spin(|| {
            asked += 1;
            asked == 3
        }));
        assert_eq!(asked, 3, "it stops at the first `true`");
        // A budget that runs out: the call returns (no timing asserted,
        // only that it ends).
        assert!(!Handoff::spin_then_park(Duration::from_micros(1)).spin(|| false));
    }
}
