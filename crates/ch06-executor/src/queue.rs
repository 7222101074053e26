//! The job queue both back ends share: a `VecDeque` under a mutex, a condition variable for
//! idle workers, and a `closed` flag that `shutdown` sets under the same lock (so a submit
//! either lands before the shutdown or is refused: never lost in between).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

struct Jobs<J> {
    jobs: VecDeque<J>,
    closed: bool,
}

pub(crate) struct Queue<J> {
    inner: Mutex<Jobs<J>>,
    available: Condvar,
}

impl<J> Queue<J> {
    pub(crate) fn new() -> Self {
        Queue {
            inner: Mutex::new(Jobs {
                jobs: VecDeque::new(),
                closed: false,
            }),
            available: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Jobs<J>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a job; gives it back if the queue is closed.
    pub(crate) fn push(&self, job: J) -> Result<(), J> {
        let mut inner = self.lock();
        if inner.closed {
            return Err(job);
        }
        inner.jobs.push_back(job);
        drop(inner);
        self.available.notify_one();
        Ok(())
    }

    /// The next job, waiting for one; `None` once the queue is closed and empty.
    pub(crate) fn pop(&self) -> Option<J> {
        let mut inner = self.lock();
        loop {
            if let Some(job) = inner.jobs.pop_front() {
                return Some(job);
            }
            if inner.closed {
                return None;
            }
            inner = self
                .available
                .wait(inner)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Closes the queue: no new jobs; workers finish what is queued, then stop. If `drain`,
    /// the queued jobs are taken out and returned instead.
    pub(crate) fn close(&self, drain: bool) -> Vec<J> {
        let mut inner = self.lock();
        inner.closed = true;
        let jobs = if drain {
            inner.jobs.drain(..).collect()
        } else {
            Vec::new()
        };
        drop(inner);
        self.available.notify_all();
        jobs
    }
}
