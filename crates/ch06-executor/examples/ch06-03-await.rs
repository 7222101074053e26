//! Tickets awaited from async code, with a twenty-line `block_on` (std only): the
//! thread parks until a worker completes a task and wakes it.
//!
//! Run: `cargo run --release -p ch06-executor --example ch06-03-await`

use ch06_executor::bridge::block_on;
use ch06_executor::{Executor, ProcessExecutor, ThreadExecutor};

// ANCHOR: main
fn square(n: u64) -> u64 {
    n * n
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ch06_executor::serve_if_worker();
    let threads = ThreadExecutor::new(2)?;
    let processes = ProcessExecutor::new(2)?;
    let a = threads.submit(square, 3)?;
    let b = processes.submit(square, 4)?;
    let sum =
        block_on(async { Ok::<_, ch06_executor::TaskError>(a.await? + b.await?) })?;
    println!("3² + 4² = {sum}, awaited on one parked thread");
    Ok(())
}
// ANCHOR_END: main
