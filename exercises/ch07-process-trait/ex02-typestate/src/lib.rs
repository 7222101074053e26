//! Exercise 2: a typestate for a program run as a child process, with CPython's exit codes.
#![allow(unused_imports, unused_variables, dead_code)]

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// A created process: a command not started yet.
#[derive(Debug)]
pub struct Created {
    command: Command,
}

/// A started process. Given: dropped without `join`, it kills and reaps its child.
#[derive(Debug)]
pub struct Running {
    child: Option<Child>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A joined process: how it ended.
#[derive(Debug)]
pub struct Finished {
    status: ExitStatus,
}

/// A process in state `S`: [`Created`], [`Running`] or [`Finished`].
#[derive(Debug)]
pub struct Proc<S> {
    state: S,
}

impl Proc<Created> {
    /// A process that will run `program` with `args`. Given.
    pub fn new(program: &str, args: &[&str]) -> Proc<Created> {
        let mut command = Command::new(program);
        command.args(args);
        Proc {
            state: Created { command },
        }
    }
}

// ANCHOR: starter
// Every method is available in every state: `start` twice, `join` before `start`, `exitcode`
// while running all compile. Split this block so that each method exists only in its state.
impl<S> Proc<S> {
    /// Starts the program, like `Process.start()`. (Only for `Proc<Created>`.)
    pub fn start(self) -> io::Result<Proc<Running>> {
        todo!()
    }

    /// The child's process id. (Only for `Proc<Running>`.)
    pub fn pid(&self) -> u32 {
        todo!()
    }

    /// Sends `SIGTERM`, like `Process.terminate()`. (Only for `Proc<Running>`.)
    pub fn terminate(&self) -> io::Result<()> {
        todo!()
    }

    /// Sends `SIGKILL`, like `Process.kill()`. (Only for `Proc<Running>`.)
    pub fn kill(&mut self) -> io::Result<()> {
        todo!()
    }

    /// Waits for the child to end, like `Process.join()`, and reaps it. (Only for
    /// `Proc<Running>`.)
    pub fn join(self) -> io::Result<Proc<Finished>> {
        todo!()
    }

    /// CPython's `exitcode`: the exit code, or minus the number of the signal that ended it.
    /// (Only for `Proc<Finished>`.)
    pub fn exitcode(&self) -> i32 {
        todo!()
    }
}
// ANCHOR_END: starter
