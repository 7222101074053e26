//! The job queue of the thread back end: a `VecDeque` under a mutex, a
//! condition variable for idle workers, and a `closed` flag that
//! `shutdown` sets under the same lock (so a submit either lands before
//! the shutdown or is refused: never lost in between).
//!
//! An idle worker first spins (see [`Handoff`]): it watches a counter that every push
//! and the close bump, and parks on the condition variable only when its budget is
//! spent. One worker spins at a time; the others park at once, so idle workers never
//! crowd out busy ones.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::handoff::{Handoff, Spinner};

struct Jobs<J> {
    jobs: VecDeque<J>,
    closed: bool,
    /// Workers parked on `available` (a push wakes one only if there is one).
    parked: usize,
}

pub(crate) struct Queue<J> {
    inner: Mutex<Jobs<J>>,
    available: Condvar,
    spinner: Spinner,
    /// Bumped under the lock by every push and by `close`: a spinner
    /// waits for it to move.
    changes: AtomicU64,
    /// A worker is spinning: the next idle worker parks at once.
    spinning: AtomicBool,
    /// The notifies `push` sent (the tests check that nobody is woken in vain).
    #[cfg(test)]
    wakes: std::sync::atomic::AtomicUsize,
}

impl<J> Queue<J> {
    pub(crate) fn new(handoff: Handoff) -> Self {
        Queue {
            inner: Mutex::new(Jobs {
                jobs: VecDeque::new(),
                closed: false,
                parked: 0,
            }),
            available: Condvar::new(),
            spinner: Spinner::new(handoff),
            changes: AtomicU64::new(0),
            spinning: AtomicBool::new(false),
            #[cfg(test)]
            wakes: std::sync::atomic::AtomicUsize::new(0),
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
        self.changes.fetch_add(1, Ordering::Release);
        // A spinning worker takes one job without a wake-up: it looks under the lock
        // after its spin (it clears `spinning` first, and a push sees that under the
        // lock it then takes).
        let spinner_takes_it =
            inner.jobs.len() == 1 && self.spinning.load(Ordering::Acquire);
        let wake = inner.parked > 0 && !spinner_takes_it;
        drop(inner);
        if wake {
            #[cfg(test)]
            self.wakes.fetch_add(1, Ordering::Relaxed);
            self.available.notify_one();
        }
        Ok(())
    }

    // ANCHOR: pop
    /// The next job, waiting for one; `None` once the queue is closed and empty.
    pub(crate) fn pop(&self) -> Option<J> {
        let mut inner = self.lock();
        let mut spun = false;
        loop {
            if let Some(job) = inner.jobs.pop_front() {
                return Some(job);
            }
            if inner.closed {
                return None;
            }
            if !spun && !self.spinning.swap(true, Ordering::Acquire) {
                // Spin outside the lock, watching for a push (or the close).
                spun = true;
                let seen = self.changes.load(Ordering::Relaxed);
                drop(inner);
                self.spinner
                    .spin(|| self.changes.load(Ordering::Acquire) != seen);
                self.spinning.store(false, Ordering::Release);
                inner = self.lock();
                // look again under the lock: whatever the spin saw, the lock decides
                continue;
            }
            // Park. `parked` is counted under the lock a push takes, so a push after
            // this point sees it and notifies; the condition variable releases the
            // lock only once this thread is waiting on it. No wake-up is lost.
            inner.parked += 1;
            inner = self
                .available
                .wait(inner)
                .unwrap_or_else(|e| e.into_inner());
            inner.parked -= 1;
        }
    }
    // ANCHOR_END: pop

    /// Closes the queue: no new jobs; workers finish what is queued, then stop. If
    /// `drain`, the queued jobs are taken out and returned instead.
    pub(crate) fn close(&self, drain: bool) -> Vec<J> {
        let mut inner = self.lock();
        inner.closed = true;
        self.changes.fetch_add(1, Ordering::Release);
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

// Not under loom: loom's atomics work only inside `loom::model`. No timing is
// asserted: each test waits for a state (a spinner, a parked worker) that must come,
// under a watchdog.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;
    use support::within_patience;

    /// Spins "forever": only a push or the close ends its wait, never the budget.
    const FOREVER: Handoff = Handoff::spin_then_park(Duration::from_secs(3600));

    fn until(what: impl Fn() -> bool) {
        while !what() {
            thread::yield_now();
        }
    }

    fn parked<J>(queue: &Queue<J>) -> usize {
        queue.lock().parked
    }

    #[test]
    fn an_idle_worker_spins_then_parks_and_a_push_wakes_it() {
        within_patience(|| {
            let queue = Arc::new(Queue::new(Handoff::spin_then_park(
                Duration::from_micros(50),
            )));
            let worker = {
                let queue = queue.clone();
                thread::spawn(move || queue.pop())
            };
            // the spin is bounded: it gives up and parks
            until(|| parked(&queue) == 1);
            queue.push(7).unwrap();
            assert_eq!(worker.join().unwrap(), Some(7), "the push must wake it");
        });
    }

    #[test]
    fn a_spinning_worker_takes_a_push_without_parking() {
        within_patience(|| {
            let queue = Arc::new(Queue::new(FOREVER));
            let worker = {
                let queue = queue.clone();
                thread::spawn(move || queue.pop())
            };
            until(|| queue.spinning.load(Ordering::Acquire));
            queue.push(7).unwrap();
            assert_eq!(worker.join().unwrap(), Some(7));
            assert_eq!(parked(&queue), 0, "it never parked");
        });
    }

    #[test]
    fn one_worker_spins_the_others_park_and_every_job_is_taken_once() {
        within_patience(|| {
            let queue = Arc::new(Queue::new(FOREVER));
            let workers: Vec<_> = (0..3)
                .map(|_| {
                    let queue = queue.clone();
                    thread::spawn(move || queue.pop())
                })
                .collect();
            // One spins, two park at once (a FOREVER spin never ends by itself).
            until(|| queue.spinning.load(Ordering::Acquire) && parked(&queue) == 2);
            for job in 0..3 {
                queue.push(job).unwrap();
            }
            let mut got: Vec<_> =
                workers.into_iter().map(|w| w.join().unwrap()).collect();
            got.sort();
            assert_eq!(got, [Some(0), Some(1), Some(2)], "each job exactly once");
        });
    }

    #[test]
    fn a_push_wakes_a_worker_only_if_one_is_parked() {
        within_patience(|| {
            let wakes = |queue: &Queue<u32>| queue.wakes.load(Ordering::Relaxed);
            // Nobody waiting: no notify (no system call).
            let queue = Arc::new(Queue::new(Handoff::PARK));
            queue.push(1).unwrap();
            assert_eq!(queue.pop(), Some(1));
            assert_eq!(
                wakes(&queue),
                0,
                "a push woke a worker when none was parked"
            );
            // A spinning worker takes its job without a notify.
            let spun = Arc::new(Queue::new(FOREVER));
            let worker = {
                let spun = spun.clone();
                thread::spawn(move || spun.pop())
            };
            until(|| spun.spinning.load(Ordering::Acquire));
            spun.push(2).unwrap();
            assert_eq!(worker.join().unwrap(), Some(2));
            assert_eq!(
                wakes(&spun),
                0,
                "a push woke a worker although one was spinning"
            );
            // A parked worker is woken once; after it left, the next
            // push wakes nobody.
            let worker = {
                let queue = queue.clone();
                thread::spawn(move || queue.pop())
            };
            until(|| parked(&queue) == 1);
            queue.push(3).unwrap();
            assert_eq!(worker.join().unwrap(), Some(3));
            assert_eq!(wakes(&queue), 1);
            assert_eq!(
                parked(&queue),
                0,
                "a woken worker must stop counting as parked"
            );
            queue.push(4).unwrap();
            assert_eq!(wakes(&queue), 1, "a push woke a worker that had left");
        });
    }

    #[test]
    fn close_ends_a_spinning_and_a_parked_worker() {
        within_patience(|| {
            let queue = Arc::new(Queue::<u32>::new(FOREVER));
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let queue = queue.clone();
                    thread::spawn(move || queue.pop())
                })
                .collect();
            until(|| queue.spinning.load(Ordering::Acquire) && parked(&queue) == 1);
            assert!(queue.close(false).is_empty());
            for worker in workers {
                assert_eq!(worker.join().unwrap(), None);
            }
        });
    }
}
