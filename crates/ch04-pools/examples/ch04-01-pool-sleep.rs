//! The tutorial's pool experiment, scaled down: task i sleeps i units (0.1 s here,
//! 1 s in the tutorial). A pool of 5 runs tasks 1..5 and ends when the longest task
//! ends; a pool of 2 makes tasks wait for a free worker. Sleeping is not CPU-bound: a
//! thread pool does it.
//!
//! Run: `cargo run --release -p ch04-pools --example ch04-01-pool-sleep`

use std::ops::RangeInclusive;
use std::time::Instant;

use ch04_pools::ThreadPool;
use ch04_pools::sleep_tasks::{TUTORIAL_TASKS, sleep_i_units};
use workloads::Scale;

// ANCHOR: main
fn run(
    workers: usize,
    tasks: RangeInclusive<u64>,
) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "ThreadPool({workers}), tasks {}..{}:",
        tasks.start(),
        tasks.end()
    );
    let start = Instant::now();
    let pool = ThreadPool::new(workers)?;
    let handles = tasks
        .map(|name| pool.apply_async(move || sleep_i_units(name, Scale::DEMO)))
        .collect::<Result<Vec<_>, _>>()?;
    let reports = handles
        .into_iter()
        .map(|h| h.get())
        .collect::<Result<Vec<_>, _>>()?;
    pool.join();
    let total = start.elapsed();

    for r in &reports {
        let asked = Scale::DEMO.sleep.mul_f64(r.units).as_secs_f64();
        let (name, pid, took) = (r.name, r.pid, r.elapsed.as_secs_f64());
        println!(
            "  task {name} in process {pid}: sleeps {asked:.1} s, took {took:.3} s"
        );
    }
    let longest = reports.iter().map(|r| r.elapsed).max().unwrap_or_default();
    println!(
        "  {} tasks in 1 process; longest task {:.3} s, \
         all done in {:.3} s (including starting the pool)",
        reports.len(),
        longest.as_secs_f64(),
        total.as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run(5, TUTORIAL_TASKS)?;
    run(2, TUTORIAL_TASKS)
}
// ANCHOR_END: main
