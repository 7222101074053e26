//! Chunks: how many items one task carries to a worker.

use std::ops::Range;
use thiserror::Error;

// ANCHOR: default_chunksize
/// CPython's default for `Pool.map` and `starmap`: `ceil(len / (4 * workers))`, so
/// each worker gets about four chunks. (CPython 3.11, `Lib/multiprocessing/pool.py`,
/// `_map_async`: `chunksize, extra = divmod(len(iterable), len(self._pool) *
/// 4)`, plus one if `extra`; 0 for an empty list.) `imap` and `imap_unordered`
/// default to 1 instead.
pub fn default_chunksize(len: usize, workers: usize) -> usize {
    len.div_ceil(4 * workers.max(1))
}
// ANCHOR_END: default_chunksize

/// How to cut the items into chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkSize {
    /// [`default_chunksize`] for this many items and this pool.
    Default,
    /// This many items per chunk (the last chunk may be shorter). Zero is an error.
    Fixed(usize),
}

/// A chunk size of zero: a chunk must carry at least one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("a chunk size must be at least 1, got 0")]
pub struct ZeroChunkSize;

impl ChunkSize {
    /// The number of items per chunk for `len` items on `workers`
    /// workers (at least 1).
    pub fn resolve(self, len: usize, workers: usize) -> Result<usize, ZeroChunkSize> {
        match self {
            ChunkSize::Default => Ok(default_chunksize(len, workers).max(1)),
            ChunkSize::Fixed(0) => Err(ZeroChunkSize),
            ChunkSize::Fixed(n) => Ok(n),
        }
    }
}

// ANCHOR: split
/// Cuts `items` into chunks of `size` (the last may be shorter), each
/// with the index of its first item in the whole list: that index is
/// what lets a failure name its item.
pub fn split<T>(
    items: impl IntoIterator<Item = T>,
    size: usize,
) -> Vec<(usize, Vec<T>)> {
    assert!(size > 0, "chunk size 0");
    let mut chunks: Vec<(usize, Vec<T>)> = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match chunks.last_mut() {
            Some((_, chunk)) if chunk.len() < size => chunk.push(item),
            _ => chunks.push((index, vec![item])),
        }
    }
    chunks
}
// ANCHOR_END: split

/// The index ranges of [`split`], for code that works on a slice.
pub fn ranges(len: usize, size: usize) -> Vec<Range<usize>> {
    assert!(size > 0, "chunk size 0");
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_cpythons_divmod_rule() {
        // divmod(len, workers * 4), plus one if there is a remainder
        assert_eq!(default_chunksize(10_000, 2), 1250);
        assert_eq!(default_chunksize(10_001, 2), 1251);
        assert_eq!(default_chunksize(5, 5), 1);
        assert_eq!(default_chunksize(60, 2), 8);
        assert_eq!(default_chunksize(0, 2), 0);
        assert_eq!(ChunkSize::Default.resolve(0, 2), Ok(1));
        assert_eq!(ChunkSize::Fixed(0).resolve(10, 2), Err(ZeroChunkSize));
    }

    #[test]
    fn split_keeps_every_item_once_in_order() {
        for len in [0usize, 1, 9, 10, 11, 100] {
            for size in [1, 3, 10, 1000] {
                let chunks = split(0..len, size);
                assert_eq!(chunks.len(), len.div_ceil(size), "len {len} size {size}");
                let flat: Vec<usize> =
                    chunks.iter().flat_map(|(_, c)| c.clone()).collect();
                assert_eq!(flat, (0..len).collect::<Vec<_>>());
                for (start, chunk) in &chunks {
                    assert_eq!(chunk[0], *start, "a chunk knows its first index");
                    assert!(chunk.len() <= size);
                }
                let r = ranges(len, size);
                let from_ranges: Vec<usize> =
                    r.into_iter().map(|r| r.start).collect();
                let from_split: Vec<usize> = chunks.iter().map(|(s, _)| *s).collect();
                assert_eq!(from_ranges, from_split);
            }
        }
    }
}
