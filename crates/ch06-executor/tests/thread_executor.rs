//! The thread back end, by structure: gates order events, rendezvous prove
//! concurrency, a watchdog turns a hang into a failure. Nothing here measures time.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock};

use ch06_executor::{
    Executor, Handoff, Phase, ReturnWhen, SPIN_BUDGET, SubmitError, TaskError,
    ThreadExecutor, Ticket, as_completed, wait,
};
use support::{Gate, PATIENCE, Rendezvous, within_patience};

fn assert_send_sync<T: Send + Sync>() {}

/// `n` gated tasks on an executor of `n` threads: task `i` returns `i` once its gate
/// opens. Returns after every task has started.
fn gated(
    executor: &ThreadExecutor,
    n: usize,
) -> (Vec<Ticket<usize>>, Vec<Arc<Gate>>) {
    let (started, all_started) = mpsc::channel();
    let gates: Vec<Arc<Gate>> = (0..n).map(|_| Arc::new(Gate::new())).collect();
    let tickets = (0..n)
        .map(|i| {
            let (gate, started) = (gates[i].clone(), started.clone());
            executor
                .spawn(move || {
                    started.send(()).unwrap();
                    gate.wait_or_panic();
                    i
                })
                .unwrap()
        })
        .collect();
    for _ in 0..n {
        all_started
            .recv_timeout(PATIENCE)
            .expect("a gated task never started");
    }
    (tickets, gates)
}

fn double(n: u64) -> u64 {
    2 * n
}

#[test]
fn an_executor_is_send_and_sync_and_several_threads_submit() {
    assert_send_sync::<ThreadExecutor>();
    within_patience(|| {
        let executor = ThreadExecutor::new(2).unwrap();
        let total: u64 = std::thread::scope(|s| {
            let submitters: Vec<_> = (0..4u64)
                .map(|i| {
                    let executor = &executor;
                    s.spawn(move || {
                        executor.submit(double, i).unwrap().result().unwrap()
                    })
                })
                .collect();
            submitters.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(total, 2 * (1 + 2 + 3));
    });
}

#[test]
fn n_workers_run_n_tasks_at_once() {
    within_patience(|| {
        let executor = ThreadExecutor::new(3).unwrap();
        let meet = Arc::new(Rendezvous::new(3));
        let tickets: Vec<_> = (0..3)
            .map(|_| {
                let meet = meet.clone();
                executor
                    .spawn(move || {
                        meet.arrive(PATIENCE / 4)
                            .map(|()| std::thread::current().id())
                    })
                    .unwrap()
            })
            .collect();
        let ids: HashSet<_> = tickets
            .iter()
            .map(|t| t.result().unwrap().unwrap())
            .collect();
        assert_eq!(ids.len(), 3, "three tasks on three distinct threads");
    });
}

// ANCHOR: cancel_test
#[test]
fn cancel_wins_only_while_the_task_is_pending() {
    within_patience(|| {
        let executor = ThreadExecutor::new(1).unwrap();
        let (mut running, gates) = gated(&executor, 1);
        let running = running.remove(0);
        let ran = Arc::new(AtomicUsize::new(0));
        let queued = {
            let ran = ran.clone();
            executor
                .spawn(move || ran.fetch_add(1, Ordering::SeqCst))
                .unwrap()
        };
        assert_eq!(running.phase(), Phase::Running);
        assert_eq!(queued.phase(), Phase::Pending, "one worker, and it is busy");
        assert!(!running.cancel(), "a running task cannot be cancelled");
        assert!(queued.cancel(), "a pending task can");
        gates[0].open();
        assert_eq!(running.result(), Ok(0));
        assert_eq!(queued.result(), Err(TaskError::Cancelled));
        // waits for the worker: the cancelled task was skipped, not run
        drop(executor);
        assert_eq!(
            ran.load(Ordering::SeqCst),
            0,
            "a cancelled task must never run"
        );
    });
}
// ANCHOR_END: cancel_test

#[test]
fn as_completed_yields_in_completion_order() {
    within_patience(|| {
        let executor = ThreadExecutor::new(3).unwrap();
        let (tickets, gates) = gated(&executor, 3);
        let mut completed = as_completed(tickets);
        for i in [2, 0, 1] {
            gates[i].open();
            let ticket = completed.next().expect("one ticket per task");
            assert!(ticket.done(), "as_completed yields done tickets only");
            assert_eq!(ticket.result(), Ok(i), "the task whose gate just opened");
        }
        assert!(completed.next().is_none());
    });
}

#[test]
fn as_completed_yields_already_done_tickets_at_once() {
    within_patience(|| {
        let executor = ThreadExecutor::new(1).unwrap();
        let tickets: Vec<_> = (0..3u64)
            .map(|i| executor.submit(double, i).unwrap())
            .collect();
        for t in &tickets {
            t.result().unwrap();
        }
        let results: HashSet<u64> =
            as_completed(tickets).map(|t| t.result().unwrap()).collect();
        assert_eq!(results, HashSet::from([0, 2, 4]));
    });
}

#[test]
fn wait_returns_as_soon_as_its_condition_holds() {
    within_patience(|| {
        let executor = ThreadExecutor::new(3).unwrap();
        let (tickets, gates) = gated(&executor, 3);
        gates[1].open();
        let (done, not_done) = wait(tickets.clone(), ReturnWhen::FirstCompleted);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].result(), Ok(1));
        assert_eq!(not_done.len(), 2, "the two gated tasks are not done");
        gates[0].open();
        gates[2].open();
        let (done, not_done) = wait(tickets, ReturnWhen::AllCompleted);
        assert_eq!((done.len(), not_done.len()), (3, 0));
    });
}

#[test]
fn first_exception_returns_on_a_failure_not_on_a_success_or_a_cancel() {
    within_patience(|| {
        let executor = ThreadExecutor::new(2).unwrap();
        let (tickets, gates) = gated(&executor, 2);
        let pending = executor.spawn(|| 0usize).unwrap();
        assert!(
            pending.cancel(),
            "the two workers are busy: it is still pending"
        );
        gates[0].open();
        tickets[0].result().unwrap();
        let failing = {
            let gate = gates[1].clone();
            executor
                .spawn(move || -> usize {
                    gate.wait_or_panic();
                    panic!("boom")
                })
                .unwrap()
        };
        let slow = Arc::new(Gate::new());
        let blocked = {
            let slow = slow.clone();
            executor.spawn(move || slow.wait_or_panic()).unwrap()
        };
        gates[1].open();
        let all = vec![
            tickets[0].clone(),
            pending.clone(),
            failing.clone(),
            tickets[1].clone(),
        ];
        let (done, not_done) = wait(all, ReturnWhen::FirstException);
        assert!(
            done.iter().any(|t| t.failed()),
            "FIRST_EXCEPTION returns once a task failed"
        );
        assert!(
            matches!(failing.result(), Err(TaskError::Panicked { ref message }) if message == "boom")
        );
        assert!(not_done.len() <= 1);
        slow.open();
        blocked.result().unwrap();
    });
}

// ANCHOR: map_order
/// Task `i` may finish only after task `i + 1` has: they complete last-first.
static FINISHED: LazyLock<(std::sync::Mutex<usize>, std::sync::Condvar)> =
    LazyLock::new(Default::default);
const N: usize = 4;

fn in_reverse(i: u64) -> u64 {
    let (count, changed) = &*FINISHED;
    let mut count = count.lock().unwrap();
    while *count != N - 1 - i as usize {
        count = changed.wait_timeout(count, PATIENCE).unwrap().0;
    }
    *count += 1;
    changed.notify_all();
    i * 10
}

#[test]
fn map_gives_results_in_argument_order_whatever_the_completion_order() {
    within_patience(|| {
        let executor = ThreadExecutor::new(N).unwrap();
        let results: Vec<u64> = executor
            .map(in_reverse, 0..N as u64)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(results, [0, 10, 20, 30]);
    });
}
// ANCHOR_END: map_order

#[test]
fn shutdown_can_cancel_the_queue_and_refuses_later_submits() {
    within_patience(|| {
        let executor = ThreadExecutor::new(1).unwrap();
        let (running, gates) = gated(&executor, 1);
        let queued: Vec<_> = (0..3u64)
            .map(|i| executor.submit(double, i).unwrap())
            .collect();
        executor.shutdown(false, true);
        for t in &queued {
            assert_eq!(
                t.result(),
                Err(TaskError::Cancelled),
                "cancel_pending cancels the queue"
            );
        }
        assert!(!running[0].done(), "the running task goes on");
        assert!(matches!(
            executor.submit(double, 1),
            Err(SubmitError::Shutdown)
        ));
        gates[0].open();
        executor.shutdown(true, false);
        assert_eq!(running[0].result(), Ok(0));
    });
}

#[test]
fn drop_waits_for_every_queued_task() {
    within_patience(|| {
        let executor = ThreadExecutor::new(1).unwrap();
        let tickets: Vec<_> = (0..5u64)
            .map(|i| executor.submit(double, i).unwrap())
            .collect();
        drop(executor);
        for (i, t) in tickets.iter().enumerate() {
            assert!(t.done(), "Drop returned before task {i} ran");
            assert_eq!(t.result(), Ok(2 * i as u64));
        }
    });
}

#[test]
fn a_panicking_task_fails_its_ticket_and_the_worker_lives_on() {
    within_patience(|| {
        let executor = ThreadExecutor::new(1).unwrap();
        let bad = executor.spawn(|| -> u64 { panic!("bad task") }).unwrap();
        let good = executor.submit(double, 21).unwrap();
        assert_eq!(
            bad.result(),
            Err(TaskError::Panicked {
                message: "bad task".into()
            })
        );
        assert_eq!(good.result(), Ok(42));
    });
}

#[test]
fn zero_workers_is_an_error() {
    assert!(matches!(
        ThreadExecutor::new(0),
        Err(SubmitError::ZeroWorkers)
    ));
}

// ANCHOR: self_submit
/// A task that submits to its own executor and waits for the result:
/// with every worker busy doing the same, the inner task can never
/// start. `result_timeout` is the watchdog.
#[test]
fn a_task_waiting_on_its_own_executor_deadlocks() {
    within_patience(|| {
        let executor = Arc::new(ThreadExecutor::new(1).unwrap());
        let (sent, inner) = mpsc::channel();
        let outer = {
            let executor = executor.clone();
            executor
                .clone()
                .spawn(move || {
                    let inner = executor.spawn(|| 42u64).unwrap();
                    sent.send(inner.clone()).unwrap();
                    inner.result() // waits for a worker: the only one is this one
                })
                .unwrap()
        };
        let inner = inner.recv_timeout(PATIENCE).unwrap();
        assert_eq!(outer.phase(), Phase::Running);
        assert_eq!(inner.phase(), Phase::Pending, "no free worker to start it");
        // The watchdog: nothing can finish, however long we wait.
        let watchdog = std::time::Duration::from_millis(100);
        assert_eq!(outer.result_timeout(watchdog), Err(TaskError::Timeout));
        assert_eq!(inner.phase(), Phase::Pending, "still no free worker");
        // A rescue, not a design: cancel the inner task (it is pending,
        // so cancel wins).
        assert!(inner.cancel());
        assert_eq!(outer.result(), Ok(Err(TaskError::Cancelled)));
    });
}
// ANCHOR_END: self_submit

// ANCHOR: ways_out
/// Way out 1: do not wait inside a task. The caller chains the second
/// step after the first.
#[test]
fn way_out_chain_from_the_caller() {
    within_patience(|| {
        let executor = ThreadExecutor::new(1).unwrap();
        let first = executor.submit(double, 10).unwrap().result().unwrap();
        let second = executor
            .submit(double, first + 1)
            .unwrap()
            .result()
            .unwrap();
        assert_eq!(second, 42);
    });
}

/// Way out 2: inner tasks go to another executor, whose workers never
/// wait on the first.
#[test]
fn way_out_a_second_executor_for_inner_tasks() {
    within_patience(|| {
        let outer_pool = ThreadExecutor::new(1).unwrap();
        let inner_pool = Arc::new(ThreadExecutor::new(1).unwrap());
        let outer = {
            let inner_pool = inner_pool.clone();
            outer_pool
                .spawn(move || inner_pool.submit(double, 21).unwrap().result())
                .unwrap()
        };
        assert_eq!(outer.result(), Ok(Ok(42)));
    });
}

/// Not a way out: more workers than one task needs. Two workers survive
/// one waiting task, and deadlock as soon as two outer tasks run at
/// once (the rendezvous makes sure they do).
#[test]
fn more_workers_only_moves_the_deadlock() {
    within_patience(|| {
        let executor = Arc::new(ThreadExecutor::new(2).unwrap());
        let both_running = Arc::new(Rendezvous::new(2));
        let (sent, inners) = mpsc::channel();
        let outers: Vec<_> = (0..2)
            .map(|_| {
                let (executor, both_running, sent) =
                    (executor.clone(), both_running.clone(), sent.clone());
                executor
                    .clone()
                    .spawn(move || {
                        both_running.arrive_or_panic();
                        let inner = executor.spawn(|| 1u64).unwrap();
                        sent.send(inner.clone()).unwrap();
                        inner.result()
                    })
                    .unwrap()
            })
            .collect();
        let inners: Vec<Ticket<u64>> = (0..2)
            .map(|_| inners.recv_timeout(PATIENCE).unwrap())
            .collect();
        let watchdog = std::time::Duration::from_millis(100);
        assert_eq!(outers[0].result_timeout(watchdog), Err(TaskError::Timeout));
        assert!(inners.iter().all(|t| t.phase() == Phase::Pending));
        // Cancelling one inner task frees its outer task's worker,
        // which then runs the other.
        assert!(
            inners[0].cancel(),
            "both workers wait: nothing can have started it"
        );
        let mut results: Vec<_> =
            outers.iter().map(|o| o.result().unwrap()).collect();
        results.sort_by_key(|r| r.is_ok());
        assert_eq!(results, [Err(TaskError::Cancelled), Ok(1)]);
    });
}
// ANCHOR_END: ways_out

/// This test program has libtest's `main`, which never calls `serve_if_worker`: a
/// process executor started here must fail at once, and say why.
#[cfg(target_os = "linux")]
#[test]
fn a_program_that_does_not_serve_cannot_start_process_workers() {
    within_patience(|| match ch06_executor::ProcessExecutor::new(1) {
        Err(SubmitError::Start(why)) => assert!(
            why.contains("serve_if_worker()") && why.contains("before it said hello"),
            "{why}"
        ),
        Err(e) => panic!("expected a start error, got {e}"),
        Ok(_) => panic!("a worker that does not serve must not pass the hello"),
    });
}

/// The hand-offs to check: park at once (the park path only), the default budget, a
/// budget so short that each wait races the spin against the park, and a spin that
/// never gives up by itself (the spin path only: no notify is ever needed).
fn handoffs() -> [Handoff; 4] {
    [
        Handoff::PARK,
        Handoff::spin_then_park(SPIN_BUDGET),
        Handoff::spin_then_park(std::time::Duration::from_micros(1)),
        Handoff::spin_then_park(std::time::Duration::from_secs(3600)),
    ]
}

#[test]
fn every_hand_off_delivers_every_result_exactly_once() {
    within_patience(|| {
        for handoff in handoffs() {
            let executor = ThreadExecutor::with_handoff(2, handoff).unwrap();
            let runs = Arc::new(AtomicUsize::new(0));
            std::thread::scope(|s| {
                for submitter in 0..3usize {
                    let (executor, runs) = (&executor, runs.clone());
                    s.spawn(move || {
                        for i in 0..300 {
                            let n = submitter * 1000 + i;
                            let runs = runs.clone();
                            let back = executor
                                .spawn(move || {
                                    runs.fetch_add(1, Ordering::Relaxed);
                                    n
                                })
                                .unwrap()
                                .result();
                            assert_eq!(
                                back,
                                Ok(n),
                                "{handoff:?}: a result went astray"
                            );
                        }
                    });
                }
            });
            assert_eq!(
                runs.load(Ordering::Relaxed),
                900,
                "{handoff:?}: each task once"
            );
        }
    });
}

#[test]
fn no_wake_up_is_lost_over_many_round_trips() {
    // One worker, back-to-back round trips: each waiter finds its partner spinning,
    // parking or in between, many thousand times over. A lost wake-up would hang (the
    // watchdog fails).
    within_patience(|| {
        for handoff in handoffs() {
            let executor = ThreadExecutor::with_handoff(1, handoff).unwrap();
            for i in 0..5_000u64 {
                assert_eq!(executor.submit(double, i).unwrap().result(), Ok(2 * i));
            }
        }
    });
}

#[test]
fn a_gated_task_is_waited_for_on_every_hand_off() {
    // The task is behind a gate opened only after `result()` was called: whatever the
    // budget, the result comes from the worker's completion, spun for or woken up to.
    within_patience(|| {
        for handoff in handoffs() {
            let executor = ThreadExecutor::with_handoff(1, handoff).unwrap();
            let gate = Arc::new(Gate::new());
            let ticket = {
                let gate = gate.clone();
                executor
                    .spawn(move || {
                        gate.wait_or_panic();
                        7
                    })
                    .unwrap()
            };
            let opener = std::thread::spawn(move || gate.open());
            assert_eq!(ticket.result(), Ok(7), "{handoff:?}");
            opener.join().unwrap();
        }
    });
}
