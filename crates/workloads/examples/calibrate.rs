//! The calibration workload of `cargo course bench`: a fixed amount of CPU work on
//! every core at once, timed over several rounds. The tool runs it (built with
//! `--release`) before and after a chapter's benchmarks; if the two medians differ by
//! more than 5%, something else used the machine during the run, and the run's
//! numbers cannot be trusted.
//!
//! Every core works at once so that a competitor on any core shows up: a round lasts
//! as long as its slowest thread. Prints one line, `median_ns min_ns max_ns rounds`,
//! for the tool to read.

use std::time::Instant;
use workloads::{Scale, cpu_bound_at};

/// Units of [`cpu_bound_at`] per thread per round at full scale (50
/// million additions).
const UNITS: u64 = 50;
/// Rounds timed; the first, warm-up round is not counted.
const ROUNDS: usize = 15;

fn round(threads: usize) -> f64 {
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| std::hint::black_box(cpu_bound_at(UNITS, Scale::FULL)));
        }
    });
    start.elapsed().as_nanos() as f64
}

fn main() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    round(threads);
    let mut times: Vec<f64> = (0..ROUNDS).map(|_| round(threads)).collect();
    times.sort_by(f64::total_cmp);
    let median = times[ROUNDS / 2];
    println!(
        "{median:.0} {:.0} {:.0} {ROUNDS}",
        times[0],
        times[ROUNDS - 1]
    );
}
