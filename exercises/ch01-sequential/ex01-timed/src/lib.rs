//! Exercise 1: time a closure once, time it several times, take the median.
//!
//! Replace each `todo!()` by your code; `cargo test -p ch01-ex01-timed` tells you when you are
//! done.

#![allow(unused_variables, unused_imports, unused_mut, dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

// ANCHOR: starter
/// Runs `f` once and returns its value together with how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    // TODO: read the clock with `Instant::now()`, run `f`, and return its value with the
    // time elapsed since you read the clock.
    todo!()
}

/// Runs `f` `runs` times and returns the time of each run, in the order they ran.
pub fn repeat<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    // TODO: time each run with `timed`; hand each value to `black_box` so the compiler
    // cannot skip the work; collect the times.
    todo!()
}

/// The middle of `times` (in any order); the mean of the two middle ones for an even count;
/// `None` for no times at all.
pub fn median(times: &[Duration]) -> Option<Duration> {
    // TODO: sort a copy of `times` and pick the middle (or the mean of the middle two).
    todo!()
}
// ANCHOR_END: starter
