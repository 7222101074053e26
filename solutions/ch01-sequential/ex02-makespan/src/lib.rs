//! Exercise 2, a solution: when each task of a schedule finishes, with
//! errors for bad input.

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
/// When each task finishes: every worker runs its tasks one after the other, in the
/// tasks' order, from time 0. `finish_times(..)[i]` is the moment task `i` ends.
pub fn finish_times(
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
    let mut finish = Vec::with_capacity(tasks.len());
    for (task, (&size, &worker)) in tasks.iter().zip(assignment).enumerate() {
        let busy = load.get_mut(worker).ok_or(ScheduleError::NoSuchWorker {
            task,
            worker,
            workers,
        })?;
        *busy += size;
        finish.push(*busy);
    }
    Ok(finish)
}

/// The makespan: the moment the last task finishes (0 when there are no tasks).
pub fn makespan(
    tasks: &[u64],
    assignment: &[usize],
    workers: usize,
) -> Result<u64, ScheduleError> {
    let finish = finish_times(tasks, assignment, workers)?;
    Ok(finish.into_iter().max().unwrap_or(0))
}
// ANCHOR_END: solution
