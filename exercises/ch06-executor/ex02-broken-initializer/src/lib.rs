//! Exercise 2: a thread pool with an initializer, broken when it fails.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Why the pool is broken: which worker's initializer failed, and its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub worker: usize,
    pub message: String,
}

/// Why a task gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The task panicked; the pool goes on.
    Panicked { message: String },
    /// An initializer failed before this task ran: it never will.
    BrokenPool(Broken),
}

/// Why the pool would not take a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    ZeroWorkers,
    BrokenPool(Broken),
}

/// A queued task: called with `Ok(())` to run it, with `Err(broken)` to
/// fail it unrun.
pub type Job = Box<dyn FnOnce(Result<(), Broken>) + Send + 'static>;

/// The message of a panic payload.
pub use support::panic_message;

/// The pending result of one task.
pub struct Handle<R> {
    result: Receiver<Result<R, TaskError>>,
}

impl<R> Handle<R> {
    /// Waits for the task's outcome.
    pub fn result(self) -> Result<R, TaskError> {
        self.result
            .recv()
            .expect("every job is run or failed, and sends its outcome")
    }

    /// Waits at most `timeout`; `None` if the task has no outcome by then.
    pub fn result_timeout(&self, timeout: Duration) -> Option<Result<R, TaskError>> {
        self.result.recv_timeout(timeout).ok()
    }
}

/// Wraps `task` into a [`Job`] and the [`Handle`] of its outcome.
fn job_for<R: Send + 'static>(
    task: impl FnOnce() -> R + Send + 'static,
) -> (Job, Handle<R>) {
    let (tx, result) = mpsc::channel();
    let job: Job = Box::new(move |go| {
        let outcome = match go {
            Ok(()) => catch_unwind(AssertUnwindSafe(task)).map_err(|p| {
                TaskError::Panicked {
                    message: panic_message(&*p),
                }
            }),
            Err(broken) => Err(TaskError::BrokenPool(broken)),
        };
        let _ = tx.send(outcome);
    });
    (job, Handle { result })
}

/// What the pool and its workers share, under one lock.
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
    broken: Option<Broken>,
}

struct Shared {
    queue: Mutex<Queue>,
    available: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next job, waiting for one; `None` once the queue is closed and empty.
    fn pop(&self) -> Option<Job> {
        let mut queue = self
            .available
            .wait_while(self.lock(), |queue| queue.jobs.is_empty() && !queue.closed)
            .unwrap_or_else(|e| e.into_inner());
        queue.jobs.pop_front()
    }
}

/// `n` worker threads, each set up by the initializer before its first task.
pub struct InitPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl InitPool {
    /// Starts `n` workers; worker `i` calls `initializer(i)` first, on
    /// its own thread.
    pub fn new(
        n: usize,
        initializer: impl Fn(usize) + Send + Sync + 'static,
    ) -> Result<Self, SubmitError> {
        if n == 0 {
            return Err(SubmitError::ZeroWorkers);
        }
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                jobs: VecDeque::new(),
                closed: false,
                broken: None,
            }),
            available: Condvar::new(),
        });
        let initializer: Arc<dyn Fn(usize) + Send + Sync> = Arc::new(initializer);
        let workers = (0..n)
            .map(|i| {
                let (shared, initializer) = (shared.clone(), initializer.clone());
                thread::spawn(move || worker_main(&shared, i, &*initializer))
            })
            .collect();
        Ok(InitPool { shared, workers })
    }

    /// Closes the queue, waits for every worker, and says why the pool
    /// broke, if it did.
    pub fn join(mut self) -> Option<Broken> {
        self.close_and_join();
        self.shared.lock().broken.clone()
    }

    fn close_and_join(&mut self) {
        self.shared.lock().closed = true;
        self.shared.available.notify_all();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for InitPool {
    fn drop(&mut self) {
        self.close_and_join();
    }
}

// ANCHOR: starter
impl Shared {
    /// Worker `worker`'s initializer failed with `message`. The first failure breaks
    /// the pool: record it (a later failure must not replace it), and fail every
    /// queued job with it, unrun (`job(Err(broken))`).
    fn break_pool(&self, worker: usize, message: String) {
        // TODO
        todo!()
    }
}

/// A worker's life: call `initializer(worker)` once, on this thread. If it panics,
/// break the pool with its panic message and stop. Otherwise run jobs (`job(Ok(()))`)
/// until `pop` says the queue is closed.
fn worker_main(
    shared: &Shared,
    worker: usize,
    initializer: &(dyn Fn(usize) + Send + Sync),
) {
    // TODO
    todo!()
}

impl InitPool {
    /// Queues `task` (wrap it with `job_for`) and wakes one worker; refused with
    /// `SubmitError::BrokenPool` once the pool is broken.
    pub fn submit<R: Send + 'static>(
        &self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> Result<Handle<R>, SubmitError> {
        // TODO
        todo!()
    }
}
// ANCHOR_END: starter
