//! Spec for exercise 3. The slow jobs never finish (they wait forever), so the
//! outcome does not depend on the machine's speed; the fast ones meet at a barrier,
//! which only jobs that run at the same time can pass. The one test about *when* a
//! limit runs out uses tokio's paused clock, on which time passes in steps, the same
//! on any machine. No test measures time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ch08_ex03_deadlines::{TimedOut, with_deadlines};
use support::{PATIENCE, watchdog};
use tokio::sync::Barrier;

/// The time limit per job. The slow jobs never finish, and the fast
/// ones only wait for each other, so any limit would do; this one is
/// long for a barrier and short for a test.
const LIMIT: Duration = Duration::from_secs(1);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A runtime on tokio's paused clock: it stands still while any task can run, and
/// jumps to the next timer when none can. So a job that sleeps 1.5 s ends after
/// exactly 1.5 s of its time.
fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

/// Counts its drops: a cancelled job's future is dropped with it.
struct Dropped(Arc<AtomicUsize>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Jobs 2 and 5 of 0..6 never finish; the others meet at a barrier, then answer
/// `i * 10`. Returns the results and how many slow jobs had been dropped when
/// `with_deadlines` returned.
fn two_slow_of_six(limit: Duration) -> (Vec<Result<usize, TimedOut>>, usize) {
    let fast = Arc::new(Barrier::new(4));
    let dropped = Arc::new(AtomicUsize::new(0));
    runtime().block_on(async {
        let results = with_deadlines(6, limit, |i| {
            let (fast, dropped) = (Arc::clone(&fast), Arc::clone(&dropped));
            async move {
                if i == 2 || i == 5 {
                    let _guard = Dropped(dropped);
                    std::future::pending::<()>().await;
                }
                // only jobs that run at the same time get past this within the limit
                fast.wait().await;
                i * 10
            }
        })
        .await;
        // read now, while the runtime (and any task it still runs) is alive
        (results, dropped.load(Ordering::SeqCst))
    })
}

#[test]
fn the_slow_jobs_time_out_and_the_others_answer() {
    watchdog(PATIENCE, || {
        let (results, _) = two_slow_of_six(LIMIT);
        assert_eq!(results.len(), 6, "one result per job");
        let answered: Vec<bool> = results.iter().map(Result::is_ok).collect();
        assert!(
            answered.iter().filter(|&&ok| ok).count() == 4,
            "only {answered:?} answered: do the jobs run one after the other (the fast ones \
             wait for each other at a barrier), or is one time limit applied to all together?"
        );
        assert_eq!(
            results,
            vec![
                Ok(0),
                Ok(10),
                Err(TimedOut { index: 2 }),
                Ok(30),
                Ok(40),
                Err(TimedOut { index: 5 })
            ],
            "results[i] must be job(i)'s result"
        );
    });
}

#[test]
fn the_slow_jobs_are_cancelled_before_it_returns() {
    watchdog(PATIENCE, || {
        let (_, dropped) = two_slow_of_six(LIMIT);
        assert_eq!(
            dropped, 2,
            "{dropped} of the 2 slow jobs were dropped when with_deadlines returned: a timed-out \
             job must be cancelled (a timeout on a JoinHandle stops the waiting, not the task)"
        );
    });
}

#[test]
fn each_limit_counts_from_the_start_not_from_when_its_job_is_awaited() {
    watchdog(PATIENCE, || {
        // on the paused clock: job 0 never finishes, job 1 finishes
        // 1.5 x LIMIT after the start
        let results =
            paused_runtime().block_on(with_deadlines(2, LIMIT, |i| async move {
                if i == 0 {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(LIMIT * 3 / 2).await;
                i
            }));
        assert_eq!(
            results.get(1),
            Some(&Err(TimedOut { index: 1 })),
            "job 1 finished {:?} after the start (on tokio's paused clock), past its limit of \
             {LIMIT:?}, and still gave a value: does a job's limit start only when you await \
             its handle, after the jobs before it ran out of theirs? Start each limit with its \
             job: `tokio::time::timeout(limit, job(i))`, made before you spawn it",
            LIMIT * 3 / 2
        );
        assert_eq!(
            results,
            vec![Err(TimedOut { index: 0 }), Err(TimedOut { index: 1 })]
        );
    });
}

#[test]
fn jobs_that_all_finish_all_answer_in_order() {
    watchdog(PATIENCE, || {
        let results = runtime().block_on(with_deadlines(5, LIMIT, |i| async move {
            // the last job finishes first
            for _ in i..5 {
                tokio::task::yield_now().await;
            }
            format!("answer {i}")
        }));
        let expected: Vec<_> = (0..5).map(|i| Ok(format!("answer {i}"))).collect();
        assert_eq!(results, expected);
    });
}

#[test]
fn no_jobs_is_no_results() {
    watchdog(PATIENCE, || {
        let results =
            runtime().block_on(with_deadlines(0, LIMIT, |i| async move { i }));
        assert!(results.is_empty());
    });
}
