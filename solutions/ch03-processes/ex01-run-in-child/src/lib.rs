//! Exercise 1, solution: run a function in a child process and bring its `u64` back through a
//! pipe.

use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork, pipe};

// ANCHOR: solution
/// Runs `f` in a forked child process and returns the `u64` it computed.
///
/// The child writes the 8 bytes of the value into a pipe and leaves with `_exit`; the parent
/// reads them, reaps the child with `waitpid`, and returns the value, or an error if the child
/// died, panicked or wrote fewer than 8 bytes. Call it from a single-threaded process only.
pub fn run_in_child<F: FnOnce() -> u64>(f: F) -> io::Result<u64> {
    let (reader, writer) = pipe()?;
    // SAFETY: the caller runs a single thread, so the child is a consistent copy of the
    // process; the child leaves through `_exit` and never returns into the caller's code.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            let mut writer = File::from(writer);
            let code = match catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) if writer.write_all(&value.to_le_bytes()).is_ok() => 0,
                _ => 1,
            };
            // SAFETY: `_exit` has no preconditions; it skips the parent's atexit handlers and
            // stdio buffers, which the child only holds copies of.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(writer); // our copy of the write end would hide the child's end-of-file
            let mut bytes = Vec::new();
            let read = File::from(reader).read_to_end(&mut bytes);
            let status = waitpid(child, None)?; // reap first, whatever happened
            read?;
            match (status, <[u8; 8]>::try_from(bytes.as_slice())) {
                (WaitStatus::Exited(_, 0), Ok(value)) => Ok(u64::from_le_bytes(value)),
                (status, _) => Err(io::Error::other(format!(
                    "child ended with {status:?} after writing {} bytes",
                    bytes.len()
                ))),
            }
        }
    }
}
// ANCHOR_END: solution
