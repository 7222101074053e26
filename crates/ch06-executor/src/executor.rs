//! The [`Executor`] trait both back ends implement, and the functions that wait on
//! many tickets: [`as_completed`] and [`wait`].

use std::collections::VecDeque;
use std::sync::mpsc;

use ch03_processes::Wire;

use crate::error::{SubmitError, TaskError};
use crate::ticket::Ticket;

// ANCHOR: executor
/// Runs tasks on workers and hands back a [`Ticket`] per task: CPython's
/// `concurrent.futures.Executor`.
///
/// A task is a function and its argument, `f(arg)`, as in CPython's
/// `submit(fn, *args)`. The bounds are the process back end's: a plain `fn` (no
/// captures: only code crosses to another process, by address) and [`Wire`] values
/// (they cross as bytes). The thread back end accepts the same calls, so code written
/// against `impl Executor` runs on either; it also has
/// [`crate::ThreadExecutor::spawn`] for closures.
pub trait Executor: Send + Sync {
    /// Queues `f(arg)`; fails after `shutdown`, or once a process pool is broken.
    fn submit<A, R>(&self, f: fn(A) -> R, arg: A) -> Result<Ticket<R>, SubmitError>
    where
        A: Wire + Send + 'static,
        R: Wire + Send + 'static;

    /// Stops taking tasks. With `cancel_pending`, cancels every task no worker has
    /// started. With `wait`, returns once the running (and, without `cancel_pending`,
    /// the queued) tasks are done and the workers are gone. `Drop` calls
    /// `shutdown(true, false)`: the `with` block's exit.
    fn shutdown(&self, wait: bool, cancel_pending: bool);

    /// Submits `f(arg)` for every argument at once, and gives the results in the
    /// order of the arguments (CPython's `Executor.map`).
    fn map<A, R>(
        &self,
        f: fn(A) -> R,
        args: impl IntoIterator<Item = A>,
    ) -> Result<InOrder<R>, SubmitError>
    where
        Self: Sized,
        A: Wire + Send + 'static,
        R: Wire + Clone + Send + 'static,
    {
        let mut tickets = VecDeque::new();
        for arg in args {
            match self.submit(f, arg) {
                Ok(ticket) => tickets.push_back(ticket),
                Err(e) => {
                    for ticket in &tickets {
                        ticket.cancel();
                    }
                    return Err(e);
                }
            }
        }
        Ok(InOrder { tickets })
    }
}
// ANCHOR_END: executor

/// The results of [`Executor::map`], in the order of the arguments. Each `next` waits
/// for its task, so one slow task holds back the ones behind it. Dropping it cancels
/// the tasks not started yet (as CPython's `map` does when its generator is closed).
pub struct InOrder<R: Clone> {
    tickets: VecDeque<Ticket<R>>,
}

impl<R: Clone> Iterator for InOrder<R> {
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.tickets.pop_front().map(|t| t.result())
    }
}

impl<R: Clone> Drop for InOrder<R> {
    fn drop(&mut self) {
        for ticket in &self.tickets {
            ticket.cancel();
        }
    }
}

// ANCHOR: as_completed
/// Yields the tickets as their tasks complete, first finished first (CPython's
/// `as_completed`). Each ticket it yields is done: its `result()` does not block.
pub fn as_completed<R>(
    tickets: impl IntoIterator<Item = Ticket<R>>,
) -> AsCompleted<R> {
    let (tx, completed) = mpsc::channel();
    let tickets: Vec<Option<Ticket<R>>> = tickets.into_iter().map(Some).collect();
    for (index, ticket) in tickets.iter().flatten().enumerate() {
        ticket.shared.watch(index, tx.clone());
    }
    AsCompleted {
        left: tickets.len(),
        tickets,
        completed,
    }
}

/// The iterator [`as_completed`] returns.
pub struct AsCompleted<R> {
    tickets: Vec<Option<Ticket<R>>>,
    left: usize,
    completed: mpsc::Receiver<usize>,
}

impl<R> Iterator for AsCompleted<R> {
    type Item = Ticket<R>;

    fn next(&mut self) -> Option<Ticket<R>> {
        if self.left == 0 {
            return None;
        }
        // Every ticket's promise completes it, even when dropped: a
        // sender always comes.
        let index = self.completed.recv().ok()?;
        self.left -= 1;
        self.tickets[index].take()
    }
}
// ANCHOR_END: as_completed

/// When [`wait`] returns (CPython's `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as one task is done (or cancelled).
    FirstCompleted,
    /// As soon as one task fails (a cancelled one does not count); if none fails,
    /// when all are done.
    FirstException,
    /// When every task is done.
    AllCompleted,
}

/// Done and not-done tickets, as [`wait`] returns them.
pub type DoneAndNotDone<R> = (Vec<Ticket<R>>, Vec<Ticket<R>>);

// ANCHOR: wait
/// Waits until `return_when` holds, then splits the tickets into (done, not done),
/// each in the order given.
pub fn wait<R>(
    tickets: impl IntoIterator<Item = Ticket<R>>,
    return_when: ReturnWhen,
) -> DoneAndNotDone<R> {
    let tickets: Vec<Ticket<R>> = tickets.into_iter().collect();
    let (tx, completed) = mpsc::channel();
    for (index, ticket) in tickets.iter().enumerate() {
        ticket.shared.watch(index, tx.clone());
    }
    drop(tx);
    let mut done = vec![false; tickets.len()];
    let mut count = 0;
    while count < tickets.len() {
        let Ok(index) = completed.recv() else { break };
        done[index] = true;
        count += 1;
        let stop = match return_when {
            ReturnWhen::FirstCompleted => true,
            ReturnWhen::FirstException => tickets[index].failed(),
            ReturnWhen::AllCompleted => false,
        };
        if stop {
            break;
        }
    }
    // Tasks that completed while we looked are done too (CPython's sets
    // are taken at return).
    let (done, not_done): (Vec<_>, Vec<_>) = tickets
        .into_iter()
        .zip(done)
        .partition(|(ticket, seen)| *seen || ticket.done());
    (
        done.into_iter().map(|(t, _)| t).collect(),
        not_done.into_iter().map(|(t, _)| t).collect(),
    )
}
// ANCHOR_END: wait
