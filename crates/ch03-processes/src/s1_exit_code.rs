//! Step 1: fork, wait, and read the only thing `waitpid` gives back: an exit status.
//!
//! The child is a copy of the parent. It computes, then leaves with `_exit(code)`.
//! The parent waits for it and reads the code. The code is one byte: anything bigger
//! is cut to 8 bits, which is why step 2 adds a pipe.

use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::unistd::{ForkResult, fork};

use crate::error::{EXIT_PANIC, Exit, ProcessError};
use crate::sys::{ensure_single_threaded, exit_now, flush_stdio, wait_for};

// ANCHOR: exit_code
/// Runs `f` in a forked child; returns the child's exit code, which is
/// `f()` cut to 8 bits.
pub fn exit_code_of(f: impl FnOnce() -> u64) -> Result<i32, ProcessError> {
    ensure_single_threaded()?;
    flush_stdio(); // else text printed before the fork is in the child's buffer too
    // SAFETY: the process runs a single thread (checked above), so the child is a
    // complete, consistent copy: no lock is held by a thread that does not exist
    // there. The child never returns into our caller's code: it leaves through
    // `exit_now` (`_exit`).
    match unsafe { fork() }? {
        ForkResult::Child => {
            // A panic must not unwind out of here: the child would go on running the
            // parent's program (its loops, its tests) as a second copy.
            let code = match catch_unwind(AssertUnwindSafe(f)) {
                // Passed whole (its low 32 bits): the kernel keeps only
                // the low 8 of them.
                Ok(value) => value as i32,
                // Leaked, never dropped: a payload is any value (`panic_any`), and a
                // `Drop` that panics would unwind into the caller's code after all.
                Err(payload) => {
                    std::mem::forget(payload);
                    EXIT_PANIC
                }
            };
            exit_now(code)
        }
        ForkResult::Parent { child } => match wait_for(child)? {
            Exit::Code(code) => Ok(code),
            Exit::Signal(signal) => Err(ProcessError::Signaled {
                pid: child.as_raw() as u32,
                signal,
            }),
        },
    }
}
// ANCHOR_END: exit_code
