//! Exercise 1: a scoped parallel sum over `k` chunks.
//!
//! Replace the `todo!()` by your code; `cargo test` in this folder
//! tells you when you are done.

use std::fmt;
use std::ops::Range;
use std::thread;

/// Why a parallel sum could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SumError {
    /// `k == 0`: there is no way to split work among nobody.
    ZeroChunks,
    /// The thread summing one of the chunks panicked.
    ChunkPanicked,
}

impl fmt::Display for SumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SumError::ZeroChunks => {
                write!(f, "cannot split a range into zero chunks")
            }
            SumError::ChunkPanicked => {
                write!(f, "the thread summing a chunk panicked")
            }
        }
    }
}

impl std::error::Error for SumError {}

// ANCHOR: starter
/// Sums `range` on `k` threads: splits it into `k` contiguous chunks whose lengths
/// differ by at most one, sums each chunk with `sum_chunk` on a scoped thread of its
/// own, and adds the partial sums up (wrapping, like `sum_chunk`).
///
/// * `k == 0` is `Err(SumError::ZeroChunks)`, not a panic;
/// * `k` larger than the range's length is fine: the extra chunks are empty;
/// * a chunk whose `sum_chunk` panics makes the result
///   `Err(SumError::ChunkPanicked)`.
pub fn parallel_sum_with<F>(
    range: Range<u64>,
    k: usize,
    sum_chunk: F,
) -> Result<u64, SumError>
where
    F: Fn(Range<u64>) -> u64 + Sync,
{
    // TODO: compute the k chunks (the first `len % k` of them one element longer),
    // then open a `thread::scope`, spawn one thread per chunk that calls `sum_chunk`,
    // join every handle, and add the partial sums with `wrapping_add`. `join` returns
    // a `Result`: a panicked thread is an `Err`.
    todo!()
}
// ANCHOR_END: starter

/// [`parallel_sum_with`] with the plain loop [`sum_chunk`].
pub fn parallel_sum(range: Range<u64>, k: usize) -> Result<u64, SumError> {
    parallel_sum_with(range, k, sum_chunk)
}

/// Sums one chunk, one addition per element, wrapping on overflow.
pub fn sum_chunk(chunk: Range<u64>) -> u64 {
    chunk.fold(0, |acc, i| acc.wrapping_add(i))
}
