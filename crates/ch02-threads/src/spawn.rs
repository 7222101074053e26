//! Step 1: one thread per number, with `thread::spawn` and `JoinHandle<T>`.
//!
//! Python starts a `threading.Thread(target=cpu_bound,
//! args=(n,))` per number and then `join`s them; the return value is lost, so
//! tutorials collect it in a shared list. In Rust the closure's return value travels
//! back through the handle: `handle.join()` gives it to you.

use std::thread::{self, JoinHandle};

use workloads::{Scale, cpu_bound_at};

use crate::ThreadsError;
use crate::error::collect_joined;

// ANCHOR: spawn_each
/// Runs `task(n)` for every number on a thread of its own and returns
/// the results in order.
///
/// `thread::spawn` needs a `'static` closure: the thread may outlive this function,
/// so it may not borrow anything from it. Each thread therefore gets its own copy of
/// `n` and its own clone of `task` (`move`).
pub fn spawn_each<T, F>(numbers: &[u64], task: F) -> Result<Vec<T>, ThreadsError>
where
    T: Send + 'static,
    F: Fn(u64) -> T + Send + Clone + 'static,
{
    let handles: Vec<JoinHandle<T>> = numbers
        .iter()
        .map(|&n| {
            let task = task.clone();
            thread::spawn(move || task(n))
        })
        .collect();
    // Join every handle before looking at any result: stopping at the first panic
    // would leave the other threads running, detached, with nobody waiting for them.
    let joined: Vec<_> = handles.into_iter().map(JoinHandle::join).collect();
    collect_joined(joined)
}
// ANCHOR_END: spawn_each

// ANCHOR: one_thread_per_number
/// The tutorials' threaded version: `cpu_bound(n)` for every number, one thread each.
pub fn one_thread_per_number(
    numbers: &[u64],
    scale: Scale,
) -> Result<Vec<u64>, ThreadsError> {
    spawn_each(numbers, move |n| cpu_bound_at(n, scale))
}
// ANCHOR_END: one_thread_per_number

/// The sequential baseline, for comparison: the same results on the calling thread.
pub fn sequential(numbers: &[u64], scale: Scale) -> Vec<u64> {
    numbers.iter().map(|&n| cpu_bound_at(n, scale)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;
    use support::{Rendezvous, within_patience};
    use workloads::{TUTORIAL_NUMBERS, cpu_bound_expected};

    #[test]
    fn one_thread_per_number_returns_each_sum_in_order() {
        let got = one_thread_per_number(&TUTORIAL_NUMBERS, Scale::TEST).unwrap();
        let want: Vec<u64> = TUTORIAL_NUMBERS
            .iter()
            .map(|&n| cpu_bound_expected(n, Scale::TEST))
            .collect();
        assert_eq!(got, want);
        assert_eq!(sequential(&TUTORIAL_NUMBERS, Scale::TEST), want);
    }

    #[test]
    fn no_numbers_no_threads_no_results() {
        assert_eq!(one_thread_per_number(&[], Scale::TEST), Ok(vec![]));
    }

    // ANCHOR: test_spawn
    #[test]
    fn every_number_runs_on_its_own_thread_all_at_once() {
        within_patience(|| {
            let numbers = [11, 23, 53, 34];
            let here = Arc::new(Rendezvous::new(numbers.len()));
            let caller = thread::current().id();
            let ids = spawn_each(&numbers, move |_| {
                // Passing this point needs all four threads alive at the same moment.
                here.arrive_or_panic();
                thread::current().id()
            })
            .unwrap();
            let distinct: HashSet<_> = ids.iter().collect();
            assert_eq!(distinct.len(), numbers.len(), "one thread per number");
            assert!(
                !distinct.contains(&caller),
                "none of the work ran on the caller"
            );
        });
    }
    // ANCHOR_END: test_spawn

    #[test]
    fn a_panicking_task_is_an_error_and_the_others_are_still_joined() {
        within_patience(|| {
            let finished = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let seen = Arc::clone(&finished);
            let err = spawn_each(&[1, 2, 3], move |n| {
                assert_ne!(n, 2, "task two fails");
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            })
            .unwrap_err();
            assert!(
                matches!(&err, ThreadsError::Panicked { index: 1, message } if message.contains("task two fails")),
                "{err:?}"
            );
            // Both other tasks had finished by the time spawn_each
            // returned: they were joined.
            assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), 2);
        });
    }
}
