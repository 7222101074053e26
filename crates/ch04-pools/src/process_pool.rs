//! Step 3: a process pool. Workers are forked once and fed tasks over pipes.
//!
//! CPython's `Pool(n)` starts n worker processes up front and sends each task to one of them
//! as bytes: the function is pickled *by its qualified name* (`module.function`), the
//! arguments by value, and the worker looks the name up in its own copy of the module. A
//! lambda or a nested function has no importable name, so it cannot be sent.
//!
//! Here the workers are forked with chapter 03's [`ch03_processes::spawn`], so each one is a
//! copy of this program, with all its code at the same addresses. A task is a plain function
//! pointer `fn(A) -> R` plus an argument `A: Wire`: the pointer's address means the same code in
//! the worker, and the argument and the result cross as bytes. A closure that captures
//! anything cannot be sent: its captures live in the parent's memory, which the worker stopped
//! sharing when it was forked. The compiler rejects it:
//!
//! ```compile_fail
//! # use ch04_pools::process_pool::ProcessPool;
//! let pool = ProcessPool::new(1).unwrap();
//! let offset = 10u64;
//! let handle = pool.apply_async(move |n: u64| n + offset, 1); // captures `offset`: no fn pointer
//! ```
//!
//! The pool starts no thread of its own: results are collected by whoever waits in
//! [`ProcessTaskHandle::get`] (or `join`, or `Drop`). So a program that was single-threaded
//! stays single-threaded, and the pool may fork a replacement when a worker dies. `ProcessPool`
//! is neither `Send` nor `Sync`, so it cannot be handed to another thread by mistake.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Mutex;

use ch03_processes::error::signal_name;
use ch03_processes::frame::panic_message;
use ch03_processes::{
    ProcessError, ProcessHandle, Report, Wire, WireError, read_frame, read_report, write_frame,
    write_report,
};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use crate::error::{PoolError, TaskError};

// ANCHOR: wire_task
/// The type-erased call a worker makes: decode the argument, call the function, encode the result.
type Call = fn(usize, &[u8]) -> Result<Vec<u8>, WireError>;

/// The one generic function behind every [`Call`]: `apply_async::<A, R>` sends its address.
fn call<A: Wire, R: Wire>(function: usize, argument: &[u8]) -> Result<Vec<u8>, WireError> {
    // SAFETY: `function` is the address of an `fn(A) -> R`, taken by `apply_async::<A, R>`, which
    // also chose this very instantiation of `call`; the worker runs in a fork of that process,
    // so the same code sits at the same address (see `run_task`).
    let function = unsafe { std::mem::transmute::<usize, fn(A) -> R>(function) };
    Ok(function(A::from_bytes(argument)?).to_bytes())
}

/// A task as bytes: two code addresses, then the argument.
fn encode_task<A: Wire, R: Wire>(function: fn(A) -> R, argument: &A) -> Vec<u8> {
    let mut bytes = Vec::new();
    (call::<A, R> as Call as usize as u64).encode(&mut bytes);
    (function as usize as u64).encode(&mut bytes);
    argument.encode(&mut bytes);
    bytes
}

/// Runs a task received as bytes, in a worker.
fn run_task(mut bytes: &[u8]) -> Result<Vec<u8>, WireError> {
    let call = u64::decode(&mut bytes)? as usize;
    let function = u64::decode(&mut bytes)? as usize;
    // SAFETY: only `encode_task` writes these bytes, into a pipe that only this worker reads,
    // and it wrote the address of `call::<A, R>` for the `A` and `R` of `function`. The worker
    // is a fork of the pool's process: the program's code is mapped at the same addresses, so
    // the address names the same function here. (It would not in a re-executed program:
    // address-space layout randomisation moves the code on every run.)
    let call = unsafe { std::mem::transmute::<usize, Call>(call) };
    call(function, bytes)
}
// ANCHOR_END: wire_task

// ANCHOR: worker_main
/// A worker's life: read a task, run it, write a report, until the task pipe closes.
fn worker_main(mut tasks: File, mut results: File) {
    while let Ok(Some(task)) = read_frame(&mut tasks) {
        let report = match catch_unwind(AssertUnwindSafe(|| run_task(&task))) {
            Ok(Ok(bytes)) => Report::Value(bytes),
            Ok(Err(wire)) => Report::Panic(format!("the task did not decode: {wire}")),
            Err(payload) => Report::Panic(panic_message(&*payload)),
        };
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
    /// The task it is running, if any.
    busy: Option<u64>,
}

// ANCHOR: fork_worker
/// The parent-side pipe ends of every worker of every process pool in this process.
///
/// A forked child gets a copy of every open descriptor. A worker holding a copy of another
/// worker's task pipe would keep that pipe from ever reaching end-of-file, so the other worker
/// would never stop and `join` would wait forever. That other worker may belong to the same
/// pool (a replacement is forked while the others run) or to another pool in the same program,
/// so the list is kept for the whole process, and every new worker closes all of it.
static PARENT_ENDS: Mutex<Vec<RawFd>> = Mutex::new(Vec::new());

fn parent_ends() -> std::sync::MutexGuard<'static, Vec<RawFd>> {
    PARENT_ENDS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forks one worker.
fn fork_worker() -> Result<Worker, ProcessError> {
    let (task_reader, task_writer) = pipe()?;
    let (result_reader, result_writer) = pipe()?;
    let mut close_in_child = parent_ends().clone();
    close_in_child.extend([task_writer.as_raw_fd(), result_reader.as_raw_fd()]);
    let process = ch03_processes::spawn(move || {
        // The child's copies of every pool's pipe ends, this worker's own parent ends included.
        for fd in close_in_child {
            // SAFETY: `fd` is open in this process (a copy of the parent's, made by fork), and
            // nothing in the child uses it: the `File`s that own it in the parent are never
            // dropped here, because the child leaves through `_exit`.
            unsafe { libc::close(fd) };
        }
        worker_main(task_reader, result_writer);
    })?;
    // The closure, with the parent's copies of the child's ends, was dropped by `spawn`.
    parent_ends().extend([task_writer.as_raw_fd(), result_reader.as_raw_fd()]);
    Ok(Worker {
        process,
        ends: Ends {
            tasks: task_writer,
            results: result_reader,
        },
        busy: None,
    })
}

/// A worker's two parent-side pipe ends, listed in [`PARENT_ENDS`] for as long as they are open.
struct Ends {
    tasks: File,
    results: File,
}

impl Drop for Ends {
    fn drop(&mut self) {
        // Runs before the two `File`s close: their numbers may be reused at once afterwards.
        let mine = [self.tasks.as_raw_fd(), self.results.as_raw_fd()];
        parent_ends().retain(|fd| !mine.contains(fd));
    }
}
// ANCHOR_END: fork_worker

/// A pipe as two `File`s, read end first.
fn pipe() -> Result<(File, File), ProcessError> {
    let (read, write) = nix::unistd::pipe()?;
    Ok((File::from(read), File::from(write)))
}

/// What a worker's death looks like from its wait status.
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

/// The pool's state, shared by the pool and its handles.
struct Inner {
    size: usize,
    workers: Vec<Worker>,
    /// Tasks waiting for a free worker, with their ids.
    queue: VecDeque<(u64, Vec<u8>)>,
    /// Results that arrived and wait for their `get`.
    done: HashMap<u64, Result<Vec<u8>, TaskError>>,
    /// Ids whose handle was dropped: their results are thrown away.
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
    _result: PhantomData<fn() -> R>,
}
// ANCHOR_END: pool

impl ProcessPool {
    // ANCHOR: new
    /// Forks `n` workers. Fails if `n == 0`, or if the process runs other threads (fork would
    /// copy only the calling thread; see chapter 03): create the pool first thing in `main`.
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
            // On error, `inner` is dropped: the workers forked so far are killed and reaped.
            let worker = fork_worker().map_err(PoolError::Fork)?;
            inner.workers.push(worker);
        }
        Ok(ProcessPool {
            inner: Rc::new(RefCell::new(inner)),
        })
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

    // ANCHOR: apply_async
    /// Sends `function(argument)` to a worker; `Err(PoolError::Closed)` after `close`.
    ///
    /// `function` must be a `fn` item or a closure that captures nothing: only code crosses
    /// the process boundary, by address; data crosses as bytes, through [`Wire`].
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
            // Every worker died and none could be replaced: say why instead of queueing forever.
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

    /// Kills every worker now (`SIGKILL`) and reaps it, like CPython's `terminate()`. Tasks
    /// not finished yet fail with [`TaskError::Lost`].
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
    pub fn get(self) -> Result<R, TaskError> {
        let mut inner = self.pool.borrow_mut();
        loop {
            if let Some(result) = inner.done.remove(&self.id) {
                let bytes = result?;
                return R::from_bytes(&bytes).map_err(|e| TaskError::Lost {
                    reason: format!("its result did not decode: {e}"),
                });
            }
            // Not there yet: wait for any worker to answer (or die), then look again.
            inner.step();
        }
    }
}
// ANCHOR_END: get

impl<R> Drop for ProcessTaskHandle<R> {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.pool.try_borrow_mut()
            && inner.done.remove(&self.id).is_none()
        {
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

    /// Forks workers until there are `size` again. Failures are remembered, not fatal.
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
            match write_frame(&mut worker.ends.tasks, &task) {
                Ok(()) => worker.busy = Some(id),
                Err(_) => {
                    // The worker died while idle (EPIPE): the task never reached it. Put the
                    // task back, bury the worker, fork another.
                    self.queue.push_front((id, task));
                    self.bury(index);
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
    /// Waits until some worker answers or dies, and deals with it. Never blocks if no task is
    /// in flight.
    fn step(&mut self) {
        self.dispatch();
        if self.workers.iter().all(|w| w.busy.is_none()) {
            // Nothing in flight: either all is done, or the queue has no worker left to run it.
            self.fail_queue();
            return;
        }
        let ready: Vec<usize> = {
            let mut fds: Vec<PollFd> = self
                .workers
                .iter()
                .map(|w| PollFd::new(w.ends.results.as_fd(), PollFlags::POLLIN))
                .collect();
            loop {
                match poll(&mut fds, PollTimeout::NONE) {
                    Ok(_) => break,
                    Err(Errno::EINTR) => continue,
                    Err(e) => panic!("poll on the pool's pipes failed: {e}"),
                }
            }
            fds.iter()
                .enumerate()
                .filter(|(_, fd)| fd.revents().is_some_and(|r| !r.is_empty()))
                .map(|(i, _)| i)
                .collect()
        };
        // Highest index first, so burying a worker does not shift the ones still to visit.
        for index in ready.into_iter().rev() {
            let worker = &mut self.workers[index];
            match (read_report(&mut worker.ends.results), worker.busy.take()) {
                (Ok(Some(Report::Value(bytes))), Some(id)) => self.finish(id, Ok(bytes)),
                (Ok(Some(Report::Panic(message))), Some(id)) => {
                    self.finish(id, Err(TaskError::Panicked { message }));
                }
                // End of file (or garbage): the worker died. Its task fails with the reason.
                (_, busy) => {
                    let (pid, cause) = self.bury(index);
                    if let Some(id) = busy {
                        self.finish(id, Err(TaskError::WorkerDied { pid, cause }));
                    }
                }
            }
        }
        self.replenish();
        self.dispatch();
    }
    // ANCHOR_END: step

    /// Removes a dead worker, reaps it and says how it died.
    fn bury(&mut self, index: usize) -> (u32, String) {
        let worker = self.workers.swap_remove(index);
        let pid = worker.process.pid();
        drop(worker.ends);
        (pid, cause_of_death(worker.process.join()))
    }

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

// ANCHOR: drop
impl Drop for ProcessPool {
    /// Close, finish every queued task, then close the task pipes: each worker reads end of
    /// file, returns, and is reaped. No zombie is left behind.
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.closed = true;
        while !inner.queue.is_empty() || inner.workers.iter().any(|w| w.busy.is_some()) {
            inner.step();
        }
        for worker in inner.workers.drain(..) {
            drop(worker.ends);
            let _ = worker.process.join();
        }
    }
}
// ANCHOR_END: drop
