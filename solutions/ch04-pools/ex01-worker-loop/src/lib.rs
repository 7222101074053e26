//! Exercise 1: a pool whose workers each own a state, built once, on
//! the worker's own thread.
//!
//! CPython's `Pool(processes, initializer, initargs)` runs `initializer(*initargs)`
//! once in each worker before its first task: the place to open a connection or load
//! a model that every task of that worker then reuses. Here the state is a value `S`
//! that each worker owns and lends to its tasks as `&mut S`.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// A task for a pool whose workers own an `S`: it borrows its worker's
/// state while it runs.
pub type Job<S> = Box<dyn FnOnce(&mut S) + Send + 'static>;

/// Why a pool could not be built.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Zero workers would never run anything.
    ZeroWorkers,
}

/// `n` worker threads, each with a state of its own, pulling jobs from one queue.
pub struct StatePool<S> {
    queue: Option<Sender<Job<S>>>,
    workers: Vec<JoinHandle<()>>,
}

/// The pending result of one task. Given.
pub struct TaskHandle<T> {
    result: Receiver<T>,
}

impl<T> TaskHandle<T> {
    /// Waits for the task's value.
    pub fn get(self) -> T {
        self.result
            .recv()
            .expect("the task ran and sent its value (did it panic?)")
    }
}

impl<S> Drop for StatePool<S> {
    /// Closes the queue (workers finish what is queued, then stop) and
    /// waits for them. Given.
    fn drop(&mut self) {
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

// ANCHOR: starter
impl<S: 'static> StatePool<S> {
    /// Starts `n` workers. Worker `i` builds its state with `init(i)`, on its own
    /// thread, once, before its first task; `n == 0` is an error.
    pub fn new<I>(n: usize, init: I) -> Result<Self, PoolError>
    where
        I: Fn(usize) -> S + Send + Sync + 'static,
    {
        if n == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let (queue, jobs) = mpsc::channel::<Job<S>>();
        let jobs = Arc::new(Mutex::new(jobs));
        let init = Arc::new(init);
        let workers = (0..n)
            .map(|i| {
                let (jobs, init) = (Arc::clone(&jobs), Arc::clone(&init));
                thread::spawn(move || worker_loop(init(i), &jobs))
            })
            .collect();
        Ok(StatePool {
            queue: Some(queue),
            workers,
        })
    }

    /// Queues `f`; it will run on some worker, with that worker's state.
    pub fn apply_async<T, F>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce(&mut S) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let job: Job<S> = Box::new(move |state| {
            let _ = tx.send(f(state));
        });
        self.queue
            .as_ref()
            .expect("the queue is open until the pool is dropped")
            .send(job)
            .expect("the workers live as long as the pool");
        TaskHandle { result: rx }
    }
}

/// A worker: owns `state`, runs jobs from `jobs` with it until the
/// queue is closed and empty.
fn worker_loop<S>(mut state: S, jobs: &Mutex<Receiver<Job<S>>>) {
    loop {
        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match job {
            Ok(job) => job(&mut state),
            Err(_) => return,
        }
    }
}
// ANCHOR_END: starter
