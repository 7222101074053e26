//! Exercise 3, solved: a time limit per request; the slow ones fail
//! alone and are cancelled.

use std::time::Duration;

use tokio::task::JoinSet;

/// `job(index)` did not finish within the limit; it was cancelled.
#[derive(Debug, PartialEq, Eq)]
pub struct TimedOut {
    pub index: usize,
}

/// Runs `job(0)`, ..., `job(n - 1)` at the same time, each with `limit` to finish.
/// Returns one result per job, in order; a job that ran out of time is
/// `Err(TimedOut)` and is cancelled.
pub async fn with_deadlines<T, F, Fut>(
    n: usize,
    limit: Duration,
    job: F,
) -> Vec<Result<T, TimedOut>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut tasks = JoinSet::new();
    for i in 0..n {
        // The timeout owns the job: when the limit passes, it drops (cancels) it.
        let limited = tokio::time::timeout(limit, job(i));
        tasks.spawn(
            async move { (i, limited.await.map_err(|_| TimedOut { index: i })) },
        );
    }
    let mut results: Vec<Option<Result<T, TimedOut>>> =
        (0..n).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (i, result) =
            joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        results[i] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.expect("every task returned"))
        .collect()
}
