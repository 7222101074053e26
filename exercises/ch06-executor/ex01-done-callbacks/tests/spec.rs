//! The spec of exercise 1. Threads are ordered by channels and by the ticket itself;
//! nothing measures time. A hang fails with a message naming its likely cause.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use ch06_ex01_done_callbacks::{Outcome, State, Ticket};
use support::{watchdog, within_patience};

/// How long a step that should happen at once may take before we call it a hang.
const SOON: Duration = Duration::from_secs(5);

/// Runs `body` under a short watchdog; on a hang, fails with `cause` instead.
fn or_fail_with<F: FnOnce() + Send + 'static>(cause: &str, body: F) {
    if let Err(payload) =
        std::panic::catch_unwind(AssertUnwindSafe(|| watchdog(SOON, body)))
    {
        let hung = payload
            .downcast_ref::<String>()
            .is_some_and(|m| m.starts_with("watchdog:"));
        if hung {
            panic!("{cause}");
        }
        std::panic::resume_unwind(payload); // an ordinary failure: its own message
    }
}

fn recorder<T: Send + 'static>() -> (Arc<Mutex<Vec<T>>>, impl Fn(T) + Clone) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let push = {
        let seen = seen.clone();
        move |x| seen.lock().unwrap().push(x)
    };
    (seen, push)
}

#[test]
fn a_pending_task_can_be_cancelled_and_then_never_starts() {
    let ticket = Ticket::<u32>::new();
    assert_eq!(ticket.state(), State::Pending);
    assert!(ticket.cancel(), "cancel on a pending task must succeed");
    assert_eq!(ticket.state(), State::Cancelled);
    assert!(
        ticket.cancel(),
        "cancel on a cancelled task says true, as CPython's"
    );
    assert!(
        !ticket.set_running_or_notify_cancel(),
        "a worker must not start a cancelled task: set_running_or_notify_cancel returns false"
    );
    assert_eq!(ticket.result(), Outcome::Cancelled);
}

#[test]
fn a_running_or_finished_task_cannot_be_cancelled() {
    let ticket = Ticket::<u32>::new();
    assert!(ticket.set_running_or_notify_cancel());
    assert_eq!(ticket.state(), State::Running);
    assert!(!ticket.cancel(), "a running task cannot be cancelled");
    assert_eq!(
        ticket.state(),
        State::Running,
        "a failed cancel changes nothing"
    );
    ticket.set_result(5);
    assert_eq!(ticket.state(), State::Finished);
    assert!(!ticket.cancel(), "nor a finished one");
    assert_eq!(ticket.result(), Outcome::Value(5));
    assert_eq!(
        ticket.result(),
        Outcome::Value(5),
        "result() may be asked twice"
    );
}

#[test]
fn set_result_is_refused_after_cancel_and_after_a_result() {
    let cancelled = Ticket::<u32>::new();
    cancelled.cancel();
    assert!(
        panics(|| cancelled.set_result(1)),
        "set_result on a cancelled task must panic"
    );
    assert_eq!(
        cancelled.result(),
        Outcome::Cancelled,
        "and leave it cancelled"
    );

    let finished = Ticket::<u32>::new();
    assert!(finished.set_running_or_notify_cancel());
    finished.set_result(1);
    assert!(
        panics(|| finished.set_result(2)),
        "a second set_result must panic"
    );
    assert_eq!(
        finished.result(),
        Outcome::Value(1),
        "the first result stays"
    );
    assert!(
        panics(|| {
            finished.set_running_or_notify_cancel();
        }),
        "starting a finished task must panic"
    );
}

/// `true` if `f` panics.
fn panics(f: impl FnOnce()) -> bool {
    std::panic::catch_unwind(AssertUnwindSafe(f)).is_err()
}

#[test]
fn result_waits_for_set_result() {
    within_patience(|| {
        let ticket = Arc::new(Ticket::<u32>::new());
        let (tx, got) = mpsc::channel();
        let waiter = {
            let ticket = ticket.clone();
            thread::spawn(move || tx.send(ticket.result()).unwrap())
        };
        assert!(ticket.set_running_or_notify_cancel());
        assert!(
            got.try_recv().is_err(),
            "result() returned before the task finished"
        );
        ticket.set_result(7);
        let outcome = got
            .recv_timeout(SOON)
            .expect("a thread waiting in result() was not woken by set_result: notify the condition variable");
        assert_eq!(outcome, Outcome::Value(7));
        waiter.join().unwrap();
    });
}

#[test]
fn cancel_wakes_threads_waiting_in_result() {
    within_patience(|| {
        let ticket = Arc::new(Ticket::<u32>::new());
        let (tx, got) = mpsc::channel();
        let (started, waiting) = mpsc::channel();
        let waiter = {
            let ticket = ticket.clone();
            thread::spawn(move || {
                started.send(()).unwrap();
                tx.send(ticket.result()).unwrap()
            })
        };
        waiting.recv().unwrap();
        assert!(ticket.cancel());
        let outcome = got.recv_timeout(SOON).expect(
            "a thread waiting in result() was not woken by cancel: notify there too",
        );
        assert_eq!(outcome, Outcome::Cancelled);
        waiter.join().unwrap();
    });
}

#[test]
fn callbacks_run_once_each_in_the_order_added_when_the_task_finishes() {
    within_patience(|| {
        let ticket = Ticket::<u32>::new();
        let (seen, push) = recorder();
        for i in 1..=3 {
            let push = push.clone();
            ticket.add_done_callback(move |outcome| push((i, outcome.clone())));
        }
        assert!(ticket.set_running_or_notify_cancel());
        assert!(
            seen.lock().unwrap().is_empty(),
            "a callback ran before the task was done"
        );
        ticket.set_result(9);
        let expected: Vec<_> = (1..=3).map(|i| (i, Outcome::Value(9))).collect();
        assert_eq!(*seen.lock().unwrap(), expected);
        ticket.cancel();
        ticket.result();
        assert_eq!(
            seen.lock().unwrap().len(),
            3,
            "each callback runs exactly once"
        );
    });
}

#[test]
fn callbacks_run_when_the_task_is_cancelled() {
    within_patience(|| {
        let ticket = Ticket::<u32>::new();
        let (seen, push) = recorder();
        ticket.add_done_callback(move |outcome| push(outcome.clone()));
        assert!(ticket.cancel());
        assert_eq!(*seen.lock().unwrap(), [Outcome::Cancelled]);
    });
}

#[test]
fn callbacks_run_on_the_thread_that_completes_the_task() {
    within_patience(|| {
        let ticket = Arc::new(Ticket::<u32>::new());
        let (seen, push) = recorder();
        ticket.add_done_callback(move |_| push(thread::current().id()));
        let worker = {
            let ticket = ticket.clone();
            thread::spawn(move || {
                assert!(ticket.set_running_or_notify_cancel());
                ticket.set_result(1);
                thread::current().id()
            })
        };
        let worker_id = worker.join().unwrap();
        assert_eq!(*seen.lock().unwrap(), [worker_id]);
    });
}

#[test]
fn a_callback_added_after_the_end_runs_at_once_on_the_caller() {
    within_patience(|| {
        let ticket = Ticket::<u32>::new();
        assert!(ticket.set_running_or_notify_cancel());
        ticket.set_result(4);
        let (seen, push) = recorder();
        ticket.add_done_callback(move |outcome| {
            push((thread::current().id(), outcome.clone()))
        });
        assert_eq!(
            *seen.lock().unwrap(),
            [(thread::current().id(), Outcome::Value(4))],
            "a callback added to a done task must run at once, on the caller's thread"
        );
    });
}

#[test]
fn a_callback_may_use_its_own_ticket() {
    or_fail_with(
        "a callback that calls its ticket's state() never returned: is the ticket's lock held \
         while the callbacks run? Take them out, release the lock, then call them",
        || {
            let ticket = Arc::new(Ticket::<u32>::new());
            let (seen, push) = recorder();
            {
                let me = ticket.clone();
                ticket.add_done_callback(move |_| push(me.state()));
            }
            assert!(ticket.set_running_or_notify_cancel());
            ticket.set_result(1);
            assert_eq!(*seen.lock().unwrap(), [State::Finished]);
        },
    );
    or_fail_with(
        "a callback added from inside a callback never ran or never returned: is the lock held \
         while a done task's callback runs?",
        || {
            let ticket = Arc::new(Ticket::<u32>::new());
            assert!(ticket.cancel());
            let (seen, push) = recorder();
            let me = ticket.clone();
            ticket.add_done_callback(move |_| {
                me.add_done_callback(move |o| push(o.clone()))
            });
            assert_eq!(*seen.lock().unwrap(), [Outcome::Cancelled]);
        },
    );
}

/// The panic message of the spec's bad callback.
const BAD_CALLBACK: &str = "a bad callback";

/// Keeps the bad callback's panic from printing (its message would be the first a
/// failing test shows); every other panic prints as usual.
fn quiet_bad_callback() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&BAD_CALLBACK) {
                report(info);
            }
        }));
    });
}

#[test]
fn a_panicking_callback_does_not_stop_the_others() {
    within_patience(|| {
        quiet_bad_callback();
        let ticket = Ticket::<u32>::new();
        let (seen, push) = recorder();
        ticket.add_done_callback(|_| std::panic::panic_any(BAD_CALLBACK));
        ticket.add_done_callback(move |outcome| push(outcome.clone()));
        assert!(ticket.set_running_or_notify_cancel());
        // CPython logs a callback's exception and goes on: set_result must not panic.
        let escaped =
            std::panic::catch_unwind(AssertUnwindSafe(|| ticket.set_result(3)));
        assert!(
            escaped.is_ok(),
            "a callback's panic escaped set_result: run each callback under catch_unwind and go \
             on to the next (CPython logs a callback's exception and goes on)"
        );
        assert_eq!(
            *seen.lock().unwrap(),
            [Outcome::Value(3)],
            "after a callback that panicked, the next callback must still run"
        );
        assert_eq!(ticket.result(), Outcome::Value(3));
    });
}

#[test]
fn cancel_and_start_never_both_win() {
    within_patience(|| {
        for round in 0..2000 {
            let ticket = Arc::new(Ticket::<u32>::new());
            let go = Arc::new(Barrier::new(2));
            let worker = {
                let (ticket, go) = (ticket.clone(), go.clone());
                thread::spawn(move || {
                    go.wait();
                    ticket.set_running_or_notify_cancel()
                })
            };
            go.wait();
            let cancelled = ticket.cancel();
            let started = worker.join().unwrap();
            assert!(
                started != cancelled,
                "round {round}: started = {started}, cancelled = {cancelled}: look at the state \
                 and change it under one lock, so only one of the two can win"
            );
        }
    });
}
