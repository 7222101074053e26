//! Rayon: the pool the Rust ecosystem already has.
//!
//! `rayon::ThreadPoolBuilder` builds a pool of a chosen size; `install` runs a
//! closure (and every parallel iterator inside it) on that pool; `spawn` queues a
//! fire-and-forget task; `scope` runs tasks that may borrow from the caller's stack
//! and waits for all of them.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use rayon::prelude::*;
use workloads::{Scale, cpu_bound_at};

use crate::error::{PoolError, TaskError, drop_on_worker, panic_message};

// ANCHOR: build
/// A rayon pool of `n` threads. Like our own pool, zero is refused rather than "pick
/// for me" (rayon reads `num_threads(0)` as "use the default").
pub fn build(n: usize) -> Result<rayon::ThreadPool, PoolError> {
    if n == 0 {
        return Err(PoolError::ZeroWorkers);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("rayon-worker-{i}"))
        .build()
        .map_err(|e| PoolError::Spawn(std::io::Error::other(e)))
}
// ANCHOR_END: build

// ANCHOR: install
/// `Pool(n).map(cpu_bound, numbers)` in one line: a parallel iterator
/// run inside `install`.
pub fn map_cpu_bound(
    pool: &rayon::ThreadPool,
    numbers: &[u64],
    scale: Scale,
) -> Vec<u64> {
    pool.install(|| {
        numbers
            .par_iter()
            .map(|&n| cpu_bound_at(n, scale))
            .collect()
    })
}
// ANCHOR_END: install

// ANCHOR: spawn
/// `apply_async` + `get` with rayon: `spawn` returns nothing, so the result travels
/// back on a channel. A panic that escapes a `spawn`ed job never reaches the caller:
/// rayon hands it to the pool's `panic_handler`, and aborts the process if there is
/// none. So the job catches the task's panic itself and sends it back like a value,
/// as our `ThreadPool` does.
pub fn spawn_and_get<T, F>(pool: &rayon::ThreadPool, task: F) -> Result<T, TaskError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    pool.spawn(move || {
        let outcome = catch_unwind(AssertUnwindSafe(task)).map_err(|payload| {
            let message = panic_message(&*payload);
            drop_on_worker(payload); // its `Drop` may panic too
            TaskError::Panicked { message }
        });
        // The caller waits in `recv` below, so the send succeeds and
        // nothing is dropped here.
        let _ = tx.send(outcome);
    });
    rx.recv().unwrap_or_else(|_| {
        Err(TaskError::Lost {
            reason: "the job was dropped without running".into(),
        })
    })
}
// ANCHOR_END: spawn

// ANCHOR: scope
/// Tasks that borrow: each one writes its own slot of `out`, no `Arc`, no `'static`.
pub fn scope_cpu_bound(
    pool: &rayon::ThreadPool,
    numbers: &[u64],
    scale: Scale,
) -> Vec<u64> {
    let mut out = vec![0; numbers.len()];
    pool.scope(|s| {
        for (slot, &n) in out.iter_mut().zip(numbers) {
            s.spawn(move |_| *slot = cpu_bound_at(n, scale));
        }
    });
    out
}
// ANCHOR_END: scope

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use support::{Rendezvous, within_patience};
    use workloads::{TUTORIAL_NUMBERS, cpu_bound_expected};

    fn expected() -> Vec<u64> {
        TUTORIAL_NUMBERS
            .iter()
            .map(|&n| cpu_bound_expected(n, Scale::TEST))
            .collect()
    }

    #[test]
    fn zero_threads_is_refused() {
        assert!(matches!(build(0), Err(PoolError::ZeroWorkers)));
    }

    #[test]
    fn install_scope_and_spawn_give_the_right_results() {
        within_patience(|| {
            let pool = build(2).unwrap();
            assert_eq!(pool.current_num_threads(), 2);
            assert_eq!(
                map_cpu_bound(&pool, &TUTORIAL_NUMBERS, Scale::TEST),
                expected()
            );
            assert_eq!(
                scope_cpu_bound(&pool, &TUTORIAL_NUMBERS, Scale::TEST),
                expected()
            );
            assert_eq!(spawn_and_get(&pool, || 6 * 7), Ok(42));
        });
    }

    #[test]
    fn install_runs_on_the_pool_not_the_caller() {
        within_patience(|| {
            let pool = build(3).unwrap();
            let caller = std::thread::current().id();
            let (index, runner) = pool.install(|| {
                (rayon::current_thread_index(), std::thread::current().id())
            });
            assert!(index.is_some_and(|i| i < 3));
            assert_ne!(runner, caller);
        });
    }

    #[test]
    fn a_pool_of_n_holds_n_tasks_at_once() {
        within_patience(|| {
            let pool = build(3).unwrap();
            let all_in = Rendezvous::new(3);
            let (tx, rx) = mpsc::channel();
            // The scope's body runs on a pool thread too, but it only spawns and
            // returns, so all three threads are free for the three tasks.
            pool.scope(|s| {
                for _ in 0..3 {
                    let (all_in, tx) = (&all_in, tx.clone());
                    s.spawn(move |_| {
                        all_in.arrive_or_panic();
                        tx.send(std::thread::current().id()).unwrap();
                    });
                }
            });
            drop(tx);
            let ids: HashSet<_> = rx.iter().collect();
            assert_eq!(ids.len(), 3);
        });
    }

    // ANCHOR: spawn_panic_test
    #[test]
    fn a_panic_in_spawn_goes_to_the_panic_handler_not_the_caller() {
        within_patience(|| {
            let (tx, rx) = mpsc::channel();
            let tx = std::sync::Mutex::new(tx);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .panic_handler(move |payload| {
                    let _ = tx.lock().unwrap().send(panic_message(&*payload));
                })
                .build()
                .unwrap();
            pool.spawn(|| panic!("lost in spawn"));
            assert_eq!(rx.recv().unwrap(), "lost in spawn");
            assert_eq!(pool.install(|| 2 + 2), 4, "the worker survived");
        });
    }
    // ANCHOR_END: spawn_panic_test

    #[test]
    fn a_panic_in_scope_reaches_the_caller() {
        within_patience(|| {
            let pool = build(2).unwrap();
            let caught =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    pool.scope(|s| s.spawn(|_| panic!("in scope")));
                }));
            let payload = caught.unwrap_err();
            assert_eq!(panic_message(&*payload), "in scope");
            // The pool still works.
            assert_eq!(pool.install(|| 1 + 1), 2);
        });
    }

    #[test]
    fn spawn_and_get_reports_the_tasks_panic() {
        within_patience(|| {
            let pool = build(1).unwrap();
            let outcome =
                spawn_and_get(&pool, || -> u64 { panic!("task {} refused", 3) });
            assert_eq!(
                outcome,
                Err(TaskError::Panicked {
                    message: "task 3 refused".into()
                })
            );
            assert_eq!(spawn_and_get(&pool, || 1), Ok(1), "the worker lives on");
        });
    }
}
