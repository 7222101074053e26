//! The spec of exercise 1. Nothing here measures time: concurrency is shown by a
//! rendezvous, workers are counted by the states they build. Every test runs under a
//! watchdog, so a hang fails.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use ch04_ex01_worker_loop::{PoolError, StatePool};
use support::{Gate, InFlight, Rendezvous, within_patience};

#[test]
fn results_come_back_right() {
    within_patience(|| {
        let pool = StatePool::new(2, |_| 10u64).unwrap();
        let handles: Vec<_> = (1..=20u64)
            .map(|n| pool.apply_async(move |ten: &mut u64| n * *ten))
            .collect();
        let got: Vec<u64> = handles.into_iter().map(|h| h.get()).collect();
        assert_eq!(got, (1..=20u64).map(|n| n * 10).collect::<Vec<_>>());
    });
}

#[test]
fn zero_workers_is_an_error() {
    within_patience(|| {
        assert!(matches!(
            StatePool::new(0, |_| ()),
            Err(PoolError::ZeroWorkers)
        ));
    });
}

#[test]
fn each_worker_builds_its_state_once_on_its_own_thread() {
    within_patience(|| {
        for n in [1, 3] {
            let built: Arc<Mutex<Vec<(usize, ThreadId)>>> = Arc::default();
            let log = Arc::clone(&built);
            let pool = StatePool::new(n, move |i| {
                log.lock().unwrap().push((i, std::thread::current().id()));
                i
            })
            .unwrap();
            let handles: Vec<_> = (0..10 * n)
                .map(|_| pool.apply_async(|i: &mut usize| *i))
                .collect();
            let served: HashSet<usize> =
                handles.into_iter().map(|h| h.get()).collect();
            // joins the workers: every state that will ever be built is built
            drop(pool);
            let built = built.lock().unwrap().clone();
            let mut indices: Vec<usize> = built.iter().map(|&(i, _)| i).collect();
            indices.sort_unstable();
            assert_eq!(
                indices,
                (0..n).collect::<Vec<_>>(),
                "a pool of {n} builds {n} states, one per worker, init(0) to init({}): \
                 once per worker, not per task, and no extra worker",
                n - 1
            );
            let threads: HashSet<ThreadId> = built.iter().map(|&(_, t)| t).collect();
            assert_eq!(
                threads.len(),
                n,
                "each state is built on its own worker's thread"
            );
            assert!(
                !threads.contains(&std::thread::current().id()),
                "the states are built by the workers, not by the caller"
            );
            assert!(served.iter().all(|i| *i < n));
        }
    });
}

#[test]
fn a_worker_keeps_its_state_from_task_to_task() {
    within_patience(|| {
        let pool = StatePool::new(1, |_| 0u64).unwrap();
        let handles: Vec<_> = (0..5)
            .map(|_| {
                pool.apply_async(|count: &mut u64| {
                    *count += 1;
                    *count
                })
            })
            .collect();
        let counts: Vec<u64> = handles.into_iter().map(|h| h.get()).collect();
        assert_eq!(
            counts,
            vec![1, 2, 3, 4, 5],
            "the one worker's state lives on between its tasks"
        );
    });
}

#[test]
fn the_state_never_crosses_threads_so_it_need_not_be_send() {
    within_patience(|| {
        // `Rc` is not `Send`: this compiles only if each state is made
        // on its own worker.
        let pool =
            StatePool::new(2, |_| Rc::new(RefCell::new(Vec::<u64>::new()))).unwrap();
        let handles: Vec<_> = (0..6u64)
            .map(|n| {
                pool.apply_async(move |seen: &mut Rc<RefCell<Vec<u64>>>| {
                    seen.borrow_mut().push(n);
                    seen.borrow().len()
                })
            })
            .collect();
        let lengths: usize = handles.into_iter().map(|h| h.get()).max().unwrap();
        assert!(
            lengths >= 3,
            "6 tasks on 2 workers: one worker saw 3 or more"
        );
    });
}

#[test]
fn a_pool_of_n_runs_n_tasks_at_once() {
    within_patience(|| {
        for n in [2, 3] {
            let pool = StatePool::new(n, |_| ()).unwrap();
            let all_in = Arc::new(Rendezvous::new(n));
            let in_flight = Arc::new(InFlight::new());
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    let (all_in, in_flight) =
                        (Arc::clone(&all_in), Arc::clone(&in_flight));
                    pool.apply_async(move |_: &mut ()| {
                        let _inside = in_flight.enter();
                        // Patience well under the watchdog's: the
                        // designed message comes first.
                        all_in.arrive(Duration::from_secs(2))
                    })
                })
                .collect();
            for h in handles {
                if let Err(e) = h.get() {
                    panic!(
                        "only {} of {} tasks ran at the same time: is the lock held while a \
                         job runs?",
                        e.arrived, e.expected
                    );
                }
            }
            assert!(
                in_flight.max() <= n,
                "a pool of {n} runs at most {n} tasks at once"
            );
        }
    });
}

/// A worker state that counts, when dropped, one more worker ended.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_pool_waits_for_its_workers() {
    within_patience(|| {
        let gate = Arc::new(Gate::new());
        let ended = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&ended);
        let pool = StatePool::new(2, move |_| Counted(Arc::clone(&counter))).unwrap();
        let held: Vec<_> = (0..2)
            .map(|_| {
                let gate = Arc::clone(&gate);
                pool.apply_async(move |_: &mut Counted| gate.wait_or_panic())
            })
            .collect();
        let seen = Arc::clone(&ended);
        let ended_when_drop_returned =
            support::finishes_after_gate(&gate, move || {
                drop(pool);
                seen.load(Ordering::SeqCst)
            });
        drop(held);
        assert_eq!(
            ended_when_drop_returned,
            Ok(2),
            "drop returned before both workers had ended (a worker's state is dropped when it \
             ends): the given Drop closes the queue and joins; do the workers leave their loop \
             once the queue is closed and empty?"
        );
    });
}
