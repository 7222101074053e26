//! Exercise 2, a solution: the loads and the makespan of a schedule, with errors for bad input.

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

// ANCHOR: solution
/// The total size of the tasks each worker runs: `loads(..)[w]` for worker `w`.
pub fn loads(
    tasks: &[u64],
    assignment: &[usize],
    workers: usize,
) -> Result<Vec<u64>, ScheduleError> {
    if workers == 0 {
        return Err(ScheduleError::NoWorkers);
    }
    if assignment.len() != tasks.len() {
        return Err(ScheduleError::LengthMismatch {
            tasks: tasks.len(),
            assignment: assignment.len(),
        });
    }
    let mut load = vec![0; workers];
    for (task, (&size, &worker)) in tasks.iter().zip(assignment).enumerate() {
        let slot = load.get_mut(worker).ok_or(ScheduleError::NoSuchWorker {
            task,
            worker,
            workers,
        })?;
        *slot += size;
    }
    Ok(load)
}

/// The makespan: the largest load, the time at which the last worker finishes.
pub fn makespan(tasks: &[u64], assignment: &[usize], workers: usize) -> Result<u64, ScheduleError> {
    let load = loads(tasks, assignment, workers)?;
    Ok(load.into_iter().max().unwrap_or(0))
}
// ANCHOR_END: solution
