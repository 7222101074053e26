//! [`Ticket`]: what `submit` hands back. CPython calls it a `Future`.
//!
//! The name is not `Future` on purpose. In Rust, [`std::future::Future`] is a value
//! that an async runtime *polls*: nothing happens until someone polls it, and it
//! never blocks a thread. A CPython `concurrent.futures.Future` is the opposite: the
//! work is already handed over, queued or running on a worker, and goes on with
//! nobody polling it; `result()` blocks the calling thread until it is done. A ticket
//! is the second kind: you get it when you hand in the work, and you redeem it for
//! the result, waiting if you must. (It can *also* be awaited: see
//! [`crate::bridge`].)

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::Waker;
use std::time::{Duration, Instant};

use crate::error::TaskError;
#[cfg(test)]
use crate::handoff::Handoff;
use crate::handoff::Spinner;
use crate::state::{Phase, State};

/// Who is waiting for a task to complete, besides `result()`: async tasks, and any
/// `as_completed` / `wait` over this ticket (told the ticket's index in their list).
pub(crate) struct Slot<R> {
    pub(crate) outcome: Option<Result<R, TaskError>>,
    /// The waker of each clone of the ticket that was polled, by the clone's key:
    /// tasks awaiting clones of one ticket are all woken.
    pub(crate) wakers: Vec<(usize, Waker)>,
    /// The key the next polled clone gets.
    pub(crate) next_key: usize,
    watchers: Vec<(usize, Sender<usize>)>,
    /// Threads parked in `result()` (completing wakes them only if there are any).
    parked: usize,
}

// ANCHOR: shared
/// The state a ticket shares with the worker side ([`Promise`]).
pub(crate) struct Shared<R> {
    pub(crate) state: State,
    pub(crate) slot: Mutex<Slot<R>>,
    ready: Condvar,
    /// Set once the outcome is in the slot: what `result()` spins on before it parks.
    done: AtomicBool,
    /// How `result()` waits (shared by the tickets of one executor).
    spinner: Arc<Spinner>,
    /// What `result()` does on each turn of its spin, if anything (see [`Help`]).
    help: Option<Help>,
}
// ANCHOR_END: shared

/// Work a spinning `result()` does between two looks at its ticket: the process back
/// end reads its workers' report pipes, so that the result does not wait for a driver
/// thread to wake up (see `process::Pool::pump`). It must never block.
pub(crate) type Help = Arc<dyn Fn() + Send + Sync>;

impl<R> Shared<R> {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Slot<R>> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ANCHOR: complete
    /// Stores the outcome (the first one only) and tells everyone waiting.
    fn complete(&self, outcome: Result<R, TaskError>) {
        let (wakers, watchers, parked) = {
            let mut slot = self.lock();
            if slot.outcome.is_some() {
                return;
            }
            slot.outcome = Some(outcome);
            self.done.store(true, Ordering::Release);
            if self.state.phase() == Phase::Running {
                self.state.finish();
            }
            (
                std::mem::take(&mut slot.wakers),
                std::mem::take(&mut slot.watchers),
                slot.parked > 0,
            )
        };
        if parked {
            self.ready.notify_all();
        }
        for (_, waker) in wakers {
            waker.wake();
        }
        for (index, watcher) in watchers {
            // a watcher that gave up has dropped its receiver
            let _ = watcher.send(index);
        }
    }
    // ANCHOR_END: complete

    /// Registers a watcher: it is sent `index` when the task completes
    /// (at once if it has).
    pub(crate) fn watch(&self, index: usize, watcher: Sender<usize>) {
        let mut slot = self.lock();
        if slot.outcome.is_some() {
            let _ = watcher.send(index);
        } else {
            slot.watchers.push((index, watcher));
        }
    }
}

// ANCHOR: ticket
/// A claim on the result of a submitted task.
///
/// Cloning a ticket gives another claim on the same task (CPython's futures are
/// shared references too). Dropping every ticket does not cancel the task.
pub struct Ticket<R> {
    pub(crate) shared: Arc<Shared<R>>,
    /// This clone's key among the wakers, given at its first pending `poll`.
    pub(crate) key: Option<usize>,
}
// ANCHOR_END: ticket

impl<R> Clone for Ticket<R> {
    fn clone(&self) -> Self {
        Ticket {
            shared: self.shared.clone(),
            key: None, // a clone may be awaited by another task: a waker of its own
        }
    }
}

impl<R> std::fmt::Debug for Ticket<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("phase", &self.phase())
            .finish()
    }
}

impl<R> Ticket<R> {
    /// A new pending task: the ticket for its owner, the promise for the worker.
    #[cfg(test)]
    pub(crate) fn new() -> (Ticket<R>, Promise<R>) {
        Self::with_handoff(Handoff::default())
    }

    /// A new pending task whose `result()` waits as `handoff` says.
    #[cfg(test)]
    pub(crate) fn with_handoff(handoff: Handoff) -> (Ticket<R>, Promise<R>) {
        Self::with_spinner(Arc::new(Spinner::new(handoff)))
    }

    /// A new pending task whose `result()` spins (or not) as `spinner` says.
    pub(crate) fn with_spinner(spinner: Arc<Spinner>) -> (Ticket<R>, Promise<R>) {
        Self::with_help(spinner, None)
    }

    /// A new pending task whose `result()` spins (or not) as `spinner` says, and
    /// calls `help` on every turn of its spin.
    pub(crate) fn with_help(
        spinner: Arc<Spinner>,
        help: Option<Help>,
    ) -> (Ticket<R>, Promise<R>) {
        let shared = Arc::new(Shared {
            state: State::new(),
            slot: Mutex::new(Slot {
                outcome: None,
                wakers: Vec::new(),
                next_key: 0,
                watchers: Vec::new(),
                parked: 0,
            }),
            ready: Condvar::new(),
            done: AtomicBool::new(false),
            spinner,
            help,
        });
        (
            Ticket {
                shared: shared.clone(),
                key: None,
            },
            Promise {
                shared,
                settled: false,
            },
        )
    }

    /// Pending, running, cancelled or finished (it may change right after).
    pub fn phase(&self) -> Phase {
        self.shared.state.phase()
    }

    /// `true` once the task finished or was cancelled: `result()` would not block.
    pub fn done(&self) -> bool {
        self.shared.lock().outcome.is_some()
    }

    /// `true` while a worker runs the task.
    pub fn running(&self) -> bool {
        self.phase() == Phase::Running
    }

    /// `true` if the task was cancelled.
    pub fn cancelled(&self) -> bool {
        self.phase() == Phase::Cancelled
    }

    // ANCHOR: cancel
    /// Cancels the task if no worker has started it. Returns `true` if it is
    /// cancelled (now or before), `false` if it is running or finished: a running
    /// task cannot be stopped.
    pub fn cancel(&self) -> bool {
        if self.shared.state.try_cancel() {
            self.shared.complete(Err(TaskError::Cancelled));
            return true;
        }
        self.cancelled()
    }
    // ANCHOR_END: cancel

    /// `true` if the task completed with an error other than being cancelled
    /// (CPython's `FIRST_EXCEPTION` counts these).
    pub fn failed(&self) -> bool {
        matches!(
            self.shared.lock().outcome,
            Some(Err(ref e)) if *e != TaskError::Cancelled
        )
    }
}

impl<R: Clone> Ticket<R> {
    // ANCHOR: result
    /// Waits for the task and returns its result (a copy: the ticket keeps it, as
    /// CPython's `result()` may be called again).
    pub fn result(&self) -> Result<R, TaskError> {
        let shared = &*self.shared;
        shared.spinner.spin(|| {
            if let Some(help) = &shared.help {
                help();
            }
            shared.done.load(Ordering::Acquire)
        });
        let mut slot = shared.lock();
        loop {
            if let Some(outcome) = &slot.outcome {
                return outcome.clone();
            }
            // Counted under the lock `complete` takes: it sees this
            // waiter and notifies.
            slot.parked += 1;
            slot = shared.ready.wait(slot).unwrap_or_else(|e| e.into_inner());
            slot.parked -= 1;
        }
    }
    // ANCHOR_END: result

    /// Waits at most `timeout`; [`TaskError::Timeout`] if the task is not done by
    /// then (it goes on, and a later call can still get its result).
    pub fn result_timeout(&self, timeout: Duration) -> Result<R, TaskError> {
        let deadline = Instant::now() + timeout;
        let mut slot = self.shared.lock();
        loop {
            if let Some(outcome) = &slot.outcome {
                return outcome.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TaskError::Timeout);
            }
            slot.parked += 1;
            slot = self
                .shared
                .ready
                .wait_timeout(slot, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            slot.parked -= 1;
        }
    }
}

// ANCHOR: promise
/// The worker side of a ticket: start the task, then settle it, exactly once.
///
/// A promise dropped unsettled (its job was lost: a queue dropped, a worker thread
/// gone) settles its ticket with [`TaskError::Lost`], so no `result()` waits forever.
pub(crate) struct Promise<R> {
    shared: Arc<Shared<R>>,
    settled: bool,
}

impl<R> Promise<R> {
    /// The worker's claim (see [`State::try_start`]): `false` means
    /// cancelled, skip it.
    pub(crate) fn start(&self) -> bool {
        self.shared.state.try_start()
    }

    /// Stores the outcome of a task this worker started.
    pub(crate) fn settle(mut self, outcome: Result<R, TaskError>) {
        self.settled = true;
        self.shared.complete(outcome);
    }

    /// Fails the task whether it is pending or running (a broken pool); a cancelled
    /// one stays cancelled.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    pub(crate) fn fail(mut self, error: TaskError) {
        self.settled = true;
        let state = &self.shared.state;
        if state.try_start() || state.phase() == Phase::Running {
            self.shared.complete(Err(error));
        }
    }

    /// Cancels a task that never started (shutdown with `cancel_pending`).
    pub(crate) fn cancel(mut self) {
        self.settled = true;
        if self.shared.state.try_cancel() {
            self.shared.complete(Err(TaskError::Cancelled));
        }
    }
}

impl<R> Drop for Promise<R> {
    fn drop(&mut self) {
        if !self.settled {
            let state = &self.shared.state;
            if state.try_start() || state.phase() == Phase::Running {
                self.shared.complete(Err(TaskError::Lost {
                    reason: "its executor dropped the task without running it".into(),
                }));
            }
        }
    }
}
// ANCHOR_END: promise

// Not under loom: loom's atomics work only inside `loom::model`.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_pending_task_can_be_cancelled_once_and_never_starts() {
        let (ticket, promise) = Ticket::<u64>::new();
        assert_eq!(ticket.phase(), Phase::Pending);
        assert!(!ticket.done());
        assert!(ticket.cancel());
        assert!(
            ticket.cancel(),
            "cancel on a cancelled task says true, as CPython's"
        );
        assert!(!promise.start(), "a cancelled task must not start");
        assert!(ticket.done() && ticket.cancelled());
        assert_eq!(ticket.result(), Err(TaskError::Cancelled));
    }

    #[test]
    fn a_running_task_cannot_be_cancelled() {
        let (ticket, promise) = Ticket::<u64>::new();
        assert!(promise.start());
        assert!(ticket.running());
        assert!(
            !ticket.cancel(),
            "cancel must fail once a worker started the task"
        );
        promise.settle(Ok(7));
        assert!(!ticket.cancel(), "nor after it finished");
        assert_eq!(ticket.phase(), Phase::Finished);
        assert_eq!(ticket.result(), Ok(7));
        assert_eq!(ticket.result(), Ok(7), "result() may be asked twice");
    }

    #[test]
    fn timeouts_leave_the_task_alone() {
        let (ticket, promise) = Ticket::<u64>::new();
        assert_eq!(
            ticket.result_timeout(Duration::from_millis(1)),
            Err(TaskError::Timeout)
        );
        assert!(promise.start());
        promise.settle(Ok(1));
        assert_eq!(ticket.result_timeout(Duration::ZERO), Ok(1));
    }

    #[test]
    fn a_dropped_promise_never_leaves_a_waiter_hanging() {
        let (ticket, promise) = Ticket::<u64>::new();
        drop(promise);
        assert!(matches!(ticket.result(), Err(TaskError::Lost { .. })));
    }

    /// Waits (no timing asserted) until `what` holds.
    fn until(what: impl Fn() -> bool) {
        while !what() {
            std::thread::yield_now();
        }
    }

    #[test]
    fn result_parks_when_its_spin_runs_out_and_completing_wakes_it() {
        support::within_patience(|| {
            for handoff in [
                Handoff::PARK,
                Handoff::spin_then_park(Duration::from_micros(50)),
            ] {
                let (ticket, promise) = Ticket::<u64>::with_handoff(handoff);
                let waiter = {
                    let ticket = ticket.clone();
                    std::thread::spawn(move || ticket.result())
                };
                until(|| ticket.shared.lock().parked == 1); // the park path, for sure
                assert!(promise.start());
                promise.settle(Ok(42));
                assert_eq!(waiter.join().unwrap(), Ok(42), "{handoff:?}");
            }
        });
    }

    #[test]
    fn a_spinning_result_gets_its_outcome_without_parking() {
        support::within_patience(|| {
            let forever = Handoff::spin_then_park(Duration::from_secs(3600));
            let (ticket, promise) = Ticket::<u64>::with_handoff(forever);
            let waiter = {
                let ticket = ticket.clone();
                std::thread::spawn(move || ticket.result())
            };
            assert!(promise.start());
            promise.settle(Ok(42));
            assert_eq!(waiter.join().unwrap(), Ok(42));
            assert_eq!(
                ticket.shared.lock().parked,
                0,
                "a spin that never ends never parks"
            );
        });
    }

    #[test]
    fn failing_a_cancelled_task_keeps_it_cancelled() {
        let (ticket, promise) = Ticket::<u64>::new();
        assert!(ticket.cancel());
        promise.fail(TaskError::Timeout);
        assert_eq!(ticket.result(), Err(TaskError::Cancelled));
        assert!(!ticket.failed());
    }
}
