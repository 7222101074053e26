//! Exercise 1: a chunked `starmap` that gives back what failed.
#![allow(unused_variables, dead_code, unused_imports)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

#[path = "../../pool.rs"]
mod pool;
pub use pool::{TaskHandle, ThreadPool, panic_message};

// ANCHOR: starter
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
    // TODO: CPython 3.11 computes `divmod(len, workers * 4)` and adds 1
    // if there is a remainder.
    todo!()
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
    // TODO: check the chunk size, cut `items` into chunks, send one
    // task per chunk (catching each item's panic on its own inside the
    // task), then read the handles in order.
    todo!()
}
// ANCHOR_END: starter
