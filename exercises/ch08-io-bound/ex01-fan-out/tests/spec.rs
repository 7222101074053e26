//! Spec for exercise 1. No test measures time: the jobs meet at a barrier that
//! exactly `limit` of them must reach together, an in-flight counter records the most
//! that ever ran at once, and one job waits (with a patience under the watchdog) for
//! a job that only a slot freed by another can start.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ch08_ex01_fan_out::{FanOutError, fan_out};
use support::{InFlight, PATIENCE, watchdog};
use tokio::sync::{Barrier, Notify};

/// How long `limit` jobs wait for each other: well under the watchdog.
const MEET: Duration = Duration::from_secs(5);

/// How long a group that met keeps its slots on the multi-thread runtime before it
/// leaves: the time a runtime without a limit has to start more jobs beside it (and
/// show the mistake). A correct `fan_out` passes however long this is: it is a
/// window, not a measurement.
const HOLD: Duration = Duration::from_millis(50);

fn one_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `n` jobs with `limit`, each of which waits until `limit` jobs
/// are inside together, then stays inside for `hold` more. Returns (all
/// met, the most in flight at once).
fn meet_in_groups(
    runtime: &tokio::runtime::Runtime,
    n: usize,
    limit: usize,
    hold: Duration,
) -> (bool, usize) {
    let inside = Arc::new(InFlight::new());
    let barrier = Arc::new(Barrier::new(limit));
    // once one job has waited in vain, the others give up at once: fail
    // fast, not n times
    let gave_up = Arc::new(AtomicBool::new(false));
    let results = runtime.block_on(fan_out(n, limit, |_| {
        let (inside, barrier) = (Arc::clone(&inside), Arc::clone(&barrier));
        let gave_up = Arc::clone(&gave_up);
        async move {
            let _in = inside.enter();
            if gave_up.load(Ordering::SeqCst) {
                return false;
            }
            let met = tokio::time::timeout(MEET, barrier.wait()).await.is_ok();
            if !met {
                gave_up.store(true, Ordering::SeqCst);
            } else if !hold.is_zero() {
                tokio::time::sleep(hold).await;
            }
            met
        }
    }));
    let results = results.expect("fan_out failed");
    assert_eq!(results.len(), n, "one result per job");
    (results.iter().all(|&met| met), inside.max())
}

/// Keeps quiet about the panics a test expects (their message is exactly `text`);
/// every other panic is reported as usual, even while that test runs beside others.
fn quiet_panics_saying(text: &'static str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if support::panic_message(info.payload()) != text {
                report(info)
            }
        }));
    });
}

#[test]
fn exactly_limit_jobs_run_at_once() {
    watchdog(PATIENCE, || {
        let (met, max) = meet_in_groups(&one_thread(), 12, 4, Duration::ZERO);
        assert!(
            max <= 4,
            "{max} jobs ran at once with a limit of 4: is the permit dropped as soon as it is \
             taken (`let _ = ...acquire()`), or not taken at all? Or is it named in the loop \
             (`let _permit = ...`), and so dropped at the end of the loop's turn instead of \
             moved into the task?"
        );
        assert!(
            met,
            "fewer than 4 jobs ran at once with a limit of 4: are the jobs awaited one by one?"
        );
    });
}

#[test]
fn the_limit_holds_on_a_multi_thread_runtime_too() {
    watchdog(PATIENCE, || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        // each group of 3 keeps its slots for a while after it met: long enough for
        // the other jobs to start beside it if nothing holds them back
        let (met, max) = meet_in_groups(&runtime, 9, 3, HOLD);
        assert!(
            max <= 3,
            "{max} jobs ran at once with a limit of 3 on a multi-thread runtime: does each \
             task keep its permit until its job is done? A limit you check and then raise in \
             two steps (a counter) lets two threads pass the check together"
        );
        assert!(met, "fewer than 3 jobs ran at once with a limit of 3");
    });
}

#[test]
fn the_next_job_starts_as_soon_as_any_one_finishes() {
    watchdog(PATIENCE, || {
        // limit 2, 3 jobs: job 1 returns at once, job 0 stays until job 2 has
        // started. Job 2 can start only in the slot job 1 freed, while job 0 still
        // holds the other one.
        let job_2_started = Arc::new(Notify::new());
        let results = one_thread()
            .block_on(fan_out(3, 2, |i| {
                let job_2_started = Arc::clone(&job_2_started);
                async move {
                    match i {
                        0 => tokio::time::timeout(MEET, job_2_started.notified())
                            .await
                            .is_ok(),
                        2 => {
                            job_2_started.notify_one();
                            true
                        }
                        _ => true,
                    }
                }
            }))
            .expect("fan_out failed");
        assert!(
            results[0],
            "job 2 did not start while job 0 was still running after job 1 ended (limit 2): do \
             you start the jobs in waves of `limit`, or wait for the oldest job in flight \
             rather than for any one? The next job must start as soon as any one finishes"
        );
        assert_eq!(results, vec![true; 3]);
    });
}

#[test]
fn a_limit_above_n_runs_all_at_once() {
    watchdog(PATIENCE, || {
        let (met, max) = meet_in_groups(&one_thread(), 5, 5, Duration::ZERO);
        assert!(
            met && max == 5,
            "5 jobs with a limit of 5 must all run at once"
        );
        let results = one_thread()
            .block_on(fan_out(3, 100, |i| async move { i * 10 }))
            .expect("a limit above n is fine");
        assert_eq!(results, vec![0, 10, 20]);
    });
}

#[test]
fn results_come_back_in_order_whatever_order_the_jobs_finish_in() {
    watchdog(PATIENCE, || {
        // job i yields n - i times before it answers: on one thread, taking turns,
        // the last job finishes first
        let n = 6;
        let results = one_thread()
            .block_on(fan_out(n, n, |i| async move {
                for _ in i..n {
                    tokio::task::yield_now().await;
                }
                format!("answer {i}")
            }))
            .expect("fan_out failed");
        let expected: Vec<String> = (0..n).map(|i| format!("answer {i}")).collect();
        assert_eq!(
            results, expected,
            "results[i] must be job(i)'s value: put each value back at its index, not in the \
             order the jobs finish"
        );
    });
}

#[test]
fn no_jobs_is_an_empty_result() {
    watchdog(PATIENCE, || {
        let results = one_thread()
            .block_on(fan_out(0, 3, |i| async move { i }))
            .expect("no jobs is fine");
        assert!(results.is_empty());
    });
}

#[test]
fn a_zero_limit_is_an_error_not_a_hang() {
    watchdog(PATIENCE, || {
        let result = one_thread().block_on(fan_out(3, 0, |i| async move { i }));
        assert_eq!(result, Err(FanOutError::ZeroLimit));
    });
}

#[test]
fn a_panicking_job_is_reported_with_its_index() {
    watchdog(PATIENCE, || {
        quiet_panics_saying("job 3 fails");
        let result = one_thread().block_on(fan_out(5, 2, |i| async move {
            assert!(i != 3, "job {i} fails");
            i
        }));
        assert_eq!(result, Err(FanOutError::Panicked { index: 3 }));
    });
}
