//! The tutorial's two rows, scaled: one unit of sleep is 0.1 s (the tutorial's is
//! 1 s). `starmap_async` on a pool of 5 (threads, then processes), `apply_async`
//! twice on a pool of 2.
//!
//! Run: `cargo run --release -p ch05-starmap --example ch05-01-starmap`

use std::time::Instant;

use ch04_pools::{ProcessPool, ThreadPool};
use ch05_starmap::tutorial::{do_something, tutorial_args};
use ch05_starmap::{ChunkSize, process_starmap, starmap_async};
use workloads::Scale;

/// The process pool's task: a plain function of one tuple.
fn do_something_demo((a, b): (u64, u64)) -> String {
    do_something(a, b, Scale::DEMO)
}

// ANCHOR: main
fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Fork first, while this program has one thread.
    let start = Instant::now();
    let processes = ProcessPool::new(5)?;
    let result = process_starmap::starmap_async(
        &processes,
        do_something_demo,
        tutorial_args(),
        ChunkSize::Default,
    )?;
    let lines = result.get()?;
    processes.join();
    report("ProcessPool(5), starmap_async, 5 tasks", &lines, start, 0.9);

    let start = Instant::now();
    let pool = ThreadPool::new(5)?;
    let scale = Scale::DEMO;
    let result = starmap_async(
        &pool,
        move |(a, b)| do_something(a, b, scale),
        tutorial_args(),
        ChunkSize::Default,
    )?;
    pool.join(); // close, then wait for the workers, as the tutorial does
    report(
        "ThreadPool(5), starmap_async, 5 tasks",
        &result.get()?,
        start,
        0.9,
    );

    let start = Instant::now();
    let pool = ThreadPool::new(2)?;
    let first = pool.apply_async(move || do_something(1, 2, scale))?;
    let second = pool.apply_async(move || do_something(1, 2, scale))?;
    report(
        "ThreadPool(2), apply_async x 2",
        &[first.get()?, second.get()?],
        start,
        0.3,
    );
    Ok(())
}

fn report(name: &str, lines: &[String], start: Instant, ideal: f64) {
    println!("{name}:");
    for line in lines {
        println!("  {line} (units of 0.1 s)");
    }
    let took = start.elapsed().as_secs_f64();
    println!("  {took:.3} s; ideal {ideal:.1} s (the longest task)");
}
// ANCHOR_END: main
