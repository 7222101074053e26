//! Exercise 3: the hedged request.
//!
//! The exercises depend on no chapter crate, so this one brings a small copy of what
//! it needs from the chapter: a [`Server`] (an executor with one worker thread), its
//! [`Ticket`]s with `result`, `cancel`, `cancelled`, `running`, `done`, and
//! [`as_completed`]. They are given. You write [`first_success`].

use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};

use support::panic_message;

/// Why a ticket holds no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The task was cancelled before it started.
    Cancelled,
    /// The task panicked, with this message.
    Panicked(String),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => write!(f, "cancelled before it started"),
            TaskError::Panicked(message) => write!(f, "panicked: {message}"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending,
    Running,
    Cancelled,
    Finished,
}

struct Slot<R> {
    phase: Phase,
    outcome: Option<Result<R, TaskError>>,
    /// `as_completed` listeners: the ticket's position, and where to
    /// send it once done.
    watchers: Vec<(usize, Sender<usize>)>,
}

struct Shared<R> {
    slot: Mutex<Slot<R>>,
    finished: Condvar,
}

/// A claim on the result of a task submitted to a [`Server`]. Clones
/// share the same task.
pub struct Ticket<R> {
    shared: Arc<Shared<R>>,
}

impl<R> Clone for Ticket<R> {
    fn clone(&self) -> Self {
        Ticket {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<R> Ticket<R> {
    fn pending() -> Self {
        let slot = Slot {
            phase: Phase::Pending,
            outcome: None,
            watchers: Vec::new(),
        };
        Ticket {
            shared: Arc::new(Shared {
                slot: Mutex::new(slot),
                finished: Condvar::new(),
            }),
        }
    }

    fn slot(&self) -> MutexGuard<'_, Slot<R>> {
        self.shared.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores the outcome, wakes `result()` and tells the watchers, all
    /// under one lock.
    fn complete(
        &self,
        mut slot: MutexGuard<'_, Slot<R>>,
        outcome: Result<R, TaskError>,
    ) {
        slot.outcome = Some(outcome);
        for (index, watcher) in slot.watchers.drain(..) {
            let _ = watcher.send(index); // a dropped `as_completed` no longer listens
        }
        self.shared.finished.notify_all();
    }

    /// The worker's claim: `false` if the task was cancelled while it
    /// waited in the queue.
    fn start(&self) -> bool {
        let mut slot = self.slot();
        if slot.phase != Phase::Pending {
            return false;
        }
        slot.phase = Phase::Running;
        true
    }

    fn finish(&self, outcome: Result<R, TaskError>) {
        let mut slot = self.slot();
        slot.phase = Phase::Finished;
        self.complete(slot, outcome);
    }

    /// Cancels the task if no worker has started it (CPython's `Future.cancel`).
    /// `true` if it is cancelled (now or before), `false` if it is running or
    /// finished: a running task cannot be stopped, it runs to its end.
    pub fn cancel(&self) -> bool {
        let mut slot = self.slot();
        match slot.phase {
            Phase::Pending => {
                slot.phase = Phase::Cancelled;
                self.complete(slot, Err(TaskError::Cancelled));
                true
            }
            phase => phase == Phase::Cancelled,
        }
    }

    /// `true` if the task was cancelled before it started.
    pub fn cancelled(&self) -> bool {
        self.slot().phase == Phase::Cancelled
    }

    /// `true` while a worker runs the task.
    pub fn running(&self) -> bool {
        self.slot().phase == Phase::Running
    }

    /// `true` once the task finished or was cancelled: `result()` would not block.
    pub fn done(&self) -> bool {
        self.slot().outcome.is_some()
    }

    fn watch(&self, index: usize, watcher: Sender<usize>) {
        let mut slot = self.slot();
        if slot.outcome.is_some() {
            let _ = watcher.send(index);
        } else {
            slot.watchers.push((index, watcher));
        }
    }
}

impl<R: Clone> Ticket<R> {
    /// Waits for the task and returns a copy of its result (it may be asked again).
    pub fn result(&self) -> Result<R, TaskError> {
        let mut slot = self.slot();
        loop {
            if let Some(outcome) = &slot.outcome {
                return outcome.clone();
            }
            slot = self
                .shared
                .finished
                .wait(slot)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// The tickets as their tasks complete, first finished first (CPython's
/// `as_completed`), each with its position in the slice given:
/// `(index, ticket)`. Each ticket it yields is done, so its `result()`
/// does not block. No tickets, no items.
pub fn as_completed<R>(tickets: &[Ticket<R>]) -> AsCompleted<R> {
    let (tx, completed) = mpsc::channel();
    for (index, ticket) in tickets.iter().enumerate() {
        ticket.watch(index, tx.clone());
    }
    // only the tickets' senders are left: once each has sent, the iteration ends
    drop(tx);
    AsCompleted {
        tickets: tickets.to_vec(),
        completed,
    }
}

/// The iterator [`as_completed`] returns.
pub struct AsCompleted<R> {
    tickets: Vec<Ticket<R>>,
    completed: Receiver<usize>,
}

impl<R> Iterator for AsCompleted<R> {
    type Item = (usize, Ticket<R>);

    fn next(&mut self) -> Option<Self::Item> {
        // Each ticket sends its index once and drops its sender: after
        // the last, `recv` fails.
        let index = self.completed.recv().ok()?;
        Some((index, self.tickets[index].clone()))
    }
}

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

/// One replica: a worker thread that runs the tasks submitted to it, one at a time,
/// in order. A task submitted while the worker is busy waits in its queue (pending):
/// it can be cancelled until the worker takes it. Dropping the server runs what is
/// still queued (skipping the cancelled tasks) and joins the worker.
pub struct Server {
    queue: Arc<(Mutex<Queue>, Condvar)>,
    worker: Option<JoinHandle<()>>,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// Starts the worker thread.
    pub fn new() -> Self {
        let queue: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let shared = Arc::clone(&queue);
        let worker = thread::spawn(move || {
            let (jobs, available) = &*shared;
            loop {
                let mut q = jobs.lock().unwrap_or_else(|e| e.into_inner());
                while q.jobs.is_empty() && !q.closed {
                    q = available.wait(q).unwrap_or_else(|e| e.into_inner());
                }
                let Some(job) = q.jobs.pop_front() else {
                    return;
                };
                drop(q);
                job();
            }
        });
        Server {
            queue,
            worker: Some(worker),
        }
    }

    /// Queues `task`; its ticket gives its result, or the message of its panic.
    pub fn submit<R, F>(&self, task: F) -> Ticket<R>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        let ticket = Ticket::pending();
        let claim = ticket.clone();
        let job: Job = Box::new(move || {
            if claim.start() {
                let outcome = catch_unwind(AssertUnwindSafe(task))
                    .map_err(|payload| TaskError::Panicked(panic_message(&*payload)));
                claim.finish(outcome);
            }
        });
        let (jobs, available) = &*self.queue;
        jobs.lock()
            .unwrap_or_else(|e| e.into_inner())
            .jobs
            .push_back(job);
        available.notify_one();
        ticket
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let (jobs, available) = &*self.queue;
        jobs.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        available.notify_one();
        if let Some(worker) = self.worker.take() {
            // tasks' panics are caught: the worker never panics
            let _ = worker.join();
        }
    }
}

/// Why one replica gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure<E> {
    /// The replica answered with an error.
    Replica(E),
    /// The task gave no answer at all: it panicked, or was cancelled
    /// before it started.
    Task(TaskError),
}

/// Why [`first_success`] has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HedgeError<E> {
    /// No replica was asked.
    NoReplicas,
    /// Every replica failed: each failure with the replica's index, in
    /// submission order.
    AllFailed(Vec<(usize, Failure<E>)>),
}

impl<E: fmt::Display> fmt::Display for HedgeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HedgeError::NoReplicas => write!(f, "no replica to ask"),
            HedgeError::AllFailed(failures) => {
                write!(f, "all {} replicas failed", failures.len())?;
                for (index, failure) in failures {
                    match failure {
                        Failure::Replica(e) => write!(f, "; replica {index}: {e}")?,
                        Failure::Task(e) => write!(f, "; replica {index}: {e}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for HedgeError<E> {}

// ANCHOR: starter
/// The hedged request: `replicas` are the tickets of the same question asked to
/// several replicas. Returns the first answer that is `Ok`, in the order the replicas
/// complete (not the order they were asked), after cancelling every replica still
/// queued. When every replica fails, returns `HedgeError::AllFailed` with every
/// failure and its index, in the order of `replicas`; with no replicas,
/// `HedgeError::NoReplicas`.
pub fn first_success<T, E>(
    replicas: &[Ticket<Result<T, E>>],
) -> Result<T, HedgeError<E>>
where
    T: Clone,
    E: Clone,
{
    if replicas.is_empty() {
        return Err(HedgeError::NoReplicas);
    }
    let mut failures = Vec::with_capacity(replicas.len());
    for (index, ticket) in as_completed(replicas) {
        match ticket.result() {
            Ok(Ok(value)) => {
                for replica in replicas {
                    // false for a running one: it runs on, its answer unused
                    replica.cancel();
                }
                return Ok(value);
            }
            Ok(Err(e)) => failures.push((index, Failure::Replica(e))),
            Err(e) => failures.push((index, Failure::Task(e))),
        }
    }
    // completion order back to submission order
    failures.sort_by_key(|&(index, _)| index);
    Err(HedgeError::AllFailed(failures))
}
// ANCHOR_END: starter
