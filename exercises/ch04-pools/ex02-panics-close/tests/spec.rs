//! The spec of exercise 2. Gates order the tasks; nothing measures time; every test runs
//! under a watchdog, so a hang (a `drop` that joins before closing) fails instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ch04_ex02_panics_close::{PoolError, TaskError, ThreadPool};
use support::{Gate, within_patience};

#[test]
fn a_panicking_task_is_an_error() {
    within_patience(|| {
        let pool = ThreadPool::new(2).unwrap();
        let bad = pool
            .apply_async(|| -> u32 { panic!("task {} failed", 7) })
            .unwrap();
        assert_eq!(
            bad.get(),
            Err(TaskError::Panicked {
                message: "task 7 failed".into()
            })
        );
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
            // A pool that did not close would hang in `drop`: leave it, fail with the reason.
            std::mem::forget(pool);
            panic!("apply_async after close must return Err(PoolError::Closed)");
        }
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
        let ran_when_drop_returned = support::finishes_after_gate(&gate, move || {
            drop(pool);
            seen.load(Ordering::SeqCst)
        });
        assert_eq!(
            ran_when_drop_returned,
            Ok(10),
            "drop returned before every queued task had run: close, then join every worker"
        );
    });
}
