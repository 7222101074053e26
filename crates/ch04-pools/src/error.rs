//! The two ways a pool can say no: [`PoolError`] when you submit,
//! [`TaskError`] when you `get`.

use ch03_processes::ProcessError;
use thiserror::Error;

// ANCHOR: pool_error
/// Why a pool could not be built or would not take a task.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PoolError {
    /// A pool of zero workers would accept tasks and never run them.
    #[error("a pool needs at least one worker, got 0")]
    ZeroWorkers,
    /// The pool was closed: it takes no new tasks (CPython raises `ValueError("Pool
    /// not running")`).
    #[error("the pool is closed and takes no new tasks")]
    Closed,
    /// The operating system refused a worker thread.
    #[error("could not start a worker thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// A worker process could not be forked (chapter 03's `spawn` refuses to fork a
    /// process that runs other threads).
    #[error("could not fork a worker process: {0}")]
    Fork(#[source] ProcessError),
}
// ANCHOR_END: pool_error

// ANCHOR: task_error
/// Why a task gave no result. `get()` returns it where CPython
/// re-raises the task's exception.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task panicked; its worker caught the panic and lives on.
    #[error("the task panicked: {message}")]
    Panicked {
        /// The panic message ("a panic with a non-string payload" if it
        /// was not a string).
        message: String,
    },
    /// The worker process running the task died before it answered (a
    /// process pool only).
    #[error("worker process {pid} died during the task: {cause}")]
    WorkerDied {
        /// The worker's process id.
        pid: u32,
        /// What happened to it, e.g. "killed by signal SIGKILL".
        cause: String,
    },
    /// `get_timeout` gave up waiting. The task goes on; its result can
    /// still be had later.
    #[error("the task has not finished yet (timed out)")]
    Timeout,
    /// The task has no result for another reason, given here: the pool could not
    /// start any worker to run it, or its result could not be decoded.
    #[error("the task has no result: {reason}")]
    Lost {
        /// What happened.
        reason: String,
    },
}
// ANCHOR_END: task_error

/// The message inside a panic payload: chapter 02's, one wording for the whole book.
pub use ch02_threads::panic_message;

// ANCHOR: drop_on_worker
/// Drops `value` on a worker, where a panic in its `Drop` must not end the worker: a
/// task's result nobody wants, or a panic's payload, which can be any value
/// (`panic_any`). The payload of such a second panic is leaked, not dropped: its
/// `Drop` could panic again.
pub(crate) fn drop_on_worker<T>(value: T) {
    let dropped =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(value)));
    if let Err(payload) = dropped {
        std::mem::forget(payload);
    }
}
// ANCHOR_END: drop_on_worker

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_of_every_kind() {
        let literal = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        let formatted = std::panic::catch_unwind(|| panic!("n = {}", 7)).unwrap_err();
        let other =
            std::panic::catch_unwind(|| std::panic::panic_any(42)).unwrap_err();
        assert_eq!(panic_message(&*literal), "plain");
        assert_eq!(panic_message(&*formatted), "n = 7");
        assert_eq!(panic_message(&*other), "a panic with a non-string payload");
    }

    #[test]
    fn errors_explain_themselves() {
        assert!(
            PoolError::ZeroWorkers
                .to_string()
                .contains("at least one worker")
        );
        assert!(PoolError::Closed.to_string().contains("closed"));
        let died = TaskError::WorkerDied {
            pid: 42,
            cause: "killed by signal SIGKILL".into(),
        };
        assert_eq!(
            died.to_string(),
            "worker process 42 died during the task: killed by signal SIGKILL"
        );
        let panicked = TaskError::Panicked {
            message: "boom".into(),
        };
        assert_eq!(panicked.to_string(), "the task panicked: boom");
    }
}
