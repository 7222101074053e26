//! Step 3: a handle, like `multiprocessing.Process` after `start()`.
//!
//! [`spawn`] forks a child that runs a closure; the [`ProcessHandle`] it returns
//! knows the child's pid and can [`join`](ProcessHandle::join) it into
//! `Result<T, ProcessError>`:
//!
//! * the value travels as bytes ([`Wire`]) in one [`Report`] over a pipe;
//! * a panic in the child is caught there and comes back as
//!   [`ProcessError::Panicked`];
//! * a child killed by a signal, one that exits with a non-zero code and one that
//!   exits without a result are errors that say so;
//! * a handle dropped without `join` kills its child (`SIGKILL`) and
//!   reaps it: no zombie, and no forgotten child burning a core after
//!   its result stopped mattering;
//! * `spawn` refuses to fork when the process runs other threads; [`spawn_unchecked`]
//!   is the explicit, `unsafe` way past that check.
//!
//! The closure needs neither `Send` nor `'static`: it is never moved to another
//! thread, the whole address space is copied instead. It may borrow the parent's
//! data; the child reads its own copy, and what it writes stays in that copy.

use std::fs::File;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::signal::{Signal, kill};
use nix::unistd::{ForkResult, Pid, fork};

use crate::error::{EXIT_PANIC, ProcessError, outcome};
use crate::frame::Report;
use crate::sys::{
    ChildPipe, ensure_single_threaded, flush_stdio, pipe, report_and_exit, wait_for,
};
use crate::wire::Wire;

// ANCHOR: handle
/// A running (or finished, not yet reaped) child process that will produce a `T`.
#[must_use = "a dropped handle kills its child; call `join` to get the result"]
#[derive(Debug)]
pub struct ProcessHandle<T> {
    pid: Pid,
    /// The read end of the child's result pipe; `None` once `join` took it.
    result: Option<File>,
    /// `fn() -> T`: the handle produces a `T` but holds none, so it is
    /// `Send` for any `T`.
    _produces: PhantomData<fn() -> T>,
}
// ANCHOR_END: handle

// ANCHOR: spawn
/// Runs `f` in a new child process, like `Process(target=f).start()`
/// with the fork method.
///
/// Refuses with [`ProcessError::OtherThreads`] if the process runs other threads:
/// only the calling thread is copied into the child, and anything the others held
/// (`stdout`'s lock, the environment's, one in your own code or in a library) would
/// stay held forever there. Flushes stdout and stderr first, so that text printed
/// before the fork is written once.
pub fn spawn<T: Wire, F: FnOnce() -> T>(
    f: F,
) -> Result<ProcessHandle<T>, ProcessError> {
    ensure_single_threaded()?;
    // SAFETY: the process runs one thread (checked just above), so the child is a
    // consistent copy of it, which is what `spawn_unchecked` requires.
    unsafe { spawn_unchecked(f) }
}
// ANCHOR_END: spawn

// ANCHOR: spawn_unchecked
// ANCHOR: contract
/// [`spawn`] without the thread check.
///
/// # Safety
///
/// Nothing to check when the process runs a single thread. When other threads run,
/// the child starts with a copy of the calling thread only, and every lock another
/// thread held at the instant of the fork stays held in the child, by a thread that
/// does not exist there. POSIX therefore allows the child of a multithreaded process
/// only async-signal-safe functions (`read`, `write`, `_exit`, ...) until it calls
/// `exec`. This function's child does more: it runs `f`, allocates to encode the
/// result, writes it to a pipe and calls `_exit`. With other threads running, the
/// caller guarantees that:
///
/// 1. `f` waits for no lock another thread may have held at the fork: none of the
///    program's own, none of a library's (a logger, a pool, a C library), and none of
///    std's, which std does not reset in a child: stdout's and stderr's (`print!`,
///    `eprintln!`, `dbg!`), the environment's (`env::var`, `env::set_var`,
///    `Command::spawn`), the panic hook's and the one the default hook holds while it
///    prints a panic (so a panic in `f` can hang if another thread was panicking or
///    setting the hook at that instant);
/// 2. memory can be allocated and freed in the child. That is an extension of some C
///    libraries, not POSIX: glibc, macOS and musl from 1.2.2 (Rust's musl targets
///    bundle 1.2.3 or later since Rust 1.71) reset their `malloc`'s locks in the
///    child. A `#[global_allocator]` other than the system one must do the same for
///    itself, with `pthread_atfork` handlers (jemalloc registers them; an allocator
///    guarded by a plain spin lock or `Mutex` does not);
/// 3. `f` relies on no state another thread was in the middle of changing (a
///    half-updated data structure is copied as it is).
///
/// The parent side has no such condition: it flushes stdout (waiting for its lock
/// like any `print!`), forks and returns a handle.
pub unsafe fn spawn_unchecked<T: Wire, F: FnOnce() -> T>(
    f: F,
) -> Result<ProcessHandle<T>, ProcessError> {
    // ANCHOR_END: contract
    let (reader, writer) = pipe()?;
    flush_stdio(); // else text printed before the fork is in the child's buffer too
    // SAFETY: the caller upholds this function's contract (see
    // `# Safety`); the child runs `f` and leaves through `_exit` in
    // `child_main`, never returning into the caller's code.
    match unsafe { fork() }? {
        ForkResult::Child => {
            drop(reader);
            child_main(f, writer)
        }
        ForkResult::Parent { child } => {
            drop(writer); // else the pipe stays open for as long as we hold it
            Ok(ProcessHandle {
                pid: child,
                result: Some(reader),
                _produces: PhantomData,
            })
        }
    }
}

/// The child's whole life: run `f`, report, `_exit`. Never returns, never unwinds.
fn child_main<T: Wire, F: FnOnce() -> T>(f: F, mut out: File) -> ! {
    let (report, code) = match catch_unwind(AssertUnwindSafe(|| f().to_bytes())) {
        Ok(bytes) => (Report::Value(bytes), 0),
        Err(payload) => (Report::of_panic(payload), EXIT_PANIC),
    };
    report_and_exit(&mut out, &report, code)
}
// ANCHOR_END: spawn_unchecked

// ANCHOR: join
impl<T: Wire> ProcessHandle<T> {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.pid.as_raw() as u32
    }

    /// Waits for the child to finish and returns its result, like `Process.join()`
    /// followed by reading the result. Always reaps the child, whatever the outcome.
    pub fn join(mut self) -> Result<T, ProcessError> {
        let result = self
            .result
            .take()
            .expect("only join takes the pipe, and join takes self");
        // Read first, then wait: a child blocked writing a result bigger than the
        // pipe's buffer (64 KiB on Linux) would never exit if we waited for it before
        // reading. Read until the child ends, not until end-of-file: its own children
        // may hold the pipe.
        let mut child = ChildPipe::new(result, self.pid);
        let report = child.read_report();
        if report.is_err() {
            // garbage on the pipe: do not wait forever
            let _ = child.kill(Signal::SIGKILL);
        }
        let exit = child.wait()?;
        let pid = self.pid();
        let bytes = outcome(pid, exit, report?)?;
        T::from_bytes(&bytes).map_err(|error| ProcessError::Decode { pid, error })
    }

    /// Sends `signal` to the child (it is still ours: it has not been reaped).
    pub fn kill(&self, signal: Signal) -> Result<(), ProcessError> {
        kill(self.pid, signal).map_err(Into::into)
    }
}

impl<T> Drop for ProcessHandle<T> {
    /// A handle dropped without `join` kills its child and reaps it.
    fn drop(&mut self) {
        if let Some(result) = self.result.take() {
            drop(result);
            let _ = kill(self.pid, Signal::SIGKILL);
            let _ = wait_for(self.pid);
        }
    }
}
// ANCHOR_END: join

#[cfg(test)]
mod tests {
    use super::ProcessHandle;
    use std::rc::Rc;

    fn is_send<T: Send>() {}

    /// `PhantomData<fn() -> T>`: the handle holds no `T`, so it is `Send` even for a
    /// `T` that is not (an `Rc`). With `PhantomData<T>` this would not compile.
    #[test]
    fn a_handle_is_send_whatever_it_produces() {
        is_send::<ProcessHandle<Rc<u64>>>();
    }
}
