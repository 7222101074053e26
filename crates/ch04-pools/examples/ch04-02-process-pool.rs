//! The same experiment with a process pool: every task reports the pid of the worker
//! that ran it, as in the tutorials. Then a worker is killed in the middle of a task.
//!
//! Run: `cargo run --release -p ch04-pools --example ch04-02-process-pool`

use std::time::Instant;

use ch04_pools::ProcessPool;
use ch04_pools::sleep_tasks::{TUTORIAL_TASKS, sleep_i_units_in_worker};
use workloads::Scale;

fn pid_after_a_while(_: ()) -> u32 {
    std::thread::sleep(Scale::DEMO.sleep * 5);
    std::process::id()
}

// ANCHOR: main
fn main() -> Result<(), Box<dyn std::error::Error>> {
    // First thing in main: the process has one thread, so forking is
    // sound. The second, one-worker pool is for the kill demonstration
    // below: its only worker runs the task.
    let pool = ProcessPool::new(5)?;
    let lone = ProcessPool::new(1)?;
    println!(
        "ProcessPool(5): parent {}, workers {:?}",
        std::process::id(),
        pool.worker_pids()
    );
    let start = Instant::now();
    // task i sleeps i tenths of a second
    let unit_micros = Scale::DEMO.sleep.as_micros() as u64;
    let handles = TUTORIAL_TASKS
        .map(|name| pool.apply_async(sleep_i_units_in_worker, (name, unit_micros)))
        .collect::<Result<Vec<_>, _>>()?;
    for handle in handles {
        let (name, pid, micros) = handle.get()?;
        println!("  task {name} in process {pid}: took {} ms", micros / 1000);
    }
    println!(
        "  all done in {} ms (pool already running)",
        start.elapsed().as_millis()
    );

    // Kill the worker that runs a task: that task fails, the pool forks
    // a replacement.
    let doomed = lone.apply_async(pid_after_a_while, ())?;
    // its only worker, so the one running the task
    let victim = lone.worker_pids()[0];
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(victim as i32),
        nix::sys::signal::SIGKILL,
    )?;
    println!(
        "killed worker {victim}: get() says: {}",
        doomed.get().unwrap_err()
    );
    println!("worker {victim} replaced by {:?}", lone.worker_pids());
    pool.join(); // every worker ends and is reaped
    lone.join();
    Ok(())
}
// ANCHOR_END: main
