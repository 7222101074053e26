//! Exercise 3: the largest chunk size that still balances.
#![allow(unused_variables, dead_code)]

// ANCHOR: starter
/// Why no plan could be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError {
    /// Zero workers can run nothing.
    NoWorkers,
    /// A chunk must hold at least one task.
    ZeroChunkSize,
    /// There are no tasks to cut.
    NoTasks,
    /// The costs add up to more than a `u64` holds.
    Overflow,
}

/// The busiest worker's total when the tasks, cut into chunks of
/// `chunksize` in order, go each to the worker with the least work so
/// far (the lowest-numbered on a tie).
pub fn makespan(
    costs: &[u64],
    workers: usize,
    chunksize: usize,
) -> Result<u64, PlanError> {
    // TODO: check the arguments, then one running total per worker.
    todo!()
}

/// The largest chunk size whose makespan is within `slack_percent`
/// percent of chunk size 1's.
pub fn largest_balanced_chunksize(
    costs: &[u64],
    workers: usize,
    slack_percent: u64,
) -> Result<usize, PlanError> {
    // TODO: try every chunk size from 1 to costs.len().
    todo!()
}
// ANCHOR_END: starter
