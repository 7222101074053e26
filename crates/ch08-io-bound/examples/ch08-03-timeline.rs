//! Ten tasks that each sleep 200 ms, as timelines: one process each, one OS thread
//! each, and tokio tasks on a runtime of two worker threads.
//!
//! `cargo course capture ch08` runs it with `COURSE_TIMELINE` set and draws
//! `book/ch08-io-bound/output/ch08-03-timeline.timeline.svg`. Each child process
//! appends its record to the file as its task ends. A tokio task is recorded from its
//! first poll to its end, on the worker thread that first polled it. Each workload
//! runs twice, plain then recorded, and the two makespans are printed side by side.

use std::time::Duration;

use ch08_io_bound::sleepers::{on_tasks, on_threads};
use workloads::timeline;

const N: usize = 10;
const SLEEP: Duration = Duration::from_millis(200);
const WORKERS: usize = 2;

/// Task `i`: one sleep, on whatever thread or process runs it.
fn sleeper(record: bool, i: usize) {
    timeline::task_if(
        record,
        || format!("sleep #{i}"),
        || std::thread::sleep(SLEEP),
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    timeline::start()?;
    println!("{N} tasks, each sleeping {} ms", SLEEP.as_millis());
    // Processes first, while this program runs one thread (chapter 03's
    // `spawn` forks).
    #[cfg(unix)]
    timeline::plain_then_recorded(&format!("{N} processes"), N, |record| {
        ch08_io_bound::sleepers::on_processes(N, |i| sleeper(record, i))
    })?;
    timeline::plain_then_recorded(&format!("{N} threads"), N, |record| {
        on_threads(N, |i| sleeper(record, i));
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()?;
    let label = format!("{N} tokio tasks on {WORKERS} worker threads");
    // Ten slots: the ten sleeps can all wait at once, whatever the
    // number of worker threads.
    timeline::plain_then_recorded(&label, N, |record| {
        runtime.block_on(on_tasks(N, move |i| async move {
            let sleep = tokio::time::sleep(SLEEP);
            if record {
                timeline::task_async(|| format!("sleep #{i}"), sleep).await;
            } else {
                sleep.await;
            }
        }));
    });
    timeline::finish()?;
    Ok(())
}
