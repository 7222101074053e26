//! Which rayon worker runs which of the tutorial's four numbers? `par_iter` over
//! `[11, 23, 53, 34]` on a pool of two, as the `cpu-bound` benchmark runs it, with
//! each task's worker and its start and end. The busier worker's share of the 121
//! units bounds the speedup (chapter 01's ideal): our pool's workers take the next
//! number when they are free, {11, 53} and {23, 34}, 64 units on the busier one.
//!
//! Run: `cargo run --release -p ch04-pools --example ch04-04-rayon-split`

use std::time::Instant;

use ch04_pools::rayon_pools;
use rayon::prelude::*;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

const ROUNDS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = rayon_pools::build(2)?;
    println!("rayon pool of 2, par_iter over {TUTORIAL_NUMBERS:?}, {ROUNDS} rounds");
    for round in 1..=ROUNDS {
        let start = Instant::now();
        let ms = |at: Instant| at.duration_since(start).as_secs_f64() * 1e3;
        let ran: Vec<(u64, usize, f64, f64)> = pool.install(|| {
            TUTORIAL_NUMBERS
                .par_iter()
                .map(|&n| {
                    let from = ms(Instant::now());
                    std::hint::black_box(cpu_bound(n));
                    let worker =
                        rayon::current_thread_index().expect("on a rayon worker");
                    (n, worker, from, ms(Instant::now()))
                })
                .collect()
        });
        let total = ms(Instant::now());
        println!("round {round}: {total:.1} ms");
        for worker in 0..2 {
            let mine: Vec<_> = ran.iter().filter(|r| r.1 == worker).collect();
            let tasks: Vec<String> = mine
                .iter()
                .map(|(n, _, from, to)| format!("{n} ({from:.1}..{to:.1} ms)"))
                .collect();
            let units: u64 = mine.iter().map(|r| r.0).sum();
            println!("  worker {worker}: {units:>3} units: {}", tasks.join(", "));
        }
    }
    Ok(())
}
