//! No warm-up: the first run of a piece of work pays costs the later
//! runs do not. Here the work writes and sums a 64 MiB buffer; the
//! first run also pays for the operating system mapping that memory in,
//! page by page (page faults), on first touch.
//!
//! Run: `cargo run --release -p ch01-sequential --example ch01-06-warm-up`

use std::hint::black_box;

use ch01_sequential::timing::{Short, Spread, timed};

// ANCHOR: work
/// Writes `0, 1, 2, ...` into the buffer and returns the sum.
fn fill_and_sum(buffer: &mut [u64]) -> u64 {
    for (i, x) in buffer.iter_mut().enumerate() {
        *x = i as u64;
    }
    black_box(&*buffer).iter().sum()
}
// ANCHOR_END: work

// ANCHOR: main
fn main() {
    // Allocated, but not yet touched: the OS maps its pages in on the first write.
    let mut buffer = vec![0u64; 8 * 1024 * 1024];
    let times: Vec<_> = (0..6)
        .map(|_| timed(|| black_box(fill_and_sum(&mut buffer))).1)
        .collect();
    for (i, t) in times.iter().enumerate() {
        println!("run {}: {}", i + 1, Short(*t));
    }
    let later = Spread::new(times[1..].to_vec()).expect("five later runs");
    let ratio = times[0].as_secs_f64() / later.median().as_secs_f64();
    println!("first run / median of the later runs = {ratio:.1}");
}
// ANCHOR_END: main
