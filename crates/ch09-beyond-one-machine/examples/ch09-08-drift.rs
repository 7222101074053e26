//! Why can a benchmark row pass the two-core bound? Master/worker on 4 ranks against
//! the sequential uneven list, interleaved: each round times the sequential list (the
//! static split on 1 rank), then master/worker on 4 ranks, then the sequential list
//! again, each in its own `mpirun` of the bench's rank program, and divides the mean
//! of the two sequential times by master/worker's. The benchmark measures its rows
//! about a minute apart; here they are seconds apart, and the sequential runs show
//! how far the machine itself moves in between.
//!
//! Needs the rank program built with the `mpi` feature (capture-mpi.sh builds it):
//! `cargo build --release -p ch09-beyond-one-machine --features mpi --examples`, then
//! `cargo run --release -p ch09-beyond-one-machine --example ch09-08-drift`.

use std::path::Path;
use std::time::Duration;

use ch09_beyond_one_machine::rank_program;

/// Rounds of sequential, master/worker, sequential.
const ROUNDS: usize = 10;
/// Runs per `mpirun`, as the rank program times them (their total is printed).
const RUNS: u32 = 5;

/// Rank 0's mean time per run of `mode` on the uneven list, on `ranks` ranks.
fn time(program: &Path, ranks: usize, mode: &str) -> Duration {
    rank_program::total_time(program, ranks, &[mode, "uneven", &RUNS.to_string()])
        / RUNS
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let me = std::env::current_exe().expect("this example's path");
    let program = me.with_file_name(rank_program::NAME);
    assert!(
        program.exists(),
        "{program:?} is missing: build it with `cargo build --release -p \
         ch09-beyond-one-machine --features mpi --examples`"
    );
    println!(
        "uneven list; each time is the mean of {RUNS} runs in one mpirun; speedup = mean of the \
         two sequential times / master/worker's"
    );
    println!("round  sequential  master/worker, 4 ranks  sequential  speedup");
    let mut sequential = Vec::new();
    let mut speedups = Vec::new();
    let mut before = time(&program, 1, "static");
    for round in 1..=ROUNDS {
        let parallel = time(&program, 4, "master-worker");
        let after = time(&program, 1, "static");
        let speedup = (ms(before) + ms(after)) / 2.0 / ms(parallel);
        println!(
            "{round:>5}  {:>7.1} ms  {:>19.1} ms  {:>7.1} ms  {speedup:>6.2}x",
            ms(before),
            ms(parallel),
            ms(after)
        );
        sequential.push(ms(before));
        speedups.push(speedup);
        before = after;
    }
    sequential.push(ms(before));
    let steps = sequential.windows(2).map(|w| (w[1] / w[0] - 1.0).abs());
    let largest_step = steps.fold(0.0, f64::max);
    let (lo, hi) = min_max(&sequential);
    println!(
        "sequential: {lo:.1} ms .. {hi:.1} ms over {} runs; consecutive ones up to {:.0}% apart",
        sequential.len(),
        largest_step * 100.0
    );
    let (lo, hi) = min_max(&speedups);
    println!(
        "speedup against the sequential runs around it: {lo:.2}x .. {hi:.2}x (two cores: 2.00x)"
    );
}

fn min_max(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}
