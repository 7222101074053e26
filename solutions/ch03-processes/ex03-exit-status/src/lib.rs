//! Exercise 3, solution: turn a child's wait status into a value or an error that
//! says what happened.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::signal::Signal;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};

/// The exit code `run_raw`'s child uses when `f` panicked.
pub const PANIC_CODE: i32 = 101;

/// Why a child gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildError {
    /// `f` panicked in the child (exit code [`PANIC_CODE`]).
    Panicked,
    /// A signal killed the child.
    Killed { signal: Signal },
    /// The child exited with this non-zero code (not [`PANIC_CODE`]).
    Exited { code: i32 },
    /// The child exited with code 0 without writing its 8 bytes.
    NoResult,
}

impl std::error::Error for ChildError {}

/// Runs `f` in a child; returns how the child ended and the bytes it wrote. Given.
pub fn run_raw(f: impl FnOnce() -> u64) -> io::Result<(WaitStatus, Vec<u8>)> {
    // Both ends close on exec (chapter 03's `pipe`).
    let (reader, writer) = support::fork::pipe()?;
    // SAFETY: the spec calls this from a single-threaded process, so
    // the child is a consistent copy; the child leaves through `_exit`
    // and never returns into the caller's code.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            let code = match catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) => match File::from(writer).write_all(&value.to_le_bytes())
                {
                    Ok(()) => 0,
                    Err(_) => 1,
                },
                Err(_) => PANIC_CODE,
            };
            // SAFETY: `_exit` has no preconditions and never returns.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(writer);
            let mut bytes = Vec::new();
            let read = File::from(reader).read_to_end(&mut bytes);
            let status = waitpid(child, None)?;
            read?;
            Ok((status, bytes))
        }
    }
}

/// Runs `f` in a child and says what came of it. Given.
pub fn run_checked(f: impl FnOnce() -> u64) -> io::Result<Result<u64, ChildError>> {
    let (status, bytes) = run_raw(f)?;
    Ok(classify(status, &bytes))
}

// ANCHOR: solution
/// The child's value, or why there is none.
pub fn classify(status: WaitStatus, bytes: &[u8]) -> Result<u64, ChildError> {
    match (status, <[u8; 8]>::try_from(bytes)) {
        (WaitStatus::Exited(_, 0), Ok(value)) => Ok(u64::from_le_bytes(value)),
        (WaitStatus::Exited(_, 0), Err(_)) => Err(ChildError::NoResult),
        (WaitStatus::Exited(_, PANIC_CODE), _) => Err(ChildError::Panicked),
        (WaitStatus::Exited(_, code), _) => Err(ChildError::Exited { code }),
        (WaitStatus::Signaled(_, signal, _), _) => Err(ChildError::Killed { signal }),
        // stopped/continued: not reported without flags
        _ => Err(ChildError::NoResult),
    }
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Panicked => write!(f, "the task panicked in the child"),
            ChildError::Killed { signal } => {
                write!(
                    f,
                    "child was killed by {} ({})",
                    signal.as_str(),
                    *signal as i32
                )
            }
            ChildError::Exited { code } => {
                write!(f, "child exited with code {code} and no result")
            }
            ChildError::NoResult => {
                write!(f, "child exited normally without writing its result")
            }
        }
    }
}
// ANCHOR_END: solution
