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
    // TODO: run `f` inside `catch_unwind(AssertUnwindSafe(f))`: a panic must not
    // unwind out of the child, or the child goes on running its caller's code (it is
    // a copy of the program).
    // TODO: build the report: one tag byte (`VALUE` or `PANIC`), then
    // the text's bytes.
    // TODO: write it all, then leave with `nix::libc::_exit(code)` (inside `unsafe`,
    // with a `// SAFETY:` comment), never `std::process::exit`.
    todo!("run f, report, _exit")
}

/// The parent: reads the whole report, reaps the child, then says what came of it.
fn parent_side(
    mut reader: File,
    writer: File,
    child: Pid,
) -> Result<String, ChildError> {
    // TODO: close the parent's copy of the write end first.
    // TODO: read everything, then `waitpid(child, None)`, reaping it
    // before returning any error.
    // TODO: a clean exit (code 0) with a report tagged `VALUE` is the value; tagged
    // `PANIC`, the panic's message; anything else is `ChildError::Died(status)`.
    todo!("read, reap, decide")
}
// ANCHOR_END: starter
