//! Exercise 1: a chunked `starmap` that gives back what failed (solution).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

#[path = "../../../../exercises/ch05-starmap/pool.rs"]
mod pool;
pub use pool::{TaskHandle, ThreadPool, panic_message};

/// One failed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure<I> {
    /// Its position in the input.
    pub index: usize,
    /// Its arguments, given back so the caller can retry it.
    pub args: I,
    /// The panic message.
    pub message: String,
}

/// Why `starmap` gave no results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StarmapError<I> {
    /// A chunk size of 0 was asked for.
    ZeroChunkSize,
    /// Every failed item, in input order.
    Failed(Vec<Failure<I>>),
}

/// CPython's default chunk size: `ceil(len / (4 * workers))`, 0 for an empty list.
pub fn default_chunksize(len: usize, workers: usize) -> usize {
    len.div_ceil(4 * workers)
}

/// Each item's value, or its arguments and panic message.
type Outcome<I, T> = Result<T, (I, String)>;

fn run_chunk<I: Clone, T>(f: &impl Fn(I) -> T, chunk: Vec<I>) -> Vec<Outcome<I, T>> {
    chunk
        .into_iter()
        .map(|item| {
            let args = item.clone();
            catch_unwind(AssertUnwindSafe(|| f(item)))
                .map_err(|payload| (args, panic_message(&*payload)))
        })
        .collect()
}

/// Calls `f` on every item, in chunks of `chunksize` items (`None`: the default, at
/// least 1), one pool task per chunk. Results in input order, or every failure.
pub fn starmap<I, T, F>(
    pool: &ThreadPool,
    f: F,
    items: Vec<I>,
    chunksize: Option<usize>,
) -> Result<Vec<T>, StarmapError<I>>
where
    F: Fn(I) -> T + Send + Sync + 'static,
    I: Clone + Send + 'static,
    T: Send + 'static,
{
    let size = match chunksize {
        Some(0) => return Err(StarmapError::ZeroChunkSize),
        Some(n) => n,
        None => default_chunksize(items.len(), pool.size()).max(1),
    };
    let f = Arc::new(f);
    let mut handles = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<I> = items.by_ref().take(size).collect();
        let f = Arc::clone(&f);
        handles.push(pool.apply_async(move || run_chunk(&*f, chunk)));
    }
    let (mut values, mut failures) = (Vec::new(), Vec::new());
    let mut index = 0;
    for handle in handles {
        for outcome in handle.get().expect("run_chunk catches every panic") {
            match outcome {
                Ok(value) => values.push(value),
                Err((args, message)) => failures.push(Failure {
                    index,
                    args,
                    message,
                }),
            }
            index += 1;
        }
    }
    if failures.is_empty() {
        Ok(values)
    } else {
        Err(StarmapError::Failed(failures))
    }
}
