//! Exercise 2: one child process per input, all started before any is joined.

use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

/// A started child process that will produce a `u64`.
pub struct Running {
    pid: Pid,
    result: File,
}

/// Forks a child that computes `f()` and writes it to a pipe. Given:
/// you do not change it.
pub fn start(f: impl FnOnce() -> u64) -> io::Result<Running> {
    // Both ends close on exec (chapter 03's `pipe`).
    let (reader, writer) = support::fork::pipe()?;
    // SAFETY: the spec calls this from a single-threaded process, so
    // the child is a consistent copy; the child leaves through `_exit`
    // and never returns into the caller's code.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            let mut writer = File::from(writer);
            let code = match catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) if writer.write_all(&value.to_le_bytes()).is_ok() => 0,
                _ => 1,
            };
            // SAFETY: `_exit` has no preconditions and never returns.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => Ok(Running {
            pid: child,
            result: File::from(reader),
        }),
    }
}

impl Running {
    /// Reads the child's result and reaps it. Given: you do not change it.
    pub fn join(mut self) -> io::Result<u64> {
        let mut bytes = Vec::new();
        let read = self.result.read_to_end(&mut bytes);
        let status = waitpid(self.pid, None)?;
        read?;
        match (status, <[u8; 8]>::try_from(bytes.as_slice())) {
            (WaitStatus::Exited(_, 0), Ok(value)) => Ok(u64::from_le_bytes(value)),
            (status, _) => {
                Err(io::Error::other(format!("child ended with {status:?}")))
            }
        }
    }
}

// ANCHOR: starter
/// Computes `f(x)` for every `x` of `inputs`, each in its own child process, all of
/// them started before any is joined. Results come back in the order of `inputs`. On
/// a failure, every child is still joined, then the first error is returned.
pub fn parallel_map_processes<F: Fn(u64) -> u64>(
    inputs: &[u64],
    f: F,
) -> io::Result<Vec<u64>> {
    // TODO: borrow `f` first (`let f = &f;`), then start one child per input with
    // `start(move || f(x))` (the closure moves the borrow, not `f`), keeping every
    // `Running`. If a `start` fails, join the children already started before
    // returning its error.
    // TODO: then join them all, in order; keep the first error, but
    // join every child anyway.
    todo!("start every child, then join every child")
}
// ANCHOR_END: starter
