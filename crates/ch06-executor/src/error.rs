//! What can go wrong: [`SubmitError`] when you submit, [`TaskError`] when you ask for
//! a result, and [`Broken`], the reason a process executor stopped taking work.

use std::io;

use thiserror::Error;

// ANCHOR: broken
/// A worker process died: the pool is broken (CPython's `BrokenProcessPool`).
///
/// It names the worker and how it ended, so the message says what happened, not only
/// that something did.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the pool is broken: worker process {pid} {cause}")]
pub struct Broken {
    /// The dead worker's process id.
    pub pid: u32,
    /// How it ended, e.g. "was killed by signal SIGKILL" or "exited with code 3".
    pub cause: String,
}
// ANCHOR_END: broken

// ANCHOR: task_error
/// Why a ticket holds no value, in the order of a task's life:
/// cancelled before it started, panicked while it ran, not finished in
/// time, lost with the pool or otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task was cancelled before it started (`cancel`, or `shutdown` with
    /// `cancel_pending`). CPython raises `CancelledError`.
    #[error("the task was cancelled before it started")]
    Cancelled,
    /// The task panicked; its worker caught the panic and lives on.
    #[error("the task panicked: {message}")]
    Panicked {
        /// The panic message.
        message: String,
    },
    /// `result_timeout` gave up waiting; the task goes on.
    #[error("the task has not finished yet (timed out)")]
    Timeout,
    /// A worker process died, and with it the pool: this task will
    /// never run, or never finish.
    #[error("{0}")]
    BrokenPool(Broken),
    /// The task has no result for another reason, given here (its result did not
    /// decode, or its executor was dropped without running it).
    #[error("the task has no result: {reason}")]
    Lost {
        /// What happened.
        reason: String,
    },
}
// ANCHOR_END: task_error

// ANCHOR: submit_error
/// Why an executor would not take a task (or could not be built).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// An executor of zero workers would accept tasks and never run them.
    #[error("an executor needs at least one worker, got 0")]
    ZeroWorkers,
    /// `shutdown` was called: no new tasks (CPython: `RuntimeError('cannot schedule
    /// new futures after shutdown')`).
    #[error("cannot submit after shutdown")]
    Shutdown,
    /// A worker process died earlier: the executor takes no more tasks.
    #[error("{0}")]
    BrokenPool(Broken),
    /// A worker (thread or process) could not be started, or did not
    /// answer when it was.
    #[error("could not start a worker: {0}")]
    Start(String),
    /// A system call failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}
// ANCHOR_END: submit_error

// Not under loom: loom's atomics work only inside `loom::model`.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn errors_name_what_happened() {
        let broken = Broken {
            pid: 42,
            cause: "was killed by signal SIGKILL".into(),
        };
        assert_eq!(
            TaskError::BrokenPool(broken.clone()).to_string(),
            "the pool is broken: worker process 42 was killed by signal SIGKILL"
        );
        assert!(SubmitError::BrokenPool(broken).to_string().contains("42"));
        assert!(SubmitError::Shutdown.to_string().contains("after shutdown"));
        assert!(TaskError::Cancelled.to_string().contains("cancelled"));
    }
}
