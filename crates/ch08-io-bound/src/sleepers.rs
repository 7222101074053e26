//! The tutorial's waiting work: N tasks that only sleep, on OS threads, on tokio
//! tasks and on processes. All three overlap the sleeps; [`cost`] measures what each
//! waiting task costs.

use std::time::Duration;

use tokio::task::JoinSet;

// ANCHOR: on_threads
/// Runs `task(0)`, ..., `task(n - 1)` on one OS thread each and waits for all.
pub fn on_threads<F: Fn(usize) + Sync>(n: usize, task: F) {
    let task = &task;
    std::thread::scope(|scope| {
        for i in 0..n {
            scope.spawn(move || task(i));
        }
    });
}
// ANCHOR_END: on_threads

// ANCHOR: on_tasks
/// Runs `task(0)`, ..., `task(n - 1)` as tokio tasks on the current
/// runtime and waits for all.
pub async fn on_tasks<F, Fut>(n: usize, task: F)
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for i in 0..n {
        tasks.spawn(task(i));
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined
            && e.is_panic()
        {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
// ANCHOR_END: on_tasks

// ANCHOR: on_processes
/// Runs `task(0)`, ..., `task(n - 1)` in one child process each (chapter 03's
/// `spawn`) and reaps them all. Call it while this process runs one thread.
#[cfg(unix)]
pub fn on_processes<F: Fn(usize)>(
    n: usize,
    task: F,
) -> Result<(), ch03_processes::ProcessError> {
    let task = &task;
    let children = (0..n)
        .map(|i| ch03_processes::spawn(move || task(i)))
        .collect::<Result<Vec<_>, _>>()?;
    children.into_iter().try_for_each(|child| child.join())
}
// ANCHOR_END: on_processes

// ANCHOR: sleepers
/// `n` threads sleeping `d` at once.
pub fn sleep_on_threads(n: usize, d: Duration) {
    on_threads(n, |_| std::thread::sleep(d));
}

/// `n` tokio tasks sleeping `d` at once: a timer each, no thread each.
pub async fn sleep_on_tasks(n: usize, d: Duration) {
    on_tasks(n, |_| tokio::time::sleep(d)).await;
}

/// `n` processes sleeping `d` at once.
#[cfg(unix)]
pub fn sleep_on_processes(
    n: usize,
    d: Duration,
) -> Result<(), ch03_processes::ProcessError> {
    on_processes(n, |_| std::thread::sleep(d))
}
// ANCHOR_END: sleepers

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use support::{PATIENCE, Rendezvous, watchdog};

    /// Well under the watchdog: a wrong structure fails with the rendezvous' message.
    const PATIENT: Duration = Duration::from_secs(5);

    #[test]
    fn threads_all_wait_at_the_same_time() {
        watchdog(PATIENCE, || {
            let meet = Rendezvous::new(100);
            on_threads(100, |_| meet.arrive(PATIENT).unwrap());
            assert_eq!(meet.arrived(), 100);
        });
    }

    #[test]
    fn tasks_on_one_thread_all_wait_at_the_same_time() {
        watchdog(PATIENCE, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            // 1,000 tasks meet on one thread: only possible if a waiting task gives
            // the thread back to the others
            let meet = Arc::new(tokio::sync::Barrier::new(1000));
            let threads =
                Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
            runtime.block_on(async {
                let met = on_tasks(1000, |_| {
                    let (meet, threads) = (Arc::clone(&meet), Arc::clone(&threads));
                    async move {
                        threads.lock().unwrap().insert(std::thread::current().id());
                        meet.wait().await;
                    }
                });
                tokio::time::timeout(PATIENT, met)
                    .await
                    .expect("1,000 tasks did not all wait at once");
            });
            assert_eq!(threads.lock().unwrap().len(), 1, "all on one thread");
        });
    }

    #[test]
    fn sleeping_tasks_all_finish() {
        watchdog(PATIENCE, || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(sleep_on_tasks(1000, Duration::from_millis(1)));
            sleep_on_threads(10, Duration::from_millis(1));
        });
    }
}
