//! The process back end: CPython's `ProcessPoolExecutor`, with its broken-pool rule.
//!
//! # Why the workers are re-executed, not forked
//!
//! The executor is `Send + Sync` and runs a driver thread per worker, and it must
//! work in a program that already runs other threads. `fork` in a threaded process
//! copies only the calling thread: a lock another thread held (the allocator's,
//! stdout's) stays locked forever in the child (chapter 03). Chapter 04's
//! `ProcessPool` avoids that by refusing to fork once other threads run, and by
//! running no thread of its own. Three ways out:
//!
//! * fork every worker before any thread starts: but the executor could then never be
//!   created later, in a program that already runs threads;
//! * a fork server, forked while the program is still single-threaded, that forks
//!   workers on request: it must be started first thing in `main`, and the workers
//!   are its children, not ours (we could not wait for them, and would need pidfds or
//!   a report to see them die);
//! * re-execute the program, as CPython's `spawn` start method does: `Command` starts
//!   `/proc/self/exe` (this very binary, even if the file was replaced since) with a
//!   flag, and [`serve_if_worker`], called first thing in `main`, turns that run into
//!   a worker. `Command` is safe in a threaded program: it uses `posix_spawn` where
//!   it can, and otherwise its child only makes async-signal-safe calls between
//!   `fork` and `exec` (no allocation, no lock).
//!
//! This module takes the third way. The workers are our children, so a dead one is
//! seen as end-of-file on its pipe and reaped with its exit status. A task still
//! travels as two code addresses and an argument, as in chapter 04, but the addresses
//! are sent as offsets from a fixed function in this crate: the loader moves the
//! whole program by one random offset per run (address-space layout randomisation),
//! so distances between functions of one binary are the same in every run of it.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};
use std::thread::{self, JoinHandle};

use ch03_processes::error::signal_name;
use ch03_processes::frame::panic_message;
use ch03_processes::sys::write_all_without_sigpipe;
use ch03_processes::{
    Report, Wire, WireError, read_frame, read_report, report_len, write_report,
};

use crate::error::{Broken, SubmitError, TaskError};
use crate::executor::Executor;
use crate::handoff::{Handoff, Spinner};
use crate::ticket::{Help, Promise, Ticket};

/// The first argument that turns a run of the program into a worker.
pub const WORKER_FLAG: &str = "--ch06-worker";

/// A worker's first message: any other first bytes (a program that prints instead of
/// serving) fail the start.
const HELLO: &[u8; 8] = b"ch06 hi\n";

/// Set in every worker's environment: a worker whose `main` forgot
/// [`serve_if_worker`] would otherwise run the whole program again, create an
/// executor, start workers... (a fork bomb).
const WORKER_ENV: &str = "CH06_EXECUTOR_WORKER";

/// Set in every worker's environment: its spin budget in nanoseconds
/// (0: park at once).
const SPIN_ENV: &str = "CH06_EXECUTOR_SPIN_NS";

/// This process serves tasks (it is a worker): executors created by its
/// tasks are allowed.
static SERVING: AtomicBool = AtomicBool::new(false);

// ANCHOR: spin_read
/// A pipe's read end that spins before it blocks: a read tries the
/// (non-blocking) pipe until bytes come or the budget is spent, then
/// waits in `poll`. Reading an empty pipe that way costs a system call
/// per try, but no wake-up when the bytes come in time.
struct SpinRead<F> {
    pipe: F,
    spinner: Spinner,
}

impl<F: Read + AsFd> SpinRead<F> {
    fn new(pipe: F, handoff: Handoff) -> io::Result<Self> {
        set_nonblocking(&pipe)?;
        Ok(SpinRead {
            pipe,
            spinner: Spinner::new(handoff),
        })
    }
}

/// Makes reads of `pipe` return `WouldBlock` instead of waiting (its open file is
/// private to this process: nobody else's reads change).
fn set_nonblocking(pipe: &impl AsFd) -> io::Result<()> {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    let flags = OFlag::from_bits_truncate(fcntl(pipe, FcntlArg::F_GETFL)?);
    fcntl(pipe, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(())
}

/// Waits until `pipe` has bytes to read or its write end is closed.
fn wait_readable(pipe: &impl AsFd) {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
    while let Err(nix::errno::Errno::EINTR) = poll(&mut fds, PollTimeout::NONE) {}
}

impl<F: Read + AsFd> Read for SpinRead<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut got = None;
        self.spinner.spin(|| match self.pipe.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => false,
            other => {
                got = Some(other);
                true
            }
        });
        if let Some(got) = got {
            return got;
        }
        loop {
            wait_readable(&self.pipe);
            match self.pipe.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }
}

/// A pipe's read end, read as `handoff` says: blocking reads for [`Handoff::PARK`]
/// (the executor's behaviour before spinning), [`SpinRead`] otherwise.
fn reader<F: Read + AsFd + Send + 'static>(
    pipe: F,
    handoff: Handoff,
) -> io::Result<BufReader<Box<dyn Read + Send>>> {
    let pipe: Box<dyn Read + Send> = if handoff == Handoff::PARK {
        Box::new(pipe)
    } else {
        Box::new(SpinRead::new(pipe, handoff)?)
    };
    Ok(BufReader::with_capacity(64 * 1024, pipe))
}
// ANCHOR_END: spin_read

// ANCHOR: wire_task
/// The type-erased call a worker makes: decode the argument, call the
/// function, encode.
type Call = fn(usize, &[u8]) -> Result<Vec<u8>, WireError>;

fn call<A: Wire, R: Wire>(function: usize, arg: &[u8]) -> Result<Vec<u8>, WireError> {
    // SAFETY: `function` is the address of an `fn(A) -> R`: `encode_task::<A, R>`
    // sent its offset together with the offset of this very instantiation of `call`,
    // and `address` rebuilt both in a run of the same binary (see `anchor`).
    let function = unsafe { std::mem::transmute::<usize, fn(A) -> R>(function) };
    Ok(function(A::from_bytes(arg)?).to_bytes())
}

/// The fixed point that code addresses are measured from. One binary's functions keep
/// their distances in every run: only the whole image moves.
#[inline(never)]
fn anchor() {}

fn offset(address: usize) -> u64 {
    address.wrapping_sub(anchor as fn() as usize) as u64
}

fn address(offset: u64) -> usize {
    (anchor as fn() as usize).wrapping_add(offset as usize)
}

/// A task as one frame: its length, two code offsets, the argument.
fn encode_task<A: Wire, R: Wire>(function: fn(A) -> R, argument: &A) -> Vec<u8> {
    let mut frame = vec![0; 8];
    offset(call::<A, R> as Call as usize).encode(&mut frame);
    offset(function as usize).encode(&mut frame);
    argument.encode(&mut frame);
    let len = (frame.len() - 8) as u64;
    frame[..8].copy_from_slice(&len.to_le_bytes());
    frame
}

/// Runs a task received as bytes, in a worker.
fn run_task(mut bytes: &[u8]) -> Result<Vec<u8>, WireError> {
    let call = address(u64::decode(&mut bytes)?);
    let function = address(u64::decode(&mut bytes)?);
    // SAFETY: only `encode_task` writes these bytes, into a pipe only
    // this worker reads, and this worker runs `/proc/self/exe` of the
    // process that wrote them: the same binary, so the offset of
    // `call::<A, R>` from `anchor` is the same here.
    let call = unsafe { std::mem::transmute::<usize, Call>(call) };
    call(function, bytes)
}
// ANCHOR_END: wire_task

// ANCHOR: serve
/// If this run of the program is a worker (started by a [`ProcessExecutor`]), serves
/// tasks until the executor closes the pipe, then exits. Otherwise returns at once.
/// Call it first thing in `main`, before any other work.
pub fn serve_if_worker() {
    if std::env::args_os().nth(1).as_deref() != Some(OsStr::new(WORKER_FLAG)) {
        return;
    }
    SERVING.store(true, Ordering::SeqCst);
    std::process::exit(match serve() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ch06 worker {}: {e}", std::process::id());
            1
        }
    });
}

fn serve() -> io::Result<()> {
    // The pipes are private: fd 0 and 1 are pointed elsewhere, so a task that reads
    // stdin or prints cannot eat a task or corrupt a report (the copies are
    // close-on-exec).
    let tasks: OwnedFd = io::stdin().as_fd().try_clone_to_owned()?;
    let reports = io::stdout().as_fd().try_clone_to_owned()?;
    nix::unistd::dup2_stdin(std::fs::File::open("/dev/null")?)?;
    nix::unistd::dup2_stdout(io::stderr())?;
    // A task's panic travels back in its report, as CPython sends back the exception:
    // the worker does not print it as well.
    std::panic::set_hook(Box::new(|_| {}));
    let spin_ns = std::env::var(SPIN_ENV)
        .ok()
        .and_then(|ns| ns.parse().ok())
        .unwrap_or(0);
    let handoff = Handoff::spin_then_park(std::time::Duration::from_nanos(spin_ns));
    let mut tasks = reader(std::fs::File::from(tasks), handoff)?;
    let mut reports = std::fs::File::from(reports);
    // Hello: the executor waits for it, so a program that does not
    // serve fails at once.
    reports.write_all(HELLO)?;
    while let Some(task) = read_frame(&mut tasks)? {
        let report = match catch_unwind(AssertUnwindSafe(|| run_task(&task))) {
            Ok(Ok(bytes)) => Report::Value(bytes),
            Ok(Err(wire)) => {
                Report::Panic(format!("the task did not decode: {wire}"))
            }
            Err(payload) => Report::Panic(panic_message(&*payload)),
        };
        write_report(&mut reports, &report)?;
    }
    Ok(()) // end of file: the executor shut down
}
// ANCHOR_END: serve

/// A queued task for a worker process.
trait Remote: Send {
    fn start(&self) -> bool;
    fn frame(&self) -> &[u8];
    fn deliver(self: Box<Self>, report: Report);
    fn fail(self: Box<Self>, error: TaskError);
    fn cancel(self: Box<Self>);
}

struct RemoteCall<R> {
    frame: Vec<u8>,
    promise: Promise<R>,
}

impl<R: Wire + Send> Remote for RemoteCall<R> {
    fn start(&self) -> bool {
        self.promise.start()
    }
    fn frame(&self) -> &[u8] {
        &self.frame
    }
    fn deliver(self: Box<Self>, report: Report) {
        self.promise.settle(match report {
            Report::Value(bytes) => {
                R::from_bytes(&bytes).map_err(|e| TaskError::Lost {
                    reason: format!("its result did not decode: {e}"),
                })
            }
            Report::Panic(message) => Err(TaskError::Panicked { message }),
        });
    }
    fn fail(self: Box<Self>, error: TaskError) {
        self.promise.fail(error);
    }
    fn cancel(self: Box<Self>) {
        self.promise.cancel();
    }
}

/// The queue, the idle workers and the pool's fate, under one lock.
struct Dispatch {
    jobs: VecDeque<Box<dyn Remote>>,
    /// Workers with no task: a submit hands its task straight to one of them.
    idle: Vec<usize>,
    /// `shutdown` was called: no new tasks; a worker with nothing left
    /// to do is closed.
    closed: bool,
    /// Set once, by the first driver that sees its worker dead.
    broken: Option<Broken>,
}

/// One worker process, seen from the executor.
struct Slot {
    /// The process, until its driver reaps it (then `None`: its pid may be reused, so
    /// it must never be signalled again).
    child: Mutex<Option<Child>>,
    /// The write end of its task pipe; `None` once closed on purpose
    /// (the worker then exits).
    tasks: Mutex<Option<ChildStdin>>,
    /// The task it runs, if any.
    current: Mutex<Option<Box<dyn Remote>>>,
    /// The read end of its report pipe, non-blocking: its driver and
    /// spinning callers read it.
    reports: File,
    /// Bytes read from `reports` that do not make a whole report yet.
    /// Its lock is held by whoever reads the pipe, for the read and the
    /// deliveries: reports stay in order.
    inbox: Mutex<Vec<u8>>,
}

/// What the executor and its driver threads share.
struct Pool {
    dispatch: Mutex<Dispatch>,
    slots: Vec<Slot>,
    /// How the callers' `result()` waits.
    callers: Arc<Spinner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How a worker ended, in words.
fn describe(status: io::Result<ExitStatus>) -> String {
    match status {
        Ok(status) => match (status.signal(), status.code()) {
            (Some(signal), _) => {
                format!("was killed by signal {}", signal_name(signal))
            }
            (None, Some(code)) => format!("exited with code {code}"),
            (None, None) => format!("ended: {status}"),
        },
        Err(e) => format!("could not be waited for: {e}"),
    }
}

impl Pool {
    fn broken(&self) -> Option<Broken> {
        lock(&self.dispatch).broken.clone()
    }

    /// Waits for worker `me` (its pipe is at end of file) and says how it ended.
    fn reap(&self, me: usize) -> Option<(u32, String)> {
        let mut child = lock(&self.slots[me].child).take()?;
        Some((child.id(), describe(child.wait())))
    }

    // ANCHOR: hand_out
    /// Worker `me` is free: give it the next queued task that was not cancelled, or
    /// mark it idle (or, after `shutdown`, close its pipe: it exits).
    fn next_task(&self, me: usize, mut dispatch: MutexGuard<'_, Dispatch>) {
        while let Some(job) = dispatch.jobs.pop_front() {
            if job.start() {
                // before the lock is released
                *lock(&self.slots[me].current) = Some(job);
                drop(dispatch);
                self.send(me);
                return;
            } // a cancelled job is dropped here: its ticket is settled already
        }
        if dispatch.closed {
            lock(&self.slots[me].tasks).take();
        } else {
            dispatch.idle.push(me);
        }
    }

    /// Writes worker `me`'s current task to its pipe. A write to a dead worker fails
    /// with `EPIPE`, `SIGPIPE` blocked meanwhile (chapter 04's helper: its default
    /// action would kill the whole program); its driver sees the end of file and
    /// breaks the pool, so the error is not needed here.
    fn send(&self, me: usize) {
        let current = lock(&self.slots[me].current);
        if let (Some(job), Some(tasks)) =
            (current.as_ref(), lock(&self.slots[me].tasks).as_mut())
        {
            let _ = write_all_without_sigpipe(tasks, job.frame());
        }
    }
    // ANCHOR_END: hand_out

    // ANCHOR: break_pool
    /// Worker `me` died: the pool is broken. The first death is the one
    /// every error names. The other workers are killed, and every
    /// queued task fails, with `me`'s own.
    fn break_pool(&self, me: usize) {
        let (pid, cause) = self
            .reap(me)
            .unwrap_or((0, "was already reaped".to_owned()));
        let (broken, mut failed) = {
            let mut dispatch = lock(&self.dispatch);
            let broken = dispatch.broken.get_or_insert(Broken { pid, cause }).clone();
            dispatch.idle.clear();
            let failed: Vec<_> = dispatch.jobs.drain(..).collect();
            (broken, failed)
        };
        failed.extend(lock(&self.slots[me].current).take());
        for (i, slot) in self.slots.iter().enumerate() {
            if i != me
                && let Some(child) = lock(&slot.child).as_mut()
            {
                // not reaped yet: the pid is still this worker's
                let _ = child.kill();
            }
        }
        for job in failed {
            job.fail(TaskError::BrokenPool(broken.clone()));
        }
    }
    // ANCHOR_END: break_pool

    // ANCHOR: pump
    /// Reads what worker `me` has written so far, without waiting, and for each whole
    /// report: deliver it, hand the worker its next task. `Ok(false)`: the pipe is at
    /// end of file. The caller holds `me`'s inbox (passed in).
    fn pump(&self, me: usize, inbox: &mut Vec<u8>) -> io::Result<bool> {
        let slot = &self.slots[me];
        let mut open = true;
        let mut chunk = [0u8; 4096];
        loop {
            match (&slot.reports).read(&mut chunk) {
                Ok(0) => {
                    open = false;
                    break;
                }
                Ok(n) => inbox.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        while let Some(len) = report_len(inbox) {
            let report = read_report(&mut &inbox[..len])?;
            inbox.drain(..len);
            let job = lock(&slot.current).take();
            if let (Some(job), Some(report)) = (job, report) {
                job.deliver(report);
            }
            self.next_task(me, lock(&self.dispatch));
        }
        Ok(open)
    }

    /// What a spinning `result()` does on each turn: read every worker's reports that
    /// nobody else is reading right now. Its own task's report is one of them: it
    /// takes the result itself, and does not wait for the worker's driver to be woken
    /// up and scheduled. End of file and errors are left to the drivers.
    fn help(&self) {
        for (me, slot) in self.slots.iter().enumerate() {
            if let Ok(mut inbox) = slot.inbox.try_lock() {
                let _ = self.pump(me, &mut inbox);
            }
        }
    }
    // ANCHOR_END: pump
}

// ANCHOR: drive
/// One driver thread per worker waits (in `poll`, never spinning) for its reports and
/// pumps them. End of file on a pipe the executor did not close means the worker
/// died, busy or idle.
fn drive(pool: Arc<Pool>, me: usize) {
    let slot = &pool.slots[me];
    loop {
        wait_readable(&slot.reports);
        let pumped = match slot.inbox.try_lock() {
            Ok(mut inbox) => pool.pump(me, &mut inbox),
            Err(TryLockError::Poisoned(inbox)) => {
                pool.pump(me, &mut inbox.into_inner())
            }
            Err(TryLockError::WouldBlock) => {
                // A caller is reading this pipe: it takes what is there.
                thread::yield_now();
                continue;
            }
        };
        match pumped {
            Ok(true) => {}
            _ if lock(&slot.tasks).is_none() => {
                pool.reap(me); // we closed its pipe: it exited, as asked
                return;
            }
            _ => {
                pool.break_pool(me);
                return;
            }
        }
    }
}
// ANCHOR_END: drive

// ANCHOR: process_executor
/// Worker processes, each a re-executed copy of this program, and a driver thread for
/// each. `Send + Sync`, and it can be created in a program that already runs threads.
pub struct ProcessExecutor {
    pool: Arc<Pool>,
    drivers: Mutex<Vec<JoinHandle<()>>>,
    pids: Vec<u32>,
    /// Given to every ticket: its spinning `result()` reads the report pipes
    /// ([`Pool::help`]). It holds the pool weakly: a ticket outliving the executor
    /// must not keep the pool.
    help: Help,
}

/// A started worker that said hello.
struct Started {
    child: Child,
    tasks: ChildStdin,
    reports: File,
}

/// Starts one worker and waits for its hello.
fn start_worker(handoff: Handoff) -> Result<Started, SubmitError> {
    let mut child = Command::new("/proc/self/exe")
        .arg(WORKER_FLAG)
        .env(WORKER_ENV, "1")
        .env(SPIN_ENV, handoff.budget().as_nanos().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let (tasks, mut reports) = (child.stdin.take(), child.stdout.take());
    let mut hello = [0u8; 8];
    let said_hello = reports
        .as_mut()
        .is_some_and(|r| r.read_exact(&mut hello).is_ok() && hello == *HELLO);
    let reports = reports
        .map(|r| File::from(OwnedFd::from(r)))
        .filter(|r| said_hello && set_nonblocking(r).is_ok());
    match (tasks, reports) {
        (Some(tasks), Some(reports)) => Ok(Started {
            child,
            tasks,
            reports,
        }),
        _ => {
            let _ = child.kill();
            let pid = child.id();
            Err(SubmitError::Start(format!(
                "worker process {pid} {} before it said hello: does this program call \
                 ch06_executor::serve_if_worker() first thing in main?",
                describe(child.wait())
            )))
        }
    }
}
// ANCHOR_END: process_executor

impl ProcessExecutor {
    /// Starts `n` worker processes (and one driver thread for each). Waiters spin
    /// briefly before they block ([`Handoff::default`]).
    pub fn new(n: usize) -> Result<Self, SubmitError> {
        Self::with_handoff(n, Handoff::default())
    }

    /// Starts `n` worker processes; the workers (waiting for a task), the drivers
    /// (waiting for a report) and `result()` wait as `handoff` says.
    pub fn with_handoff(n: usize, handoff: Handoff) -> Result<Self, SubmitError> {
        if n == 0 {
            return Err(SubmitError::ZeroWorkers);
        }
        if std::env::var_os(WORKER_ENV).is_some() && !SERVING.load(Ordering::SeqCst) {
            return Err(SubmitError::Start(
                "this process is a worker whose main did not call \
                 ch06_executor::serve_if_worker() first: refusing to start more workers"
                    .into(),
            ));
        }
        let mut started: Vec<Started> = Vec::with_capacity(n);
        for _ in 0..n {
            match start_worker(handoff) {
                Ok(worker) => started.push(worker),
                Err(e) => {
                    for mut worker in started {
                        let _ = worker.child.kill();
                        let _ = worker.child.wait();
                    }
                    return Err(e);
                }
            }
        }
        let pids = started.iter().map(|w| w.child.id()).collect();
        let slots = started
            .into_iter()
            .map(|worker| Slot {
                child: Mutex::new(Some(worker.child)),
                tasks: Mutex::new(Some(worker.tasks)),
                current: Mutex::new(None),
                reports: worker.reports,
                inbox: Mutex::new(Vec::new()),
            })
            .collect();
        let pool = Arc::new(Pool {
            dispatch: Mutex::new(Dispatch {
                jobs: VecDeque::new(),
                idle: (0..n).rev().collect(),
                closed: false,
                broken: None,
            }),
            slots,
            callers: Arc::new(Spinner::new(handoff)),
        });
        let weak: Weak<Pool> = Arc::downgrade(&pool);
        let executor = ProcessExecutor {
            pool,
            drivers: Mutex::new(Vec::with_capacity(n)),
            pids,
            help: Arc::new(move || {
                if let Some(pool) = weak.upgrade() {
                    pool.help();
                }
            }),
        };
        for me in 0..n {
            let pool = executor.pool.clone();
            let driver = thread::Builder::new()
                .name(format!("driver-{me}"))
                .spawn(move || drive(pool, me));
            match driver {
                Ok(driver) => lock(&executor.drivers).push(driver),
                Err(e) => {
                    // No driver will reap this worker or the ones after it: kill and
                    // reap them now (Drop closes the others and joins their drivers,
                    // which reap them).
                    lock(&executor.pool.dispatch).idle.retain(|&i| i < me);
                    for slot in &executor.pool.slots[me..] {
                        if let Some(mut child) = lock(&slot.child).take() {
                            let _ = child.kill();
                            let _ = child.wait();
                        }
                    }
                    return Err(e.into());
                }
            }
        }
        Ok(executor)
    }

    /// CPython's default for `ProcessPoolExecutor()`: one worker per core.
    pub fn with_default_size() -> Result<Self, SubmitError> {
        Self::new(thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// The workers' process ids, in start order.
    pub fn pids(&self) -> &[u32] {
        &self.pids
    }

    /// Why the pool is broken, if it is.
    pub fn broken(&self) -> Option<Broken> {
        self.pool.broken()
    }
}

impl Executor for ProcessExecutor {
    // ANCHOR: submit
    fn submit<A, R>(&self, f: fn(A) -> R, arg: A) -> Result<Ticket<R>, SubmitError>
    where
        A: Wire + Send + 'static,
        R: Wire + Send + 'static,
    {
        let (ticket, promise) =
            Ticket::with_help(self.pool.callers.clone(), Some(self.help.clone()));
        let job: Box<dyn Remote> = Box::new(RemoteCall {
            frame: encode_task(f, &arg),
            promise,
        });
        let mut dispatch = lock(&self.pool.dispatch);
        if let Some(broken) = &dispatch.broken {
            let error = SubmitError::BrokenPool(broken.clone());
            drop(dispatch);
            job.cancel(); // settle the refused job's promise quietly
            return Err(error);
        }
        if dispatch.closed {
            drop(dispatch);
            job.cancel();
            return Err(SubmitError::Shutdown);
        }
        match dispatch.idle.pop() {
            // An idle worker: hand the task over now, no driver to wake on the way.
            Some(me) if job.start() => {
                *lock(&self.pool.slots[me].current) = Some(job);
                drop(dispatch);
                self.pool.send(me);
            }
            idle => {
                dispatch.idle.extend(idle);
                dispatch.jobs.push_back(job);
            }
        }
        Ok(ticket)
    }
    // ANCHOR_END: submit

    fn shutdown(&self, wait: bool, cancel_pending: bool) {
        let (cancelled, idle) = {
            let mut dispatch = lock(&self.pool.dispatch);
            dispatch.closed = true;
            let cancelled: Vec<_> = if cancel_pending {
                dispatch.jobs.drain(..).collect()
            } else {
                Vec::new()
            };
            (cancelled, std::mem::take(&mut dispatch.idle))
        };
        for job in cancelled {
            job.cancel();
        }
        for me in idle {
            lock(&self.pool.slots[me].tasks).take(); // end of file: the worker exits
        }
        if wait {
            let me = thread::current().id();
            let drivers = std::mem::take(&mut *lock(&self.drivers));
            for driver in drivers {
                if driver.thread().id() != me {
                    let _ = driver.join();
                }
            }
        }
    }
}

impl Drop for ProcessExecutor {
    /// Waits for the queued and running tasks, then for every worker to
    /// exit (reaped).
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A pool of one slot with no process behind it: the test writes
    /// the worker's reports.
    fn pool_with_one_task() -> (Arc<Pool>, File, Ticket<u64>) {
        let (reports, worker_side) = ch03_processes::pipe().unwrap();
        set_nonblocking(&reports).unwrap();
        let (ticket, promise) =
            Ticket::with_help(Arc::new(Spinner::new(Handoff::PARK)), None);
        assert!(promise.start());
        let job: Box<dyn Remote> = Box::new(RemoteCall {
            frame: Vec::new(),
            promise,
        });
        let slot = Slot {
            child: Mutex::new(None),
            tasks: Mutex::new(None),
            current: Mutex::new(Some(job)),
            reports,
            inbox: Mutex::new(Vec::new()),
        };
        let pool = Arc::new(Pool {
            dispatch: Mutex::new(Dispatch {
                jobs: VecDeque::new(),
                idle: Vec::new(),
                closed: false,
                broken: None,
            }),
            slots: vec![slot],
            callers: Arc::new(Spinner::new(Handoff::PARK)),
        });
        (pool, worker_side, ticket)
    }

    #[test]
    fn help_delivers_a_report_only_once_all_of_it_came() {
        let (pool, mut worker_side, ticket) = pool_with_one_task();
        let mut report = Vec::new();
        write_report(&mut report, &Report::Value(42u64.to_bytes())).unwrap();
        pool.help(); // an empty pipe: nothing to do, and no waiting
        assert!(!ticket.done());
        worker_side.write_all(&report[..5]).unwrap();
        pool.help();
        assert!(!ticket.done(), "half a report must wait for the rest");
        assert_eq!(pool.slots[0].inbox.lock().unwrap().len(), 5, "and be kept");
        worker_side.write_all(&report[5..]).unwrap();
        pool.help();
        assert_eq!(ticket.result_timeout(Duration::ZERO), Ok(42));
        assert!(pool.slots[0].inbox.lock().unwrap().is_empty());
        assert_eq!(lock(&pool.dispatch).idle, [0], "the worker is idle again");
    }

    #[test]
    fn help_leaves_a_pipe_that_someone_else_reads() {
        let (pool, mut worker_side, ticket) = pool_with_one_task();
        write_report(&mut worker_side, &Report::Value(7u64.to_bytes())).unwrap();
        let held = pool.slots[0].inbox.lock().unwrap(); // the driver, say
        pool.help();
        assert!(
            !ticket.done(),
            "help must not wait for the inbox, nor read past it"
        );
        drop(held);
        pool.help();
        assert_eq!(ticket.result_timeout(Duration::ZERO), Ok(7));
    }

    #[test]
    fn pump_says_when_the_worker_closed_its_pipe() {
        let (pool, worker_side, _ticket) = pool_with_one_task();
        let mut inbox = Vec::new();
        assert!(pool.pump(0, &mut inbox).unwrap(), "open, nothing written");
        drop(worker_side);
        assert!(!pool.pump(0, &mut inbox).unwrap(), "end of file");
    }
}
