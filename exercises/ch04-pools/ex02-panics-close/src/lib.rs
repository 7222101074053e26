//! Exercise 2: panics, `close` and `Drop`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// A task, type-erased: a closure that runs once, on any thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a pool would not take a task.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Zero workers would never run anything.
    ZeroWorkers,
    /// The pool was closed.
    Closed,
}

/// Why a task gave no value.
#[derive(Debug, PartialEq, Eq)]
pub enum TaskError {
    /// The task panicked with this message.
    Panicked { message: String },
}

/// The message of a panic payload (`panic!` gives a `&str` or a `String`). Given.
pub use support::panic_message;

/// n worker threads pulling jobs from one queue.
pub struct ThreadPool {
    /// `None` once closed.
    queue: Mutex<Option<Sender<Job>>>,
    workers: Vec<JoinHandle<()>>,
}

/// The pending result of one task.
pub struct TaskHandle<T> {
    result: Receiver<Result<T, TaskError>>,
}

impl<T> TaskHandle<T> {
    /// Waits for the task: its value, or why there is none.
    pub fn get(self) -> Result<T, TaskError> {
        self.result
            .recv()
            .expect("every queued job runs and sends its outcome")
    }
}

/// Runs jobs until the queue is closed and empty.
fn worker_loop(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let job = jobs.lock().unwrap().recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

// ANCHOR: starter
impl ThreadPool {
    /// Starts `n` workers.
    pub fn new(n: usize) -> Result<Self, PoolError> {
        if n == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..n)
            .map(|_| {
                let jobs = Arc::clone(&jobs);
                thread::spawn(move || worker_loop(&jobs))
            })
            .collect();
        Ok(ThreadPool {
            queue: Mutex::new(Some(queue)),
            workers,
        })
    }

    /// Queues `f`. A panic in `f` becomes `Err(TaskError::Panicked)`;
    /// after `close`, `Err(Closed)`.
    pub fn apply_async<T, F>(&self, f: F) -> Result<TaskHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // TODO: a result channel; a job that catches a panic in f and sends the
        // outcome; queue it, or return Err(PoolError::Closed) if the sender is gone.
        todo!()
    }

    /// Refuses new tasks from now on; queued tasks still run. Idempotent.
    pub fn close(&self) {
        // TODO
        todo!()
    }
}

impl Drop for ThreadPool {
    /// Closes the pool, then waits for every worker (so every queued task has run).
    fn drop(&mut self) {
        // TODO: close, then join every worker. (Left empty rather than
        // `todo!()`: a panic in `drop` while a failing test unwinds
        // would abort the whole test binary.)
    }
}
// ANCHOR_END: starter
