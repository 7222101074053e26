//! Exercise 1: fan out `n` async jobs, at most `limit` in flight, results in order.

/// Why `fan_out` gave no results.
#[derive(Debug, PartialEq, Eq)]
pub enum FanOutError {
    /// `limit` was 0: nothing could ever start.
    ZeroLimit,
    /// `job(index)` panicked.
    Panicked { index: usize },
}

// ANCHOR: starter
/// Runs `job(0)`, ..., `job(n - 1)`, each in a tokio task, exactly
/// `limit` in flight at once while enough remain; returns their values
/// in order (`results[i]` is `job(i)`'s).
pub async fn fan_out<T, F, Fut>(
    n: usize,
    limit: usize,
    job: F,
) -> Result<Vec<T>, FanOutError>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // TODO: a Semaphore of `limit` permits in an Arc; one task per job in a JoinSet,
    // each holding a permit until its job is done; values put back at their index.
    todo!()
}
// ANCHOR_END: starter
