//! The spec of exercise 1. Nothing here measures time: concurrency is shown by a rendezvous
//! and by counting tasks in flight. Every test runs under a watchdog, so a hang fails.

use std::collections::HashSet;
use std::sync::Arc;

use ch04_ex01_worker_loop::{PoolError, ThreadPool};
use support::{InFlight, PATIENCE, Rendezvous, within_patience};

#[test]
fn results_come_back_right() {
    within_patience(|| {
        let pool = ThreadPool::new(2).unwrap();
        let handles: Vec<_> = (1..=20u64)
            .map(|n| pool.apply_async(move || n * n))
            .collect();
        let squares: Vec<u64> = handles.into_iter().map(|h| h.get()).collect();
        assert_eq!(squares, (1..=20u64).map(|n| n * n).collect::<Vec<_>>());
    });
}

#[test]
fn zero_workers_is_an_error() {
    within_patience(|| assert!(matches!(ThreadPool::new(0), Err(PoolError::ZeroWorkers))));
}

#[test]
fn a_pool_of_n_runs_exactly_n_tasks_at_once() {
    within_patience(|| {
        for n in [1, 3, 4] {
            let pool = ThreadPool::new(n).unwrap();
            let all_in = Arc::new(Rendezvous::new(n));
            let in_flight = Arc::new(InFlight::new());
            let handles: Vec<_> = (0..3 * n)
                .map(|_| {
                    let (all_in, in_flight) = (Arc::clone(&all_in), Arc::clone(&in_flight));
                    pool.apply_async(move || {
                        let _inside = in_flight.enter();
                        all_in.arrive(PATIENCE)
                    })
                })
                .collect();
            for h in handles {
                h.get().expect(
                    "a pool of n must hold n tasks at once (is the lock held while a job runs?)",
                );
            }
            assert_eq!(
                in_flight.max(),
                n,
                "a pool of {n} never runs more than {n} tasks at once"
            );
        }
    });
}

#[test]
fn the_same_n_threads_serve_every_task() {
    within_patience(|| {
        let pool = ThreadPool::new(3).unwrap();
        let caller = std::thread::current().id();
        let handles: Vec<_> = (0..60)
            .map(|_| pool.apply_async(|| std::thread::current().id()))
            .collect();
        let ids: HashSet<_> = handles.into_iter().map(|h| h.get()).collect();
        assert!(
            !ids.contains(&caller),
            "tasks run on the workers, not on the caller"
        );
        assert!(
            ids.len() <= 3,
            "60 tasks, but only the pool's 3 threads may run them: saw {}",
            ids.len()
        );
    });
}
