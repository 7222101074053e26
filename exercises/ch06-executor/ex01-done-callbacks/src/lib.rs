//! Exercise 1: CPython's `Future`, callbacks included.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Where a task is in its life (CPython's PENDING, RUNNING, CANCELLED, FINISHED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Running,
    Cancelled,
    Finished,
}

/// How a task ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// It ran and returned this value.
    Value(T),
    /// It was cancelled before it started.
    Cancelled,
}

/// A function to call once the task is done, with its outcome.
pub type Callback<T> = Box<dyn FnOnce(&Outcome<T>) + Send + 'static>;

struct Inner<T> {
    state: State,
    outcome: Option<Outcome<T>>,
    callbacks: Vec<Callback<T>>,
}

/// The handle of one task, shared by its owner and the worker that runs it.
pub struct Ticket<T> {
    inner: Mutex<Inner<T>>,
    done: Condvar,
}

impl<T: Clone + Send> Default for Ticket<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone + Send> Ticket<T> {
    /// A pending task.
    pub fn new() -> Self {
        Ticket {
            inner: Mutex::new(Inner {
                state: State::Pending,
                outcome: None,
                callbacks: Vec::new(),
            }),
            done: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state now.
    pub fn state(&self) -> State {
        self.lock().state
    }

    // ANCHOR: starter
    /// Cancels the task if it is pending; `true` if it is cancelled
    /// (now or before), `false` if it is running or finished. A
    /// successful cancel completes the task: waiters in `result()` wake
    /// up with `Outcome::Cancelled`, and the callbacks run.
    pub fn cancel(&self) -> bool {
        // TODO
        todo!()
    }

    /// The worker's claim, before it runs the task: `true` if the task was pending
    /// and is now running, `false` if it was cancelled (the worker must skip it).
    /// Panics if the task is running or finished already.
    pub fn set_running_or_notify_cancel(&self) -> bool {
        // TODO
        todo!()
    }

    /// The worker's report: the task returned `value`. The task is finished, waiters
    /// wake up, the callbacks run, each once, in the order they were added, on this
    /// thread. Panics if the task was cancelled or has a result already.
    pub fn set_result(&self, value: T) {
        // TODO
        todo!()
    }

    /// Calls `callback` with the outcome once the task is done: at
    /// once, on this thread, if it is done already; otherwise later, on
    /// the thread that completes it.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&Outcome<T>) + Send + 'static,
    ) {
        // TODO
        todo!()
    }

    /// Waits until the task is done (finished or cancelled) and returns its outcome.
    pub fn result(&self) -> Outcome<T> {
        // TODO
        todo!()
    }
    // ANCHOR_END: starter
}
