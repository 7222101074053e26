//! The spec of exercise 2. The master and the workers are threads: the master has one
//! inbox that every worker sends to, each worker an inbox of its own. Balance is
//! checked by structure, with a gate, never by time; a side that waits for a message
//! nobody sends fails with a message saying who waited, well before the watchdog.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ch09_ex02_pull_workers::{
    MasterError, MasterSide, ToMaster, ToWorker, WorkerSide, master, worker,
};
use support::{Gate, within_patience};

/// How long a side waits for one message before the spec calls it a hang.
const WAIT: Duration = Duration::from_secs(3);

struct Master {
    inbox: Receiver<(usize, ToMaster)>,
    workers: Vec<Sender<ToWorker>>,
    /// The task indices handed out so far.
    handed_out: Mutex<Vec<usize>>,
    /// What a closed inbox means: `Some` when the messages are a script (see
    /// `master_against`).
    after_the_script: Option<&'static str>,
}

impl MasterSide for Master {
    fn workers(&self) -> usize {
        self.workers.len()
    }
    fn receive(&self) -> (usize, ToMaster) {
        match self.inbox.recv_timeout(WAIT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Disconnected)
                if self.after_the_script.is_some() =>
            {
                panic!("{}", self.after_the_script.unwrap_or_default())
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "the master waited {WAIT:?} and no worker spoke: is every worker stopped already, \
                 and the master still waiting for more?"
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "the master waits for a message, but every worker has returned: \
                 count the workers you told to stop"
            ),
        }
    }
    fn send(&self, worker: usize, message: ToWorker) {
        if let ToWorker::Task { index, .. } = message {
            let mut handed_out = self.handed_out.lock().unwrap();
            assert!(
                !handed_out.contains(&index),
                "the master handed out task {index} a second time: does `next` move on?"
            );
            handed_out.push(index);
        }
        assert!(
            (1..=self.workers.len()).contains(&worker),
            "the master sent {message:?} to worker {worker}; workers are 1..={}",
            self.workers.len()
        );
        self.workers[worker - 1].send(message).unwrap_or_else(|_| {
            panic!("the master sent {message:?} to worker {worker}, which had already returned")
        });
    }
}

struct Worker {
    rank: usize,
    inbox: Receiver<ToWorker>,
    master: Sender<(usize, ToMaster)>,
}

impl WorkerSide for Worker {
    fn send(&self, message: ToMaster) {
        let _ = self.master.send((self.rank, message));
    }
    fn receive(&self) -> ToWorker {
        match self.inbox.recv_timeout(WAIT) {
            Ok(message) => message,
            Err(_) => panic!(
                "worker {} waited {WAIT:?} for the master's answer: does the master answer every \
                 message, with a task or with Stop, to every worker?",
                self.rank
            ),
        }
    }
}

/// The master's result and how many tasks each worker computed (index 0 is worker 1).
type Outcome = (Result<Vec<u64>, MasterError>, Vec<usize>);

/// Runs the master on `inputs` and `workers` workers, each computing with `work`.
fn run<W>(workers: usize, inputs: Vec<u64>, work: W) -> Outcome
where
    W: Fn(usize, u64) -> u64 + Send + Sync + 'static,
{
    within_patience(move || {
        let (to_master, inbox) = channel();
        let (senders, inboxes): (Vec<_>, Vec<_>) =
            (0..workers).map(|_| channel()).unzip();
        let side = Master {
            inbox,
            workers: senders,
            handed_out: Mutex::default(),
            after_the_script: None,
        };
        std::thread::scope(|s| {
            let handles: Vec<_> = inboxes
                .into_iter()
                .enumerate()
                .map(|(i, inbox)| {
                    let w = Worker {
                        rank: i + 1,
                        inbox,
                        master: to_master.clone(),
                    };
                    let work = &work;
                    s.spawn(move || worker(&w, |input| work(w.rank, input)))
                })
                .collect();
            drop(to_master);
            let result = master(&side, &inputs);
            drop(side);
            let counts = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect();
            (result, counts)
        })
    })
}

#[test]
fn the_results_come_back_in_the_order_of_the_inputs() {
    let inputs = vec![11, 23, 53, 34, 5, 8];
    let (result, _) = run(3, inputs.clone(), |_, n| n * 10);
    assert_eq!(
        result,
        Ok(inputs.iter().map(|n| n * 10).collect()),
        "results must be stored by task index, not in the order they arrive"
    );
}

#[test]
fn every_task_runs_exactly_once() {
    let calls = Arc::new(Mutex::new(HashMap::new()));
    let inputs: Vec<u64> = (100..137).collect();
    let (result, counts) = run(2, inputs.clone(), {
        let calls = Arc::clone(&calls);
        move |_, n| {
            *calls.lock().unwrap().entry(n).or_insert(0) += 1;
            n
        }
    });
    assert_eq!(result, Ok(inputs.clone()));
    let calls = calls.lock().unwrap();
    let twice: Vec<_> = calls.iter().filter(|&(_, &c)| c > 1).collect();
    assert!(twice.is_empty(), "tasks computed more than once: {twice:?}");
    assert_eq!(calls.len(), inputs.len(), "some tasks were never computed");
    assert_eq!(
        counts.iter().sum::<usize>(),
        inputs.len(),
        "the workers' counts of tasks done do not add up to the number of tasks"
    );
}

#[test]
fn every_worker_stops_even_with_more_workers_than_tasks() {
    let (result, counts) = run(5, vec![1, 2], |_, n| n + 1);
    assert_eq!(result, Ok(vec![2, 3]));
    assert_eq!(counts.len(), 5, "every worker must return");
    assert_eq!(counts.iter().sum::<usize>(), 2);
}

#[test]
fn no_tasks_still_stops_every_worker() {
    let (result, counts) = run(3, vec![], |_, n| n);
    assert_eq!(result, Ok(vec![]));
    assert_eq!(counts, vec![0, 0, 0]);
}

#[test]
fn no_workers_is_an_error_not_a_hang() {
    let (result, _) = run(0, vec![1, 2, 3], |_, n| n);
    assert_eq!(result, Err(MasterError::NoWorkers));
}

/// Task 0 is long: its worker waits at a gate that opens only when the
/// nine short tasks are all done. Any split decided up front leaves
/// short tasks behind the long one, and the gate never opens; the
/// master must give every short task to the other worker.
#[test]
fn a_long_task_does_not_hold_back_the_short_ones() {
    let gate = Arc::new(Gate::new());
    let short_done = Arc::new(Mutex::new(0));
    let inputs: Vec<u64> = std::iter::once(0)
        .chain(std::iter::repeat_n(1, 9))
        .collect();
    let (result, counts) = run(2, inputs.clone(), move |_, input| {
        if input == 0 {
            assert!(
                gate.wait(Duration::from_secs(2)),
                "the long task's worker waited for the short tasks, which never all finished: \
                 were some given to the busy worker (a split decided up front)?"
            );
        } else {
            let mut done = short_done.lock().unwrap();
            *done += 1;
            if *done == 9 {
                gate.open();
            }
        }
        input
    });
    assert_eq!(result, Ok(inputs));
    assert!(
        counts.contains(&1) && counts.contains(&9),
        "tasks per worker: {counts:?}"
    );
}

/// The master on `[10, 20, 30]` against one hand-written worker that sends `script`,
/// whose last message is a `Done` the master must refuse. A master that takes it and
/// asks for more finds the script over, and fails with a message saying so.
fn master_against(script: Vec<ToMaster>) -> Result<Vec<u64>, MasterError> {
    within_patience(move || {
        let (to_master, inbox) = channel();
        let (to_worker, _worker_inbox) = channel();
        let side = Master {
            inbox,
            workers: vec![to_worker],
            handed_out: Mutex::default(),
            after_the_script: Some(
                "the master took every message of the script and asked for another, but the \
                 last one was a Done for a task worker 1 was not computing (never handed to it, \
                 or already returned): check each Done against the task that worker holds, and \
                 return Err(MasterError::NotOutstanding) when they differ",
            ),
        };
        for message in script {
            to_master.send((1, message)).unwrap();
        }
        drop(to_master);
        master(&side, &[10, 20, 30])
    })
}

#[test]
fn a_result_nobody_asked_for_is_an_error() {
    let result =
        master_against(vec![ToMaster::Ready, ToMaster::Done { index: 1, value: 7 }]);
    assert_eq!(
        result,
        Err(MasterError::NotOutstanding {
            worker: 1,
            index: 1
        }),
        "worker 1 was given task 0, so a result for task 1 is not its to return"
    );
}

#[test]
fn a_result_returned_twice_is_an_error() {
    let done = ToMaster::Done { index: 0, value: 7 };
    let result = master_against(vec![ToMaster::Ready, done, done]);
    assert_eq!(
        result,
        Err(MasterError::NotOutstanding {
            worker: 1,
            index: 0
        }),
        "task 0 came back twice: the second is not outstanding"
    );
}

/// The same protocol under a real MPI job: `examples/ex02-mpi-ranks.rs`, master on
/// rank 0 and workers on the others, under `mpirun -n 2` (one worker) and `-n 4`
/// (three). Without MPI here (no `mpirun`, or the `mpi` feature does not build), it
/// says so and runs one and three workers as threads instead.
#[test]
fn under_mpirun_with_2_and_4_ranks_or_threads_without_mpi() {
    let ran = support::mpirun::under_mpirun(
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_TARGET_TMPDIR"),
        "ex02-mpi-ranks",
        &[2, 4],
        Duration::from_secs(60),
    );
    if ran != support::mpirun::Mpi::Ran {
        let inputs: Vec<u64> = (0..30).collect();
        for workers in [1, 3] {
            let (result, counts) = run(workers, inputs.clone(), |_, n| n * n);
            assert_eq!(result, Ok(inputs.iter().map(|n| n * n).collect()));
            assert_eq!(counts.iter().sum::<usize>(), inputs.len());
        }
    }
}
