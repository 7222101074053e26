//! Exercise 1: a thread pool's workers, `apply_async` and `get`.
#![allow(unused_variables, dead_code)]

// You will also need `std::sync::mpsc::channel` and `std::thread::spawn`.
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

// ANCHOR: starter
/// A task, type-erased: a closure that runs once, on any thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a pool could not be built.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Zero workers would never run anything.
    ZeroWorkers,
}

/// n worker threads pulling jobs from one queue.
pub struct ThreadPool {
    queue: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// The pending result of one task.
pub struct TaskHandle<T> {
    result: Receiver<T>,
}

impl ThreadPool {
    /// Starts `n` workers, each running `worker_loop` on the shared receiver.
    pub fn new(n: usize) -> Result<Self, PoolError> {
        // TODO: refuse n == 0; make the channel; share the receiver; spawn n workers.
        todo!()
    }

    /// Queues `f`; the handle's `get` returns what `f` returned.
    pub fn apply_async<T, F>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // TODO: a channel for the result, a job that sends f() on it, queue the job.
        todo!()
    }
}

/// Runs jobs from `jobs` until the queue is closed and empty.
fn worker_loop(jobs: Arc<Mutex<Receiver<Job>>>) {
    // TODO: take one job at a time, without holding the lock while it runs.
    todo!()
}

impl<T> TaskHandle<T> {
    /// Waits for the task's value.
    pub fn get(self) -> T {
        // TODO
        todo!()
    }
}
// ANCHOR_END: starter

impl Drop for ThreadPool {
    /// Closes the queue (workers finish what is queued, then stop) and waits for them.
    fn drop(&mut self) {
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
