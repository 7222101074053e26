//! Exercise 1, a solution: time a closure once, time it several times, take the median.

use std::hint::black_box;
use std::time::{Duration, Instant};

// ANCHOR: solution
/// Runs `f` once and returns its value together with how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Runs `f` `runs` times and returns the time of each run, in the order they ran.
pub fn repeat<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let (value, elapsed) = timed(&mut f);
            black_box(value);
            elapsed
        })
        .collect()
}

/// The middle of `times` (in any order); the mean of the two middle ones for an even count;
/// `None` for no times at all.
pub fn median(times: &[Duration]) -> Option<Duration> {
    if times.is_empty() {
        return None;
    }
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2
    })
}
// ANCHOR_END: solution
