//! Exercise 3: schedule tasks on workers, longest first, each onto the least-loaded worker.
//!
//! Replace the `todo!()` by your code; `cargo test -p ch01-ex03-lpt` tells you when you are
//! done.

#![allow(unused_variables, unused_imports, unused_mut, dead_code)]

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

// ANCHOR: starter
/// The LPT schedule of `tasks` on `workers` workers: `assignment[i]` is the worker that runs
/// task `i`.
pub fn lpt(tasks: &[u64], workers: usize) -> Result<Vec<usize>, LptError> {
    // TODO: refuse zero workers.
    // TODO: visit the task indices from the longest task to the shortest; give each task to
    // the worker with the smallest load so far, and add the task's size to that load.
    todo!()
}
// ANCHOR_END: starter
