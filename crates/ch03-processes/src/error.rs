//! What can go wrong with a child process, as one error type.

use std::io;

use thiserror::Error;

use crate::frame::Report;
use crate::wire::WireError;

/// The exit code of a child whose task panicked (the code Rust itself uses for a
/// panic in `main`).
pub const EXIT_PANIC: i32 = 101;
/// The exit code of a child that could not write its result (the parent
/// closed the pipe?).
pub const EXIT_WRITE_FAILED: i32 = 102;
/// The exit code of a re-executed program asked for a task it does not know.
pub const EXIT_UNKNOWN_TASK: i32 = 103;

// ANCHOR: process_error
/// Why a child process gave no result.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProcessError {
    /// The task panicked in the child; the panic message came back over the pipe.
    #[error("child {pid} panicked: {message}")]
    Panicked { pid: u32, message: String },
    /// The child was killed by a signal (`SIGKILL`, `SIGSEGV`, `SIGABRT`...).
    #[error("child {pid} was killed by signal {} ({signal})", signal_name(*.signal))]
    Signaled { pid: u32, signal: i32 },
    /// The child exited with a non-zero code and no result.
    #[error("child {pid} exited with code {code} and no result")]
    Exited { pid: u32, code: i32 },
    /// The child exited with code 0 but never wrote its result.
    #[error("child {pid} exited normally without writing its result")]
    NoResult { pid: u32 },
    /// The child's bytes did not decode into the expected type.
    #[error("child {pid} sent a bad result: {error}")]
    Decode {
        pid: u32,
        #[source]
        error: WireError,
    },
    /// `spawn` refused to fork: the process runs other threads (see
    /// `spawn_unchecked`).
    #[error(
        "refused to fork: this process runs {threads} threads, and only the \
         calling thread would exist in the child (locks held by the others would \
         stay locked forever); fork before starting threads, use the re-exec start \
         method, or call `spawn_unchecked` if you know the child touches no such lock"
    )]
    OtherThreads { threads: usize },
    /// The operation is not available on this platform.
    #[error("not supported here: {0}")]
    Unsupported(&'static str),
    /// A system call failed (`pipe`, `fork`, `waitpid`, reading the pipe...).
    #[error("system call failed: {0}")]
    Io(#[from] io::Error),
}
// ANCHOR_END: process_error

impl ProcessError {
    /// The child's pid, when the error is about a child that ran.
    pub fn pid(&self) -> Option<u32> {
        match self {
            ProcessError::Panicked { pid, .. }
            | ProcessError::Signaled { pid, .. }
            | ProcessError::Exited { pid, .. }
            | ProcessError::NoResult { pid }
            | ProcessError::Decode { pid, .. } => Some(*pid),
            _ => None,
        }
    }

    /// The name of the signal that killed the child (`"SIGKILL"`), if a signal did.
    pub fn signal_name(&self) -> Option<&'static str> {
        match self {
            ProcessError::Signaled { signal, .. } => Some(signal_name(*signal)),
            _ => None,
        }
    }
}

/// The conventional name of signal number `signal`, or `"unknown signal"`.
pub fn signal_name(signal: i32) -> &'static str {
    #[cfg(unix)]
    {
        nix::sys::signal::Signal::try_from(signal)
            .map_or("unknown signal", |s| s.as_str())
    }
    #[cfg(not(unix))]
    {
        let _ = signal;
        "unknown signal"
    }
}

#[cfg(unix)]
impl From<nix::errno::Errno> for ProcessError {
    fn from(e: nix::errno::Errno) -> Self {
        ProcessError::Io(e.into())
    }
}

/// How a child ended, as far as the parent can tell from its wait status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It called `exit`/`_exit` (or returned from `main`) with this code.
    Code(i32),
    /// A signal with this number killed it.
    Signal(i32),
}

// ANCHOR: outcome
/// Combines how a child ended with what it wrote into the result's
/// bytes, or an error.
///
/// A signal wins over everything: the child did not finish its protocol. A panic
/// report comes next, then a non-zero code, then a missing result.
pub fn outcome(
    pid: u32,
    exit: Exit,
    report: Option<Report>,
) -> Result<Vec<u8>, ProcessError> {
    match (exit, report) {
        (Exit::Signal(signal), _) => Err(ProcessError::Signaled { pid, signal }),
        (_, Some(Report::Panic(message))) => {
            Err(ProcessError::Panicked { pid, message })
        }
        (Exit::Code(0), Some(Report::Value(bytes))) => Ok(bytes),
        (Exit::Code(0), None) => Err(ProcessError::NoResult { pid }),
        (Exit::Code(code), _) => Err(ProcessError::Exited { pid, code }),
    }
}
// ANCHOR_END: outcome

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_map_to_the_right_error() {
        let value = || Some(Report::Value(vec![1]));
        assert_eq!(outcome(7, Exit::Code(0), value()).unwrap(), vec![1]);
        assert!(matches!(
            outcome(7, Exit::Code(0), None),
            Err(ProcessError::NoResult { pid: 7 })
        ));
        assert!(matches!(
            outcome(7, Exit::Code(3), None),
            Err(ProcessError::Exited { pid: 7, code: 3 })
        ));
        assert!(matches!(
            outcome(7, Exit::Code(EXIT_PANIC), Some(Report::Panic("boom".into()))),
            Err(ProcessError::Panicked { message, .. }) if message == "boom"
        ));
        assert!(matches!(
            outcome(7, Exit::Signal(9), value()),
            Err(ProcessError::Signaled { signal: 9, .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn signals_are_named() {
        let e = ProcessError::Signaled {
            pid: 1,
            signal: libc::SIGKILL,
        };
        assert_eq!(e.signal_name(), Some("SIGKILL"));
        assert!(e.to_string().contains("SIGKILL"), "{e}");
        assert_eq!(signal_name(libc::SIGSEGV), "SIGSEGV");
        assert_eq!(signal_name(999), "unknown signal");
    }

    #[test]
    fn refusal_says_what_to_do() {
        let e = ProcessError::OtherThreads { threads: 3 };
        let text = e.to_string();
        assert!(
            text.contains("3 threads") && text.contains("spawn_unchecked"),
            "{text}"
        );
    }
}
