//! Exercise 2: a typestate for a program run as a child process, with
//! CPython's exit codes.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

// ANCHOR: starter
/// The three states of a process. Each is a type of its own, so a method written for
/// one state does not exist in the others.
pub type Created = CreatedState;
pub type Running = RunningState;
pub type Finished = FinishedState;

/// A process that has not started: the command to run.
#[derive(Debug)]
pub struct CreatedState {
    command: Command,
}

/// A started process: its child (an `Option` only so that `join` can take it out).
#[derive(Debug)]
pub struct RunningState {
    child: Option<Child>,
}

/// A joined process: how it ended.
#[derive(Debug)]
pub struct FinishedState {
    status: ExitStatus,
}

/// Not used any more: each state has its own type.
#[derive(Debug)]
pub struct AnyState;

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
        let mut command = Command::new(program);
        command.args(args);
        Proc {
            program: program.to_string(),
            state: CreatedState { command },
        }
    }

    /// Starts the program, like `Process.start()`.
    pub fn start(self) -> io::Result<Proc<Running>> {
        let CreatedState { mut command } = self.state;
        let child = command.spawn()?;
        Ok(Proc {
            program: self.program,
            state: RunningState { child: Some(child) },
        })
    }
}

impl Proc<Running> {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.state.child.as_ref().expect("running").id()
    }

    /// Sends `SIGTERM`, like `Process.terminate()`.
    pub fn terminate(&self) -> io::Result<()> {
        let child = self.state.child.as_ref().expect("running");
        kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM)
            .map_err(io::Error::from)
    }

    /// Sends `SIGKILL`, like `Process.kill()`.
    pub fn kill(&mut self) -> io::Result<()> {
        self.state.child.as_mut().expect("running").kill()
    }

    /// Waits for the child to end, like `Process.join()`, and reaps it.
    pub fn join(mut self) -> io::Result<Proc<Finished>> {
        let mut child = self.state.child.take().expect("running");
        let status = child.wait()?;
        Ok(Proc {
            program: std::mem::take(&mut self.program),
            state: FinishedState { status },
        })
    }
}

impl Proc<Finished> {
    /// CPython's `exitcode`: the exit code, or minus the number of the
    /// signal that ended it.
    pub fn exitcode(&self) -> i32 {
        let status = self.state.status;
        match (status.code(), status.signal()) {
            (Some(code), _) => code,
            (None, Some(signal)) => -signal,
            (None, None) => {
                unreachable!("a reaped child exited or was killed by a signal")
            }
        }
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
