//! Step 6: contention. The same sum, five ways to combine the threads' work.
//!
//! Every variant sums `range` over `threads` threads, each thread taking one chunk
//! from [`for_each_chunk`], and every variant returns the same number. They differ
//! only in *where* each thread adds its items:
//!
//! | variant | per item | shared between threads |
//! |---|---|---|
//! | [`mutex_per_item`] | lock, add, unlock | one `Mutex<u64>` |
//! | [`atomic_per_item`] | one `fetch_add` | one `AtomicU64` |
//! | [`false_sharing`] | add to its own counter | the cache line the counters sit on |
//! | [`padded`] | add to its own counter | nothing: one cache line per counter |
//! | [`local_accumulation`] | add to a local variable | nothing; one merge at the end |

use std::hint::black_box;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use workloads::sum_range;

use crate::ThreadsError;
use crate::scope::for_each_chunk;

/// The range the `contention` benchmark sums: long enough that the combining
/// strategy, not the thread start-up, decides the time.
pub const BENCH_RANGE: Range<u64> = 0..4_000_000;

// ANCHOR: mutex_per_item
/// Every item takes the one shared lock: the threads queue for it on every addition.
pub fn mutex_per_item(
    range: Range<u64>,
    threads: usize,
) -> Result<u64, ThreadsError> {
    let total = Mutex::new(0u64);
    for_each_chunk(range, threads, &|_, chunk| {
        for i in chunk {
            let mut t = total.lock().unwrap_or_else(PoisonError::into_inner);
            *t = t.wrapping_add(black_box(i));
        }
    })?;
    Ok(total.into_inner().unwrap_or_else(PoisonError::into_inner))
}
// ANCHOR_END: mutex_per_item

// ANCHOR: atomic_per_item
/// Every item is one atomic read-modify-write on the one shared counter: no lock, but
/// the counter's cache line must travel to whichever core adds next.
pub fn atomic_per_item(
    range: Range<u64>,
    threads: usize,
) -> Result<u64, ThreadsError> {
    let total = AtomicU64::new(0);
    for_each_chunk(range, threads, &|_, chunk| {
        for i in chunk {
            total.fetch_add(black_box(i), Ordering::Relaxed); // wraps on overflow
        }
    })?;
    Ok(total.into_inner())
}
// ANCHOR_END: atomic_per_item

// ANCHOR: own_counter
/// Adds `chunk` into `counter`, which only this thread writes, one store per item.
///
/// The counter is atomic so that other threads could read progress while the work
/// runs, and so that every item is stored in practice: a plain `&mut u64` would be
/// kept in a register and written once, hiding the cost this module measures. (The
/// memory model would allow merging consecutive relaxed stores to one location; LLVM
/// does not do it, and the bench's assembly has one store per item.)
fn add_into(counter: &AtomicU64, chunk: Range<u64>) {
    for i in chunk {
        let now = counter.load(Ordering::Relaxed);
        counter.store(now.wrapping_add(black_box(i)), Ordering::Relaxed);
    }
}
// ANCHOR_END: own_counter

// ANCHOR: false_sharing
/// One counter per thread, side by side in one `Vec`: 8 bytes each, so up to eight of
/// them share a 64-byte cache line. No two threads touch the same counter, yet while
/// they store, the line keeps bouncing between the cores, as if they did.
pub fn false_sharing(range: Range<u64>, threads: usize) -> Result<u64, ThreadsError> {
    let counters: Vec<AtomicU64> = (0..threads).map(|_| AtomicU64::new(0)).collect();
    for_each_chunk(range, threads, &|w, chunk| add_into(&counters[w], chunk))?;
    Ok(counters
        .into_iter()
        .map(AtomicU64::into_inner)
        .fold(0, u64::wrapping_add))
}
// ANCHOR_END: false_sharing

// ANCHOR: padded
/// A value alone on its cache line(s): aligned, and so sized, to 128 bytes.
///
/// 128, not 64: on x86-64 the spatial prefetcher fetches cache lines in pairs, so two
/// counters 64 bytes apart still interfere; 128 is also the line size of Apple's
/// M-series cores. (`crossbeam_utils::CachePadded` makes the same choice.)
#[repr(align(128))]
#[derive(Debug, Default)]
pub struct Padded<T>(pub T);

/// [`false_sharing`] with every counter on its own cache line.
pub fn padded(range: Range<u64>, threads: usize) -> Result<u64, ThreadsError> {
    let counters: Vec<Padded<AtomicU64>> =
        (0..threads).map(|_| Padded::default()).collect();
    for_each_chunk(range, threads, &|w, chunk| add_into(&counters[w].0, chunk))?;
    Ok(counters
        .into_iter()
        .map(|c| c.0.into_inner())
        .fold(0, u64::wrapping_add))
}
// ANCHOR_END: padded

// ANCHOR: local_accumulation
/// Each thread sums its chunk in a local variable and hands the result back once,
/// through its join handle: no sharing at all while the work runs.
pub fn local_accumulation(
    range: Range<u64>,
    threads: usize,
) -> Result<u64, ThreadsError> {
    let partials = for_each_chunk(range, threads, &|_, chunk| sum_range(chunk))?;
    Ok(partials.into_iter().fold(0, u64::wrapping_add))
}
// ANCHOR_END: local_accumulation

/// A way to sum `range` over `threads` threads.
pub type Variant = fn(range: Range<u64>, threads: usize) -> Result<u64, ThreadsError>;

/// Every variant, by the name the benchmark and the book give it.
pub const VARIANTS: [(&str, Variant); 5] = [
    ("mutex per item", mutex_per_item),
    ("atomic per item", atomic_per_item),
    ("false sharing", false_sharing),
    ("padded", padded),
    ("local accumulation", local_accumulation),
];

#[cfg(test)]
mod tests {
    use super::*;
    use workloads::{Scale, sum_range_expected};

    #[test]
    fn every_variant_gives_the_right_sum_for_any_thread_count() {
        let range = 0..20 * Scale::TEST.unit;
        for (name, variant) in VARIANTS {
            for threads in [1, 2, 3, 4, 9] {
                assert_eq!(
                    variant(range.clone(), threads),
                    Ok(sum_range_expected(range.clone())),
                    "{name} on {threads} threads"
                );
            }
            assert_eq!(variant(5..5, 3), Ok(0), "{name} on an empty range");
            assert_eq!(
                variant(range.clone(), 0),
                Err(ThreadsError::ZeroThreads),
                "{name}"
            );
        }
    }

    #[test]
    fn sums_wrap_like_the_sequential_loop() {
        let range = u64::MAX - 100..u64::MAX;
        for (name, variant) in VARIANTS {
            assert_eq!(
                variant(range.clone(), 4),
                Ok(sum_range_expected(range.clone())),
                "{name}"
            );
        }
    }

    // ANCHOR: test_padded
    #[test]
    fn padded_counters_never_share_a_cache_line() {
        assert_eq!(std::mem::align_of::<Padded<AtomicU64>>(), 128);
        assert_eq!(std::mem::size_of::<Padded<AtomicU64>>(), 128);
        let counters: Vec<Padded<AtomicU64>> =
            (0..4).map(|_| Padded::default()).collect();
        for pair in counters.windows(2) {
            let (a, b) =
                (&pair[0] as *const _ as usize, &pair[1] as *const _ as usize);
            assert_eq!((a % 128, b - a), (0, 128));
        }
        // Unpadded, eight counters fit in 64 bytes: one cache line.
        assert_eq!(std::mem::size_of::<[AtomicU64; 8]>(), 64);
    }
    // ANCHOR_END: test_padded
}
