//! A single run on a noisy machine: time `cpu_bound(11)` 11 times, print every run in
//! order, then the fastest, the median and the slowest.
//!
//! Run: `cargo run --release -p ch01-sequential --example ch01-05-spread`

use std::num::NonZeroUsize;

use ch01_sequential::timing::{Short, repeat};
use workloads::cpu_bound;

const RUNS: NonZeroUsize = NonZeroUsize::new(11).unwrap();

// ANCHOR: main
fn main() {
    let spread = repeat(RUNS, || cpu_bound(11));
    for (i, t) in spread.in_order.iter().enumerate() {
        println!("run {:>2}: {}", i + 1, Short(*t));
    }
    let (min, median, max) = (spread.min(), spread.median(), spread.max());
    let (fast, mid, slow) = (Short(min), Short(median), Short(max));
    println!("min {fast}, median {mid}, max {slow}");
    let ratio = max.as_secs_f64() / min.as_secs_f64();
    println!("slowest / fastest = {ratio:.2}");
}
// ANCHOR_END: main
