//! How a process ended, named, with the number CPython's
//! `Process.exitcode` gives for it.
//!
//! CPython's rule
//! (`multiprocessing/popen_fork.py` and `process.py`, checked on 3.11): a `run` that
//! returns gives 0, an uncaught exception 1, `sys.exit(n)` gives `n`, and a child
//! killed by signal `N` gives `-N`. Here a returned `Err` and a panic play the
//! uncaught exception.

use thiserror::Error;

use ch03_processes::error::{Exit, signal_name};
use ch03_processes::frame::Report;
use ch03_processes::{ProcessError, Wire, WireError};

/// What `run` may fail with. Only its message crosses to the parent (as with Python,
/// where the parent sees an exit code and the child prints the traceback).
pub type RunError = Box<dyn std::error::Error>;

/// The exit code of a child whose `run` returned `Err` or panicked: CPython's code
/// for an uncaught exception.
pub const EXIT_FAILED: i32 = 1;

// ANCHOR: exit_error
/// Why a finished process gave no output, each case with CPython's `exitcode`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExitError {
    /// `run` returned `Err`; the error's message came back over the
    /// pipe. Exit code 1.
    #[error("run() failed: {message}")]
    Failed { message: String },
    /// `run` panicked; the panic's message came back over the pipe. Exit code 1.
    #[error("run() panicked: {message}")]
    Panicked { message: String },
    /// The child ended itself with an explicit exit code before `run`
    /// returned (`exit(n)`).
    #[error("the child exited with code {code} before run() returned")]
    Exited { code: i32 },
    /// A signal ended the child: `terminate` (`SIGTERM`), `kill`
    /// (`SIGKILL`), a crash...
    #[error("the child was killed by signal {} ({signal})", signal_name(*.signal))]
    Signaled { signal: i32 },
}
// ANCHOR_END: exit_error

// ANCHOR: exitcode
impl ExitError {
    /// The value CPython's `Process.exitcode` has for the same ending.
    pub fn exitcode(&self) -> i32 {
        match self {
            ExitError::Failed { .. } | ExitError::Panicked { .. } => EXIT_FAILED,
            ExitError::Exited { code } => *code,
            ExitError::Signaled { signal } => -signal,
        }
    }
}

/// CPython's `exitcode` of a process whose outcome is `result`: 0 when
/// it returned a value.
pub fn exitcode<T>(result: &Result<T, ExitError>) -> i32 {
    result.as_ref().map_or_else(ExitError::exitcode, |_| 0)
}
// ANCHOR_END: exitcode

/// What `run` returned, as it crosses the pipe: a value or the error's message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Returned<T>(pub Result<T, String>);

impl<T: Wire> Wire for Returned<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match &self.0 {
            Ok(value) => {
                out.push(0);
                value.encode(out);
            }
            Err(message) => {
                out.push(1);
                message.encode(out);
            }
        }
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        match u8::decode(input)? {
            0 => Ok(Returned(Ok(T::decode(input)?))),
            1 => Ok(Returned(Err(String::decode(input)?))),
            _ => Err(WireError("unknown tag of a returned value")),
        }
    }
}

// ANCHOR: outcome
/// Combines how the child ended with its report into the output, an [`ExitError`], or
/// (for bytes that do not decode) a [`ProcessError`].
///
/// The wait status decides first: a signal wins over anything the child
/// wrote, and a code other than 0 and 1 is an explicit exit. Then the
/// report says which of the rest it was.
pub fn outcome<T: Wire>(
    pid: u32,
    exit: Exit,
    report: Option<Report>,
) -> Result<Result<T, ExitError>, ProcessError> {
    let (code, bytes) = match (exit, report) {
        (Exit::Signal(signal), _) => return Ok(Err(ExitError::Signaled { signal })),
        (Exit::Code(EXIT_FAILED), Some(Report::Panic(message))) => {
            return Ok(Err(ExitError::Panicked { message }));
        }
        (Exit::Code(code @ (0 | EXIT_FAILED)), Some(Report::Value(bytes))) => {
            (code, bytes)
        }
        (Exit::Code(code), _) => return Ok(Err(ExitError::Exited { code })),
    };
    let decoded = Returned::<T>::from_bytes(&bytes)
        .map_err(|error| ProcessError::Decode { pid, error })?;
    match (code, decoded.0) {
        (0, Ok(value)) => Ok(Ok(value)),
        (EXIT_FAILED, Err(message)) => Ok(Err(ExitError::Failed { message })),
        // A report that disagrees with the exit code: the child's protocol broke.
        _ => Err(ProcessError::Decode {
            pid,
            error: WireError("the report does not match the exit code"),
        }),
    }
}
// ANCHOR_END: outcome

#[cfg(test)]
mod tests {
    use super::*;

    fn value(result: Result<u64, String>) -> Option<Report> {
        Some(Report::Value(Returned(result).to_bytes()))
    }

    #[test]
    fn each_ending_has_cpythons_exitcode() {
        let ok = outcome::<u64>(1, Exit::Code(0), value(Ok(5))).unwrap();
        assert_eq!((exitcode(&ok), ok), (0, Ok(5)));
        let failed =
            outcome::<u64>(1, Exit::Code(1), value(Err("no".into()))).unwrap();
        assert_eq!(
            failed,
            Err(ExitError::Failed {
                message: "no".into()
            })
        );
        assert_eq!(exitcode(&failed), 1);
        let panicked =
            outcome::<u64>(1, Exit::Code(1), Some(Report::Panic("p".into())))
                .unwrap();
        assert_eq!(exitcode(&panicked), 1);
        let exited = outcome::<u64>(1, Exit::Code(3), None).unwrap();
        assert_eq!(
            (exitcode(&exited), exited),
            (3, Err(ExitError::Exited { code: 3 }))
        );
        let killed = outcome::<u64>(1, Exit::Signal(9), value(Ok(5))).unwrap();
        assert_eq!(exitcode(&killed), -9);
        // exit(0) before a result: CPython's exitcode 0, but no output either.
        assert_eq!(
            outcome::<u64>(1, Exit::Code(0), None).unwrap(),
            Err(ExitError::Exited { code: 0 })
        );
    }

    #[test]
    fn a_report_that_contradicts_the_exit_code_is_an_error() {
        assert!(outcome::<u64>(1, Exit::Code(0), value(Err("x".into()))).is_err());
        assert!(outcome::<u64>(1, Exit::Code(1), value(Ok(1))).is_err());
        assert!(
            outcome::<u64>(1, Exit::Code(0), Some(Report::Value(vec![7]))).is_err()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_signal_is_named() {
        let e = ExitError::Signaled {
            signal: libc::SIGTERM,
        };
        assert_eq!(e.exitcode(), -15);
        assert!(e.to_string().contains("SIGTERM"), "{e}");
    }
}
