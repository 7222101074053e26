//! Exercise 1: run a function in a child process; bring back its `String`, or its
//! panic's message.

use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

/// First byte of a report: the rest is the value `f` returned.
pub const VALUE: u8 = b'V';
/// First byte of a report: the rest is the message `f` panicked with.
pub const PANIC: u8 = b'P';

/// Why the child gave no value.
#[derive(Debug, PartialEq, Eq)]
pub enum ChildError {
    /// `f` panicked in the child, with this message.
    Panicked(String),
    /// The child ended without a complete report; here is how it ended.
    Died(WaitStatus),
    /// A system call failed in the parent.
    Io(String),
}

impl From<io::Error> for ChildError {
    fn from(e: io::Error) -> Self {
        ChildError::Io(e.to_string())
    }
}

impl From<nix::Error> for ChildError {
    fn from(e: nix::Error) -> Self {
        ChildError::Io(e.to_string())
    }
}

/// The message of a panic payload (`panic!` gives a `&str` or a `String`). Given.
pub use support::panic_message;

/// Runs `f` in a forked child and returns its `String`, or the message
/// it panicked with.
///
/// Call it from a single-threaded process only. Given: you write the
/// two halves below.
pub fn run_in_child<F: FnOnce() -> String>(f: F) -> Result<String, ChildError> {
    // Both ends close on exec (chapter 03's `pipe`).
    let (reader, writer) = support::fork::pipe()?;
    // SAFETY: the caller is single-threaded (documented above), so the
    // child is a consistent copy of it; `child_side` never returns: the
    // child leaves through `_exit`.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            child_side(File::from(writer), f)
        }
        ForkResult::Parent { child } => {
            parent_side(File::from(reader), File::from(writer), child)
        }
    }
}

// ANCHOR: starter
/// The child: runs `f`, writes one report (`VALUE` or `PANIC`, then the text) to
/// `writer`, and leaves with `_exit`: 0 if the report was written, 1 if not.
fn child_side<F: FnOnce() -> String>(mut writer: File, f: F) -> ! {
    let report = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => [&[VALUE], value.as_bytes()].concat(),
        Err(payload) => [&[PANIC], panic_message(&*payload).as_bytes()].concat(),
    };
    let code = if writer.write_all(&report).is_ok() {
        0
    } else {
        1
    };
    // SAFETY: `_exit` has no preconditions; it ends the process without running the
    // parent's exit handlers or flushing the buffers the child inherited.
    unsafe { nix::libc::_exit(code) }
}

/// The parent: reads the whole report, reaps the child, then says what came of it.
fn parent_side(
    mut reader: File,
    writer: File,
    child: Pid,
) -> Result<String, ChildError> {
    drop(writer);
    let mut report = Vec::new();
    let read = reader.read_to_end(&mut report);
    let status = waitpid(child, None)?;
    read?;
    match (status, report.split_first()) {
        (WaitStatus::Exited(_, 0), Some((&VALUE, text))) => {
            Ok(String::from_utf8_lossy(text).into_owned())
        }
        (WaitStatus::Exited(_, 0), Some((&PANIC, text))) => Err(
            ChildError::Panicked(String::from_utf8_lossy(text).into_owned()),
        ),
        (status, _) => Err(ChildError::Died(status)),
    }
}
// ANCHOR_END: starter
