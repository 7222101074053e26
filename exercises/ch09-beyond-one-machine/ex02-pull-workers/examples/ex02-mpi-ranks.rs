//! Exercise 2 under MPI: rank 0 runs `master`, every other rank `worker`. The spec
//! builds this program (feature `mpi`) and starts it under `mpirun -n 2` and `-n 4`;
//! you can too, from the `exercises` folder:
//!
//! ```console
//! $ cargo build -p ch09-ex02-pull-workers --features mpi --example ex02-mpi-ranks
//! $ mpirun --oversubscribe -n 4 target/debug/examples/ex02-mpi-ranks
//! ```
//!
//! A message is three `u64`s. A rank that fails a check panics;
//! `mpirun` then ends the job.

use std::time::{Duration, Instant};

use ch09_ex02_pull_workers::{
    MasterSide, ToMaster, ToWorker, WorkerSide, master, worker,
};
use mpi::point_to_point::Source;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// How long a rank waits for one message before calling it a hang.
const WAIT: Duration = Duration::from_secs(10);

/// Waits for the next message from `source`: its words and the rank
/// that sent it. Polls, sleeping in between, so that a message nobody
/// sends is a failure saying who waited.
fn receive(source: &impl Source, who: &str) -> ([u64; 3], usize) {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some((message, _)) = source.immediate_matched_probe() {
            let mut words = [0u64; 3];
            let status = message.matched_receive_into(&mut words[..]);
            return (words, status.source_rank() as usize);
        }
        assert!(
            Instant::now() < deadline,
            "{who} waited {WAIT:?} for a message that never came: does the master answer \
             every message, with a task or with Stop, and wait only for workers not yet stopped?"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

struct Master(SimpleCommunicator);

impl MasterSide for Master {
    fn workers(&self) -> usize {
        self.0.size() as usize - 1
    }
    fn receive(&self) -> (usize, ToMaster) {
        let ([kind, index, value], from) =
            receive(&self.0.any_process(), "the master");
        let message = match kind {
            0 => ToMaster::Ready,
            _ => ToMaster::Done {
                index: index as usize,
                value,
            },
        };
        (from, message)
    }
    fn send(&self, worker: usize, message: ToWorker) {
        assert!(
            (1..=self.workers()).contains(&worker),
            "the master sent {message:?} to worker {worker}; workers are 1..={}",
            self.workers()
        );
        let words = match message {
            ToWorker::Task { index, input } => [0, index as u64, input],
            ToWorker::Stop => [1, 0, 0],
        };
        self.0.process_at_rank(worker as i32).send(&words[..]);
    }
}

struct Worker(SimpleCommunicator);

impl WorkerSide for Worker {
    fn send(&self, message: ToMaster) {
        let words = match message {
            ToMaster::Ready => [0, 0, 0],
            ToMaster::Done { index, value } => [1, index as u64, value],
        };
        self.0.process_at_rank(0).send(&words[..]);
    }
    fn receive(&self) -> ToWorker {
        let who = format!("worker {}", self.0.rank());
        match receive(&self.0.process_at_rank(0), &who) {
            ([0, index, input], _) => ToWorker::Task {
                index: index as usize,
                input,
            },
            _ => ToWorker::Stop,
        }
    }
}

fn main() {
    let universe = mpi::initialize().expect("MPI initialised once");
    let world = universe.world();
    let size = world.size();
    // Uneven: every fifth task is 20 times the work of the others.
    let inputs: Vec<u64> = (0..30)
        .map(|i| if i % 5 == 0 { 20_000 } else { 1_000 })
        .collect();
    let work = |n: u64| (0..n).fold(0u64, |a, i| a.wrapping_add(i * i));
    if world.rank() == 0 {
        let got = master(&Master(world), &inputs);
        let want: Vec<u64> = inputs.iter().map(|&n| work(n)).collect();
        assert_eq!(
            got,
            Ok(want),
            "{size} ranks: the master's results (in the order of the inputs)"
        );
    } else {
        let rank = world.rank();
        let done = worker(&Worker(world), work);
        assert!(
            done <= inputs.len(),
            "worker {rank} says it computed {done} of {} tasks",
            inputs.len()
        );
    }
}
