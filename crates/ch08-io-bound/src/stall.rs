//! Blocking inside async: a task that computes (or blocks) without reaching an
//! `.await` keeps its thread, and every other task of that thread waits. Run the work
//! elsewhere: `tokio::task::spawn_blocking` (tokio's pool of threads for blocking
//! calls) or rayon.
//!
//! The runtimes here have one thread (`current_thread`), so "the other
//! tasks of that thread" are all the other tasks, and the stall is
//! exact: a ticker task counts its turns, and a job that runs inside a
//! task sees the count frozen from its start to its end.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ANCHOR: placement
/// Where a blocking or CPU-bound job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In a tokio task, like any other async code: the mistake.
    InTask,
    /// On tokio's blocking pool: `tokio::task::spawn_blocking(job).await`.
    SpawnBlocking,
    /// On rayon's pool, its result sent back through a `oneshot` channel.
    Rayon,
}

/// Runs `job` placed as asked, from async code, and waits for its value.
pub async fn run_placed<T, F>(placement: Placement, job: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match placement {
        Placement::InTask => tokio::spawn(async move { job() })
            .await
            .expect("the job panicked"),
        Placement::SpawnBlocking => tokio::task::spawn_blocking(job)
            .await
            .expect("the job panicked"),
        Placement::Rayon => {
            let (send, receive) = tokio::sync::oneshot::channel();
            rayon::spawn(move || {
                let _ = send.send(job());
            });
            receive.await.expect("the job panicked")
        }
    }
}
// ANCHOR_END: placement

// ANCHOR: ticker
/// On a one-thread runtime, runs a ticker task (count one, yield,
/// again) beside `job` placed as asked. Returns the job's value and how
/// many times the ticker ticked while it ran.
pub fn ticks_during<T, F>(placement: Placement, job: F) -> (T, usize)
where
    T: Send + 'static,
    F: FnOnce(Arc<AtomicUsize>) -> T + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let ticks = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = tokio::spawn({
            let (ticks, stop) = (Arc::clone(&ticks), Arc::clone(&stop));
            async move {
                while !stop.load(Ordering::SeqCst) {
                    ticks.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            }
        });
        let seen = Arc::clone(&ticks);
        let (value, during) = run_placed(placement, move || {
            let before = seen.load(Ordering::SeqCst);
            let value = job(Arc::clone(&seen));
            (value, seen.load(Ordering::SeqCst) - before)
        })
        .await;
        stop.store(true, Ordering::SeqCst);
        ticker.await.expect("the ticker panicked");
        (value, during)
    })
}
// ANCHOR_END: ticker

// ANCHOR: busy
/// CPU-bound work that stops as soon as it has seen `want` more ticks than at its
/// start, or after `patience`: `true` if it saw them. It can only see them if the
/// ticker runs while it computes.
pub fn compute_until_ticks(
    ticks: &AtomicUsize,
    want: usize,
    patience: Duration,
) -> bool {
    let deadline = Instant::now() + patience;
    let start = ticks.load(Ordering::SeqCst);
    while ticks.load(Ordering::SeqCst) - start < want {
        if Instant::now() > deadline {
            return false;
        }
        std::hint::black_box(workloads::sum_range(0..10_000));
    }
    true
}
// ANCHOR_END: busy

// ANCHOR: latency
/// On a one-thread runtime: a task sleeps `nap` while `job` runs placed as asked.
/// Returns how long after its start the sleeper woke up. `nap` is the best possible.
pub fn sleeper_latency<F>(placement: Placement, nap: Duration, job: F) -> Duration
where
    F: FnOnce() + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let start = Instant::now();
        let sleeper = tokio::spawn(async move {
            tokio::time::sleep(nap).await;
            start.elapsed()
        });
        run_placed(placement, job).await;
        sleeper.await.expect("the sleeper panicked")
    })
}
// ANCHOR_END: latency

#[cfg(test)]
mod tests {
    use super::*;
    use support::{PATIENCE, watchdog};

    /// How long the job waits for ticks it cannot see: short, and well
    /// under the watchdog.
    const PATIENT: Duration = Duration::from_millis(300);

    #[test]
    fn a_job_in_a_task_freezes_the_ticker() {
        watchdog(PATIENCE, || {
            let (saw, ticks) = ticks_during(Placement::InTask, |ticks| {
                compute_until_ticks(&ticks, 1000, PATIENT)
            });
            assert!(
                !saw,
                "the ticker cannot tick while the only thread computes"
            );
            assert_eq!(ticks, 0);
        });
    }

    #[test]
    fn a_job_on_the_blocking_pool_lets_the_ticker_run() {
        watchdog(PATIENCE, || {
            let (saw, ticks) = ticks_during(Placement::SpawnBlocking, |ticks| {
                compute_until_ticks(&ticks, 1000, PATIENCE / 2)
            });
            assert!(
                saw,
                "the ticker should run while the job computes elsewhere"
            );
            assert!(ticks >= 1000);
        });
    }

    #[test]
    fn a_job_on_rayon_lets_the_ticker_run() {
        watchdog(PATIENCE, || {
            let (saw, ticks) = ticks_during(Placement::Rayon, |ticks| {
                compute_until_ticks(&ticks, 1000, PATIENCE / 2)
            });
            assert!(saw);
            assert!(ticks >= 1000);
        });
    }

    #[test]
    fn a_blocking_sleep_in_a_task_freezes_the_ticker_too() {
        watchdog(PATIENCE, || {
            let (_, ticks) = ticks_during(Placement::InTask, |_| {
                std::thread::sleep(Duration::from_millis(20));
            });
            assert_eq!(
                ticks, 0,
                "std::thread::sleep blocks the thread, not only the task"
            );
        });
    }
}
