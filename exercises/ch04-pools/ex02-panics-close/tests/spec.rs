//! The spec of exercise 2. Gates order the tasks; nothing measures
//! time; every test runs under a watchdog, so a hang (a `drop` that
//! joins before closing) fails instead.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ch04_ex02_panics_close::{PoolError, TaskError, ThreadPool};
use support::{Gate, watchdog_or, within_patience};

/// How long dropping a pool may take before the spec calls it a hang:
/// its workers only have to see the queue end and exit, and the
/// watchdog around each test waits 20 s.
const DROP_WITHIN: Duration = Duration::from_secs(8);

/// Drops `pool`, and fails with the likely cause if that never ends.
#[track_caller]
fn drop_patiently(pool: ThreadPool) {
    watchdog_or(
        DROP_WITHIN,
        "the pool hung in drop: its workers never saw the queue end, so `recv` still waits \
         for a task. Does `drop` call `close` before it joins the workers, and does `close` \
         drop the `Sender` itself (`take()` it out of its `Option`), not just the lock guard?",
        move || drop(pool),
    );
}

#[test]
fn a_panicking_task_is_an_error() {
    within_patience(|| {
        let pool = ThreadPool::new(2).unwrap();
        // A formatted message, so the payload is a `String` (a literal
        // would give a `&str`).
        let bad = pool
            .apply_async(|| -> u32 {
                panic!("task {} failed (on purpose: a spec task)", 7)
            })
            .unwrap();
        let want = "task 7 failed (on purpose: a spec task)";
        let got = bad.get();
        let hint = match &got {
            Err(TaskError::Panicked { message })
                if message.contains("non-string") =>
            {
                ": is `panic_message` given the box (`&payload`) instead of the payload in it \
                 (`&*payload`)? A `&Box<dyn Any + Send>` becomes a `&dyn Any` whose type is \
                 the box, so no string is found"
            }
            _ => "",
        };
        assert_eq!(
            got,
            Err(TaskError::Panicked {
                message: want.into()
            }),
            "a task that panics with {want:?}{hint}"
        );
        drop_patiently(pool);
    });
}

#[test]
fn the_pool_keeps_working_after_panics() {
    within_patience(|| {
        let pool = ThreadPool::new(1).unwrap();
        for i in 0..5 {
            let bad = pool
                .apply_async(move || -> u32 { panic!("boom {i}") })
                .unwrap();
            assert!(bad.get().is_err());
        }
        // One worker, five panics: it must still be there.
        assert_eq!(pool.apply_async(|| 42).unwrap().get(), Ok(42));
        drop_patiently(pool);
    });
}

#[test]
fn submitting_after_close_is_an_error() {
    within_patience(|| {
        let pool = ThreadPool::new(2).unwrap();
        assert_eq!(pool.apply_async(|| 1).unwrap().get(), Ok(1));
        pool.close();
        pool.close(); // twice is fine
        if !matches!(pool.apply_async(|| 2), Err(PoolError::Closed)) {
            // A pool that did not close would hang in `drop`: leave it,
            // fail with the reason.
            std::mem::forget(pool);
            panic!(
                "apply_async after close must return Err(PoolError::Closed): does `close` \
                 drop the `Sender` itself (`take()` it out of its `Option`), not just the lock \
                 guard?"
            );
        }
        drop_patiently(pool);
    });
}

#[test]
fn tasks_queued_before_close_still_run() {
    within_patience(|| {
        let pool = ThreadPool::new(1).unwrap();
        let gate = Arc::new(Gate::new());
        let g = Arc::clone(&gate);
        let first = pool.apply_async(move || g.wait_or_panic()).unwrap();
        let queued = pool.apply_async(|| "queued").unwrap();
        pool.close();
        gate.open();
        assert_eq!(first.get(), Ok(()));
        assert_eq!(queued.get(), Ok("queued"));
        drop_patiently(pool);
    });
}

#[test]
fn dropping_the_pool_waits_for_queued_tasks() {
    within_patience(|| {
        let ran = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Gate::new());
        let pool = ThreadPool::new(2).unwrap();
        for _ in 0..10 {
            let (ran, gate) = (Arc::clone(&ran), Arc::clone(&gate));
            drop(pool.apply_async(move || {
                gate.wait_or_panic();
                ran.fetch_add(1, Ordering::SeqCst);
            }));
        }
        let seen = Arc::clone(&ran);
        let outcome = support::finishes_after_gate(&gate, move || {
            // A drop that hangs fails inside, with its likely cause:
            // pass that failure on.
            catch_unwind(AssertUnwindSafe(|| drop_patiently(pool)))
                .map(|()| seen.load(Ordering::SeqCst))
        });
        let passed_on =
            |r: std::thread::Result<usize>| r.unwrap_or_else(|p| resume_unwind(p));
        let ran_when_drop_returned = outcome.map(passed_on).map_err(passed_on);
        assert_eq!(
            ran_when_drop_returned,
            Ok(10),
            "drop returned before every queued task had run: close, then join every worker"
        );
    });
}
