//! Step 4: a GIL in a bottle.
//!
//! CPython lets one thread at a time run Python code: a thread must hold the global
//! interpreter lock (GIL) to compute. We rebuild that rule with one global `Mutex`
//! that every thread holds for its whole task. The threads are real and start at
//! once, yet the work runs one task at a time, so the speedup over the sequential
//! version is close to 1x.
//!
//! For the tutorials' workload this is not a simplification, it is what CPython
//! does. `sum(range(n))` is one call into C: `builtins.sum` walks the range
//! without running any bytecode, and a thread that does not let go of the GIL
//! itself (as blocking I/O or `time.sleep` do) is made to give it away only between
//! bytecodes (at the interpreter's check points: loop iterations, calls), after
//! another thread has waited for the switch interval (`sys.getswitchinterval()`,
//! 5 ms). Inside one `sum` there is no such point, so the thread that starts it
//! keeps the GIL until it returns, exactly like `with_gil` keeps the lock for
//! `task(n)`. `python/gil_ticks.py` shows it: a thread that ticks every
//! millisecond ticks about once during a `sum(range(53_000_000))` and hundreds
//! of times during a bytecode loop over the same range. Only Python code written
//! as a bytecode loop takes turns every 5 ms.

use std::sync::{Mutex, PoisonError};

use workloads::{Scale, cpu_bound_at};

use crate::ThreadsError;
use crate::scope::scoped_each;

// ANCHOR: gil
/// The one lock every computing thread must hold, like CPython's GIL.
pub static GIL: Mutex<()> = Mutex::new(());

/// Runs `task(n)` for every number on its own thread, each holding
/// `gil` while it computes.
pub fn with_gil<T, F>(
    gil: &Mutex<()>,
    numbers: &[u64],
    task: &F,
) -> Result<Vec<T>, ThreadsError>
where
    T: Send,
    F: Fn(u64) -> T + Sync,
{
    scoped_each(numbers, &|n| {
        // A task that panicked while holding the lock poisons it; `()` has no
        // invariant to break, so the next thread may take it anyway.
        let _held = gil.lock().unwrap_or_else(PoisonError::into_inner);
        task(n)
    })
}

/// The tutorials' workload, one thread per number, every thread holding the [`GIL`].
pub fn gil_in_a_bottle(
    numbers: &[u64],
    scale: Scale,
) -> Result<Vec<u64>, ThreadsError> {
    with_gil(&GIL, numbers, &|n| cpu_bound_at(n, scale))
}
// ANCHOR_END: gil

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::thread;
    use std::time::Duration;
    use support::{InFlight, Rendezvous, within_patience};
    use workloads::{TUTORIAL_NUMBERS, cpu_bound_expected};

    #[test]
    fn the_bottled_gil_gives_the_right_sums() {
        let want: Vec<u64> = TUTORIAL_NUMBERS
            .iter()
            .map(|&n| cpu_bound_expected(n, Scale::TEST))
            .collect();
        assert_eq!(
            gil_in_a_bottle(&TUTORIAL_NUMBERS, Scale::TEST).unwrap(),
            want
        );
    }

    // ANCHOR: test_gil
    #[test]
    fn many_threads_but_one_at_a_time_inside_the_lock() {
        within_patience(|| {
            let gil = Mutex::new(());
            let inside = InFlight::new();
            let ids = with_gil(&gil, &[1; 8], &|_| {
                let _me = inside.enter();
                // Give the others every chance to come in too.
                for _ in 0..100 {
                    thread::yield_now();
                }
                thread::current().id()
            })
            .unwrap();
            assert_eq!(
                ids.iter().collect::<HashSet<_>>().len(),
                8,
                "eight real threads"
            );
            assert_eq!(inside.max(), 1, "never two of them computing at once");
        });
    }
    // ANCHOR_END: test_gil

    #[test]
    fn a_panic_inside_the_lock_does_not_block_the_others() {
        within_patience(|| {
            let gil = Mutex::new(());
            let err = with_gil(&gil, &[1, 2, 3], &|n| assert_ne!(n, 2)).unwrap_err();
            assert!(matches!(err, ThreadsError::Panicked { index: 1, .. }));
            // The lock was poisoned, and is still usable.
            assert_eq!(with_gil(&gil, &[5], &|n| n).unwrap(), vec![5]);
        });
    }

    #[test]
    fn two_tasks_inside_the_gil_can_never_meet() {
        within_patience(|| {
            let gil = Mutex::new(());
            let meet = Rendezvous::new(2);
            let met = with_gil(&gil, &[1, 2], &|_| {
                meet.arrive(Duration::from_millis(200)).is_ok()
            })
            .unwrap();
            // The first task in waits alone for the second, which waits for the lock:
            // the first gives up. Only then can the second come in (and find the
            // count complete).
            assert!(met.contains(&false), "{met:?}");
        });
    }
}
