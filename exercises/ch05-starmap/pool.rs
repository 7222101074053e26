//! The pool both exercises of chapter 05 build on, given: chapter 04's thread pool,
//! cut down to what a map needs, plus a count of the tasks it received (the specs
//! read it). Included by each exercise with `#[path]`; you do not need to change it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// `n` worker threads fed from one queue. Dropping the pool runs every
/// queued task, then joins.
pub struct ThreadPool {
    queue: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    jobs_sent: AtomicUsize,
}

/// The pending result of one task: `Err(message)` if it panicked.
pub struct TaskHandle<T> {
    result: Receiver<Result<T, String>>,
}

impl<T> TaskHandle<T> {
    /// Blocks until the task has run.
    pub fn get(self) -> Result<T, String> {
        self.result.recv().expect("every queued task runs")
    }
}

pub use support::panic_message;

impl ThreadPool {
    /// Starts `n` workers (at least one).
    pub fn new(n: usize) -> Self {
        assert!(n > 0, "a pool needs at least one worker");
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..n)
            .map(|_| {
                let jobs = Arc::clone(&jobs);
                thread::spawn(move || {
                    loop {
                        let job =
                            jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        ThreadPool {
            queue: Some(queue),
            workers,
            jobs_sent: AtomicUsize::new(0),
        }
    }

    /// How many workers the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// How many tasks `apply_async` has received so far.
    pub fn jobs_sent(&self) -> usize {
        self.jobs_sent.load(Ordering::SeqCst)
    }

    /// Queues `task`; a panic inside it becomes `Err(message)` from
    /// `get`, the worker lives on.
    pub fn apply_async<T, F>(&self, task: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.jobs_sent.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move || {
            let outcome =
                catch_unwind(AssertUnwindSafe(task)).map_err(|p| panic_message(&*p));
            let _ = tx.send(outcome);
        });
        let queue = self.queue.as_ref().expect("open until dropped");
        queue
            .send(job)
            .expect("the workers live as long as the pool");
        TaskHandle { result: rx }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        self.queue.take();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
