//! Exercise 1, solved: fan out `n` async jobs, at most `limit` in
//! flight, results in order.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Why `fan_out` gave no results.
#[derive(Debug, PartialEq, Eq)]
pub enum FanOutError {
    /// `limit` was 0: nothing could ever start.
    ZeroLimit,
    /// `job(index)` panicked.
    Panicked { index: usize },
}

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
    if limit == 0 {
        return Err(FanOutError::ZeroLimit);
    }
    let semaphore = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    let mut index_of = HashMap::new();
    for i in 0..n {
        // Waits here while `limit` jobs are in flight: at most `limit`
        // tasks exist at once.
        let permit = Arc::clone(&semaphore)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let fut = job(i);
        let handle = tasks.spawn(async move {
            let value = fut.await;
            drop(permit);
            (i, value)
        });
        index_of.insert(handle.id(), i);
    }
    let mut results: Vec<Option<T>> = (0..n).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, value)) => results[i] = Some(value),
            Err(e) => {
                let index = index_of[&e.id()];
                return Err(FanOutError::Panicked { index });
            }
        }
    }
    Ok(results
        .into_iter()
        .map(|value| value.expect("every task returned"))
        .collect())
}
