//! The "spawn" start method: run the current program again and ask it for one task.
//!
//! CPython's `spawn` starts a fresh interpreter that imports the main module and runs
//! the target. The Rust equivalent starts the current executable again with
//! [`std::process::Command`] and an argument naming the task. The new process shares
//! nothing with its parent: no memory, no threads, no locks. So unlike `fork` it is
//! safe in a threaded program, and it works on every platform. The price is a whole
//! program start, and every argument and result must travel as bytes: the argument
//! over the child's stdin, the result over its stdout.
//!
//! A program that wants to act as such a child registers its tasks in a [`Registry`]
//! and calls [`Registry::serve_if_child`] first thing in `main`.

use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::{Child, Command, Stdio};

use crate::error::{
    EXIT_PANIC, EXIT_UNKNOWN_TASK, EXIT_WRITE_FAILED, Exit, ProcessError, outcome,
};
use crate::frame::{Report, write_report};
use crate::wire::{Wire, WireError};

/// The first argument that turns a run of the program into a child serving one task.
pub const CHILD_FLAG: &str = "--ch03-task";

type Runner = Box<dyn Fn(&[u8]) -> Result<Vec<u8>, WireError> + Send + Sync>;

// ANCHOR: registry
/// The tasks a program can run when it is started as a child.
#[derive(Default)]
pub struct Registry {
    tasks: Vec<(&'static str, Runner)>,
}

impl Registry {
    /// No tasks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `f` under `name`: the child decodes an `A` from stdin
    /// and encodes `f`'s `R`.
    pub fn task<A: Wire, R: Wire>(
        mut self,
        name: &'static str,
        f: impl Fn(A) -> R + Send + Sync + 'static,
    ) -> Self {
        let runner =
            move |bytes: &[u8]| A::from_bytes(bytes).map(|arg| f(arg).to_bytes());
        self.tasks.push((name, Box::new(runner)));
        self
    }

    /// If this process was started as a child (`program --ch03-task NAME`), runs the
    /// task and exits; otherwise returns at once. Call it first thing in `main`.
    pub fn serve_if_child(&self) {
        let mut args = std::env::args_os().skip(1);
        if args.next().as_deref() != Some(OsStr::new(CHILD_FLAG)) {
            return;
        }
        let name = args.next().unwrap_or_default();
        std::process::exit(self.serve(&name.to_string_lossy()));
    }
    // ANCHOR_END: registry

    /// The names of the registered tasks.
    pub fn names(&self) -> Vec<&'static str> {
        self.tasks.iter().map(|(name, _)| *name).collect()
    }

    /// Runs task `name` with the argument read from stdin, writes its report to
    /// stdout and returns the exit code.
    fn serve(&self, name: &str) -> i32 {
        let Some((_, run)) = self.tasks.iter().find(|(n, _)| *n == name) else {
            eprintln!(
                "unknown task {name:?}; this program knows {:?}",
                self.names()
            );
            return EXIT_UNKNOWN_TASK;
        };
        let mut out = match private_stdout() {
            Ok(out) => out,
            Err(e) => {
                eprintln!("cannot set up stdout for the report: {e}");
                return EXIT_WRITE_FAILED;
            }
        };
        let mut input = Vec::new();
        if let Err(e) = io::stdin().read_to_end(&mut input) {
            eprintln!("cannot read the argument from stdin: {e}");
            return EXIT_WRITE_FAILED;
        }
        let (report, code) = match catch_unwind(AssertUnwindSafe(|| run(&input))) {
            Ok(Ok(bytes)) => (Report::Value(bytes), 0),
            Ok(Err(e)) => (
                Report::Panic(format!("bad argument for task {name:?}: {e}")),
                EXIT_PANIC,
            ),
            Err(payload) => (Report::of_panic(payload), EXIT_PANIC),
        };
        if write_report(&mut out, &report).is_err() {
            EXIT_WRITE_FAILED
        } else {
            code
        }
    }
}

/// The real stdout, kept for the report; fd 1 then points at stderr, so whatever the
/// task prints cannot corrupt the result. The kept copy is close-on-exec
/// (`try_clone_to_owned` is `fcntl(F_DUPFD_CLOEXEC)`): a program the task starts must
/// not hold the report pipe open.
#[cfg(unix)]
fn private_stdout() -> io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    let saved = io::stdout().as_fd().try_clone_to_owned()?;
    nix::unistd::dup2_stdout(io::stderr())?;
    Ok(std::fs::File::from(saved))
}

#[cfg(not(unix))]
fn private_stdout() -> io::Result<io::Stdout> {
    Ok(io::stdout())
}

// ANCHOR: task_handle
/// A child started with the "spawn" method, that will produce an `R`.
#[must_use = "a dropped handle kills its child; call `join` to get the result"]
#[derive(Debug)]
pub struct TaskHandle<R> {
    child: Option<Child>,
    _produces: PhantomData<fn() -> R>,
}

/// Starts the current program again as a child running task `name` on `arg`.
pub fn spawn_task<A: Wire, R: Wire>(
    name: &str,
    arg: &A,
) -> Result<TaskHandle<R>, ProcessError> {
    spawn_task_in(std::env::current_exe()?, name, arg)
}

/// Starts `program` as a child running task `name` on `arg` (`program`
/// must serve it).
pub fn spawn_task_in<A: Wire, R: Wire>(
    program: impl AsRef<OsStr>,
    name: &str,
    arg: &A,
) -> Result<TaskHandle<R>, ProcessError> {
    let child = Command::new(program)
        .arg(CHILD_FLAG)
        .arg(name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    // From here on the handle owns the child: any early return kills and reaps it.
    let mut handle = TaskHandle {
        child: Some(child),
        _produces: PhantomData,
    };
    let stdin = handle.child.as_mut().and_then(|c| c.stdin.take());
    if let Some(mut stdin) = stdin {
        // A child that died before reading gives a broken pipe (`SIGPIPE` blocked
        // meanwhile, or its default action would kill this program); `join` says how
        // the child ended.
        match write_argument(&mut stdin, &arg.to_bytes()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
            // dropping stdin closes it: the child sees end-of-file after the argument
            _ => {}
        }
    }
    Ok(handle)
}
// ANCHOR_END: task_handle

#[cfg(unix)]
fn write_argument(stdin: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    crate::sys::write_all_without_sigpipe(stdin, bytes)
}

#[cfg(not(unix))]
fn write_argument(stdin: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    stdin.write_all(bytes)
}

impl<R: Wire> TaskHandle<R> {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Kills the child (`SIGKILL` on Unix); `join` then reports it.
    pub fn kill(&mut self) -> Result<(), ProcessError> {
        match self.child.as_mut() {
            Some(child) => child.kill().map_err(Into::into),
            None => Ok(()),
        }
    }

    /// Waits for the child and returns its result; always reaps it.
    pub fn join(mut self) -> Result<R, ProcessError> {
        let child = self
            .child
            .take()
            .expect("only join takes the child, and join takes self");
        let pid = child.id();
        let (report, exit) = read_then_reap(child)?;
        let bytes = outcome(pid, exit, report?)?;
        R::from_bytes(&bytes).map_err(|error| ProcessError::Decode { pid, error })
    }
}

impl<R> Drop for TaskHandle<R> {
    /// A handle dropped without `join` kills its child and reaps it.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reads the child's report, then reaps the child. On Unix the report is read until
/// the *child* ends, not until end-of-file: a process the task forked holds a copy of
/// the report pipe, and a child killed before it reported would otherwise leave
/// `join` waiting for that grandchild ([`ChildPipe`](crate::sys::ChildPipe), as
/// `ProcessHandle::join` does).
#[cfg(unix)]
fn read_then_reap(
    mut child: Child,
) -> Result<(io::Result<Option<Report>>, Exit), ProcessError> {
    use nix::sys::signal::Signal;
    use nix::unistd::Pid;
    use std::os::fd::OwnedFd;
    let stdout = child
        .stdout
        .take()
        .expect("spawn_task_in pipes stdout, only join takes it");
    let pid = Pid::from_raw(child.id() as i32);
    let mut pipe = crate::sys::ChildPipe::new(OwnedFd::from(stdout).into(), pid);
    let report = pipe.read_report();
    if report.is_err() {
        // garbage on the pipe: do not wait forever
        let _ = pipe.kill(Signal::SIGKILL);
    }
    // `wait` reaps the child; std's `Child`, dropped unwaited, neither
    // kills nor waits.
    Ok((report, pipe.wait()?))
}

/// Reads the child's report until end-of-file, then reaps the child.
#[cfg(not(unix))]
fn read_then_reap(
    mut child: Child,
) -> Result<(io::Result<Option<Report>>, Exit), ProcessError> {
    let report = match child.stdout.take() {
        Some(mut stdout) => crate::frame::read_report(&mut stdout),
        None => Ok(None),
    };
    if report.is_err() {
        let _ = child.kill();
    }
    Ok((report, exit_of(child.wait()?)))
}

/// How a program started by `Command` ended (off Unix there are no signals).
#[cfg(not(unix))]
fn exit_of(status: std::process::ExitStatus) -> Exit {
    Exit::Code(status.code().unwrap_or(-1))
}
