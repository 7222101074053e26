//! Exercise 1: CPython's `Future`, callbacks included (solution).

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

    /// Stores the outcome, wakes the waiters, then runs the callbacks
    /// with the lock released.
    fn complete(
        &self,
        mut inner: MutexGuard<'_, Inner<T>>,
        state: State,
        outcome: Outcome<T>,
    ) {
        inner.state = state;
        inner.outcome = Some(outcome.clone());
        let callbacks = std::mem::take(&mut inner.callbacks);
        drop(inner);
        self.done.notify_all();
        for callback in callbacks {
            run(callback, &outcome);
        }
    }

    /// Cancels the task if it is pending; `true` if it is cancelled
    /// (now or before), `false` if it is running or finished. A
    /// successful cancel completes the task: waiters in `result()` wake
    /// up with `Outcome::Cancelled`, and the callbacks run.
    pub fn cancel(&self) -> bool {
        let inner = self.lock();
        match inner.state {
            State::Pending => {
                self.complete(inner, State::Cancelled, Outcome::Cancelled);
                true
            }
            State::Cancelled => true,
            State::Running | State::Finished => false,
        }
    }

    /// The worker's claim, before it runs the task: `true` if the task was pending
    /// and is now running, `false` if it was cancelled (the worker must skip it).
    /// Panics if the task is running or finished already.
    pub fn set_running_or_notify_cancel(&self) -> bool {
        let mut inner = self.lock();
        match inner.state {
            State::Pending => {
                inner.state = State::Running;
                true
            }
            State::Cancelled => false,
            other => {
                drop(inner);
                panic!("set_running_or_notify_cancel on a task that is {other:?}")
            }
        }
    }

    /// The worker's report: the task returned `value`. The task is finished, waiters
    /// wake up, the callbacks run, each once, in the order they were added, on this
    /// thread. Panics if the task was cancelled or has a result already.
    pub fn set_result(&self, value: T) {
        let inner = self.lock();
        if let state @ (State::Cancelled | State::Finished) = inner.state {
            drop(inner);
            panic!("set_result on a task that is {state:?}");
        }
        self.complete(inner, State::Finished, Outcome::Value(value));
    }

    /// Calls `callback` with the outcome once the task is done: at
    /// once, on this thread, if it is done already; otherwise later, on
    /// the thread that completes it.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&Outcome<T>) + Send + 'static,
    ) {
        let mut inner = self.lock();
        match inner.outcome.clone() {
            Some(outcome) => {
                drop(inner);
                run(Box::new(callback), &outcome);
            }
            None => inner.callbacks.push(Box::new(callback)),
        }
    }

    /// Waits until the task is done (finished or cancelled) and returns its outcome.
    pub fn result(&self) -> Outcome<T> {
        let mut inner = self.lock();
        loop {
            if let Some(outcome) = &inner.outcome {
                return outcome.clone();
            }
            inner = self.done.wait(inner).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Runs one callback; a panic in it does not stop the others (CPython
/// logs it and goes on).
fn run<T>(callback: Callback<T>, outcome: &Outcome<T>) {
    let _ = catch_unwind(AssertUnwindSafe(|| callback(outcome)));
}
