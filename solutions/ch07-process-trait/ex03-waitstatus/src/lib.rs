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
    // the terminating signal, 0 for an exit, 0x7f for "stopped"
    let low = status & 0x7f;
    if low == 0 {
        Ok((status >> 8) & 0xff)
    } else if low != 0x7f {
        Ok(-low) // bit 0x80 only says whether a core was dumped
    } else if status & 0xff == 0x7f {
        Err(StatusError::Stopped {
            signal: (status >> 8) & 0xff,
        })
    } else {
        Err(StatusError::Invalid { status })
    }
}

impl fmt::Display for StatusError {
    /// CPython's messages for the same statuses (its `ValueError`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusError::Stopped { signal } => {
                write!(f, "process stopped by delivery of signal {signal}")
            }
            StatusError::Invalid { status } => {
                write!(f, "invalid wait status: {status}")
            }
        }
    }
}
// ANCHOR_END: starter

impl std::error::Error for StatusError {}
