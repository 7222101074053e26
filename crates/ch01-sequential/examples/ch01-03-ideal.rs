//! The ideal times and speedups of the tutorial's tasks [11, 23, 53, 34] on 1 to
//! 8 workers. Times are in the tasks' unit (cpu_bound(n) takes time proportional to
//! n); nothing is measured here, everything is computed.
//!
//! Run: `cargo run --release -p ch01-sequential --example ch01-03-ideal`

use ch01_sequential::ideal::{Ideal, granularity_limit, speedup, tutorial_tasks};

// ANCHOR: main
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks = tutorial_tasks();
    println!(
        "tasks {tasks:?}, sequential time {}",
        tasks.iter().sum::<f64>()
    );
    println!("times (speedup):");
    println!(
        "{:>7}  {:>14}  {:>14}  {:>14}  {:>14}",
        "workers", "lower bound", "pool in order", "LPT", "time-shared"
    );
    for k in 1..=8 {
        let ideal = Ideal::new(&tasks, k)?;
        let cell = |t: f64| format!("{t:.1} ({:.2}x)", speedup(ideal.sequential, t));
        println!(
            "{k:>7}  {:>14}  {:>14}  {:>14}  {:>14}",
            cell(ideal.lower_bound),
            cell(ideal.in_order),
            cell(ideal.lpt),
            cell(ideal.shared)
        );
    }
    let limit = granularity_limit(&tasks).ok_or("no work")?;
    println!(
        "one task per worker can never beat 121 / 53 = {limit:.2}x, \
         whatever the cores"
    );
    Ok(())
}
// ANCHOR_END: main
