//! Step 1: the smallest pool that works. n threads share one queue of boxed closures.
//!
//! It runs tasks, but it has no way to hand back a result, and one panicking task
//! kills its worker for good: the pool shrinks without telling anyone. Step 2
//! ([`crate::thread_pool`]) fixes both.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

// ANCHOR: job
/// A task, type-erased: any closure that can move to another thread and runs once.
type Job = Box<dyn FnOnce() + Send + 'static>;
// ANCHOR_END: job

// ANCHOR: minimal_pool
/// n worker threads pulling jobs from one shared channel.
pub struct MinimalPool {
    queue: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl MinimalPool {
    /// Starts `n` workers. (Panics on `n == 0` or if a thread cannot start: step 2
    /// returns errors.)
    pub fn new(n: usize) -> Self {
        assert!(n > 0, "a pool needs at least one worker");
        let (queue, jobs) = mpsc::channel::<Job>();
        // One receiver, many workers: the mutex lets exactly one of
        // them take each job.
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..n).map(|_| spawn_worker(Arc::clone(&jobs))).collect();
        MinimalPool {
            queue: Some(queue),
            workers,
        }
    }

    /// Queues `job` for the next free worker.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        if let Some(queue) = &self.queue {
            // Fails only when every worker has died: then the job is
            // dropped, silently.
            let _ = queue.send(Box::new(job));
        }
    }
}

fn spawn_worker(jobs: Arc<Mutex<Receiver<Job>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        loop {
            // The guard is a temporary: the lock is released before the job runs.
            let job = jobs.lock().unwrap().recv();
            match job {
                // a panic here unwinds out of the loop: the worker is gone
                Ok(job) => job(),
                Err(_) => break, // the pool dropped its sender and the queue is empty
            }
        }
    })
}

impl Drop for MinimalPool {
    /// Closes the queue, lets the workers finish what is queued, and waits for them.
    fn drop(&mut self) {
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join(); // Err if the worker died of a panic
        }
    }
}
// ANCHOR_END: minimal_pool

impl MinimalPool {
    /// How many workers are still alive: a panicking job takes one away.
    pub fn live_workers(&self) -> usize {
        self.workers.iter().filter(|w| !w.is_finished()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use support::{Rendezvous, within_patience};

    #[test]
    fn runs_every_job_before_drop_returns() {
        within_patience(|| {
            let total = Arc::new(AtomicU64::new(0));
            let pool = MinimalPool::new(3);
            for n in 1..=100 {
                let total = Arc::clone(&total);
                pool.execute(move || {
                    total.fetch_add(n, Ordering::SeqCst);
                });
            }
            drop(pool);
            assert_eq!(total.load(Ordering::SeqCst), 5050);
        });
    }

    #[test]
    fn n_workers_run_n_jobs_at_once() {
        within_patience(|| {
            let pool = MinimalPool::new(4);
            let all_in = Arc::new(Rendezvous::new(4));
            let (done, results) = mpsc::channel();
            for _ in 0..4 {
                let (all_in, done) = (Arc::clone(&all_in), done.clone());
                pool.execute(move || {
                    done.send(all_in.arrive(support::PATIENCE)).unwrap()
                });
            }
            for _ in 0..4 {
                results
                    .recv()
                    .unwrap()
                    .expect("4 workers must hold 4 jobs at once");
            }
        });
    }

    // ANCHOR: lock_across_job_test
    /// The pitfall the comment in `spawn_worker` avoids: in a `while let`, the guard
    /// of `jobs.lock()` lives until the end of the loop body, so a worker holds the
    /// queue's lock while its job runs, and no other worker can take a job meanwhile.
    #[test]
    fn holding_the_queue_lock_while_the_job_runs_serialises_the_pool() {
        within_patience(|| {
            let (queue, jobs) = mpsc::channel::<Job>();
            let jobs = Arc::new(Mutex::new(jobs));
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let jobs = Arc::clone(&jobs);
                    thread::spawn(move || {
                        while let Ok(job) = jobs.lock().unwrap().recv() {
                            job(); // the guard is still alive here
                        }
                    })
                })
                .collect();
            let meet = Arc::new(Rendezvous::new(2));
            let inside = Arc::new(support::InFlight::new());
            let (done, results) = mpsc::channel();
            for _ in 0..2 {
                let (meet, inside, done) =
                    (Arc::clone(&meet), Arc::clone(&inside), done.clone());
                queue
                    .send(Box::new(move || {
                        let _in = inside.enter();
                        // Under the bug the other job cannot start while this one
                        // waits, so the wait can only time out; a short limit just
                        // keeps the test quick.
                        let met = meet.arrive(std::time::Duration::from_millis(200));
                        done.send(met.is_ok()).unwrap();
                    }))
                    .unwrap();
            }
            let met: Vec<bool> = (0..2).map(|_| results.recv().unwrap()).collect();
            drop(queue);
            for w in workers {
                w.join().unwrap();
            }
            // The first job waited in vain: its partner could not start. (The second
            // then finds the first one's arrival counted and passes, alone: only the
            // first result counts.)
            assert!(!met[0], "two workers never held two jobs at once");
            assert_eq!(inside.max(), 1, "the pool ran one job at a time");
        });
    }
    // ANCHOR_END: lock_across_job_test

    // ANCHOR: shrinks_test
    #[test]
    fn a_panicking_job_kills_its_worker_silently() {
        within_patience(|| {
            let pool = MinimalPool::new(2);
            pool.execute(|| panic!("task failed"));
            // Nothing reports the panic; only the worker count shows it.
            while pool.live_workers() != 1 {
                thread::sleep(std::time::Duration::from_millis(1));
            }
            assert_eq!(
                pool.live_workers(),
                1,
                "the pool shrank from 2 workers to 1"
            );
        });
    }
    // ANCHOR_END: shrinks_test
}
