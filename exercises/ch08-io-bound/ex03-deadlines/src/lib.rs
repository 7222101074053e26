//! Exercise 3: a time limit per request; the slow ones fail alone and are cancelled.

use std::time::Duration;

/// `job(index)` did not finish within the limit; it was cancelled.
#[derive(Debug, PartialEq, Eq)]
pub struct TimedOut {
    pub index: usize,
}

// ANCHOR: starter
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
    // TODO: one time limit per job (tokio::time::timeout), all jobs running at once,
    // results put back at their index.
    todo!()
}
// ANCHOR_END: starter
