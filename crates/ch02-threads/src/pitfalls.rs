//! The chapter's pitfalls as code, each one shown by a test below (or
//! by a benchmark).
//!
//! * A handle never joined: [`fire_and_forget`] returns before the work is done, and
//!   nothing tells the caller when, or whether, it finishes.
//! * A lock held across the work: [`Totals::add_holding_lock`] serialises every
//!   caller ([`Totals::add`] is the fix).
//! * A shared counter in the hot loop: the `contention` benchmark of
//!   [`contention`](crate::contention).
//! * More busy threads than cores: the `oversubscription` benchmark, and the test
//!   below that shows the operating system runs them all "at once" by taking turns.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

// ANCHOR: fire_and_forget
/// Starts `task(n)` for every number and drops the handles: the threads
/// run on, detached.
///
/// The results land in the returned list *some time later*. Nothing
/// says when; and if the program's `main` returns first, the process
/// exits and the threads are killed mid-work.
pub fn fire_and_forget<T, F>(numbers: &[u64], task: F) -> Arc<Mutex<Vec<T>>>
where
    T: Send + 'static,
    F: Fn(u64) -> T + Send + Clone + 'static,
{
    let results = Arc::new(Mutex::new(Vec::new()));
    for &n in numbers {
        let (results, task) = (Arc::clone(&results), task.clone());
        // The JoinHandle is dropped at the end of this statement. Nothing warns about
        // it: dropping a handle detaches the thread, it does not stop or wait for it.
        thread::spawn(move || {
            let r = task(n);
            results
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(r);
        });
    }
    results
}
// ANCHOR_END: fire_and_forget

// ANCHOR: totals
/// A running total that many threads add their results to.
#[derive(Debug, Default)]
pub struct Totals {
    sum: Mutex<u64>,
}

impl Totals {
    /// The pitfall: the lock is taken first and held while `work` runs, so callers on
    /// other threads wait for the whole computation, not just for the addition.
    pub fn add_holding_lock(&self, work: impl FnOnce() -> u64) {
        let mut sum = self.sum.lock().unwrap_or_else(PoisonError::into_inner);
        *sum = sum.wrapping_add(work());
    }

    /// The fix: compute first, lock only to add.
    pub fn add(&self, work: impl FnOnce() -> u64) {
        let r = work();
        let mut sum = self.sum.lock().unwrap_or_else(PoisonError::into_inner);
        *sum = sum.wrapping_add(r);
    }

    /// The total so far.
    pub fn get(&self) -> u64 {
        *self.sum.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
// ANCHOR_END: totals

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{cores, scoped_workers};
    use std::time::Duration;
    use support::{Gate, Rendezvous, within_patience};
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at, cpu_bound_expected};

    // ANCHOR: test_never_joined
    #[test]
    fn a_handle_never_joined_returns_before_the_work_is_done() {
        within_patience(|| {
            let gate = Arc::new(Gate::new());
            let held = Arc::clone(&gate);
            let results = fire_and_forget(&TUTORIAL_NUMBERS, move |n| {
                // the work cannot finish before the test says so
                held.wait_or_panic();
                cpu_bound_at(n, Scale::TEST)
            });
            // fire_and_forget has returned, the caller "moves on": no
            // result is there...
            assert!(results.lock().unwrap().is_empty());
            // ...while four detached threads still hold a clone of the list.
            assert_eq!(Arc::strong_count(&results), 1 + TUTORIAL_NUMBERS.len());
            gate.open();
            // Without handles, the only way to know they are done is to poll for it.
            while Arc::strong_count(&results) > 1 {
                thread::yield_now();
            }
            let mut got = results.lock().unwrap().clone();
            got.sort_unstable(); // in completion order, not input order
            let mut want: Vec<u64> = TUTORIAL_NUMBERS
                .iter()
                .map(|&n| cpu_bound_expected(n, Scale::TEST))
                .collect();
            want.sort_unstable();
            assert_eq!(got, want);
        });
    }
    // ANCHOR_END: test_never_joined

    // ANCHOR: test_lock_across_work
    #[test]
    fn a_lock_held_across_the_work_lets_one_caller_in_at_a_time() {
        within_patience(|| {
            let (totals, meet) = (Totals::default(), Rendezvous::new(2));
            let work = || match meet.arrive(Duration::from_millis(200)) {
                Ok(()) => 1, // met the other caller inside the work
                Err(_) => 0, // waited alone
            };
            scoped_workers(2, &|_| totals.add_holding_lock(work)).unwrap();
            assert!(
                totals.get() < 2,
                "the two calls were never in their work together"
            );

            let (totals, meet) = (Totals::default(), Rendezvous::new(2));
            let work = || {
                // both calls must be inside their work at once
                meet.arrive_or_panic();
                1
            };
            scoped_workers(2, &|_| totals.add(work)).unwrap();
            assert_eq!(totals.get(), 2);
        });
    }
    // ANCHOR_END: test_lock_across_work

    // ANCHOR: test_oversubscription
    #[test]
    fn more_threads_than_cores_all_run_at_once_by_taking_turns() {
        within_patience(|| {
            let threads = 4 * cores();
            let all = Rendezvous::new(threads);
            // Every thread spins on a busy loop; all of them reach the rendezvous,
            // although at most `cores()` of them run at any instant: the OS shares
            // the cores out in slices.
            let sums = scoped_workers(threads, &|_| {
                let s = cpu_bound_at(5, Scale::TEST);
                all.arrive_or_panic();
                s
            })
            .unwrap();
            assert_eq!(sums.len(), threads);
        });
    }
    // ANCHOR_END: test_oversubscription
}
