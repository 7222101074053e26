//! The tutorials' sequential measurement in Rust: `cpu_bound(n)` for
//! each of [11, 23, 53, 34], one after the other, at full size,
//! printing each result, its time and the total.
//!
//! Run: `cargo run --release -p ch01-sequential --example ch01-01-sequential`

use ch01_sequential::run_sequential;
use ch01_sequential::timing::{Short, timed};
use workloads::{Scale, TUTORIAL_NUMBERS};

// ANCHOR: main
fn main() {
    let profile = if cfg!(debug_assertions) {
        "debug (unoptimised)"
    } else {
        "release"
    };
    println!("build: {profile}");
    let (runs, total) = timed(|| run_sequential(&TUTORIAL_NUMBERS, Scale::FULL));
    for (n, result, elapsed) in runs {
        println!("cpu_bound({n}) = {result} in {}", Short(elapsed));
    }
    println!("total: {} for {TUTORIAL_NUMBERS:?}", Short(total));
}
// ANCHOR_END: main
