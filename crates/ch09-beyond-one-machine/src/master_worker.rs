//! Dynamic decomposition: rank 0 is the master and hands out one task at a time;
//! every other rank is a worker that asks for more by returning a result.
//!
//! This is what a pool does on one machine (chapter 04), spelled out in messages: a
//! worker that drew a long task keeps it, the others keep taking short ones, so
//! uneven tasks balance themselves. The functions are generic over [`Transport`]: the
//! tests run them over channels, the examples over MPI.

use std::fmt;

use crate::transport::{Message, Transport, TransportError};

/// What the master collected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Task `i`'s result at index `i`, whatever order they finished in.
    pub results: Vec<u64>,
    /// The rank that computed task `i`.
    pub done_by: Vec<usize>,
}

impl Outcome {
    /// How many tasks each rank computed, rank 0 (the master, always 0) first.
    pub fn tasks_per_rank(&self, size: usize) -> Vec<usize> {
        let mut counts = vec![0; size];
        for &rank in &self.done_by {
            counts[rank] += 1;
        }
        counts
    }
}

/// Why the protocol stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtocolError {
    /// A world of one rank has a master and no worker.
    NoWorkers,
    /// Sending or receiving failed.
    Transport(TransportError),
    /// A rank sent a message its role never receives (a worker sent `Task`, say).
    Unexpected { from: usize, message: Message },
    /// A result for a task that was never handed out, or was already returned.
    NotOutstanding { from: usize, index: u64 },
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::NoWorkers => {
                write!(
                    f,
                    "master/worker needs at least 2 ranks: rank 0 only hands out tasks"
                )
            }
            ProtocolError::Transport(e) => write!(f, "transport: {e}"),
            ProtocolError::Unexpected { from, message } => {
                write!(
                    f,
                    "rank {from} sent {message:?}, which this rank never expects"
                )
            }
            ProtocolError::NotOutstanding { from, index } => {
                write!(
                    f,
                    "rank {from} returned task {index}, which was not outstanding"
                )
            }
        }
    }
}

impl std::error::Error for ProtocolError {}

impl From<TransportError> for ProtocolError {
    fn from(e: TransportError) -> Self {
        ProtocolError::Transport(e)
    }
}

// ANCHOR: master
/// Rank 0's side: hands `inputs` out one at a time, to whichever worker returns a
/// result first, then tells every worker to stop. Returns the results in the order of
/// `inputs`. When it gives up with an error, it still tells every worker it has not
/// stopped yet to stop: left waiting for a task, a worker would wait forever.
pub fn master<T: Transport>(t: &T, inputs: &[u64]) -> Result<Outcome, ProtocolError> {
    if t.size() < 2 {
        return Err(ProtocolError::NoWorkers);
    }
    let mut stopped = vec![false; t.size()];
    let outcome = hand_out(t, inputs, &mut stopped);
    if outcome.is_err() {
        for worker in (1..t.size()).filter(|&worker| !stopped[worker]) {
            let _ = t.send(worker, Message::Stop); // best effort: it may be gone
        }
    }
    outcome
}

/// [`master`]'s work; `stopped[worker]` records each worker told to stop.
fn hand_out<T: Transport>(
    t: &T,
    inputs: &[u64],
    stopped: &mut [bool],
) -> Result<Outcome, ProtocolError> {
    let mut results: Vec<Option<(u64, usize)>> = vec![None; inputs.len()];
    let mut next = 0;
    let mut in_flight = 0;

    // Hand out the next task to `worker`, or tell it to stop when none is left.
    let mut feed = |worker: usize, next: &mut usize, in_flight: &mut usize| {
        if let Some(&input) = inputs.get(*next) {
            t.send(
                worker,
                Message::Task {
                    index: *next as u64,
                    input,
                },
            )?;
            *next += 1;
            *in_flight += 1;
        } else {
            stopped[worker] = true;
            t.send(worker, Message::Stop)?;
        }
        Ok::<_, ProtocolError>(())
    };

    // One task for every worker to start with...
    for worker in 1..t.size() {
        feed(worker, &mut next, &mut in_flight)?;
    }
    // ...then one more for whoever finishes, until every result is in.
    while in_flight > 0 {
        let (from, message) = t.receive()?;
        let Message::Done { index, value } = message else {
            return Err(ProtocolError::Unexpected { from, message });
        };
        let slot = usize::try_from(index)
            .ok()
            .filter(|&i| i < next && results[i].is_none())
            .ok_or(ProtocolError::NotOutstanding { from, index })?;
        results[slot] = Some((value, from));
        in_flight -= 1;
        feed(from, &mut next, &mut in_flight)?;
    }
    let (results, done_by) = results
        .into_iter()
        .map(|slot| slot.expect("every task was handed out and returned"))
        .unzip();
    Ok(Outcome { results, done_by })
}
// ANCHOR_END: master

// ANCHOR: worker
/// A worker's side: computes every task rank 0 sends until it says stop. Returns how
/// many tasks this worker computed.
pub fn worker<T: Transport>(
    t: &T,
    work: impl Fn(u64) -> u64,
) -> Result<usize, ProtocolError> {
    let mut done = 0;
    loop {
        match t.receive()? {
            (0, Message::Task { index, input }) => {
                t.send(
                    0,
                    Message::Done {
                        index,
                        value: work(input),
                    },
                )?;
                done += 1;
            }
            (0, Message::Stop) => return Ok(done),
            (from, message) => {
                return Err(ProtocolError::Unexpected { from, message });
            }
        }
    }
}
// ANCHOR_END: worker

/// Every rank's `main` for master/worker: rank 0 runs [`master`] and returns `Some`,
/// the others run [`worker`] and return `None`.
pub fn master_worker<T: Transport>(
    t: &T,
    inputs: &[u64],
    work: impl Fn(u64) -> u64,
) -> Result<Option<Outcome>, ProtocolError> {
    if t.rank() == 0 {
        master(t, inputs).map(Some)
    } else {
        worker(t, work).map(|_| None)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::Duration;

    use support::{Gate, watchdog};
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at, cpu_bound_expected};

    use super::*;
    use crate::transport::{channel_world, run_ranks};

    const LIMIT: Duration = Duration::from_secs(20);

    fn only_master(outcomes: Vec<Result<Option<Outcome>, ProtocolError>>) -> Outcome {
        let mut outcomes = outcomes.into_iter();
        let master = outcomes.next().unwrap().unwrap().unwrap();
        for (rank, worker) in outcomes.enumerate() {
            assert_eq!(worker, Ok(None), "worker {} failed", rank + 1);
        }
        master
    }

    #[test]
    fn the_tutorial_over_four_ranks_gives_the_sequential_results_in_order() {
        let outcome = watchdog(LIMIT, || {
            only_master(run_ranks(4, |t| {
                master_worker(&t, &TUTORIAL_NUMBERS, |n| cpu_bound_at(n, Scale::TEST))
            }))
        });
        let want: Vec<u64> = TUTORIAL_NUMBERS
            .iter()
            .map(|&n| cpu_bound_expected(n, Scale::TEST))
            .collect();
        assert_eq!(outcome.results, want);
        assert!(outcome.done_by.iter().all(|&rank| (1..4).contains(&rank)));
    }

    #[test]
    fn every_task_is_computed_exactly_once_with_more_tasks_than_workers() {
        let inputs: Vec<u64> = (100..137).collect();
        let (outcome, calls) = watchdog(LIMIT, {
            let inputs = inputs.clone();
            move || {
                let calls = Mutex::new(HashMap::new());
                let outcome = only_master(run_ranks(3, |t| {
                    master_worker(&t, &inputs, |n| {
                        *calls.lock().unwrap().entry(n).or_insert(0) += 1;
                        n * 2
                    })
                }));
                (outcome, calls.into_inner().unwrap())
            }
        });
        assert_eq!(
            outcome.results,
            inputs.iter().map(|n| n * 2).collect::<Vec<_>>()
        );
        assert_eq!(calls.len(), inputs.len());
        assert!(
            calls.values().all(|&c| c == 1),
            "a task ran twice: {calls:?}"
        );
        assert_eq!(
            outcome.tasks_per_rank(3).iter().sum::<usize>(),
            inputs.len()
        );
    }

    #[test]
    fn more_workers_than_tasks_all_stop() {
        let outcome = watchdog(LIMIT, || {
            only_master(run_ranks(6, |t| master_worker(&t, &[5, 6], |n| n + 1)))
        });
        assert_eq!(outcome.results, vec![6, 7]);
        let none = watchdog(LIMIT, || {
            only_master(run_ranks(3, |t| master_worker(&t, &[], |n| n)))
        });
        assert_eq!(none.results, Vec::<u64>::new());
    }

    // ANCHOR: uneven_test
    /// One long task blocks its worker on a gate that opens only once all the short
    /// tasks are done. The master must give every short task to the other worker:
    /// with a static split, the blocked worker would hold short tasks too, and the
    /// gate would never open.
    #[test]
    fn a_long_task_does_not_hold_back_the_short_ones() {
        let outcome = watchdog(LIMIT, || {
            let gate = Gate::new();
            let short_done = Mutex::new(0);
            let inputs: Vec<u64> = std::iter::once(0)
                .chain(std::iter::repeat_n(1, 9))
                .collect();
            only_master(run_ranks(3, |t| {
                master_worker(&t, &inputs, |input| {
                    if input == 0 {
                        assert!(
                            gate.wait(Duration::from_secs(5)),
                            "the short tasks never all finished while the long \
                             one ran: were they given to the busy worker?"
                        );
                    } else {
                        let mut done = short_done.lock().unwrap();
                        *done += 1;
                        if *done == 9 {
                            gate.open();
                        }
                    }
                    input
                })
            }))
        });
        let long_rank = outcome.done_by[0];
        assert_eq!(outcome.tasks_per_rank(3)[long_rank], 1);
    }
    // ANCHOR_END: uneven_test

    #[test]
    fn one_rank_is_no_workers_not_a_hang() {
        let world = channel_world(1);
        assert_eq!(master(&world[0], &[1, 2]), Err(ProtocolError::NoWorkers));
    }

    #[test]
    fn a_worker_sending_a_task_to_the_master_is_an_error() {
        let mut world = channel_world(2);
        let rogue = world.pop().unwrap();
        let result = std::thread::scope(|s| {
            s.spawn(move || {
                let _ = rogue.receive();
                rogue.send(0, Message::Task { index: 0, input: 1 }).unwrap();
                while rogue.receive().is_ok() {}
            });
            let own = world.pop().unwrap();
            master(&own, &[1])
        });
        assert_eq!(
            result,
            Err(ProtocolError::Unexpected {
                from: 1,
                message: Message::Task { index: 0, input: 1 }
            })
        );
    }

    #[test]
    fn a_duplicate_or_unknown_result_is_an_error() {
        for index in [0, 9] {
            let mut world = channel_world(2);
            let rogue = world.pop().unwrap();
            let result = std::thread::scope(|s| {
                s.spawn(move || {
                    let _ = rogue.receive();
                    rogue.send(0, Message::Done { index: 0, value: 1 }).unwrap();
                    rogue.send(0, Message::Done { index, value: 1 }).unwrap();
                    while rogue.receive().is_ok() {}
                });
                let own = world.pop().unwrap();
                master(&own, &[1, 2, 3])
            });
            assert_eq!(
                result,
                Err(ProtocolError::NotOutstanding { from: 1, index })
            );
        }
    }

    /// A master that gives up tells every worker it has not stopped yet to stop.
    /// Over channels, two idle workers left waiting would wait for each other
    /// forever (each holds a sender to the other's inbox); under MPI they would wait
    /// for rank 0.
    #[test]
    fn a_master_that_gives_up_stops_the_workers_still_waiting() {
        let (result, workers) = watchdog(LIMIT, || {
            let mut world = channel_world(4);
            let (rank_3, rank_2) = (world.pop().unwrap(), world.pop().unwrap());
            // rank 1 is gone before its first task: the master's first send fails
            drop(world.pop());
            let own = world.pop().unwrap();
            std::thread::scope(|s| {
                let workers =
                    [rank_2, rank_3].map(|t| s.spawn(move || worker(&t, |n| n)));
                let result = master(&own, &[1, 2, 3]);
                drop(own);
                (result, workers.map(|w| w.join().unwrap()))
            })
        });
        assert_eq!(
            result,
            Err(ProtocolError::Transport(TransportError::Disconnected))
        );
        assert_eq!(workers, [Ok(0), Ok(0)], "both workers were told to stop");
    }

    #[test]
    fn a_worker_that_dies_is_an_error_for_the_master_not_a_hang() {
        let result = watchdog(LIMIT, || {
            let mut world = channel_world(2);
            drop(world.pop());
            master(&world[0], &[1])
        });
        assert_eq!(
            result,
            Err(ProtocolError::Transport(TransportError::Disconnected))
        );
    }
}
