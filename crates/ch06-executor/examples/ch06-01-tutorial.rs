//! The Nvicta tutorial's rows on a process executor, with sleeps scaled to a tenth
//! (one unit is 100 ms): two tasks, then five; the five on the default size (one
//! worker per core) and on five workers.
//!
//! Run: `cargo run --release -p ch06-executor --example ch06-01-tutorial`

use std::time::Instant;

use ch06_executor::tutorial::{do_something, ideal_units, tutorial_pairs};
use ch06_executor::{Executor, ProcessExecutor};
use workloads::Scale;

// ANCHOR: main
/// A plain function: only code crosses to a worker process, by address.
fn demo((a, b): (u64, u64)) -> String {
    do_something(a, b, Scale::DEMO)
}

fn row(
    label: &str,
    executor: &ProcessExecutor,
    pairs: &[(u64, u64)],
) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let tickets = pairs
        .iter()
        .map(|&pair| executor.submit(demo, pair))
        .collect::<Result<Vec<_>, _>>()?;
    for ticket in &tickets {
        println!("  {}", ticket.result()?);
    }
    let took = start.elapsed().as_secs_f64();
    let sleeps: Vec<u64> = pairs.iter().map(|(a, b)| a + b).collect();
    let ideal = ideal_units(&sleeps, executor.pids().len()) as f64
        * Scale::DEMO.sleep.as_secs_f64();
    println!(
        "{label}: {} workers, {took:.3} s (ideal {ideal:.3} s)",
        executor.pids().len()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // a worker of the executor starts here, and never returns
    ch06_executor::serve_if_worker();
    let default = ProcessExecutor::with_default_size()?;
    row("two tasks, default size", &default, &[(1, 2), (1, 1)])?;
    row("five tasks, default size", &default, &tutorial_pairs())?;
    let five = ProcessExecutor::new(5)?;
    row("five tasks, five workers", &five, &tutorial_pairs())?;
    Ok(())
}
// ANCHOR_END: main
