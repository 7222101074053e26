//! Step 3: a process pool. Workers are forked once and fed tasks over pipes.
//!
//! CPython's `Pool(n)` starts n worker processes up front and sends each task to one
//! of them as bytes: the function is pickled *by its qualified name*
//! (`module.function`), the arguments by value, and the worker looks the name up in
//! its own copy of the module. A lambda or a nested function has no importable name,
//! so it cannot be sent.
//!
//! Here the workers are forked with chapter 03's [`ch03_processes::spawn`], so each
//! one is a copy of this program, with all its code at the same addresses. A task is
//! a plain function pointer `fn(A) -> R` plus an argument `A: Wire`: the pointer's
//! address means the same code in the worker, and the argument and the result cross
//! as bytes. A closure that captures anything cannot be sent: its captures live in
//! the parent's memory, which the worker stopped sharing when it was forked. The
//! compiler rejects it:
//!
//! ```compile_fail
//! # use ch04_pools::process_pool::ProcessPool;
//! let pool = ProcessPool::new(1).unwrap();
//! let offset = 10u64;
//! let handle = pool.apply_async(move |n: u64| n + offset, 1); // captures `offset`: no fn pointer
//! ```
//!
//! The pool starts no thread of its own: results are collected by whoever waits in
//! [`ProcessTaskHandle::get`] (or `join`, or `Drop`). So a program that was
//! single-threaded stays single-threaded, and the pool may fork a replacement when a
//! worker dies. `ProcessPool` is neither `Send` nor `Sync`, so it cannot be handed to
//! another thread by mistake.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::marker::PhantomData;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ch03_processes::error::signal_name;
use ch03_processes::frame::panic_message;
// Writes with SIGPIPE blocked in this thread: a dead worker is an `EPIPE` error, not
// the death of the pool's owner.
use ch03_processes::sys::write_all_without_sigpipe;
use ch03_processes::{
    ProcessError, ProcessHandle, Report, Wire, WireError, read_frame, read_report,
    write_report,
};
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::Signal;

use crate::error::{PoolError, TaskError, drop_on_worker};

// ANCHOR: wire_task
/// The type-erased call a worker makes: decode the argument, call the function,
/// encode the result.
type Call = fn(usize, &[u8]) -> Result<Vec<u8>, WireError>;

/// The one generic function behind every [`Call`]:
/// `apply_async::<A, R>` sends its address.
fn call<A: Wire, R: Wire>(function: usize, arg: &[u8]) -> Result<Vec<u8>, WireError> {
    // SAFETY: `function` is the address of an `fn(A) -> R`, taken by
    // `apply_async::<A, R>`, which also chose this very instantiation of `call`; the
    // worker runs in a fork of that process, so the same code sits at the same
    // address (see `run_task`).
    let function = unsafe { std::mem::transmute::<usize, fn(A) -> R>(function) };
    Ok(function(A::from_bytes(arg)?).to_bytes())
}

/// A task as one frame, ready for one `write`: its length, then two
/// code addresses, then the argument (chapter 03's framing: a `u64`
/// length, little-endian, then the bytes).
fn encode_task<A: Wire, R: Wire>(function: fn(A) -> R, argument: &A) -> Vec<u8> {
    let mut frame = vec![0; 8]; // the length, filled in below
    (call::<A, R> as Call as usize as u64).encode(&mut frame);
    (function as usize as u64).encode(&mut frame);
    argument.encode(&mut frame);
    let len = (frame.len() - 8) as u64;
    frame[..8].copy_from_slice(&len.to_le_bytes());
    frame
}

/// The frame that tells a worker to stop: an empty one (a task is never empty).
const STOP: [u8; 8] = 0u64.to_le_bytes();

/// Runs a task received as bytes, in a worker.
fn run_task(mut bytes: &[u8]) -> Result<Vec<u8>, WireError> {
    let call = u64::decode(&mut bytes)? as usize;
    let function = u64::decode(&mut bytes)? as usize;
    // SAFETY: only `encode_task` writes these bytes, into a pipe that only this
    // worker reads, and it wrote the address of `call::<A, R>` for the `A` and `R` of
    // `function`. The worker is a fork of the pool's process: the program's code is
    // mapped at the same addresses, so the address names the same function here. (It
    // would not in a re-executed program: address-space layout randomisation moves
    // the code on every run.)
    let call = unsafe { std::mem::transmute::<usize, Call>(call) };
    call(function, bytes)
}
// ANCHOR_END: wire_task

// ANCHOR: worker_main
/// A worker's life: read a task, run it, write a report, until the pool says stop (an
/// empty frame) or is gone (end of file).
fn worker_main(tasks: impl Read, mut results: impl Write) {
    // Buffered: one `read` brings a whole frame (the pool writes each frame in one
    // `write`), not one `read` for the length and another for the bytes.
    let mut tasks = BufReader::with_capacity(64 * 1024, tasks);
    while let Ok(Some(task)) = read_frame(&mut tasks) {
        if task.is_empty() {
            return; // STOP
        }
        let report = match catch_unwind(AssertUnwindSafe(|| run_task(&task))) {
            Ok(Ok(bytes)) => Report::Value(bytes),
            Ok(Err(wire)) => {
                Report::Panic(format!("the task did not decode: {wire}"))
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                drop_on_worker(payload); // its `Drop` may panic too
                Report::Panic(message)
            }
        };
        // One `write`: chapter 03's `write_report` assembles the report first.
        if write_report(&mut results, &report).is_err() {
            return; // the pool is gone
        }
    }
}
// ANCHOR_END: worker_main

/// One worker process, seen from the pool.
struct Worker {
    process: ProcessHandle<()>,
    /// The write end of its task pipe, the read end of its result pipe.
    ends: Ends,
    /// Bytes read from its result pipe that do not make a whole report yet.
    received: Vec<u8>,
    /// A descriptor that becomes readable when the process ends (a
    /// pidfd, Linux 5.3+).
    exit: Option<OwnedFd>,
    /// The task it is running, if any.
    busy: Option<u64>,
}

// ANCHOR: fork_worker
/// The parent-side pipe ends of every worker of every process pool in this process.
///
/// A forked child gets a copy of every open descriptor. A worker holding a copy of
/// the write end of its own task pipe, or of another worker's, keeps that pipe from
/// ever reaching end-of-file: if the pool's owner died without dropping the pool (a
/// crash, a `SIGKILL`), those workers would wait for tasks forever. The other worker
/// may belong to the same pool (a replacement is forked while the others run) or to
/// another pool in the same program, so the list is kept for the whole process, and
/// every new worker releases all of it.
static PARENT_ENDS: Mutex<Vec<RawFd>> = Mutex::new(Vec::new());

fn parent_ends() -> std::sync::MutexGuard<'static, Vec<RawFd>> {
    PARENT_ENDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forks one worker.
fn fork_worker() -> Result<Worker, ProcessError> {
    // Close-on-exec: a program started later (by the pool's owner or by
    // a task) holds none.
    let (task_reader, task_writer) = ch03_processes::pipe()?;
    let (result_reader, result_writer) = ch03_processes::pipe()?;
    let mut release_in_child = parent_ends().clone();
    release_in_child.extend([task_writer.as_raw_fd(), result_reader.as_raw_fd()]);
    let process = ch03_processes::spawn(move || {
        release(&release_in_child);
        worker_main(task_reader, result_writer);
    })?;
    // The pool never blocks on a read: it reads what `poll` says is there. (Before
    // the ends are listed: an error here drops them unlisted, and the handle kills
    // and reaps the child.)
    fcntl(&result_reader, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))?;
    // The closure, with the parent's copies of the child's ends, was
    // dropped by `spawn`.
    parent_ends().extend([task_writer.as_raw_fd(), result_reader.as_raw_fd()]);
    let exit = exit_watch(process.pid());
    Ok(Worker {
        process,
        ends: Ends {
            tasks: task_writer,
            results: result_reader,
        },
        received: Vec::new(),
        exit,
        busy: None,
    })
}

/// In a new worker: lets go of the pipes behind `fds`, the parent-side
/// ends of every worker.
///
/// They cannot simply be closed: the `File`s that own them are in the parent's data,
/// which the child got a copy of. Their numbers would be free for the next `open`
/// while those `File`s still claim them (a pool created by a task in this worker
/// would get them, and two owners). So each number is pointed at `/dev/null` instead:
/// the pipe is released, the number stays open and owned by the same `File`, which
/// this process never uses nor drops (it leaves through `_exit`).
fn release(fds: &[RawFd]) {
    let Ok(null) = File::open("/dev/null") else {
        return; // keep the copies: the workers still stop, on their STOP message
    };
    for &fd in fds {
        // SAFETY: `fd` is open in this process (a copy made by fork) and stays open:
        // `dup2` replaces what it refers to in one step, the owner of the number does
        // not change. `fcntl` restores close-on-exec, which `dup2` clears.
        unsafe {
            libc::dup2(null.as_raw_fd(), fd);
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
    }
}

/// A worker's two parent-side pipe ends, listed in [`PARENT_ENDS`] for
/// as long as they are open.
struct Ends {
    tasks: File,
    results: File,
}

impl Drop for Ends {
    fn drop(&mut self) {
        // Runs before the two `File`s close: their numbers may be
        // reused at once afterwards.
        let mine = [self.tasks.as_raw_fd(), self.results.as_raw_fd()];
        parent_ends().retain(|fd| !mine.contains(fd));
    }
}
// ANCHOR_END: fork_worker

/// A descriptor that becomes readable when process `pid` ends: death seen by pid, not
/// by the end of a pipe that a child of the worker may still hold. Linux only
/// (`pidfd_open`, 5.3).
#[cfg(target_os = "linux")]
fn exit_watch(pid: u32) -> Option<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: `pidfd_open(pid, 0)` takes two integers and returns a new
    // descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    // SAFETY: a non-negative result is a new descriptor
    // (close-on-exec), owned by nobody else.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Elsewhere a worker's death is seen at the end of its result pipe only.
#[cfg(not(target_os = "linux"))]
fn exit_watch(_pid: u32) -> Option<OwnedFd> {
    None
}

/// How the worker behind `exit` ended, once it has; it stays unreaped, for its handle
/// to reap. (`waitid` on a pidfd, `P_PIDFD`, needs Linux 5.4, one release after
/// `pidfd_open`: on 5.3 the call fails with `EINVAL`, and that error text becomes the
/// cause, nothing hangs.)
#[cfg(target_os = "linux")]
fn wait_status(exit: &OwnedFd) -> Result<nix::sys::wait::WaitStatus, Errno> {
    use nix::sys::wait::{Id, WaitPidFlag, waitid};
    loop {
        match waitid(
            Id::PIDFd(exit.as_fd()),
            WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT,
        ) {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

/// Removes a worker, reaps it and says how it ended, without ever reading its pipes
/// (a child of the worker may hold them open).
fn reap(worker: Worker) -> (u32, String) {
    let pid = worker.process.pid();
    drop(worker.ends);
    #[cfg(target_os = "linux")]
    if let Some(exit) = &worker.exit {
        use nix::sys::wait::WaitStatus;
        let cause = match wait_status(exit) {
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                let signal = signal as i32;
                format!("killed by signal {} ({signal})", signal_name(signal))
            }
            Ok(WaitStatus::Exited(_, 0)) => "exited before answering".to_owned(),
            Ok(WaitStatus::Exited(_, code)) => format!("exited with code {code}"),
            Ok(other) => format!("{other:?}"),
            Err(e) => e.to_string(),
        };
        // It has ended: dropping the handle kills nothing and reaps it.
        drop(worker.process);
        return (pid, cause);
    }
    (pid, cause_of_death(worker.process.join()))
}

/// What a worker's death looks like from chapter 03's `join`.
fn cause_of_death(outcome: Result<(), ProcessError>) -> String {
    match outcome {
        Err(ProcessError::Signaled { signal, .. }) => {
            format!("killed by signal {} ({signal})", signal_name(signal))
        }
        Err(ProcessError::Exited { code, .. }) => format!("exited with code {code}"),
        Err(other) => other.to_string(),
        Ok(()) => "exited before answering".to_owned(),
    }
}

impl Worker {
    /// Reads what the worker has written, without blocking. `false`
    /// once the pipe has ended.
    fn receive(&mut self) -> bool {
        loop {
            // The rest of the report if its length is known, but no more than a pipe
            // holds (64 KiB by default): the buffer is zeroed before each read.
            let wanted = report_len(&self.received)
                .map_or(0, |len| len.saturating_sub(self.received.len()))
                .clamp(8 * 1024, 64 * 1024);
            let start = self.received.len();
            self.received.resize(start + wanted, 0);
            let read = self.ends.results.read(&mut self.received[start..]);
            self.received.truncate(start + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => return false,
                Ok(n) if n < wanted => return true, // the pipe is empty for now
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
        }
    }

    /// The first whole report received, if there is one.
    fn take_report(&mut self) -> io::Result<Option<Report>> {
        match report_len(&self.received) {
            Some(len) if self.received.len() >= len => {
                let report = read_report(&mut &self.received[..len]);
                self.received.drain(..len);
                // do not keep a large result's buffer
                self.received.shrink_to(64 * 1024);
                report
            }
            _ => Ok(None),
        }
    }
}

/// The size of the report that `received` starts with, once its header has arrived
/// (chapter 03's `write_report`: a tag byte, a `u64` length, then the bytes).
fn report_len(received: &[u8]) -> Option<usize> {
    let len: [u8; 8] = received.get(1..9)?.try_into().ok()?;
    usize::try_from(u64::from_le_bytes(len))
        .ok()?
        .checked_add(9)
}

/// The pool's state, shared by the pool and its handles.
struct Inner {
    size: usize,
    workers: Vec<Worker>,
    /// Tasks waiting for a free worker, with their ids, as frames ready to write.
    queue: VecDeque<(u64, Vec<u8>)>,
    /// Results that arrived and wait for their `get`.
    done: HashMap<u64, Result<Vec<u8>, TaskError>>,
    /// Ids of unfinished tasks whose handle was dropped: their results
    /// are thrown away.
    abandoned: HashSet<u64>,
    next_id: u64,
    closed: bool,
    /// Why the last attempt to fork a replacement failed.
    last_fork_error: Option<ProcessError>,
}

// ANCHOR: pool
/// A pool of pre-forked worker processes, CPython's `multiprocessing.Pool`.
pub struct ProcessPool {
    inner: Rc<RefCell<Inner>>,
}

/// The pending result of one task sent to a [`ProcessPool`].
#[must_use = "a task's result or error is only seen through get()"]
pub struct ProcessTaskHandle<R> {
    id: u64,
    pool: Rc<RefCell<Inner>>,
    /// `get_timeout` (or `get`) has taken the result.
    taken: bool,
    _result: PhantomData<fn() -> R>,
}
// ANCHOR_END: pool

impl ProcessPool {
    // ANCHOR: new
    /// Forks `n` workers. Fails if `n == 0`, or if the process runs other threads
    /// (fork would copy only the calling thread; see chapter 03): create the pool
    /// first thing in `main`.
    pub fn new(n: usize) -> Result<Self, PoolError> {
        if n == 0 {
            return Err(PoolError::ZeroWorkers);
        }
        let mut inner = Inner {
            size: n,
            workers: Vec::with_capacity(n),
            queue: VecDeque::new(),
            done: HashMap::new(),
            abandoned: HashSet::new(),
            next_id: 0,
            closed: false,
            last_fork_error: None,
        };
        for _ in 0..n {
            // On error, `inner` is dropped: the workers forked so far
            // are killed and reaped.
            let worker = fork_worker().map_err(PoolError::Fork)?;
            inner.workers.push(worker);
        }
        Ok(ProcessPool {
            inner: Rc::new(RefCell::new(inner)),
        })
    }

    /// A pool of `available_parallelism()` workers, CPython's `Pool()` (which uses
    /// `os.process_cpu_count()` since 3.13, `os.cpu_count()` before).
    pub fn with_default_size() -> Result<Self, PoolError> {
        Self::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
    // ANCHOR_END: new

    /// How many workers the pool keeps.
    pub fn size(&self) -> usize {
        self.inner.borrow().size
    }

    /// The process ids of the live workers.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.inner
            .borrow()
            .workers
            .iter()
            .map(|w| w.process.pid())
            .collect()
    }

    /// How many results and abandoned ids the pool holds: zero once every handle has
    /// been collected or dropped and every task has ended. For tests.
    #[doc(hidden)]
    pub fn bookkeeping(&self) -> usize {
        let inner = self.inner.borrow();
        inner.done.len() + inner.abandoned.len()
    }

    // ANCHOR: apply_async
    /// Sends `function(argument)` to a worker; `Err(PoolError::Closed)`
    /// after `close`.
    ///
    /// `function` must be a `fn` item or a closure that captures nothing:
    /// only code crosses the process boundary, by address; data crosses as
    /// bytes, through [`Wire`]. The address means the same code in the
    /// worker because the worker is a fork of this process: it holds only
    /// for code mapped before the workers were forked, which is the program
    /// itself and the libraries it loaded at start. A function from a
    /// library loaded later (`dlopen`) is not at that address in the worker.
    pub fn apply_async<A: Wire, R: Wire>(
        &self,
        function: fn(A) -> R,
        argument: A,
    ) -> Result<ProcessTaskHandle<R>, PoolError> {
        let mut inner = self.inner.borrow_mut();
        if inner.closed {
            return Err(PoolError::Closed);
        }
        inner.replenish();
        if inner.workers.is_empty() {
            // Every worker died and none could be replaced: say why instead of
            // queueing forever.
            let why = inner.last_fork_error.take();
            return Err(PoolError::Fork(
                why.unwrap_or_else(|| io::Error::other("no worker").into()),
            ));
        }
        let id = inner.next_id;
        inner.next_id += 1;
        inner
            .queue
            .push_back((id, encode_task(function, &argument)));
        inner.dispatch();
        Ok(ProcessTaskHandle {
            id,
            pool: Rc::clone(&self.inner),
            taken: false,
            _result: PhantomData,
        })
    }
    // ANCHOR_END: apply_async

    /// Refuses new tasks from now on; queued tasks still run. Idempotent.
    pub fn close(&self) {
        self.inner.borrow_mut().closed = true;
    }

    /// Closes the pool, runs every queued task, then ends and reaps every worker.
    pub fn join(self) {
        // Drop does it.
    }

    /// Kills every worker now (`SIGKILL`) and reaps it, like CPython's `terminate()`.
    /// Tasks not finished yet fail with [`TaskError::Lost`].
    pub fn terminate(self) {
        let mut guard = self.inner.borrow_mut();
        let inner = &mut *guard;
        inner.closed = true;
        let unfinished: Vec<u64> = inner
            .queue
            .drain(..)
            .map(|(id, _)| id)
            .chain(inner.workers.iter().filter_map(|w| w.busy))
            .collect();
        for id in unfinished {
            inner.finish(
                id,
                Err(TaskError::Lost {
                    reason: "the pool was terminated".into(),
                }),
            );
        }
        // Dropping a chapter 03 handle without `join` kills its child and reaps it.
        inner.workers.clear();
    }
}

// ANCHOR: get
impl<R: Wire> ProcessTaskHandle<R> {
    /// Blocks until the task has run; returns its value, or why there is none.
    pub fn get(mut self) -> Result<R, TaskError> {
        self.wait(None)
    }

    /// Like [`get`](Self::get), but gives up after `timeout` with
    /// [`TaskError::Timeout`] (CPython's `get(timeout)`). The task goes on: call
    /// again, or `get`, to have its result.
    pub fn get_timeout(&mut self, timeout: Duration) -> Result<R, TaskError> {
        self.wait(Some(Instant::now() + timeout))
    }

    fn wait(&mut self, deadline: Option<Instant>) -> Result<R, TaskError> {
        if self.taken {
            return Err(TaskError::Lost {
                reason: "its result was already taken".into(),
            });
        }
        let mut inner = self.pool.borrow_mut();
        loop {
            if let Some(result) = inner.done.remove(&self.id) {
                self.taken = true;
                let bytes = result?;
                return R::from_bytes(&bytes).map_err(|e| TaskError::Lost {
                    reason: format!("its result did not decode: {e}"),
                });
            }
            // Not there yet: wait for any worker to answer (or die), then look again.
            if !inner.step(deadline) {
                return Err(TaskError::Timeout);
            }
        }
    }
}
// ANCHOR_END: get

impl<R> Drop for ProcessTaskHandle<R> {
    fn drop(&mut self) {
        if self.taken {
            return;
        }
        if let Ok(mut inner) = self.pool.try_borrow_mut()
            && inner.done.remove(&self.id).is_none()
        {
            // Still queued or running: its result will be thrown away when it comes.
            inner.abandoned.insert(self.id);
        }
    }
}

impl Inner {
    /// Stores a task's result for its `get`, unless its handle is gone.
    fn finish(&mut self, id: u64, result: Result<Vec<u8>, TaskError>) {
        if !self.abandoned.remove(&id) {
            self.done.insert(id, result);
        }
    }

    /// Forks workers until there are `size` again. Failures are
    /// remembered, not fatal.
    fn replenish(&mut self) {
        while self.workers.len() < self.size {
            match fork_worker() {
                Ok(worker) => self.workers.push(worker),
                Err(e) => {
                    self.last_fork_error = Some(e);
                    return;
                }
            }
        }
    }

    /// Hands queued tasks to idle workers.
    fn dispatch(&mut self) {
        while let Some(index) = self.workers.iter().position(|w| w.busy.is_none()) {
            let Some((id, task)) = self.queue.pop_front() else {
                return;
            };
            let worker = &mut self.workers[index];
            match write_all_without_sigpipe(&mut worker.ends.tasks, &task) {
                Ok(()) => worker.busy = Some(id),
                Err(_) => {
                    // The worker died while idle (EPIPE): the task never reached it.
                    // Put the task back, bury the worker, fork another.
                    self.queue.push_front((id, task));
                    let worker = self.workers.swap_remove(index);
                    // any other error: end it
                    let _ = worker.process.kill(Signal::SIGKILL);
                    reap(worker);
                    self.replenish();
                    if self.workers.is_empty() {
                        self.fail_queue();
                        return;
                    }
                }
            }
        }
    }

    // ANCHOR: step
    /// Waits until some worker answers or dies, and deals with it. Never blocks if no
    /// task is in flight. `false` if `deadline` passed first.
    fn step(&mut self, deadline: Option<Instant>) -> bool {
        self.dispatch();
        if self.workers.iter().all(|w| w.busy.is_none()) {
            // Nothing in flight: either all is done, or the queue has
            // no worker left to run it.
            self.fail_queue();
            return true;
        }
        // Each worker's result pipe, and its exit watch where there is one.
        let mut fds = Vec::with_capacity(2 * self.workers.len());
        let mut owners = Vec::with_capacity(2 * self.workers.len());
        for (index, worker) in self.workers.iter().enumerate() {
            fds.push(PollFd::new(worker.ends.results.as_fd(), PollFlags::POLLIN));
            owners.push((index, false));
            if let Some(exit) = &worker.exit {
                fds.push(PollFd::new(exit.as_fd(), PollFlags::POLLIN));
                owners.push((index, true));
            }
        }
        match poll(&mut fds, poll_timeout(deadline)) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(Errno::EINTR) => return true,
            Err(e) => panic!("poll on the pool's pipes failed: {e}"),
        }
        // For each worker: `None` if nothing happened, `Some(ended)` if
        // it has to be looked at.
        let mut ready: Vec<Option<bool>> = vec![None; self.workers.len()];
        for (fd, (index, is_exit)) in fds.iter().zip(owners) {
            if fd.revents().is_some_and(|r| !r.is_empty()) {
                ready[index] = Some(ready[index].unwrap_or(false) || is_exit);
            }
        }
        drop(fds);
        // Highest index first, so burying a worker does not shift the
        // ones still to visit.
        for (index, ended) in ready.into_iter().enumerate().rev() {
            if let Some(ended) = ended {
                self.collect(index, ended);
            }
        }
        self.replenish();
        self.dispatch();
        true
    }

    /// Reads what worker `index` sent; buries it if it has `ended` (its exit watch
    /// fired) or its pipe did.
    fn collect(&mut self, index: usize, ended: bool) {
        let worker = &mut self.workers[index];
        // Read first: a worker may answer and then die; its answer counts.
        let ended = !worker.receive() || ended;
        let trusted = match (worker.take_report(), worker.busy) {
            (Ok(Some(Report::Value(bytes))), Some(id)) => {
                worker.busy = None;
                self.finish(id, Ok(bytes));
                true
            }
            (Ok(Some(Report::Panic(message))), Some(id)) => {
                worker.busy = None;
                self.finish(id, Err(TaskError::Panicked { message }));
                true
            }
            // part of a report, or nothing: wait for more, or for its end
            (Ok(None), _) => true,
            // Garbage, or a report nobody asked for.
            _ => false,
        };
        if ended || !trusted {
            let worker = self.workers.swap_remove(index);
            let _ = worker.process.kill(Signal::SIGKILL); // if it still runs
            let busy = worker.busy;
            let (pid, cause) = reap(worker);
            if let Some(id) = busy {
                self.finish(id, Err(TaskError::WorkerDied { pid, cause }));
            }
        }
    }
    // ANCHOR_END: step

    /// Fails every queued task when no worker is left to run it.
    fn fail_queue(&mut self) {
        if !self.workers.is_empty() {
            return;
        }
        let reason = format!(
            "no worker process is left to run it, and none could be forked: {}",
            self.last_fork_error
                .as_ref()
                .map_or("unknown error".to_owned(), |e| e.to_string())
        );
        let queued: Vec<u64> = self.queue.drain(..).map(|(id, _)| id).collect();
        for id in queued {
            self.finish(
                id,
                Err(TaskError::Lost {
                    reason: reason.clone(),
                }),
            );
        }
    }
}

/// What `poll` takes for "until `deadline`", rounded up to whole milliseconds.
fn poll_timeout(deadline: Option<Instant>) -> PollTimeout {
    let Some(deadline) = deadline else {
        return PollTimeout::NONE;
    };
    let left = deadline.saturating_duration_since(Instant::now());
    let millis = left.as_nanos().div_ceil(1_000_000);
    PollTimeout::try_from(millis).unwrap_or(PollTimeout::MAX)
}

// ANCHOR: drop
impl Drop for ProcessPool {
    /// Close, finish every queued task, then tell each worker to stop, and reap it.
    /// The workers stop on that message, not on end-of-file: a child process that
    /// holds a copy of their task pipe (forked, or started by a task) cannot keep
    /// them alive. No zombie is left.
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.closed = true;
        while !inner.queue.is_empty()
            || inner.workers.iter().any(|w| w.busy.is_some())
        {
            inner.step(None);
        }
        for mut worker in inner.workers.drain(..) {
            // A worker that already died cannot read it: EPIPE, and it
            // is reaped all the same.
            let _ = write_all_without_sigpipe(&mut worker.ends.tasks, &STOP);
            reap(worker);
        }
    }
}
// ANCHOR_END: drop

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the calls that would be system calls on a pipe.
    struct Counted<T> {
        inner: T,
        calls: usize,
    }

    impl Read for Counted<&[u8]> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            self.inner.read(buf)
        }
    }

    impl Write for Counted<Vec<u8>> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            self.inner.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn triple(n: u64) -> u64 {
        3 * n
    }

    #[test]
    fn a_round_trip_is_one_write_and_one_read_each_way() {
        // The pool's side: a task is one frame, written with one `write`.
        let mut pipe = Counted {
            inner: Vec::new(),
            calls: 0,
        };
        write_all_without_sigpipe(&mut pipe, &encode_task(triple, &14)).unwrap();
        write_all_without_sigpipe(&mut pipe, &STOP).unwrap();
        assert_eq!(pipe.calls, 2, "one write per frame");

        // The worker's side: one `read` brings both frames; one `write`
        // sends the report.
        let mut tasks = Counted {
            inner: pipe.inner.as_slice(),
            calls: 0,
        };
        let mut results = Counted {
            inner: Vec::new(),
            calls: 0,
        };
        worker_main(&mut tasks, &mut results);
        assert_eq!(tasks.calls, 1, "buffered reads, not one per field");
        assert_eq!(results.calls, 1, "one write per report");
        let report = read_report(&mut results.inner.as_slice()).unwrap();
        assert_eq!(report, Some(Report::Value(42u64.to_bytes())));
    }

    #[test]
    fn a_report_is_taken_only_once_whole() {
        let mut bytes = Vec::new();
        write_report(&mut bytes, &Report::Value(vec![7; 100])).unwrap();
        assert_eq!(report_len(&bytes[..5]), None, "header incomplete");
        assert_eq!(report_len(&bytes), Some(bytes.len()));
    }
}
