//! The thread back end: CPython's `ThreadPoolExecutor`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use ch03_processes::Wire;
use ch03_processes::frame::panic_message;

use crate::error::{SubmitError, TaskError};
use crate::executor::Executor;
use crate::handoff::{Handoff, Spinner};
use crate::queue::Queue;
use crate::ticket::{Promise, Ticket};

// ANCHOR: job
/// A queued task, its type erased: run it (if it was not cancelled), or cancel it.
trait Job: Send {
    fn run(self: Box<Self>);
    fn cancel(self: Box<Self>);
}

struct Call<F, R> {
    task: F,
    promise: Promise<R>,
}

impl<F: FnOnce() -> R + Send, R: Send> Job for Call<F, R> {
    fn run(self: Box<Self>) {
        if !self.promise.start() {
            return; // cancelled while it waited in the queue
        }
        let outcome = catch_unwind(AssertUnwindSafe(self.task)).map_err(|payload| {
            TaskError::Panicked {
                message: panic_message(&*payload),
            }
        });
        self.promise.settle(outcome);
    }

    fn cancel(self: Box<Self>) {
        self.promise.cancel();
    }
}
// ANCHOR_END: job

// ANCHOR: thread_executor
/// A fixed set of worker threads fed from one queue. `Send + Sync`: share it (`&` or
/// `Arc`) and submit from any thread.
pub struct ThreadExecutor {
    queue: Arc<Queue<Box<dyn Job>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    size: usize,
    /// How the callers' `result()` waits.
    callers: Arc<Spinner>,
}

impl ThreadExecutor {
    /// Starts `n` worker threads. Waiters spin briefly before they park
    /// ([`Handoff::default`]).
    pub fn new(n: usize) -> Result<Self, SubmitError> {
        Self::with_handoff(n, Handoff::default())
    }

    /// Starts `n` worker threads; idle workers and `result()` wait as `handoff` says.
    pub fn with_handoff(n: usize, handoff: Handoff) -> Result<Self, SubmitError> {
        if n == 0 {
            return Err(SubmitError::ZeroWorkers);
        }
        let queue: Arc<Queue<Box<dyn Job>>> = Arc::new(Queue::new(handoff));
        let executor = ThreadExecutor {
            queue: queue.clone(),
            workers: Mutex::new(Vec::with_capacity(n)),
            size: n,
            callers: Arc::new(Spinner::new(handoff)),
        };
        for i in 0..n {
            let queue = queue.clone();
            let worker = thread::Builder::new().name(format!("executor-{i}")).spawn(
                move || {
                    while let Some(job) = queue.pop() {
                        job.run();
                    }
                },
            )?;
            executor.lock_workers().push(worker);
            // on an error, `executor` is dropped here: the workers
            // already started are joined
        }
        Ok(executor)
    }
    // ANCHOR_END: thread_executor

    /// CPython's default for `ThreadPoolExecutor()`: `min(32, cores + 4)` threads
    /// (the tasks are expected to wait on I/O, not to compute).
    pub fn with_default_size() -> Result<Self, SubmitError> {
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        Self::new((cores + 4).min(32))
    }

    /// The number of worker threads.
    pub fn size(&self) -> usize {
        self.size
    }

    fn lock_workers(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.workers.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ANCHOR: spawn
    /// Queues any closure (threads share memory: no `Wire`, no plain `fn` needed).
    pub fn spawn<R, F>(&self, task: F) -> Result<Ticket<R>, SubmitError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (ticket, promise) = Ticket::with_spinner(self.callers.clone());
        let job: Box<dyn Job> = Box::new(Call { task, promise });
        match self.queue.push(job) {
            Ok(()) => Ok(ticket),
            Err(job) => {
                job.cancel(); // settle the refused job's promise quietly
                Err(SubmitError::Shutdown)
            }
        }
    }
    // ANCHOR_END: spawn
}

impl Executor for ThreadExecutor {
    fn submit<A, R>(&self, f: fn(A) -> R, arg: A) -> Result<Ticket<R>, SubmitError>
    where
        A: Wire + Send + 'static,
        R: Wire + Send + 'static,
    {
        self.spawn(move || f(arg))
    }

    // ANCHOR: shutdown
    fn shutdown(&self, wait: bool, cancel_pending: bool) {
        for job in self.queue.close(cancel_pending) {
            job.cancel();
        }
        if wait {
            let me = thread::current().id();
            let workers = std::mem::take(&mut *self.lock_workers());
            for worker in workers {
                if worker.thread().id() == me {
                    // a task shutting down its own executor cannot wait for itself
                    continue;
                }
                // tasks' panics are caught: a worker never panics
                let _ = worker.join();
            }
        }
    }
    // ANCHOR_END: shutdown
}

impl Drop for ThreadExecutor {
    /// Waits for every queued and running task, as leaving CPython's
    /// `with` block does.
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}
