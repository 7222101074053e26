//! Exercise 1, solved: a scoped parallel sum over `k` chunks.

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

// ANCHOR: solution
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
    if k == 0 {
        return Err(SumError::ZeroChunks);
    }
    let (len, k) = (range.end.saturating_sub(range.start), k as u64);
    let (base, extra) = (len / k, len % k);
    // Chunk `i` starts after `i` chunks of `base` elements and the `min(i, extra)`
    // extra ones of the chunks before it, which are one element longer.
    let start_of = |i: u64| range.start + i * base + i.min(extra);
    let chunks: Vec<Range<u64>> =
        (0..k).map(|i| start_of(i)..start_of(i + 1)).collect();

    let sum_chunk = &sum_chunk;
    thread::scope(|s| {
        // Spawn them all first, then join: joining in the spawning loop would
        // serialise them.
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| s.spawn(move || sum_chunk(chunk)))
            .collect();
        // Join every handle before looking at any result: a scope
        // panics at its end if a thread it still owns panicked, so
        // stopping at the first error is not an option.
        let parts: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        parts.into_iter().try_fold(0u64, |total, part| {
            let part = part.map_err(|_| SumError::ChunkPanicked)?;
            Ok(total.wrapping_add(part))
        })
    })
}
// ANCHOR_END: solution

/// [`parallel_sum_with`] with the plain loop [`sum_chunk`].
pub fn parallel_sum(range: Range<u64>, k: usize) -> Result<u64, SumError> {
    parallel_sum_with(range, k, sum_chunk)
}

/// Sums one chunk, one addition per element, wrapping on overflow.
pub fn sum_chunk(chunk: Range<u64>) -> u64 {
    chunk.fold(0, |acc, i| acc.wrapping_add(i))
}
