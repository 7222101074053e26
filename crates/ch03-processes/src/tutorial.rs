//! The tutorials' program, one process per number, and the two mistakes they make.
//!
//! Python:
//!
//! ```python
//! processes = [Process(target=cpu_bound, args=(n,)) for n in numbers]
//! for p in processes: p.start()
//! for p in processes: p.join()
//! ```

use workloads::{Scale, cpu_bound_at};

use crate::error::ProcessError;
use crate::handle::{ProcessHandle, spawn};
use crate::wire::Wire;

/// The baseline: every number in turn, in this process.
pub fn sequential(numbers: &[u64], scale: Scale) -> Vec<u64> {
    numbers.iter().map(|&n| cpu_bound_at(n, scale)).collect()
}

// ANCHOR: start_all
/// Starts one child per task, all of them, before anything waits.
///
/// If one start fails, the handles already made are dropped: their children are
/// killed and reaped before the error is returned.
pub fn start_all<T, F, I>(tasks: I) -> Result<Vec<ProcessHandle<T>>, ProcessError>
where
    T: Wire,
    F: FnOnce() -> T,
    I: IntoIterator<Item = F>,
{
    tasks.into_iter().map(spawn).collect()
}

/// Joins every handle, in order; results come back in the order of the tasks.
///
/// On the first error the remaining handles are dropped, which kills
/// and reaps their children.
pub fn join_all<T: Wire>(
    handles: Vec<ProcessHandle<T>>,
) -> Result<Vec<T>, ProcessError> {
    handles.into_iter().map(ProcessHandle::join).collect()
}
// ANCHOR_END: start_all

// ANCHOR: process_per_number
/// The tutorial: one child process per number, start all, then join all.
pub fn one_process_per_number(
    numbers: &[u64],
    scale: Scale,
) -> Result<Vec<u64>, ProcessError> {
    let handles = start_all(numbers.iter().map(|&n| move || cpu_bound_at(n, scale)))?;
    join_all(handles)
}
// ANCHOR_END: process_per_number

/// The same with threads, for comparison (chapter 02).
pub fn one_thread_per_number(numbers: &[u64], scale: Scale) -> Vec<u64> {
    std::thread::scope(|s| {
        let handles: Vec<_> = numbers
            .iter()
            .map(|&n| s.spawn(move || cpu_bound_at(n, scale)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("cpu_bound does not panic"))
            .collect()
    })
}

// ANCHOR: join_in_loop
/// Mistake 2: `p.start(); p.join()` inside the loop. Each child is joined before the
/// next one starts, so the tasks run one after another, in extra processes.
pub fn start_join_in_loop<T, F, I>(tasks: I) -> Result<Vec<T>, ProcessError>
where
    T: Wire,
    F: FnOnce() -> T,
    I: IntoIterator<Item = F>,
{
    tasks.into_iter().map(|task| spawn(task)?.join()).collect()
}
// ANCHOR_END: join_in_loop
