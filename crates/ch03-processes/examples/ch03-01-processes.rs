//! One process per tutorial number: start them all, then join them all.
//!
//! Python: `Process(target=cpu_bound,
//! args=(n,))` per number, `start()` each, `join()` each.

#[cfg(unix)]
fn main() -> Result<(), ch03_processes::ProcessError> {
    use std::time::{Duration, Instant};

    use ch01_sequential::ideal::{Ideal, tutorial_tasks};
    use ch03_processes::tutorial::{join_all, start_all};
    use workloads::{TUTORIAL_NUMBERS, cpu_bound};

    // ANCHOR: main
    println!("parent pid {}", std::process::id());
    let started = Instant::now();
    let handles = start_all(TUTORIAL_NUMBERS.map(|n| {
        move || {
            let t = Instant::now();
            let sum = cpu_bound(n);
            (std::process::id(), sum, t.elapsed().as_nanos() as u64)
        }
    }))?;
    for (n, h) in TUTORIAL_NUMBERS.iter().zip(&handles) {
        println!("started cpu_bound({n}) in process {}", h.pid());
    }
    let results = join_all(handles)?;
    let total = started.elapsed();
    for (n, (pid, sum, nanos)) in TUTORIAL_NUMBERS.iter().zip(results) {
        let took = Duration::from_nanos(nanos);
        println!("process {pid}: cpu_bound({n}) = {sum} in {took:.1?}");
    }
    println!(
        "all {} processes, start to last join: {total:.1?}",
        TUTORIAL_NUMBERS.len()
    );
    // ANCHOR_END: main

    let sequential = Instant::now();
    let check: Vec<u64> = TUTORIAL_NUMBERS.map(cpu_bound).to_vec();
    let sequential = sequential.elapsed();
    std::hint::black_box(check);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ideal = Ideal::new(&tutorial_tasks(), cores).expect("cores > 0");
    println!("the same numbers one after another, in this process: {sequential:.1?}");
    println!(
        "speedup {:.2}x; ideal on {cores} cores: {:.2}x with one process per number \
         (time-shared), {:.2}x at best (largest task or total / cores)",
        sequential.as_secs_f64() / total.as_secs_f64(),
        ideal.sequential / ideal.shared,
        ideal.sequential / ideal.lower_bound,
    );
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch03_processes::UNIX_ONLY);
}
