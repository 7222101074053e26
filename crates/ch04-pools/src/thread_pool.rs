//! Step 2: a thread pool with results, caught panics, `close` and `join`.
//!
//! The API mirrors CPython's `multiprocessing.pool.ThreadPool`:
//!
//! | CPython | here |
//! |---|---|
//! | `Pool(n)` | [`ThreadPool::new`]`(n)?` |
//! | `Pool()` (size `os.cpu_count()`) | [`ThreadPool::with_default_size`]`()?` |
//! | `r = pool.apply_async(f, args)` | `let r = pool.`[`apply_async`](ThreadPool::apply_async)`(move \|\| f(args))?;` |
//! | `r.get()` (re-raises the task's exception) | `r.`[`get`](TaskHandle::get)`()` returns `Result<T, TaskError>` |
//! | `r.get(timeout)` | `r.`[`get_timeout`](TaskHandle::get_timeout)`(d)`; `Err(TaskError::Timeout)` keeps the result for later |
//! | `pool.close()` | [`pool.close()`](ThreadPool::close) |
//! | `pool.join()` | [`pool.join()`](ThreadPool::join) (closes first) |
//! | `with Pool(n) as pool:` | scope end: `Drop` closes and joins |

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::error::{PoolError, TaskError, drop_on_worker, panic_message};

type Job = Box<dyn FnOnce() + Send + 'static>;

// ANCHOR: pool_struct
/// A fixed set of worker threads fed from one queue.
///
/// `ThreadPool` is `Send + Sync`: share it with `&` across scoped
/// threads, or in an `Arc`.
pub struct ThreadPool {
    /// `None` once closed: new tasks are refused, queued ones still run.
    queue: Mutex<Option<Sender<Job>>>,
    workers: Vec<JoinHandle<()>>,
}
// ANCHOR_END: pool_struct

// ANCHOR: handle
/// The pending result of one task (CPython's `AsyncResult`).
#[must_use = "a task's result or panic is only seen through get()"]
#[derive(Debug)]
pub struct TaskHandle<T> {
    result: Receiver<Result<T, TaskError>>,
    /// `get_timeout` has taken the result.
    taken: bool,
}

impl<T> TaskHandle<T> {
    /// Blocks until the task has run; returns its value, or why there is none.
    pub fn get(self) -> Result<T, TaskError> {
        if self.taken {
            return Err(already_taken());
        }
        // Err only if the job was dropped unrun, which a living pool never does.
        self.result.recv().unwrap_or_else(|_| Err(dropped_unrun()))
    }

    /// Like [`get`](Self::get), but gives up after `timeout` with
    /// [`TaskError::Timeout`] (CPython's `get(timeout)`). The task goes on: call
    /// again, or `get`, to have its result.
    pub fn get_timeout(&mut self, timeout: Duration) -> Result<T, TaskError> {
        if self.taken {
            return Err(already_taken());
        }
        match self.result.recv_timeout(timeout) {
            Ok(result) => {
                self.taken = true;
                result
            }
            Err(RecvTimeoutError::Timeout) => Err(TaskError::Timeout),
            Err(RecvTimeoutError::Disconnected) => Err(dropped_unrun()),
        }
    }
}

fn already_taken() -> TaskError {
    TaskError::Lost {
        reason: "its result was already taken".into(),
    }
}

fn dropped_unrun() -> TaskError {
    TaskError::Lost {
        reason: "the job was dropped without running".into(),
    }
}
// ANCHOR_END: handle

impl ThreadPool {
    // ANCHOR: new
    /// Starts `n` worker threads. Zero workers is an error, not a pool
    /// that never runs anything.
    pub fn new(n: usize) -> Result<Self, PoolError> {
        if n == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let mut workers = Vec::with_capacity(n);
        for i in 0..n {
            let jobs = Arc::clone(&jobs);
            let worker = thread::Builder::new()
                .name(format!("pool-worker-{i}"))
                .spawn(move || worker_loop(&jobs));
            match worker {
                Ok(worker) => workers.push(worker),
                Err(e) => {
                    // Stop the workers already started before reporting.
                    drop(queue);
                    workers
                        .into_iter()
                        .for_each(|w: JoinHandle<()>| drop(w.join()));
                    return Err(PoolError::Spawn(e));
                }
            }
        }
        Ok(ThreadPool {
            queue: Mutex::new(Some(queue)),
            workers,
        })
    }

    /// A pool of `available_parallelism()` workers, CPython's `Pool()` with
    /// `os.cpu_count()`.
    pub fn with_default_size() -> Result<Self, PoolError> {
        Self::new(thread::available_parallelism().map_or(1, |n| n.get()))
    }
    // ANCHOR_END: new

    /// How many workers the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    // ANCHOR: apply_async
    /// Queues `task` and returns a handle to its result.
    /// `Err(PoolError::Closed)` after `close`.
    pub fn apply_async<T, F>(&self, task: F) -> Result<TaskHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move || {
            // The worker survives a panicking task: the panic becomes
            // the task's result.
            let outcome =
                panic::catch_unwind(AssertUnwindSafe(task)).map_err(|payload| {
                    let message = panic_message(&*payload);
                    // The payload is any value (`panic_any`): its `Drop` may panic.
                    drop_on_worker(payload);
                    TaskError::Panicked { message }
                });
            // The caller may have dropped its handle: then nobody wants the result,
            // and it is dropped here. Its `Drop` may panic too; that must not kill
            // the worker either.
            drop_on_worker(tx.send(outcome));
        });
        match self.lock_queue().as_ref() {
            Some(queue) => queue.send(job).map_err(|_| PoolError::Closed)?,
            None => return Err(PoolError::Closed),
        }
        Ok(TaskHandle {
            result: rx,
            taken: false,
        })
    }
    // ANCHOR_END: apply_async

    // ANCHOR: close_join
    /// Refuses new tasks from now on; the tasks already queued still run. Idempotent.
    pub fn close(&self) {
        // Dropping the only sender ends the workers' `recv` loop once
        // the queue is empty.
        self.lock_queue().take();
    }

    /// Closes the pool and waits until every queued task has run and
    /// every worker has exited.
    ///
    /// CPython's `join()` before `close()` raises `ValueError`; here `join` closes
    /// first, and it takes `self`, so the pool cannot be used after it.
    pub fn join(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.close();
        let me = thread::current().id();
        for worker in self.workers.drain(..) {
            // A task may drop the last owner of its own pool: then this
            // runs on a worker, which must not join itself (the OS
            // refuses: EDEADLK). That worker is left to finish its
            // task, find the queue closed and exit on its own.
            if worker.thread().id() != me {
                // Workers catch task panics, so a worker thread itself never panics.
                let _ = worker.join();
            }
        }
    }
    // ANCHOR_END: close_join

    fn lock_queue(&self) -> MutexGuard<'_, Option<Sender<Job>>> {
        // Nothing panics while holding this lock, but a poisoned lock
        // is still usable.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ANCHOR: worker_loop
fn worker_loop(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            // never unwinds: apply_async wrapped it in catch_unwind, twice
            Ok(job) => job(),
            Err(_) => return, // closed and drained
        }
    }
}
// ANCHOR_END: worker_loop

// ANCHOR: drop
impl Drop for ThreadPool {
    /// CPython's `with Pool() as p:` calls `terminate()` on exit: queued tasks are
    /// dropped, running ones are killed (`Pool`) or left to finish unwaited
    /// (`ThreadPool`). Here leaving the scope closes and *joins*: every task you
    /// queued runs. (If the pool is dropped by one of its own tasks, that worker is
    /// not joined: it ends by itself after the task.)
    fn drop(&mut self) {
        self.shut_down();
    }
}
// ANCHOR_END: drop

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use support::{Gate, InFlight, PATIENCE, Rendezvous, within_patience};
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at, cpu_bound_expected};

    #[test]
    fn results_come_back_right() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let handles: Vec<_> = TUTORIAL_NUMBERS
                .iter()
                .map(|&n| {
                    pool.apply_async(move || cpu_bound_at(n, Scale::TEST))
                        .unwrap()
                })
                .collect();
            for (handle, n) in handles.into_iter().zip(TUTORIAL_NUMBERS) {
                assert_eq!(handle.get(), Ok(cpu_bound_expected(n, Scale::TEST)));
            }
        });
    }

    #[test]
    fn zero_workers_is_an_error() {
        assert!(matches!(ThreadPool::new(0), Err(PoolError::ZeroWorkers)));
    }

    #[test]
    fn default_size_is_the_available_parallelism() {
        let pool = ThreadPool::with_default_size().unwrap();
        assert_eq!(pool.size(), thread::available_parallelism().unwrap().get());
    }

    // ANCHOR: test_exactly_n
    #[test]
    fn a_pool_of_n_runs_exactly_n_tasks_at_once() {
        within_patience(|| {
            let n = 4;
            let pool = ThreadPool::new(n).unwrap();
            let all_in = Arc::new(Rendezvous::new(n));
            let in_flight = Arc::new(InFlight::new());
            let handles: Vec<_> = (0..3 * n)
                .map(|_| {
                    let (all_in, in_flight) =
                        (Arc::clone(&all_in), Arc::clone(&in_flight));
                    pool.apply_async(move || {
                        let _inside = in_flight.enter();
                        // The first n tasks meet here; later ones pass at once.
                        all_in.arrive(PATIENCE)
                    })
                    .unwrap()
                })
                .collect();
            for h in handles {
                h.get()
                    .unwrap()
                    .expect("n workers must hold n tasks at once");
            }
            assert_eq!(in_flight.max(), n, "never more tasks at once than workers");
        });
    }
    // ANCHOR_END: test_exactly_n

    #[test]
    fn workers_are_distinct_threads_and_stay_the_same() {
        within_patience(|| {
            let pool = ThreadPool::new(3).unwrap();
            let all_in = Arc::new(Rendezvous::new(3));
            let ids = |pool: &ThreadPool| -> HashSet<thread::ThreadId> {
                let hs: Vec<_> = (0..3)
                    .map(|_| {
                        let all_in = Arc::clone(&all_in);
                        pool.apply_async(move || {
                            all_in.arrive_or_panic();
                            thread::current().id()
                        })
                        .unwrap()
                    })
                    .collect();
                hs.into_iter().map(|h| h.get().unwrap()).collect()
            };
            let first = ids(&pool);
            assert_eq!(first.len(), 3);
            // A rendezvous of 3 is already complete, so the second round needs no
            // meeting, but it still runs on the same three threads: workers are
            // reused, not respawned.
            let second: HashSet<_> = ids(&pool);
            assert!(second.is_subset(&first));
        });
    }

    // ANCHOR: test_panic
    #[test]
    fn a_panicking_task_is_an_error_and_the_worker_lives_on() {
        within_patience(|| {
            let pool = ThreadPool::new(1).unwrap();
            let bad = pool
                .apply_async(|| -> u64 { panic!("task {} failed", 3) })
                .unwrap();
            let good = pool.apply_async(|| 42).unwrap();
            assert_eq!(
                bad.get(),
                Err(TaskError::Panicked {
                    message: "task 3 failed".into()
                })
            );
            assert_eq!(good.get(), Ok(42), "the only worker survived the panic");
        });
    }
    // ANCHOR_END: test_panic

    #[test]
    fn submitting_after_close_is_an_error_but_queued_tasks_run() {
        within_patience(|| {
            let pool = ThreadPool::new(1).unwrap();
            let gate = Arc::new(Gate::new());
            let g = Arc::clone(&gate);
            let blocked = pool.apply_async(move || g.wait_or_panic()).unwrap();
            let queued = pool.apply_async(|| "queued").unwrap();
            pool.close();
            pool.close(); // idempotent
            assert!(matches!(pool.apply_async(|| 1), Err(PoolError::Closed)));
            gate.open();
            assert_eq!(blocked.get(), Ok(()));
            assert_eq!(queued.get(), Ok("queued"));
            pool.join();
        });
    }

    #[test]
    fn dropping_the_pool_runs_every_queued_task() {
        within_patience(|| {
            let ran = Arc::new(AtomicUsize::new(0));
            let gate = Arc::new(Gate::new());
            {
                let pool = ThreadPool::new(2).unwrap();
                for _ in 0..20 {
                    let (ran, gate) = (Arc::clone(&ran), Arc::clone(&gate));
                    // Handles dropped at once: fire and forget.
                    drop(pool.apply_async(move || {
                        gate.wait_or_panic();
                        ran.fetch_add(1, Ordering::SeqCst);
                    }));
                }
                assert_eq!(
                    ran.load(Ordering::SeqCst),
                    0,
                    "all 20 are still queued or blocked"
                );
                gate.open();
            } // Drop: close + join
            assert_eq!(ran.load(Ordering::SeqCst), 20);
        });
    }

    #[test]
    fn the_pool_is_shared_by_reference_across_threads() {
        within_patience(|| {
            let pool = ThreadPool::new(2).unwrap();
            let sums: Vec<u64> = thread::scope(|s| {
                let callers: Vec<_> = (0..4u64)
                    .map(|k| {
                        let pool = &pool;
                        s.spawn(move || {
                            pool.apply_async(move || k * 10).unwrap().get().unwrap()
                        })
                    })
                    .collect();
                callers.into_iter().map(|c| c.join().unwrap()).collect()
            });
            assert_eq!(sums, [0, 10, 20, 30]);
        });
    }

    // Issue 8, code defects 5, 6 and 12.

    #[test]
    fn the_last_owner_may_drop_the_pool_inside_one_of_its_tasks() {
        within_patience(|| {
            let pool = Arc::new(ThreadPool::new(2).unwrap());
            let gate = Arc::new(Gate::new());
            let (mine, g) = (Arc::clone(&pool), Arc::clone(&gate));
            let handle = pool
                .apply_async(move || {
                    g.wait_or_panic();
                    // the last `Arc`: the pool's `Drop` runs on this worker
                    drop(mine);
                    7
                })
                .unwrap();
            drop(pool);
            gate.open();
            assert_eq!(handle.get(), Ok(7), "a worker never joins itself");
        });
    }

    /// A value whose `Drop` panics.
    struct PanicsWhenDropped;

    impl Drop for PanicsWhenDropped {
        fn drop(&mut self) {
            panic!("dropped");
        }
    }

    #[test]
    fn a_result_that_panics_when_dropped_does_not_kill_the_worker() {
        within_patience(|| {
            let pool = ThreadPool::new(1).unwrap();
            let gate = Arc::new(Gate::new());
            let g = Arc::clone(&gate);
            // Nobody will take the result: the worker drops it, and its
            // `Drop` panics.
            drop(
                pool.apply_async(move || {
                    g.wait_or_panic();
                    PanicsWhenDropped
                })
                .unwrap(),
            );
            gate.open();
            let next = pool.apply_async(|| 1).expect("the pool is not closed");
            assert_eq!(next.get(), Ok(1), "the only worker is still alive");
        });
    }

    #[test]
    fn a_panic_whose_payload_panics_when_dropped_does_not_kill_the_worker() {
        within_patience(|| {
            let pool = ThreadPool::new(1).unwrap();
            // The payload is dropped on the worker once its message has been read:
            // that drop panics too.
            let bomb = pool
                .apply_async(|| -> u32 { panic::panic_any(PanicsWhenDropped) })
                .unwrap();
            assert_eq!(
                bomb.get(),
                Err(TaskError::Panicked {
                    message: "a panic with a non-string payload".into()
                })
            );
            let next = pool.apply_async(|| 1).expect("the pool is not closed");
            assert_eq!(next.get(), Ok(1), "the only worker is still alive");
        });
    }

    #[test]
    fn get_timeout_gives_up_and_the_result_comes_later() {
        within_patience(|| {
            let pool = ThreadPool::new(1).unwrap();
            let gate = Arc::new(Gate::new());
            let g = Arc::clone(&gate);
            let mut gated = pool
                .apply_async(move || {
                    g.wait_or_panic();
                    5
                })
                .unwrap();
            assert_eq!(
                gated.get_timeout(Duration::from_millis(10)),
                Err(TaskError::Timeout)
            );
            gate.open();
            assert_eq!(gated.get(), Ok(5), "the result was kept for later");
            let mut once = pool.apply_async(|| 8).unwrap();
            assert_eq!(once.get_timeout(PATIENCE), Ok(8));
            assert!(matches!(once.get(), Err(TaskError::Lost { .. })));
        });
    }
}
