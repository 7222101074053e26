//! Exercise 2: a typestate for a program run as a child process, with CPython's exit codes.

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
impl Proc<Created> {
    /// Starts the program, like `Process.start()`.
    pub fn start(self) -> io::Result<Proc<Running>> {
        let Created { mut command } = self.state;
        let child = command.spawn()?;
        Ok(Proc {
            state: Running { child: Some(child) },
        })
    }
}

impl Proc<Running> {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child().id()
    }

    /// Sends `SIGTERM`, like `Process.terminate()`.
    pub fn terminate(&self) -> io::Result<()> {
        let pid = Pid::from_raw(self.child().id() as i32);
        kill(pid, Signal::SIGTERM).map_err(io::Error::from)
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
            state: Finished { status },
        })
    }

    fn child(&self) -> &Child {
        self.state.child.as_ref().expect("running")
    }
}

impl Proc<Finished> {
    /// CPython's `exitcode`: the exit code, or minus the number of the signal that ended it.
    pub fn exitcode(&self) -> i32 {
        match (self.state.status.code(), self.state.status.signal()) {
            (Some(code), _) => code,
            (None, Some(signal)) => -signal,
            (None, None) => unreachable!("a reaped child exited or was killed by a signal"),
        }
    }
}
// ANCHOR_END: starter
