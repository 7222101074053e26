//! The bridge to async: a [`Ticket`] is also a [`std::future::Future`], so async code
//! can `.await` it; and [`block_on`], the smallest executor of futures (std only).
//!
//! Awaiting a ticket does not block a thread: the first `poll` finds the task not
//! done, leaves its [`Waker`] in the ticket and returns `Pending`; the worker that
//! completes the task wakes that waker, and the runtime polls again.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use crate::error::TaskError;
use crate::ticket::Ticket;

// ANCHOR: future
impl<R: Clone> Future for Ticket<R> {
    type Output = Result<R, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut slot = this.shared.lock();
        if let Some(outcome) = &slot.outcome {
            return Poll::Ready(outcome.clone());
        }
        // Under the same lock the worker takes to complete: it cannot slip in between
        // the check above and this store, so the wake-up is never lost. Each clone
        // keeps a waker of its own: two tasks awaiting clones are both woken.
        let key = *this.key.get_or_insert_with(|| {
            slot.next_key += 1;
            slot.next_key
        });
        match slot.wakers.iter_mut().find(|(k, _)| *k == key) {
            Some((_, waker)) if waker.will_wake(cx.waker()) => {}
            Some((_, waker)) => *waker = cx.waker().clone(),
            None => slot.wakers.push((key, cx.waker().clone())),
        }
        Poll::Pending
    }
}
// ANCHOR_END: future

// ANCHOR: block_on
/// Wakes a thread by unparking it.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread, parking between polls.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
        // A wake before this park leaves a token: `park` then returns at once.
        thread::park();
    }
}
// ANCHOR_END: block_on

// Not under loom: loom's atomics work only inside `loom::model`.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::ThreadExecutor;
    use support::Gate;

    #[test]
    fn awaiting_tickets_gives_their_results() {
        let executor = ThreadExecutor::new(2).unwrap();
        let gate = Arc::new(Gate::new());
        let a = {
            let gate = gate.clone();
            executor
                .spawn(move || {
                    gate.wait_or_panic();
                    20u64
                })
                .unwrap()
        };
        let b = executor.spawn(|| 22u64).unwrap();
        let opener = thread::spawn(move || gate.open());
        // `a` is pending (behind the gate) at the first poll: only a
        // wake brings the result.
        let sum = block_on(async { a.await.unwrap() + b.await.unwrap() });
        opener.join().unwrap();
        assert_eq!(sum, 42);
    }

    #[test]
    fn a_pending_poll_stores_the_waker_and_completion_wakes_it() {
        use std::sync::mpsc;
        struct Tell(mpsc::Sender<()>);
        impl Wake for Tell {
            fn wake(self: Arc<Self>) {
                let _ = self.0.send(());
            }
        }
        let (tx, woken) = mpsc::channel();
        let waker = Waker::from(Arc::new(Tell(tx)));
        let mut cx = Context::from_waker(&waker);
        let executor = ThreadExecutor::new(1).unwrap();
        let gate = Arc::new(Gate::new());
        let mut ticket = {
            let gate = gate.clone();
            executor.spawn(move || gate.wait_or_panic()).unwrap()
        };
        assert!(Pin::new(&mut ticket).poll(&mut cx).is_pending());
        assert!(woken.try_recv().is_err(), "nothing completed: no wake yet");
        gate.open();
        woken
            .recv_timeout(support::PATIENCE)
            .expect("completing the task must wake the stored waker");
        assert!(Pin::new(&mut ticket).poll(&mut cx).is_ready());
    }

    #[test]
    fn two_clones_awaited_by_two_tasks_both_wake() {
        use std::sync::mpsc;
        struct Tell(usize, mpsc::Sender<usize>);
        impl Wake for Tell {
            fn wake(self: Arc<Self>) {
                let _ = self.1.send(self.0);
            }
        }
        let (tx, woken) = mpsc::channel();
        let wakers: Vec<Waker> = (0..2)
            .map(|task| Waker::from(Arc::new(Tell(task, tx.clone()))))
            .collect();
        let executor = ThreadExecutor::new(1).unwrap();
        let gate = Arc::new(Gate::new());
        let first = {
            let gate = gate.clone();
            executor.spawn(move || gate.wait_or_panic()).unwrap()
        };
        // A ticket is a shared claim: each task awaits its own clone.
        let mut clones = [first.clone(), first];
        for (clone, waker) in clones.iter_mut().zip(&wakers) {
            let mut cx = Context::from_waker(waker);
            assert!(Pin::new(clone).poll(&mut cx).is_pending());
        }
        gate.open();
        let mut tasks: Vec<usize> = (0..2)
            .map(|_| {
                woken
                    .recv_timeout(support::PATIENCE)
                    .expect("completion must wake every task awaiting a clone")
            })
            .collect();
        tasks.sort();
        assert_eq!(tasks, [0, 1]);
    }
}
