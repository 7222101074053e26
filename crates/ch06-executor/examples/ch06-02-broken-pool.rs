//! A worker killed mid-task breaks a process executor: the running task, every queued
//! task and every later submit fail, naming the dead worker and its signal (CPython's
//! `BrokenProcessPool`).
//!
//! Run: `cargo run --release -p ch06-executor --example ch06-02-broken-pool`

use ch06_executor::{Executor, ProcessExecutor};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

// ANCHOR: main
fn wait_for_a_signal(_: u64) -> u64 {
    loop {
        std::thread::park();
    }
}

fn square(n: u64) -> u64 {
    n * n
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ch06_executor::serve_if_worker();
    let executor = ProcessExecutor::new(2)?;
    println!("workers: {:?}", executor.pids());
    println!("square(7) = {}", executor.submit(square, 7)?.result()?);

    let running = executor.submit(wait_for_a_signal, 0)?;
    let queued: Vec<_> = (0..3)
        .map(|n| executor.submit(wait_for_a_signal, n))
        .collect::<Result<_, _>>()?;
    while !running.running() {
        std::thread::yield_now();
    }
    let victim = executor.pids()[0];
    println!("killing worker {victim} with SIGKILL");
    kill(Pid::from_raw(victim as i32), Signal::SIGKILL)?;

    println!("running task: {}", running.result().unwrap_err());
    for ticket in &queued {
        println!("queued task:  {}", ticket.result().unwrap_err());
    }
    match executor.submit(square, 8) {
        Ok(_) => println!("later submit: accepted (unexpected)"),
        Err(e) => println!("later submit: {e}"),
    }
    Ok(())
}
// ANCHOR_END: main
