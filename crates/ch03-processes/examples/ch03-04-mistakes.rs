//! The tutorials' two mistakes, measured.
//!
//! 1. The clock stops before `join`: it measures how long it took to
//!    *start* the processes.
//! 2. `start(); join()` inside the loop: each process is joined before the next one
//!    starts, so the work runs one task at a time.

#[cfg(unix)]
fn main() -> Result<(), ch03_processes::ProcessError> {
    use std::time::Instant;

    use ch03_processes::tutorial::{join_all, start_all, start_join_in_loop};
    use workloads::{TUTORIAL_NUMBERS, cpu_bound};

    let tasks = || TUTORIAL_NUMBERS.map(|n| move || cpu_bound(n));

    // ANCHOR: clock_before_join
    let start = Instant::now();
    let handles = start_all(tasks())?;
    let wrong = start.elapsed(); // mistake: the children have barely begun
    join_all(handles)?;
    let right = start.elapsed();
    // ANCHOR_END: clock_before_join
    println!("clock stopped before join: {wrong:>10.1?}  (only the starts)");
    println!("clock stopped after join:  {right:>10.1?}  (the work)");

    let start = Instant::now();
    start_join_in_loop(tasks())?;
    let in_loop = start.elapsed();
    let start = Instant::now();
    std::hint::black_box(TUTORIAL_NUMBERS.map(cpu_bound));
    let sequential = start.elapsed();
    println!("start(); join() in the loop: {in_loop:>8.1?}");
    println!("sequential, no processes:    {sequential:>8.1?}");
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch03_processes::UNIX_ONLY);
}
