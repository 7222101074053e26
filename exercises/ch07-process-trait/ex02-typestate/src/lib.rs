//! Exercise 2: a typestate for a program run as a child process, with
//! CPython's exit codes.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

// ANCHOR: starter
/// The three states of a process. Here all three are the same type, `AnyState`, as in
/// CPython, which keeps one object and checks at run time: so every method below
/// exists in every state, and `start` twice, `join` before `start`, `exitcode` while
/// running all compile.
pub type Created = AnyState; // TODO: CreatedState
pub type Running = AnyState; // TODO: RunningState
pub type Finished = AnyState; // TODO: FinishedState

/// A process that has not started: the command to run.
#[derive(Debug)]
pub struct CreatedState {
    // TODO: what a created process holds.
}

/// A started process: its child (an `Option` only so that `join` can take it out).
#[derive(Debug)]
pub struct RunningState {
    // TODO: what a running process holds.
}

/// A joined process: how it ended.
#[derive(Debug)]
pub struct FinishedState {
    // TODO: what a finished process holds.
}

/// One type for every state, with an `Option` for what only some states have.
#[derive(Debug)]
pub struct AnyState {
    // TODO: no longer needed once each state has its own type.
    command: Option<Command>,
    child: Option<Child>,
    status: Option<ExitStatus>,
}

/// A process in state `S`: [`Created`], [`Running`] or [`Finished`].
#[derive(Debug)]
pub struct Proc<S> {
    program: String,
    state: S,
}

impl<S> Proc<S> {
    /// The program this process runs, in every state.
    pub fn program(&self) -> &str {
        &self.program
    }
}

impl Proc<Created> {
    /// A process that will run `program` with `args`.
    pub fn new(program: &str, args: &[&str]) -> Proc<Created> {
        todo!()
    }

    /// Starts the program, like `Process.start()`.
    pub fn start(self) -> io::Result<Proc<Running>> {
        todo!()
    }
}

impl Proc<Running> {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        todo!()
    }

    /// Sends `SIGTERM`, like `Process.terminate()`.
    pub fn terminate(&self) -> io::Result<()> {
        todo!()
    }

    /// Sends `SIGKILL`, like `Process.kill()`.
    pub fn kill(&mut self) -> io::Result<()> {
        todo!()
    }

    /// Waits for the child to end, like `Process.join()`, and reaps it.
    pub fn join(mut self) -> io::Result<Proc<Finished>> {
        todo!()
    }
}

impl Proc<Finished> {
    /// CPython's `exitcode`: the exit code, or minus the number of the
    /// signal that ended it.
    pub fn exitcode(&self) -> i32 {
        todo!()
    }
}
// ANCHOR_END: starter

impl Drop for Running {
    /// Given: a running process dropped without `join` is killed and reaped.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
