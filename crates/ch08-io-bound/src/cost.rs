//! What one waiting task costs: resident memory while `n` of them wait, and the time
//! to start them, for OS threads, tokio tasks and processes.
//!
//! The tasks wait on a gate, not on a timer, so that the memory is read at a moment
//! when all `n` are certainly started and waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::memory::{Memory, memory, reset_peak};

/// How long to wait for `n` tasks to start before giving up.
pub const START_PATIENCE: Duration = Duration::from_secs(60);

// ANCHOR: cost
/// The cost of `n` waiting tasks.
#[derive(Clone, Copy, Debug)]
pub struct Cost {
    pub n: usize,
    /// From the first start to the last task running, divided by `n`. For processes,
    /// to the parent's return from the last fork: the children may not run yet.
    pub start_per_task: Duration,
    /// Resident memory while all `n` wait, above what the process held
    /// before, per task.
    pub kib_per_task: f64,
    /// Peak resident memory during the run, above what the process held before.
    pub peak_above_idle_kib: u64,
}
// ANCHOR_END: cost

/// Waits for all `n` to start, reads the memory, then lets them go with `release`.
fn read_while_waiting(
    n: usize,
    started: &AtomicUsize,
    t0: Instant,
    idle: Memory,
    release: impl FnOnce(),
) -> Result<Cost, String> {
    let waited = wait_until(started, n);
    let elapsed = t0.elapsed();
    let waiting = memory().ok_or("no /proc/self/status");
    release();
    waited?;
    let waiting = waiting?;
    Ok(Cost {
        n,
        start_per_task: elapsed / n.max(1) as u32,
        kib_per_task: waiting.rss_kib.saturating_sub(idle.rss_kib) as f64
            / n.max(1) as f64,
        peak_above_idle_kib: waiting.peak_kib.saturating_sub(idle.rss_kib),
    })
}

fn wait_until(started: &AtomicUsize, n: usize) -> Result<(), String> {
    let deadline = Instant::now() + START_PATIENCE;
    while started.load(Ordering::SeqCst) < n {
        if Instant::now() > deadline {
            let k = started.load(Ordering::SeqCst);
            return Err(format!("only {k} of {n} tasks started"));
        }
        std::thread::yield_now();
    }
    Ok(())
}

// ANCHOR: threads
/// `n` OS threads, each blocked on a gate.
pub fn threads(n: usize) -> Result<Cost, String> {
    let gate = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let started = Arc::new(AtomicUsize::new(0));
    reset_peak();
    let idle = memory().ok_or("no /proc/self/status")?;
    let t0 = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        let (waiting, count) = (Arc::clone(&gate), Arc::clone(&started));
        let spawned = std::thread::Builder::new().spawn(move || {
            count.fetch_add(1, Ordering::SeqCst);
            let (open, opened) = &*waiting;
            let guard = open.lock().unwrap();
            drop(opened.wait_while(guard, |open| !*open).unwrap());
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => {
                release(&gate);
                handles.into_iter().for_each(|h| h.join().unwrap());
                return Err(format!(
                    "thread {} of {n} did not start: {e}",
                    started.load(Ordering::SeqCst)
                ));
            }
        }
    }
    read_while_waiting(n, &started, t0, idle, || {
        release(&gate);
        handles.into_iter().for_each(|h| h.join().unwrap());
    })
}

fn release(gate: &(std::sync::Mutex<bool>, std::sync::Condvar)) {
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
}
// ANCHOR_END: threads

// ANCHOR: tasks
/// `n` tokio tasks on `runtime`, each waiting for a semaphore permit.
pub fn tasks(runtime: &tokio::runtime::Runtime, n: usize) -> Result<Cost, String> {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    reset_peak();
    let idle = memory().ok_or("no /proc/self/status")?;
    let t0 = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (gate, started) = (Arc::clone(&gate), Arc::clone(&started));
        tasks.spawn_on(
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                let _permit = gate.acquire().await;
            },
            runtime.handle(),
        );
    }
    read_while_waiting(n, &started, t0, idle, || {
        gate.add_permits(n);
        runtime.block_on(async { while tasks.join_next().await.is_some() {} });
    })
}
// ANCHOR_END: tasks

// ANCHOR: processes
/// `n` child processes, each blocked reading a pipe until the parent closes it. Each
/// child reports its private dirty memory (pages it alone holds); this process's RSS
/// says nothing about its children. Call it while this process runs one thread.
#[cfg(unix)]
pub fn processes(n: usize) -> Result<Cost, String> {
    use ch03_processes::fork_cost::private_dirty_kib;
    use std::io::Read;
    let (mut gate_read, gate_write) =
        ch03_processes::pipe().map_err(|e| e.to_string())?;
    let mut parent_end = Some(gate_write);
    let t0 = Instant::now();
    let mut children = Vec::with_capacity(n);
    for _ in 0..n {
        let child = ch03_processes::spawn(|| {
            drop(parent_end.take());
            let private = private_dirty_kib().unwrap_or(0);
            let _ = gate_read.read(&mut [0u8; 1]); // end-of-file: the parent let go
            private
        });
        match child {
            Ok(child) => children.push(child),
            Err(e) => {
                // `children` drops on return: each handle kills and reaps
                drop(parent_end.take());
                return Err(format!(
                    "process {} of {n} did not start: {e}",
                    children.len()
                ));
            }
        }
    }
    let elapsed = t0.elapsed();
    drop(parent_end.take());
    let private: Vec<u64> = children
        .into_iter()
        .map(|child| child.join().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let total: u64 = private.iter().sum();
    Ok(Cost {
        n,
        start_per_task: elapsed / n.max(1) as u32,
        kib_per_task: total as f64 / n.max(1) as f64,
        peak_above_idle_kib: total,
    })
}
// ANCHOR_END: processes
