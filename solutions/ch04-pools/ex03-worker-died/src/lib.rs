//! Exercise 3: a process pool's parent side. When a worker dies, fail exactly its
//! task, say why, replace it, and let the other tasks complete.

use std::fmt;
use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

/// Why a task gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// A signal killed the worker while it ran the task.
    WorkerDied { pid: u32, signal: Signal },
    /// The worker exited while it ran the task.
    WorkerExited { pid: u32, code: i32 },
    /// A pipe or a wait failed.
    Io(String),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::WorkerDied { pid, signal } => {
                write!(
                    f,
                    "worker {pid} was killed by {} during the task",
                    signal.as_str()
                )
            }
            TaskError::WorkerExited { pid, code } => {
                write!(f, "worker {pid} exited with code {code} during the task")
            }
            TaskError::Io(e) => write!(f, "the pool lost contact with a worker: {e}"),
        }
    }
}

impl std::error::Error for TaskError {}

/// One worker process: it reads each task (a `u64`) from one pipe and writes
/// `f(task)` to another, until its task pipe closes. Given.
pub struct Worker {
    pid: Pid,
    tasks: Option<File>,
    results: File,
    reaped: bool,
}

impl Worker {
    /// Forks a worker that answers `f(x)` for every `x` it reads. `siblings` are the
    /// workers already running: the new one closes its copies of their pipe ends, or
    /// their task pipes would never reach end-of-file and they would never stop. Call
    /// it from a single-threaded process only.
    pub fn start(f: fn(u64) -> u64, siblings: &[Worker]) -> io::Result<Worker> {
        // Both ends of both pipes close on exec (chapter 03's `pipe`).
        let (task_reader, task_writer) = support::fork::pipe()?;
        let (result_reader, result_writer) = support::fork::pipe()?;
        // SAFETY: the caller is single-threaded (documented above), so
        // the child is a consistent copy of it; `serve` never returns:
        // the child leaves through `_exit`.
        match unsafe { fork() }? {
            ForkResult::Child => {
                drop((task_writer, result_reader));
                for sibling in siblings {
                    let fds = [sibling.results.as_raw_fd()].into_iter();
                    for fd in
                        fds.chain(sibling.tasks.as_ref().map(AsRawFd::as_raw_fd))
                    {
                        // SAFETY: `fd` is open here (a copy made by fork) and nothing
                        // in the child uses it; its `File` is never dropped here
                        // (`serve` -> `_exit`).
                        unsafe { nix::libc::close(fd) };
                    }
                }
                serve(File::from(task_reader), File::from(result_writer), f)
            }
            ForkResult::Parent { child } => Ok(Worker {
                pid: child,
                tasks: Some(File::from(task_writer)),
                results: File::from(result_reader),
                reaped: false,
            }),
        }
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.pid.as_raw() as u32
    }

    /// Sends one task.
    pub fn send(&mut self, x: u64) -> io::Result<()> {
        match &mut self.tasks {
            Some(tasks) => tasks.write_all(&x.to_le_bytes()),
            None => Err(io::Error::other("the worker was stopped")),
        }
    }

    /// Waits for the worker to end and reaps it (once): how it ended.
    pub fn reap(&mut self) -> io::Result<WaitStatus> {
        let status = waitpid(self.pid, None)?;
        self.reaped = true;
        Ok(status)
    }

    /// Closes the task pipe, so the worker stops, and reaps it.
    pub fn stop(mut self) -> io::Result<()> {
        drop(self.tasks.take());
        self.reap().map(drop)
    }
}

impl Drop for Worker {
    /// A worker dropped without `stop` is killed and reaped: no orphan, no zombie.
    fn drop(&mut self) {
        if !self.reaped {
            let _ = kill(self.pid, Signal::SIGKILL);
            let _ = waitpid(self.pid, None);
        }
    }
}

/// A worker's life: answer tasks until the task pipe closes. A panic
/// ends it with code 101.
fn serve(mut tasks: File, mut results: File, f: fn(u64) -> u64) -> ! {
    let mut task = [0u8; 8];
    let code = loop {
        if tasks.read_exact(&mut task).is_err() {
            break 0; // the pool closed the pipe: done
        }
        let x = u64::from_le_bytes(task);
        let Ok(y) = catch_unwind(AssertUnwindSafe(|| f(x))) else {
            break 101;
        };
        if results.write_all(&y.to_le_bytes()).is_err() {
            break 1; // the pool is gone
        }
    };
    // SAFETY: `_exit` has no preconditions and never returns.
    unsafe { nix::libc::_exit(code) }
}

// ANCHOR: starter
impl Worker {
    /// The result of the task sent last. If the worker died instead of answering,
    /// reaps it and says how it ended.
    pub fn receive(&mut self) -> Result<u64, TaskError> {
        let mut bytes = [0u8; 8];
        match self.results.read_exact(&mut bytes) {
            Ok(()) => Ok(u64::from_le_bytes(bytes)),
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                let pid = self.pid();
                match self.reap() {
                    Ok(WaitStatus::Signaled(_, signal, _)) => {
                        Err(TaskError::WorkerDied { pid, signal })
                    }
                    Ok(WaitStatus::Exited(_, code)) => {
                        Err(TaskError::WorkerExited { pid, code })
                    }
                    Ok(other) => {
                        Err(TaskError::Io(format!("worker {pid}: {other:?}")))
                    }
                    Err(e) => Err(TaskError::Io(e.to_string())),
                }
            }
            Err(e) => Err(TaskError::Io(e.to_string())),
        }
    }
}

/// Computes `f(x)` for every input on a pool of `n` worker processes, in rounds: one
/// task to each worker, then one result from each. A worker that dies fails its own
/// task only; it is replaced before the next round. Every worker is stopped and
/// reaped at the end.
pub fn map_with_pool(
    n: usize,
    f: fn(u64) -> u64,
    inputs: &[u64],
) -> io::Result<Vec<Result<u64, TaskError>>> {
    if n == 0 {
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            "a pool needs a worker",
        ));
    }
    let mut workers = Vec::with_capacity(n);
    for _ in 0..n {
        let worker = Worker::start(f, &workers)?;
        workers.push(worker);
    }
    let mut results = Vec::with_capacity(inputs.len());
    for round in inputs.chunks(n) {
        for (worker, &x) in workers.iter_mut().zip(round) {
            worker.send(x)?;
        }
        for k in 0..round.len() {
            let result = workers[k].receive();
            if let Err(
                TaskError::WorkerDied { .. } | TaskError::WorkerExited { .. },
            ) = result
            {
                workers[k] = Worker::start(f, &workers)?;
            }
            results.push(result);
        }
    }
    for worker in workers {
        worker.stop()?;
    }
    Ok(results)
}
// ANCHOR_END: starter
