//! The tutorials' workload on threads: sequential, one thread per number, the GIL in
//! a bottle, and the even split, each timed once and read against chapter 01's ideal.
//!
//! Run: `cargo run --release -p ch02-threads --example ch02-01-threads` Each time is
//! the fastest of five runs (the one least disturbed by whatever else the machine is
//! doing); the benchmarks give the careful numbers. Next to each, what that run got
//! from the machine: the cores it kept busy (CPU time over wall time) and the steal
//! time meanwhile.

use std::time::{Duration, Instant};

use ch01_sequential::ideal::{self, Ideal};
use ch02_threads::gil::gil_in_a_bottle;
use ch02_threads::scope::{cores, even_split};
use ch02_threads::spawn::{one_thread_per_number, sequential, spawn_each};
use ch02_threads::usage::{Usage, measure};
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let numbers = TUTORIAL_NUMBERS;
    let cores = cores();
    let tasks = ideal::tutorial_tasks();
    let best = Ideal::new(&tasks, cores)?;
    println!(
        "cpu_bound(n) for n in {numbers:?}, {cores} cores (available_parallelism)\n"
    );
    println!(
        "{:<24} {:>9} {:>8} {:>7} {:>11} {:>8} {:>8}",
        "", "time", "speedup", "ideal", "busy cores", "others", "steal"
    );

    let want = sequential(&numbers, Scale::FULL);
    let seq = fastest_of_5(|| sequential(&numbers, Scale::FULL))?;
    row("sequential", seq, seq.wall, 1.0);

    // ANCHOR: per_thread_times
    // One more run, in which every thread reports when it finished,
    // counted from the start.
    let start = Instant::now();
    let done = spawn_each(&numbers, move |n| (cpu_bound(n), start.elapsed()))?;
    // ANCHOR_END: per_thread_times
    assert!(
        done.iter().map(|(r, _)| *r).eq(want.iter().copied()),
        "same sums"
    );
    let threads = fastest_of_5(|| one_thread_per_number(&numbers, Scale::FULL))?;
    row(
        "one thread per number",
        threads,
        seq.wall,
        best.sequential / best.shared,
    );
    // What fair time-sharing predicts, scaled by the sequential time of
    // one unit of n.
    let per_unit = seq.wall.as_secs_f64() / best.sequential;
    let predicted = ideal::shared_finish_times(&tasks, cores)?;
    for ((n, (_, finished)), p) in numbers.iter().zip(&done).zip(predicted) {
        println!(
            "    n = {n:>2} finished after {:>6.3} s (fair time-sharing: {:.3} s)",
            finished.as_secs_f64(),
            p * per_unit
        );
    }

    assert_eq!(gil_in_a_bottle(&numbers, Scale::FULL)?, want);
    let gil = fastest_of_5(|| gil_in_a_bottle(&numbers, Scale::FULL))?;
    row("gil in a bottle", gil, seq.wall, 1.0);

    assert_eq!(even_split(&numbers, Scale::FULL, cores)?, want);
    let split = fastest_of_5(|| even_split(&numbers, Scale::FULL, cores))?;
    row(
        &format!("even split, {cores} threads"),
        split,
        seq.wall,
        best.sequential / best.lower_bound,
    );

    println!(
        "\nideal: the speedup if the threads cost nothing; one task per thread can never beat \
         {:.2}x (total / largest task)",
        ideal::granularity_limit(&tasks).unwrap_or(1.0)
    );
    println!(
        "busy cores: CPU time of this process (getrusage) / wall time; others: CPU time of every \
         other process meanwhile; steal: CPU time the hypervisor gave to other guests meanwhile \
         (both from /proc/stat, in 10 ms ticks)"
    );
    Ok(())
}

// ANCHOR: fastest
/// Runs `f` five times and keeps the fastest run, with what it got from the machine.
fn fastest_of_5<T>(mut f: impl FnMut() -> T) -> std::io::Result<Usage> {
    let mut best: Option<Usage> = None;
    for _ in 0..5 {
        let (value, usage) = measure(&mut f)?;
        std::hint::black_box(value);
        if best.is_none_or(|b| usage.wall < b.wall) {
            best = Some(usage);
        }
    }
    Ok(best.expect("five runs"))
}
// ANCHOR_END: fastest

fn row(name: &str, run: Usage, sequential: Duration, ideal: f64) {
    let speedup = sequential.as_secs_f64() / run.wall.as_secs_f64();
    let secs = |t: Option<Duration>| {
        t.map_or_else(|| "-".into(), |t| format!("{:.2} s", t.as_secs_f64()))
    };
    let (others, steal) = (secs(run.others), secs(run.steal));
    println!(
        "{name:<24} {:>7.3} s {speedup:>7.2}x {ideal:>6.2}x {:>11.2} {others:>8} {steal:>8}",
        run.wall.as_secs_f64(),
        run.busy_cores(),
    );
}
