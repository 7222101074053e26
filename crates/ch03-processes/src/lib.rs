//! Chapter 03: one process per task, the two ways CPython does it.
//!
//! * [`s1_exit_code`]: `fork` + `waitpid`, the result squeezed into the
//!   exit status (8 bits).
//! * [`s2_pipe`]: the result comes back over a pipe, the parent reads, then reaps.
//! * [`handle`]: the handle the rest of the book uses: [`spawn`] a closure in a
//!   child, [`ProcessHandle::pid`], [`ProcessHandle::join`] into
//!   `Result<T, ProcessError>`; a panic, a signal, a bad exit code and a missing
//!   result are errors; a dropped handle kills and reaps its child; `spawn` refuses
//!   to fork a process that runs other threads.
//! * [`reexec`]: the "spawn" start method: run the current program again with
//!   [`std::process::Command`], arguments in over stdin, result out over stdout.
//! * [`wire`] and [`frame`]: values as bytes, and length-framed messages on pipes.
//! * [`threads`]: why a lock held by another thread stays locked
//!   forever in a forked child.
//! * [`sys`]: the system helpers under all of it: a close-on-exec [`pipe`], waiting
//!   for a child, `_exit`, and counting this process's threads (what `spawn` checks
//!   before forking).
//! * [`fork_cost`]: what a fork costs as the parent's memory grows, and what
//!   copy-on-write copies.
//! * [`tutorial`]: the tutorials' program (one process per number) and
//!   their two mistakes.
//!
//! `fork` exists only on Unix. On other targets the crate compiles with [`wire`],
//! [`frame`], [`error`] and [`reexec`] only; [`UNIX_ONLY`] says why.

pub mod error;
pub mod frame;
pub mod reexec;
#[cfg(unix)]
pub mod sys;
pub mod wire;

#[cfg(unix)]
pub mod fork_cost;
#[cfg(unix)]
pub mod handle;
#[cfg(unix)]
pub mod s1_exit_code;
#[cfg(unix)]
pub mod s2_pipe;
#[cfg(unix)]
pub mod threads;
#[cfg(unix)]
pub mod tutorial;

pub use error::ProcessError;
pub use frame::{
    Report, read_frame, read_report, report_len, write_frame, write_report,
};
pub use wire::{Wire, WireError};

#[cfg(unix)]
pub use handle::{ProcessHandle, spawn, spawn_unchecked};
#[cfg(unix)]
pub use sys::pipe;

/// Why the fork-based parts are missing on this target.
pub const UNIX_ONLY: &str = "fork() exists only on Unix (Linux, macOS, the BSDs): this chapter's \
     fork-based API is compiled only there; the re-exec start method (module `reexec`) works \
     everywhere";
