//! Exercise 2, solved: per-thread counters that never share a cache line.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: solution
/// One counter, alone on its cache line(s): 128-byte aligned, so 128 bytes apart in a `Vec`.
#[repr(align(128))]
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
        Counters {
            slots: (0..n).map(|_| Slot::default()).collect(),
        }
    }

    /// Adds `amount` to counter `i`, wrapping on overflow. Panics if `i >= self.len()`.
    pub fn add(&self, i: usize, amount: u64) {
        self.slots[i].0.fetch_add(amount, Ordering::Relaxed);
    }

    /// The value of counter `i`. Panics if `i >= self.len()`.
    pub fn get(&self, i: usize) -> u64 {
        self.slots[i].0.load(Ordering::Relaxed)
    }

    /// The sum of all counters, wrapping.
    pub fn total(&self) -> u64 {
        self.slots
            .iter()
            .map(|s| s.0.load(Ordering::Relaxed))
            .fold(0, u64::wrapping_add)
    }
}
// ANCHOR_END: solution

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

/// Counts the multiples of `divisor` in `range` on `threads` scoped threads: the range is split
/// into `threads` contiguous chunks whose lengths differ by at most one, and thread `w` counts
/// its chunk into counter `w`, one `add` per multiple it finds.
///
/// Returns `None` if `threads` or `divisor` is zero.
pub fn count_multiples(range: Range<u64>, divisor: u64, threads: usize) -> Option<Counters> {
    if threads == 0 || divisor == 0 {
        return None;
    }
    let counters = Counters::new(threads);
    let len = range.end.saturating_sub(range.start);
    let (base, extra) = (len / threads as u64, len % threads as u64);
    thread::scope(|s| {
        let mut start = range.start;
        for w in 0..threads {
            let end = start + base + u64::from((w as u64) < extra);
            let (chunk, counters) = (start..end, &counters);
            s.spawn(move || {
                for _ in chunk.filter(|i| i % divisor == 0) {
                    counters.add(w, 1);
                }
            });
            start = end;
        }
    });
    Some(counters)
}
