//! The spec of exercise 2. Gates decide when each initializer fails and when each
//! task ends; nothing measures time. A step that should happen at once and does not
//! fails with a message naming its likely cause.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use ch06_ex02_broken_initializer::{Broken, InitPool, SubmitError, TaskError};
use support::{Gate, PATIENCE, Rendezvous, within_patience};

/// How long a step that should happen at once may take before we call it a hang.
const SOON: Duration = Duration::from_secs(5);

thread_local! {
    /// Set by the initializer in its worker thread; read by tasks.
    static SET_UP_AS: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The panics these tests cause on purpose print nothing; any other panic (a failed
/// assertion) is reported as usual.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .unwrap_or_default();
            let on_purpose = [
                "a bad task",
                "no database",
                "first failure",
                "second failure",
            ];
            if !on_purpose.contains(&message) {
                report(info);
            }
        }));
    });
}

#[test]
fn each_worker_runs_the_initializer_once_on_its_own_thread_before_its_tasks() {
    within_patience(|| {
        let calls = Arc::new(AtomicUsize::new(0));
        let pool = {
            let calls = calls.clone();
            InitPool::new(3, move |worker| {
                calls.fetch_add(1, Ordering::SeqCst);
                SET_UP_AS.with(|s| s.set(Some(worker)));
            })
            .unwrap()
        };
        let all_three = Arc::new(Rendezvous::new(3));
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let all_three = all_three.clone();
                pool.submit(move || {
                    if i < 3 {
                        all_three
                            .arrive(PATIENCE / 4)
                            .expect("three workers run three tasks at once");
                    }
                    SET_UP_AS.with(Cell::get)
                })
                .unwrap()
            })
            .collect();
        let seen: Vec<Option<usize>> =
            handles.into_iter().map(|h| h.result().unwrap()).collect();
        assert!(
            seen.iter().all(Option::is_some),
            "a task ran on a thread whose initializer did not run: call the initializer in the \
             worker thread, before its loop: {seen:?}"
        );
        let workers: HashSet<_> = seen[..3].iter().flatten().collect();
        assert_eq!(
            workers.len(),
            3,
            "the three workers were set up as 0, 1 and 2: {seen:?}"
        );
        assert_eq!(pool.join(), None, "no initializer failed");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "once per worker, not once per task"
        );
    });
}

#[test]
fn a_panicking_task_does_not_break_the_pool() {
    within_patience(|| {
        quiet_panics();
        let pool = InitPool::new(1, |_| {}).unwrap();
        let bad = pool.submit(|| -> u32 { panic!("a bad task") }).unwrap();
        assert_eq!(
            bad.result(),
            Err(TaskError::Panicked {
                message: "a bad task".into()
            })
        );
        assert_eq!(
            pool.submit(|| 7).unwrap().result(),
            Ok(7),
            "only an initializer's failure breaks the pool"
        );
        assert_eq!(pool.join(), None);
    });
}

// ANCHOR: broken_spec
/// Fails the test: a task queued on `pool` (`which`) neither failed nor
/// ran after an initializer panicked. A pool that still takes tasks was
/// never broken. Opens `gates` first, so the pool's workers can end and
/// the failure shows at once, not at the watchdog.
fn queued_task_waited(pool: &InitPool, which: &str, gates: &[&Gate]) -> ! {
    for gate in gates {
        gate.open();
    }
    let why = if pool.submit(|| ()).is_ok() {
        "the pool still takes new tasks, so it never broke: is the initializer's panic caught \
         (catch_unwind around the call) and passed on to break the pool?"
    } else {
        "the pool broke, but does the failing worker fail every queued task?"
    };
    panic!("{which} neither failed nor ran: {why}")
}

#[test]
fn a_failing_initializer_fails_every_queued_task_and_every_later_submit() {
    within_patience(|| {
        quiet_panics();
        let fail_now = Arc::new(Gate::new());
        let pool = {
            let fail_now = fail_now.clone();
            InitPool::new(2, move |worker| {
                if worker == 1 {
                    fail_now.wait_or_panic();
                    panic!("no database");
                }
            })
            .unwrap()
        };
        // Worker 1 is still in its initializer: only worker 0 can take
        // the first task.
        let (started, running) = mpsc::channel();
        let finish = Arc::new(Gate::new());
        let first = {
            let finish = finish.clone();
            pool.submit(move || {
                started.send(()).unwrap();
                finish.wait_or_panic();
                "the running task finished"
            })
            .unwrap()
        };
        running
            .recv_timeout(SOON)
            .expect("worker 0 never started a task");
        let ran = Arc::new(AtomicUsize::new(0));
        let queued: Vec<_> = (0..3)
            .map(|_| {
                let ran = ran.clone();
                pool.submit(move || ran.fetch_add(1, Ordering::SeqCst))
                    .unwrap()
            })
            .collect();
        fail_now.open();
        let expected = Broken {
            worker: 1,
            message: "no database".into(),
        };
        for handle in &queued {
            let outcome = handle.result_timeout(SOON).unwrap_or_else(|| {
                queued_task_waited(
                    &pool,
                    "a task queued before the initializer failed",
                    &[&finish],
                )
            });
            assert_eq!(outcome, Err(TaskError::BrokenPool(expected.clone())));
        }
        assert_eq!(
            ran.load(Ordering::SeqCst),
            0,
            "a queued task ran on a broken pool"
        );
        match pool.submit(|| 0) {
            Err(SubmitError::BrokenPool(broken)) => assert_eq!(broken, expected),
            Err(other) => panic!("expected BrokenPool, got {other:?}"),
            Ok(_) => panic!("a broken pool must refuse new tasks"),
        }
        finish.open();
        assert_eq!(
            first.result(),
            Ok("the running task finished"),
            "a task already running when the pool broke finishes normally, as in CPython"
        );
        assert_eq!(pool.join(), Some(expected));
    });
}
// ANCHOR_END: broken_spec

#[test]
fn the_first_failure_is_the_one_reported() {
    within_patience(|| {
        quiet_panics();
        let (first_fails, second_fails) =
            (Arc::new(Gate::new()), Arc::new(Gate::new()));
        let pool = {
            let (first_fails, second_fails) =
                (first_fails.clone(), second_fails.clone());
            InitPool::new(3, move |worker| match worker {
                1 => {
                    first_fails.wait_or_panic();
                    panic!("first failure")
                }
                2 => {
                    second_fails.wait_or_panic();
                    panic!("second failure")
                }
                _ => {}
            })
            .unwrap()
        };
        // Workers 1 and 2 wait in their initializers: worker 0 takes this task.
        let (started, running) = mpsc::channel();
        let block = Arc::new(Gate::new());
        let busy = {
            let block = block.clone();
            pool.submit(move || {
                started.send(()).unwrap();
                block.wait_or_panic()
            })
            .unwrap()
        };
        running
            .recv_timeout(SOON)
            .expect("worker 0 never started a task");
        let queued = pool.submit(|| ()).unwrap();
        first_fails.open();
        let first = Broken {
            worker: 1,
            message: "first failure".into(),
        };
        let outcome = queued.result_timeout(SOON).unwrap_or_else(|| {
            queued_task_waited(
                &pool,
                "once worker 1's initializer failed, the queued task",
                &[&second_fails, &block],
            )
        });
        assert_eq!(outcome, Err(TaskError::BrokenPool(first.clone())));
        second_fails.open();
        block.open();
        busy.result().unwrap();
        assert_eq!(
            pool.join(),
            Some(first),
            "a second failure must not replace the first: the pool broke because of worker 1"
        );
    });
}
