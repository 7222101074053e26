//! Step 2: the result comes back over a pipe.
//!
//! The parent makes a pipe before forking; both processes then hold both ends. The
//! child closes the read end, writes the 8 bytes of its result and leaves. The parent
//! closes the write end (or it would never see end-of-file), reads until end-of-file,
//! and only then reaps the child with `waitpid`.

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::unistd::{ForkResult, fork};

use crate::error::{EXIT_PANIC, EXIT_WRITE_FAILED, ProcessError, outcome};
use crate::frame::Report;
use crate::sys::{ensure_single_threaded, exit_now, flush_stdio, pipe, wait_for};
use crate::wire::Wire;

// ANCHOR: pipe
/// Runs `f` in a forked child and returns its `u64` result, sent back over a pipe.
pub fn run_in_child(f: impl FnOnce() -> u64) -> Result<u64, ProcessError> {
    ensure_single_threaded()?;
    let (mut reader, mut writer) = pipe()?;
    flush_stdio(); // else text printed before the fork is in the child's buffer too
    // SAFETY: single-threaded (checked above); the child leaves through `_exit`.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            let code = match catch_unwind(AssertUnwindSafe(f)) {
                Ok(value) if writer.write_all(&value.to_le_bytes()).is_ok() => 0,
                Ok(_) => EXIT_WRITE_FAILED,
                // Leaked, never dropped: a payload is any value (`panic_any`), and a
                // `Drop` that panics would unwind into the caller's code after all.
                Err(payload) => {
                    std::mem::forget(payload);
                    EXIT_PANIC
                }
            };
            exit_now(code)
        }
        ForkResult::Parent { child } => {
            // else our own copy keeps the pipe open: no end-of-file, ever
            drop(writer);
            let mut bytes = Vec::new();
            let read = reader.read_to_end(&mut bytes);
            let exit = wait_for(child)?; // reap first, whatever the read gave
            read?;
            let pid = child.as_raw() as u32;
            let report = (!bytes.is_empty()).then_some(Report::Value(bytes));
            let bytes = outcome(pid, exit, report)?;
            u64::from_bytes(&bytes)
                .map_err(|error| ProcessError::Decode { pid, error })
        }
    }
}
// ANCHOR_END: pipe
