//! Spec for exercise 3. Each test runs in a single-threaded process of its own, with
//! a time limit, and fails if it leaves a child process behind (see `support::fork`).
//!
//! Tasks are plain functions (`fn(u64) -> u64`): only code crosses to a worker. What
//! they share with the test lives in statics set before the pool forks, in memory
//! mapped as shared.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ch04_ex03_worker_died::{TaskError, map_with_pool};
use nix::sys::signal::{Signal, raise};
use support::case;
use support::fork::{ProcessRendezvous, Runner};

fn times_ten(x: u64) -> u64 {
    x * 10
}

fn my_pid(_: u64) -> u64 {
    u64::from(std::process::id())
}

/// Input 4 kills its worker; input 6 makes its worker exit with code 7.
fn deadly(x: u64) -> u64 {
    match x {
        4 => {
            let _ = raise(Signal::SIGKILL);
            0
        }
        // SAFETY: `_exit` has no preconditions; this is a worker
        // process, forked by the pool.
        6 => unsafe { nix::libc::_exit(7) },
        _ => x * 10,
    }
}

/// The pid of the worker `pid_or_die` killed, in memory shared with the workers.
static DIED: OnceLock<&'static [AtomicUsize]> = OnceLock::new();

/// Input 1 kills its worker (after noting its pid); every task answers
/// with its worker's pid.
fn pid_or_die(x: u64) -> u64 {
    if x == 1 {
        let died = DIED.get().expect("set before the pool forks");
        died[0].store(std::process::id() as usize, Ordering::SeqCst);
        let _ = raise(Signal::SIGKILL);
    }
    u64::from(std::process::id())
}

static MEET: OnceLock<ProcessRendezvous> = OnceLock::new();

/// 1 if every worker of the pool was inside a task at the same moment.
fn meet(_: u64) -> u64 {
    let rendezvous = MEET.get().expect("set before the pool forks");
    u64::from(rendezvous.arrive(Duration::from_secs(2)).is_ok())
}

/// `map_with_pool` on inputs that kill workers: its results, or a failure that names
/// the likely mistake.
#[track_caller]
fn map_with_deaths(
    n: usize,
    f: fn(u64) -> u64,
    inputs: &[u64],
) -> Vec<Result<u64, TaskError>> {
    let e = match map_with_pool(n, f, inputs) {
        Ok(results) => return results,
        Err(e) => e,
    };
    let hint = if e.kind() == std::io::ErrorKind::BrokenPipe {
        ": a broken pipe means a task went to a dead worker. Replace a worker as soon as \
         `receive` says it died or exited, before the next round sends it a task"
    } else {
        ""
    };
    panic!("map_with_pool({n} workers, {inputs:?}) failed: {e}{hint}")
}

fn results_come_back_in_input_order() {
    let got = map_with_pool(3, times_ten, &[5, 1, 4, 2, 3, 0, 9]).unwrap();
    let want: Vec<Result<u64, TaskError>> =
        [50, 10, 40, 20, 30, 0, 90].map(Ok).into();
    assert_eq!(got, want);
    assert_eq!(map_with_pool(2, times_ten, &[]).unwrap(), vec![]);
}

fn zero_workers_is_an_error() {
    assert!(map_with_pool(0, times_ten, &[1]).is_err());
}

fn n_worker_processes_serve_every_task() {
    let pids = map_with_pool(3, my_pid, &[0; 12]).unwrap();
    let pids: HashSet<u64> = pids.into_iter().map(Result::unwrap).collect();
    assert!(
        !pids.contains(&u64::from(std::process::id())),
        "tasks run in the workers, not in the caller"
    );
    assert_eq!(
        pids.len(),
        3,
        "12 tasks, served by the pool's 3 worker processes: {pids:?}"
    );
}

fn every_worker_runs_a_task_at_the_same_time() {
    MEET.get_or_init(|| ProcessRendezvous::new(3));
    let got = map_with_pool(3, meet, &[0; 3]).unwrap();
    assert_eq!(
        got,
        vec![Ok(1), Ok(1), Ok(1)],
        "the 3 workers did not all run a task at once (0: a worker waited 2 s for the others): \
         send a task to every worker before receiving any result"
    );
}

fn a_dead_worker_fails_exactly_its_task_and_names_the_signal() {
    let got = map_with_deaths(3, deadly, &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (x, result) in got.iter().enumerate() {
        match x {
            4 => assert!(
                matches!(
                    result,
                    Err(TaskError::WorkerDied {
                        signal: Signal::SIGKILL,
                        ..
                    })
                ),
                "task 4 killed its worker with SIGKILL: {result:?}"
            ),
            6 => assert!(
                matches!(result, Err(TaskError::WorkerExited { code: 7, .. })),
                "task 6 made its worker exit with code 7: {result:?}"
            ),
            _ => assert_eq!(
                *result,
                Ok(x as u64 * 10),
                "task {x} ran on a worker that lived: it completes"
            ),
        }
    }
    let text = got[4].clone().unwrap_err().to_string();
    assert!(
        text.contains("SIGKILL"),
        "the message names the signal: {text}"
    );
}

fn the_dead_worker_is_replaced_and_the_others_keep_serving() {
    let killed = DIED.get_or_init(|| support::fork::shared_counters(1));
    let got = map_with_deaths(2, pid_or_die, &[0, 1, 2, 3, 4, 5]);
    assert!(
        matches!(got[1], Err(TaskError::WorkerDied { .. })),
        "{got:?}"
    );
    let died = match got[1] {
        Err(TaskError::WorkerDied { pid, .. }) => u64::from(pid),
        _ => unreachable!(),
    };
    assert_eq!(
        died,
        killed[0].load(Ordering::SeqCst) as u64,
        "the error names the pid of the worker that died"
    );
    let served: Vec<u64> = got
        .iter()
        .enumerate()
        .filter(|&(x, _)| x != 1)
        .map(|(x, r)| r.clone().unwrap_or_else(|e| panic!("task {x} failed: {e}")))
        .collect();
    assert!(
        !served.contains(&died),
        "the dead worker served nothing more"
    );
    let distinct: HashSet<u64> = served.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        2,
        "the living worker and one replacement serve the rest (no worker restarted that \
         was alive): {got:?}"
    );
    assert_eq!(
        served[0], served[1],
        "worker 0 lived: it served tasks 0 and 2"
    );
}

fn every_worker_is_reaped_even_the_dead() {
    let _ = map_with_deaths(3, deadly, &[4, 4, 6, 1]);
    assert_eq!(support::zombies(), Vec::<i32>::new(), "reap every worker");
    assert!(support::children().is_empty(), "stop every worker");
}

fn main() -> ExitCode {
    Runner::new()
        .patience(Duration::from_secs(10))
        .on_hang(
            "A hang here is usually the parent waiting for a result that will never come: \
             sending a task to a dead worker, or stopping (closing, then waiting for) a \
             worker whose task pipe another process still holds open.",
        )
        .run(&[
            case!(results_come_back_in_input_order),
            case!(zero_workers_is_an_error),
            case!(n_worker_processes_serve_every_task),
            case!(every_worker_runs_a_task_at_the_same_time),
            case!(a_dead_worker_fails_exactly_its_task_and_names_the_signal),
            case!(the_dead_worker_is_replaced_and_the_others_keep_serving),
            case!(every_worker_is_reaped_even_the_dead),
        ])
}
