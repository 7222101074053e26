//! The tutorials' workload on threads: sequential, one thread per number, the GIL in a bottle,
//! and the even split, each timed once and read against chapter 01's ideal.
//!
//! Run: `cargo run --release -p ch02-threads --example ch02-01-threads`
//! Each time is the fastest of five runs (the one least disturbed by whatever else the machine
//! is doing); the benchmarks give the careful numbers.

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use ch01_sequential::ideal::{self, Ideal};
use ch01_sequential::timing::repeat;
use ch02_threads::gil::gil_in_a_bottle;
use ch02_threads::scope::{cores, even_split};
use ch02_threads::spawn::{one_thread_per_number, sequential, spawn_each};
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let numbers = TUTORIAL_NUMBERS;
    let cores = cores();
    let tasks = ideal::tutorial_tasks();
    let best = Ideal::new(&tasks, cores)?;
    println!("cpu_bound(n) for n in {numbers:?}, {cores} cores (available_parallelism)\n");

    let want = sequential(&numbers, Scale::FULL);
    let seq = fastest_of_5(|| sequential(&numbers, Scale::FULL));
    row("sequential", seq, seq, 1.0);

    // ANCHOR: per_thread_times
    // One more run, in which every thread reports when it finished, counted from the start.
    let start = Instant::now();
    let done = spawn_each(&numbers, move |n| (cpu_bound(n), start.elapsed()))?;
    // ANCHOR_END: per_thread_times
    assert!(
        done.iter().map(|(r, _)| *r).eq(want.iter().copied()),
        "same sums"
    );
    let threads = fastest_of_5(|| one_thread_per_number(&numbers, Scale::FULL));
    row(
        "one thread per number",
        threads,
        seq,
        best.sequential / best.shared,
    );
    // What fair time-sharing predicts, scaled by the sequential time of one unit of n.
    let per_unit = seq.as_secs_f64() / best.sequential;
    let predicted = ideal::shared_finish_times(&tasks, cores)?;
    for ((n, (_, finished)), p) in numbers.iter().zip(&done).zip(predicted) {
        println!(
            "    n = {n:>2} finished after {:>6.3} s (fair time-sharing: {:.3} s)",
            finished.as_secs_f64(),
            p * per_unit
        );
    }

    assert_eq!(gil_in_a_bottle(&numbers, Scale::FULL)?, want);
    let gil = fastest_of_5(|| gil_in_a_bottle(&numbers, Scale::FULL));
    row("gil in a bottle", gil, seq, 1.0);

    assert_eq!(even_split(&numbers, Scale::FULL, cores)?, want);
    let split = fastest_of_5(|| even_split(&numbers, Scale::FULL, cores));
    row(
        &format!("even split, {cores} threads"),
        split,
        seq,
        best.sequential / best.lower_bound,
    );

    println!(
        "\nideal: the speedup if the threads cost nothing; one task per thread can never beat \
         {:.2}x (total / largest task)",
        ideal::granularity_limit(&tasks).unwrap_or(1.0)
    );
    Ok(())
}

fn fastest_of_5<T>(f: impl FnMut() -> T) -> Duration {
    repeat(NonZeroUsize::new(5).expect("5 is not zero"), f).min()
}

fn row(name: &str, took: Duration, sequential: Duration, ideal: f64) {
    let speedup = sequential.as_secs_f64() / took.as_secs_f64();
    println!(
        "{name:<24} {:>7.3} s  {speedup:>5.2}x  (ideal {ideal:.2}x)",
        took.as_secs_f64()
    );
}
