//! How many workers? The experiments behind the chapter's pool-size benchmarks.
//!
//! A pool is not limited to the number of cores: it is just threads (or
//! processes) waiting on a queue. What more workers buy depends on what
//! the tasks do. CPU-bound tasks share the same cores, so past the core
//! count more workers only add switching. Sleeping tasks hold no core,
//! so a larger pool overlaps more of their waiting.

use workloads::{Scale, TaskReport, cpu_bound, long_time_task};

use crate::thread_pool::ThreadPool;

/// The pool sizes the benchmarks compare: below, at and far above a two-core machine.
pub const POOL_SIZES: [usize; 5] = [1, 2, 4, 8, 16];

/// How many tasks each pool-size experiment submits: enough to keep 16 workers busy.
pub const TASKS: u64 = 16;

// ANCHOR: run_all
/// Submits `f(input)` for every input, then collects the results in input order.
///
/// Submitting everything before the first `get` is what keeps all workers busy;
/// calling `get` right after each `apply_async` would run the tasks one at a time.
pub fn run_all<T, F>(
    pool: &ThreadPool,
    inputs: impl IntoIterator<Item = u64>,
    f: F,
) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(u64) -> T + Copy + Send + 'static,
{
    let handles: Vec<_> = inputs
        .into_iter()
        .map(|x| pool.apply_async(move || f(x)).expect("the pool is open"))
        .collect();
    handles
        .into_iter()
        .map(|h| h.get().expect("these tasks do not panic"))
        .collect()
}
// ANCHOR_END: run_all

// ANCHOR: experiments
/// [`TASKS`] CPU-bound tasks of equal size on `pool`: `cpu_bound(1)`, a million
/// additions each.
pub fn cpu_bound_tasks(pool: &ThreadPool) -> Vec<u64> {
    run_all(pool, 1..=TASKS, |_| cpu_bound(1))
}

/// [`TASKS`] of the tutorial's `long_time_task` (each sleeps 0 to 3 units of
/// `scale.sleep`).
pub fn sleeping_tasks(pool: &ThreadPool, scale: Scale) -> Vec<TaskReport> {
    run_all(pool, 1..=TASKS, move |name| long_time_task(name, scale))
}
// ANCHOR_END: experiments

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use support::within_patience;
    use workloads::cpu_bound_expected;

    #[test]
    fn a_pool_larger_than_the_core_count_is_fine() {
        within_patience(|| {
            let cores = std::thread::available_parallelism().unwrap().get();
            let pool = ThreadPool::new(8 * cores).unwrap();
            assert_eq!(pool.size(), 8 * cores);
            let expected = cpu_bound_expected(1, Scale::FULL);
            assert_eq!(cpu_bound_tasks(&pool), vec![expected; TASKS as usize]);
        });
    }

    // ANCHOR: get_in_the_loop
    #[test]
    fn get_right_after_apply_async_runs_one_task_at_a_time() {
        within_patience(|| {
            let pool = ThreadPool::new(4).unwrap();
            let in_flight = std::sync::Arc::new(support::InFlight::new());
            for _ in 0..20 {
                let in_flight = std::sync::Arc::clone(&in_flight);
                let handle =
                    pool.apply_async(move || drop(in_flight.enter())).unwrap();
                handle.get().unwrap(); // waits before the next task is even submitted
            }
            assert_eq!(
                in_flight.max(),
                1,
                "four workers, but never two tasks at once"
            );
        });
    }
    // ANCHOR_END: get_in_the_loop

    #[test]
    fn every_size_gives_the_same_answers() {
        within_patience(|| {
            for size in POOL_SIZES {
                let pool = ThreadPool::new(size).unwrap();
                let reports = sleeping_tasks(&pool, Scale::TEST);
                let names: Vec<u64> = reports.iter().map(|r| r.name).collect();
                assert_eq!(
                    names,
                    (1..=TASKS).collect::<Vec<_>>(),
                    "results in input order"
                );
                let pids: HashSet<u32> = reports.iter().map(|r| r.pid).collect();
                assert_eq!(
                    pids,
                    HashSet::from([std::process::id()]),
                    "threads share one pid"
                );
            }
        });
    }
}
