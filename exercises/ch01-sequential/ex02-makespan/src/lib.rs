//! Exercise 2: when each task of a schedule finishes, with errors for bad input.
//!
//! Replace each `todo!()` by your code; `cargo test -p ch01-ex02-makespan` tells you
//! when you are done.

use std::fmt;

/// What can be wrong with a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleError {
    /// Zero workers can run nothing.
    NoWorkers,
    /// The assignment does not name one worker per task.
    LengthMismatch {
        /// The number of tasks.
        tasks: usize,
        /// The number of entries in the assignment.
        assignment: usize,
    },
    /// A task is assigned to a worker that does not exist.
    NoSuchWorker {
        /// The task's index.
        task: usize,
        /// The worker it is assigned to.
        worker: usize,
        /// How many workers there are: valid workers are `0..workers`.
        workers: usize,
    },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::NoWorkers => write!(f, "zero workers can run nothing"),
            ScheduleError::LengthMismatch { tasks, assignment } => {
                write!(f, "{tasks} tasks but {assignment} assignments")
            }
            ScheduleError::NoSuchWorker {
                task,
                worker,
                workers,
            } => {
                write!(
                    f,
                    "task {task} goes to worker {worker}, but the workers are 0..{workers}"
                )
            }
        }
    }
}

impl std::error::Error for ScheduleError {}

// ANCHOR: starter
/// When each task finishes: every worker runs its tasks one after the other, in the
/// tasks' order, from time 0. `finish_times(..)[i]` is the moment task `i` ends.
pub fn finish_times(
    tasks: &[u64],
    assignment: &[usize],
    workers: usize,
) -> Result<Vec<u64>, ScheduleError> {
    // TODO: check the input (no workers, lengths that differ, a worker
    // out of range, in that order); then walk the tasks in order,
    // keeping how long each worker is busy.
    todo!()
}

/// The makespan: the moment the last task finishes (0 when there are no tasks).
pub fn makespan(
    tasks: &[u64],
    assignment: &[usize],
    workers: usize,
) -> Result<u64, ScheduleError> {
    // TODO: the latest finish time; errors pass through.
    todo!()
}
// ANCHOR_END: starter
