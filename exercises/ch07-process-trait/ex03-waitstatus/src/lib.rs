//! Exercise 3: CPython's `os.waitstatus_to_exitcode`, from the bits
//! `waitpid` returns.

use std::fmt;

/// A wait status that is not the status of an ended process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusError {
    /// The process was stopped (not ended) by this signal: `waitpid`
    /// with `WUNTRACED`.
    Stopped { signal: i32 },
    /// No process ends with this status (a "continued" status, or garbage).
    Invalid { status: i32 },
}

// ANCHOR: starter
/// CPython's `os.waitstatus_to_exitcode(status)`: the exit code of a
/// process that exited, minus the signal number of one killed by a
/// signal, an error for any other status.
pub fn waitstatus_to_exitcode(status: i32) -> Result<i32, StatusError> {
    todo!()
}

impl fmt::Display for StatusError {
    /// CPython's messages for the same statuses (its `ValueError`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}
// ANCHOR_END: starter

impl std::error::Error for StatusError {}
