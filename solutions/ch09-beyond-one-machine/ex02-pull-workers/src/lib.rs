//! Chapter 09, exercise 2: master/worker where the workers ask for work.
//!
//! In the chapter, the master pushes a first task to every worker, then
//! one more per result. Here the workers *pull*: a worker's first message
//! is `Ready`, and every `Done` it sends also asks for the next task. The
//! master answers each message with a task, or with `Stop` once none is
//! left, and returns when every worker has been told to stop.

// ANCHOR: messages
/// What a worker tells the master.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToMaster {
    /// "I have nothing to do": a worker's first message.
    Ready,
    /// "Task `index` gave `value`, and I am free again."
    Done { index: usize, value: u64 },
}

/// What the master tells a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToWorker {
    /// Compute task `index` on `input`.
    Task { index: usize, input: u64 },
    /// No more tasks: return.
    Stop,
}

/// The master's side of the world: workers are numbered
/// `1..=workers()`, rank 0 is the master.
pub trait MasterSide {
    /// How many workers there are.
    fn workers(&self) -> usize;
    /// Waits for the next message from any worker: the worker's rank and the message.
    fn receive(&self) -> (usize, ToMaster);
    /// Sends `message` to worker `worker`.
    fn send(&self, worker: usize, message: ToWorker);
}

/// A worker's side of the world: it talks only to the master.
pub trait WorkerSide {
    /// Sends `message` to the master.
    fn send(&self, message: ToMaster);
    /// Waits for the master's next message.
    fn receive(&self) -> ToWorker;
}

/// Why the master gave up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterError {
    /// No worker at all: nobody would ever ask for a task.
    NoWorkers,
    /// Worker `worker` returned task `index`, which it was not computing (never
    /// handed out, handed to another worker, or already returned).
    NotOutstanding { worker: usize, index: usize },
}

// ANCHOR_END: messages

// ANCHOR: worker
/// A worker: says `Ready`, then computes every task it is given, answering each with
/// `Done`, until told to stop. Returns how many tasks it computed.
pub fn worker(side: &impl WorkerSide, work: impl Fn(u64) -> u64) -> usize {
    side.send(ToMaster::Ready);
    let mut done = 0;
    while let ToWorker::Task { index, input } = side.receive() {
        side.send(ToMaster::Done {
            index,
            value: work(input),
        });
        done += 1;
    }
    done
}
// ANCHOR_END: worker

// ANCHOR: master
/// The master: answers every message with the next task, in the order of `inputs`, or
/// with `Stop` when none is left; returns the results in the order of `inputs` once
/// every worker has been told to stop.
pub fn master(
    side: &impl MasterSide,
    inputs: &[u64],
) -> Result<Vec<u64>, MasterError> {
    if side.workers() == 0 {
        return Err(MasterError::NoWorkers);
    }
    let mut results = vec![None; inputs.len()];
    // computing[w] is the task worker w holds, if any.
    let mut computing: Vec<Option<usize>> = vec![None; side.workers() + 1];
    let mut next = 0;
    let mut stopped = 0;
    while stopped < side.workers() {
        let (worker, message) = side.receive();
        if let ToMaster::Done { index, value } = message {
            if computing[worker] != Some(index) {
                return Err(MasterError::NotOutstanding { worker, index });
            }
            results[index] = Some(value);
            computing[worker] = None;
        }
        if let Some(&input) = inputs.get(next) {
            side.send(worker, ToWorker::Task { index: next, input });
            computing[worker] = Some(next);
            next += 1;
        } else {
            side.send(worker, ToWorker::Stop);
            stopped += 1;
        }
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every worker stopped, so every task came back"))
        .collect())
}
// ANCHOR_END: master
