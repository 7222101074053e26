//! Exercise 2: per-thread counters that never share a cache line.
//!
//! Replace each `todo!()` by your code; `cargo test` in this folder tells you when you are done.

#![allow(unused_variables, unused_imports, dead_code)]

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: starter
/// One counter, alone on its cache line(s).
// TODO: make every `Slot` start on a 128-byte boundary and fill 128 bytes (Hint 1).
#[derive(Debug, Default)]
pub struct Slot(AtomicU64);

/// One counter per thread: thread `i` adds only to counter `i`.
#[derive(Debug)]
pub struct Counters {
    slots: Vec<Slot>,
}

impl Counters {
    /// `n` counters, all zero.
    pub fn new(n: usize) -> Self {
        todo!()
    }

    /// Adds `amount` to counter `i`, wrapping on overflow. Panics if `i >= self.len()`.
    pub fn add(&self, i: usize, amount: u64) {
        // TODO: add in one atomic operation: two threads may add to the same counter at once.
        // `Ordering::Relaxed` is enough: nothing else is ordered by this counter.
        todo!()
    }

    /// The value of counter `i`. Panics if `i >= self.len()`.
    pub fn get(&self, i: usize) -> u64 {
        todo!()
    }

    /// The sum of all counters, wrapping.
    pub fn total(&self) -> u64 {
        todo!()
    }
}
// ANCHOR_END: starter

/// Given: what the spec needs to look at the counters.
impl Counters {
    /// How many counters there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// `true` if there are no counters.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Where counter `i` lives in memory, so the spec can check the layout.
    pub fn address_of(&self, i: usize) -> usize {
        &self.slots[i] as *const Slot as usize
    }
}

// ANCHOR: count
/// Counts the multiples of `divisor` in `range` on `threads` scoped threads: the range is split
/// into `threads` contiguous chunks whose lengths differ by at most one, and thread `w` counts
/// its chunk into counter `w`, one `add` per multiple it finds.
///
/// Returns `None` if `threads` or `divisor` is zero.
pub fn count_multiples(range: Range<u64>, divisor: u64, threads: usize) -> Option<Counters> {
    // TODO: check the arguments, make the counters, split the range, and run one scoped thread
    // per chunk that calls `counters.add(w, 1)` for every multiple of `divisor` it sees.
    todo!()
}
// ANCHOR_END: count
