//! Typestate: a process is [`Created`], then [`Running`], then [`Finished`], and each
//! state is its own type with only the methods that make sense in it.
//!
//! CPython checks the order of calls at run time (`AssertionError: cannot start a
//! process twice`, `can only join a started process`, `process has already
//! started` for a late `daemon = True`). Here each transition takes `self` by value
//! and returns the next state, so the wrong order does not compile:
//!
//! Starting twice: the first `start` moved the value.
//!
//! ```compile_fail,E0382
//! use ch07_process_trait::Process;
//! let p = || 1u64;
//! let first = p.created();
//! let a = first.start();
//! let b = first.start(); // error[E0382]: use of moved value: `first`
//! ```
//!
//! Joining before starting: a `Created` process has no `join`.
//!
//! ```compile_fail,E0599
//! use ch07_process_trait::Process;
//! let p = (|| 1u64).created();
//! let finished = p.join(); // error[E0599]: no method named `join` found
//! ```
//!
//! Using a joined process: `join` moved the `Running` handle, and
//! `Finished` cannot be signalled.
//!
//! ```compile_fail,E0382
//! use ch07_process_trait::Process;
//! let running = (|| 1u64).start().unwrap();
//! let finished = running.join().unwrap();
//! running.terminate(); // error[E0382]: borrow of moved value: `running`
//! ```
//!
//! ```compile_fail,E0599
//! use ch07_process_trait::Process;
//! let finished = (|| 1u64).start().unwrap().join().unwrap();
//! finished.kill(); // error[E0599]: no method named `kill` found
//! ```
//!
//! Setting `daemon` after `start`: only `Created` has the option.
//!
//! ```compile_fail,E0599
//! use ch07_process_trait::Process;
//! let running = (|| 1u64).start().unwrap().daemon(true); // error[E0599]
//! ```

use std::fs::File;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ch03_processes::error::Exit;
use ch03_processes::frame::{Report, panic_message};
use ch03_processes::sys::{
    ChildPipe, ensure_single_threaded, report_and_exit, try_wait,
};
use ch03_processes::{ProcessError, Wire, pipe};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{ForkResult, Pid, fork};

use crate::daemon;
use crate::exit::{EXIT_FAILED, ExitError, Returned, exitcode, outcome};
use crate::process::Process;

// ANCHOR: created
/// A process that has not started: the only state with options, and with `start`.
#[must_use = "a created process does nothing until `start`"]
#[derive(Debug)]
pub struct Created<P> {
    process: P,
    daemon: bool,
}

impl<P: Process> Created<P> {
    /// Wraps `process`, not a daemon.
    pub fn new(process: P) -> Self {
        Created {
            process,
            daemon: false,
        }
    }

    /// Like CPython's `daemon` flag, settable only before `start` (here: only on
    /// `Created`). A daemon is killed when its handle is dropped, and on Linux when
    /// its parent dies (`PR_SET_PDEATHSIG`), even by `SIGKILL`.
    pub fn daemon(mut self, daemon: bool) -> Self {
        self.daemon = daemon;
        self
    }

    /// Forks a child that runs `run` and reports its result. Refuses to
    /// fork a process that runs other threads (chapter 03: only the
    /// forking thread exists in the child).
    pub fn start(self) -> Result<Running<P::Output>, ProcessError> {
        ensure_single_threaded()?;
        let (reader, writer) = pipe()?;
        let parent = nix::unistd::getpid();
        // SAFETY: the process runs one thread (checked above), so the child is a
        // complete copy of it; the child leaves through `_exit` in `child_main`,
        // never returning here.
        match unsafe { fork() }? {
            ForkResult::Child => {
                drop(reader);
                if self.daemon {
                    daemon::die_with_parent(parent);
                }
                child_main(self.process, writer)
            }
            ForkResult::Parent { child } => {
                drop(writer);
                Ok(Running {
                    pid: child,
                    result: Some(reader),
                    exit: None,
                    daemon: self.daemon,
                    _produces: PhantomData,
                })
            }
        }
    }
}
// ANCHOR_END: created

// ANCHOR: child_main
/// The child's whole life: `run`, report, `_exit` with CPython's code. Never returns.
fn child_main<P: Process>(mut process: P, mut out: File) -> ! {
    let (report, code) = match catch_unwind(AssertUnwindSafe(|| process.run())) {
        Ok(Ok(value)) => (Report::Value(Returned(Ok(value)).to_bytes()), 0),
        Ok(Err(error)) => (
            Report::Value(Returned::<P::Output>(Err(error.to_string())).to_bytes()),
            EXIT_FAILED,
        ),
        Err(payload) => (Report::Panic(panic_message(&*payload)), EXIT_FAILED),
    };
    report_and_exit(&mut out, &report, code)
}
// ANCHOR_END: child_main

// ANCHOR: running
/// A started child that will produce a `T`: `pid`, `is_alive`,
/// `terminate`, `kill`, `join`.
///
/// Dropped without `join`, it still leaves no zombie: a daemon is killed (`SIGKILL`)
/// and reaped; any other child is waited for, as CPython waits for non-daemon
/// children at exit.
#[must_use = "a dropped handle waits for its child (or kills a daemon); call `join`"]
#[derive(Debug)]
pub struct Running<T> {
    pid: Pid,
    /// The read end of the result pipe; `None` once `join` or `drop` took it.
    result: Option<File>,
    /// How the child ended, once `is_alive` has reaped it.
    exit: Option<Exit>,
    daemon: bool,
    _produces: PhantomData<fn() -> T>,
}
// ANCHOR_END: running

// ANCHOR: running_impl
impl<T: Wire> Running<T> {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.pid.as_raw() as u32
    }

    /// Whether the child still runs. Like CPython's `is_alive`, it reaps a child that
    /// has ended (`waitpid` with `WNOHANG`), so no zombie waits for `join`.
    pub fn is_alive(&mut self) -> Result<bool, ProcessError> {
        if self.exit.is_none() {
            self.exit = try_wait(self.pid)?;
        }
        Ok(self.exit.is_none())
    }

    /// Sends `SIGTERM`, like `Process.terminate()`: the child dies without running
    /// its cleanup (no `Drop`, no `finally`), unless it handles the signal.
    pub fn terminate(&self) -> Result<(), ProcessError> {
        self.signal(Signal::SIGTERM)
    }

    /// Sends `SIGKILL`, like `Process.kill()`: cannot be handled.
    pub fn kill(&self) -> Result<(), ProcessError> {
        self.signal(Signal::SIGKILL)
    }

    fn signal(&self, signal: Signal) -> Result<(), ProcessError> {
        // Once reaped, the pid may belong to another process already:
        // never signal it.
        if self.exit.is_some() {
            return Ok(());
        }
        kill(self.pid, signal).map_err(Into::into)
    }

    /// Waits for the child and returns the `Finished` process, with its output or the
    /// [`ExitError`] that says how it ended. Always reaps the child.
    pub fn join(mut self) -> Result<Finished<T>, ProcessError> {
        // An error here (the child reaped by someone else: no status to wait for)
        // is returned before the status is looked at.
        let report = self.collect()?;
        let exit = self.exit.take().expect("collect reaps the child");
        let pid = self.pid();
        Ok(Finished {
            pid,
            result: outcome(pid, exit, report)?,
        })
    }

    /// Reads the report, closes the pipe, reaps the child (unless already reaped).
    fn collect(&mut self) -> Result<Option<Report>, ProcessError> {
        let Some(mut child) = self.child_pipe() else {
            return Ok(None);
        };
        // Read first, then wait: a child blocked on a full pipe would
        // never exit otherwise.
        let report = child.read_report();
        if report.is_err() {
            // garbage on the pipe: do not wait forever
            let _ = child.kill(Signal::SIGKILL);
        }
        self.exit = Some(child.wait()?);
        Ok(report?)
    }
}

impl<T> Running<T> {
    /// The result pipe, read until the child ends (chapter 03's `ChildPipe`: a
    /// grandchild's copy of the write end does not hold the read open).
    fn child_pipe(&mut self) -> Option<ChildPipe> {
        let pipe = self.result.take()?;
        Some(match self.exit {
            Some(exit) => ChildPipe::reaped(pipe, self.pid, exit),
            None => ChildPipe::new(pipe, self.pid),
        })
    }
}

impl<T> Drop for Running<T> {
    /// No zombie on any path: a daemon is killed then reaped; another
    /// child is waited for.
    fn drop(&mut self) {
        let Some(mut child) = self.child_pipe() else {
            return; // joined
        };
        if self.daemon {
            let _ = child.kill(Signal::SIGKILL);
        } else {
            // Keep the pipe open until the child wrote its report: closing it first
            // would make the child's write fail, and the child's work with it.
            let _ = child.read_report();
        }
        let _ = child.wait();
    }
}
// ANCHOR_END: running_impl

// ANCHOR: finished
/// A joined process: its pid, its exit code, its output. Nothing left
/// to signal or wait for.
#[derive(Debug)]
pub struct Finished<T> {
    pid: u32,
    result: Result<T, ExitError>,
}

impl<T> Finished<T> {
    /// The pid the child had (it may belong to another process by now).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// CPython's `exitcode`: 0, 1 for a failed or panicked `run`, `n` for `exit(n)`,
    /// `-N` for signal `N`.
    pub fn exitcode(&self) -> i32 {
        exitcode(&self.result)
    }

    /// The output of `run`, or how the process ended without one.
    pub fn output(self) -> Result<T, ExitError> {
        self.result
    }
}
// ANCHOR_END: finished
