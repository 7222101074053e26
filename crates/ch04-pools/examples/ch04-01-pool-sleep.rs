//! The tutorials' pool experiment, scaled down: a pool of 5 runs tasks 1..5 and ends when the
//! longest task ends; a pool of 2 makes tasks wait for a free worker.
//!
//! Run: `cargo run --release -p ch04-pools --example ch04-01-pool-sleep`

use std::ops::RangeInclusive;
use std::time::Instant;

use ch04_pools::ThreadPool;
use workloads::{Scale, long_time_task};

// ANCHOR: main
fn run(workers: usize, tasks: RangeInclusive<u64>) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "ThreadPool({workers}), tasks {}..{}:",
        tasks.start(),
        tasks.end()
    );
    let start = Instant::now();
    let pool = ThreadPool::new(workers)?;
    let handles = tasks
        .map(|name| pool.apply_async(move || long_time_task(name, Scale::DEMO)))
        .collect::<Result<Vec<_>, _>>()?;
    let reports = handles
        .into_iter()
        .map(|h| h.get())
        .collect::<Result<Vec<_>, _>>()?;
    pool.join();
    let total = start.elapsed();

    for r in &reports {
        let (name, pid, units, took) = (r.name, r.pid, r.units, r.elapsed.as_secs_f64());
        println!("  task {name} in process {pid}: slept {units:.2} units, took {took:.3} s");
    }
    let longest = reports.iter().map(|r| r.elapsed).max().unwrap_or_default();
    println!(
        "  {} tasks in 1 process; longest task {:.3} s, all done in {:.3} s (including starting the pool)",
        reports.len(),
        longest.as_secs_f64(),
        total.as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(5, 1..=5)?;
    run(2, 1..=5)
}
// ANCHOR_END: main
