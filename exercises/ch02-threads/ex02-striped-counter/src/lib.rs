//! Exercise 2: one counter striped over padded cells, so adding threads
//! do not contend.
//!
//! Replace each `todo!()` by your code; `cargo test` in this folder
//! tells you when you are done.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

// ANCHOR: starter
/// One cell of a [`StripedCounter`], alone on its cache line(s).
// TODO: make every cell start on a 128-byte boundary, so cells sit
// 128 bytes apart in a `Vec`.
#[derive(Debug, Default)]
pub struct CounterCell(AtomicU64);

/// One counter that many threads add to at once, spread over `cells` padded cells:
/// each thread adds through its own [`Adder`], and adders take the cells in turn, so
/// up to `cells` threads never write the same cache line.
#[derive(Debug)]
pub struct StripedCounter {
    cells: Vec<CounterCell>,
    /// How many adders were taken: the next one adds to cell `next % cells`.
    next: AtomicUsize,
}

/// A handle that adds to one cell of a counter. Take one per thread.
#[derive(Debug)]
pub struct Adder<'a> {
    counter: &'a StripedCounter,
    cell: usize,
}

impl StripedCounter {
    /// A counter of `cells` cells, all zero; `None` if `cells` is zero.
    pub fn new(cells: usize) -> Option<Self> {
        todo!()
    }

    /// An adder for the next cell in turn: the `k`-th adder taken (from 0) adds to
    /// cell `k % cells`, even when threads take adders at the same time.
    pub fn adder(&self) -> Adder<'_> {
        // TODO: two threads may ask at the same moment; both must not
        // get the same `k`.
        todo!()
    }

    /// The counter's value: the sum of its cells, wrapping.
    ///
    /// Not a snapshot: while adders run, `sum` reads the cells one after the other,
    /// so it may count an add to a later cell and miss an earlier add to an earlier
    /// one. It is exact once every add happened before the call, e.g. after the scope
    /// that ran the adders ended.
    pub fn sum(&self) -> u64 {
        todo!()
    }
}

impl Adder<'_> {
    /// Adds `n` to this adder's cell, wrapping on overflow.
    pub fn add(&self, n: u64) {
        // TODO: with more threads than cells, two adders share a cell and add at
        // once: no add may be lost. Which ordering is enough, and why?
        todo!()
    }
}

/// Given: what the spec needs to look inside the counter.
impl StripedCounter {
    /// How many cells the counter has.
    pub fn cells(&self) -> usize {
        self.cells.len()
    }

    /// Where cell `cell` lives in memory, so the spec can check the layout.
    pub fn address_of(&self, cell: usize) -> usize {
        &self.cells[cell] as *const CounterCell as usize
    }

    /// What cell `cell` holds now.
    pub fn value_of(&self, cell: usize) -> u64 {
        self.cells[cell].0.load(Ordering::Relaxed)
    }
}

/// Runs `work` on `threads` scoped threads that share one counter of
/// `cells` cells, each thread with an adder of its own, and returns the
/// counter once every thread has finished.
///
/// Returns `None` (and runs nothing) if `cells` is zero. Zero threads
/// give a counter of zeros.
pub fn count_with<F>(threads: usize, cells: usize, work: F) -> Option<StripedCounter>
where
    F: Fn(&Adder<'_>) + Sync,
{
    // TODO: make the counter, then start all the threads in one scope; each takes its
    // adder and calls `work` with it.
    todo!()
}
// ANCHOR_END: starter
