//! Exercise 1: a thread pool's workers, `apply_async` and `get` (solution).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

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
        if n == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..n)
            .map(|_| {
                let jobs = Arc::clone(&jobs);
                thread::spawn(move || worker_loop(jobs))
            })
            .collect();
        Ok(ThreadPool {
            queue: Some(queue),
            workers,
        })
    }

    /// Queues `f`; the handle's `get` returns what `f` returned.
    pub fn apply_async<T, F>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.queue
            .as_ref()
            .expect("open until dropped")
            .send(job)
            .expect("workers alive");
        TaskHandle { result: rx }
    }
}

/// Runs jobs from `jobs` until the queue is closed and empty.
fn worker_loop(jobs: Arc<Mutex<Receiver<Job>>>) {
    loop {
        let job = jobs.lock().unwrap().recv(); // the guard is dropped here
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

impl<T> TaskHandle<T> {
    /// Waits for the task's value.
    pub fn get(self) -> T {
        self.result
            .recv()
            .expect("the job sends its result before it ends")
    }
}

impl Drop for ThreadPool {
    /// Closes the queue (workers finish what is queued, then stop) and waits for them.
    fn drop(&mut self) {
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
