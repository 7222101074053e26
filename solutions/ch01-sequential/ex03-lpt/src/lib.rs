//! Exercise 3, a solution: schedule tasks on workers, longest first, each onto the
//! least-loaded worker.

use std::fmt;

/// Why no schedule could be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LptError {
    /// Zero workers can run nothing.
    NoWorkers,
}

impl fmt::Display for LptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LptError::NoWorkers => write!(f, "zero workers can run nothing"),
        }
    }
}

impl std::error::Error for LptError {}

// ANCHOR: solution
/// The LPT schedule of `tasks` on `workers` workers: `assignment[i]` is the worker that runs
/// task `i`.
pub fn lpt(tasks: &[u64], workers: usize) -> Result<Vec<usize>, LptError> {
    if workers == 0 {
        return Err(LptError::NoWorkers);
    }
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(tasks[i]));
    let mut load = vec![0u64; workers];
    let mut assignment = vec![0; tasks.len()];
    for task in order {
        let worker = (0..workers)
            .min_by_key(|&w| load[w])
            .expect("workers is not zero");
        load[worker] += tasks[task];
        assignment[task] = worker;
    }
    Ok(assignment)
}
// ANCHOR_END: solution
