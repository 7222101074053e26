//! What can go wrong: [`SubmitError`] when you submit, [`TaskError`] when you ask for a result,
//! and [`Broken`], the reason a process executor stopped taking work.

use std::fmt;
use std::io;

// ANCHOR: broken
/// A worker process died: the pool is broken (CPython's `BrokenProcessPool`).
///
/// It names the worker and how it ended, so the message says what happened, not only that
/// something did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The dead worker's process id.
    pub pid: u32,
    /// How it ended, e.g. "killed by signal SIGKILL" or "exited with code 3".
    pub cause: String,
}
// ANCHOR_END: broken

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the pool is broken: worker process {} {}",
            self.pid, self.cause
        )
    }
}

// ANCHOR: task_error
/// Why a ticket holds no value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskError {
    /// The task panicked; its worker caught the panic and lives on.
    Panicked {
        /// The panic message.
        message: String,
    },
    /// The task was cancelled before it started (`cancel`, or `shutdown` with
    /// `cancel_pending`). CPython raises `CancelledError`.
    Cancelled,
    /// `result_timeout` gave up waiting; the task goes on.
    Timeout,
    /// A worker process died, and with it the pool: this task will never run, or never finish.
    BrokenPool(Broken),
    /// The task has no result for another reason, given here (its result did not decode, or
    /// its executor was dropped without running it).
    Lost {
        /// What happened.
        reason: String,
    },
}
// ANCHOR_END: task_error

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Panicked { message } => write!(f, "the task panicked: {message}"),
            TaskError::Cancelled => write!(f, "the task was cancelled before it started"),
            TaskError::Timeout => write!(f, "the task has not finished yet (timed out)"),
            TaskError::BrokenPool(broken) => write!(f, "{broken}"),
            TaskError::Lost { reason } => write!(f, "the task has no result: {reason}"),
        }
    }
}

impl std::error::Error for TaskError {}

// ANCHOR: submit_error
/// Why an executor would not take a task (or could not be built).
#[derive(Debug)]
#[non_exhaustive]
pub enum SubmitError {
    /// An executor of zero workers would accept tasks and never run them.
    ZeroWorkers,
    /// `shutdown` was called: no new tasks (CPython: `RuntimeError('cannot schedule new
    /// futures after shutdown')`).
    Shutdown,
    /// A worker process died earlier: the executor takes no more tasks.
    BrokenPool(Broken),
    /// A worker (thread or process) could not be started, or did not answer when it was.
    Start(String),
    /// A system call failed.
    Io(io::Error),
}
// ANCHOR_END: submit_error

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmitError::ZeroWorkers => write!(f, "an executor needs at least one worker, got 0"),
            SubmitError::Shutdown => write!(f, "cannot submit after shutdown"),
            SubmitError::BrokenPool(broken) => write!(f, "{broken}"),
            SubmitError::Start(why) => write!(f, "could not start a worker: {why}"),
            SubmitError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SubmitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SubmitError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for SubmitError {
    fn from(e: io::Error) -> Self {
        SubmitError::Io(e)
    }
}

// Not under loom: loom's atomics work only inside `loom::model`.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn errors_name_what_happened() {
        let broken = Broken {
            pid: 42,
            cause: "killed by signal SIGKILL".into(),
        };
        assert_eq!(
            TaskError::BrokenPool(broken.clone()).to_string(),
            "the pool is broken: worker process 42 killed by signal SIGKILL"
        );
        assert!(SubmitError::BrokenPool(broken).to_string().contains("42"));
        assert!(SubmitError::Shutdown.to_string().contains("after shutdown"));
        assert!(TaskError::Cancelled.to_string().contains("cancelled"));
    }
}
