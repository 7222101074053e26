//! Chapter 06's benchmarks: a submit + result round trip on each back end (parking
//! waiters, and spinning before parking), the round trip at several spin budgets, the
//! first result through `as_completed` against waiting in submission order, an
//! executor's whole life around one task, and the tutorial's rows scaled (one unit of
//! sleep is 1 ms).
//!
//! `main` is written out (no `criterion_main!`): the process executor's workers are
//! re-executed copies of this program, and `serve_if_worker` must run first.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ch06_executor::tutorial::{do_something, tutorial_pairs};
use ch06_executor::{
    Executor, Handoff, ProcessExecutor, SPIN_BUDGET, ThreadExecutor, as_completed,
};
use criterion::Criterion;
use workloads::Scale;

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

fn echo(n: u64) -> u64 {
    n
}

/// Sleeps `units` ms and returns them.
fn sleep_units(units: u64) -> u64 {
    let _ = workloads::do_something(units, 0, Scale::TEST);
    units
}

fn tutorial_task((a, b): (u64, u64)) -> String {
    do_something(a, b, Scale::TEST)
}

// ANCHOR: round_trip
/// One round trip: submit a task that returns its argument, wait for its result.
fn echo_once(executor: &impl Executor) -> u64 {
    executor
        .submit(echo, black_box(1))
        .unwrap()
        .result()
        .unwrap()
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("round-trip");
    let spin = Handoff::spin_then_park(SPIN_BUDGET);
    for (name, handoff) in [("park only", Handoff::PARK), ("spin then park", spin)] {
        let threads = ThreadExecutor::with_handoff(1, handoff).unwrap();
        group.bench_function(format!("thread executor, {name}"), |b| {
            b.iter(|| echo_once(&threads))
        });
    }
    for (name, handoff) in [("park only", Handoff::PARK), ("spin then park", spin)] {
        let processes = ProcessExecutor::with_handoff(1, handoff).unwrap();
        group.bench_function(format!("process executor, {name}"), |b| {
            b.iter(|| echo_once(&processes))
        });
    }
    group.finish();
}
// ANCHOR_END: round_trip

// ANCHOR: spin_budget
/// The thread executor's round trip at spin budgets below and above a wake-up.
fn spin_budget(c: &mut Criterion) {
    let mut group = c.benchmark_group("spin-budget");
    let budgets = [0, 3, 10, 30, 100, 300];
    for micros in budgets {
        let handoff = Handoff::spin_then_park(Duration::from_micros(micros));
        let threads = ThreadExecutor::with_handoff(1, handoff).unwrap();
        let name = match micros {
            0 => "park only".to_string(),
            // ASCII: the name becomes an include anchor
            _ => format!("spin {micros} us"),
        };
        group.bench_function(name, |b| b.iter(|| echo_once(&threads)));
    }
    group.finish();
    // crossbeam's Backoff, as its docs use it before parking: how long
    // it spins and yields.
    let mut group = c.benchmark_group("backoff");
    group.bench_function("crossbeam Backoff until is_completed", |b| {
        b.iter(|| {
            let backoff = crossbeam_utils::Backoff::new();
            while !backoff.is_completed() {
                backoff.snooze();
            }
        })
    });
    group.finish();
}
// ANCHOR_END: spin_budget

// ANCHOR: as_completed
/// Four tasks of 4, 1, 2, 3 ms on four threads: the time until the
/// first result is in hand. Waiting in submission order gets the 4 ms
/// task first; `as_completed` the 1 ms one.
fn first_result(c: &mut Criterion) {
    let mut group = c.benchmark_group("as-completed");
    let executor = ThreadExecutor::new(4).unwrap();
    let sleeps = [4, 1, 2, 3];
    let mut measure =
        |name: &str, first: fn(Vec<ch06_executor::Ticket<u64>>) -> u64| {
            group.bench_function(name, |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        let tickets: Vec<_> = sleeps
                            .iter()
                            .map(|&s| executor.submit(sleep_units, s).unwrap())
                            .collect();
                        black_box(first(tickets.clone()));
                        total += start.elapsed();
                        for t in tickets {
                            // not timed: the next round starts idle
                            t.result().unwrap();
                        }
                    }
                    total
                })
            });
        };
    measure("first in submission order", |tickets| {
        tickets[0].result().unwrap()
    });
    measure("first via as_completed", |tickets| {
        as_completed(tickets).next().unwrap().result().unwrap()
    });
    group.finish();
}
// ANCHOR_END: as_completed

// ANCHOR: lifecycle
/// Create an executor of two workers, run one task, shut down (and, for
/// processes, reap).
fn lifecycle(c: &mut Criterion) {
    let mut group = c.benchmark_group("lifecycle");
    group.bench_function("thread executor", |b| {
        b.iter(|| {
            let executor = ThreadExecutor::new(2).unwrap();
            echo_once(&executor)
        })
    });
    group.bench_function("process executor", |b| {
        b.iter(|| {
            let executor = ProcessExecutor::new(2).unwrap();
            echo_once(&executor)
        })
    });
    group.finish();
}
// ANCHOR_END: lifecycle

// ANCHOR: tutorial
/// The tutorial's rows on warm process executors, a unit of sleep being 1 ms: ideal
/// 3 ms for two tasks, 9 ms for the five on five workers, and on the default size
/// (one worker per core) 15 ms on 2 cores.
fn tutorial(c: &mut Criterion) {
    let mut group = c.benchmark_group("tutorial");
    let default = ProcessExecutor::with_default_size().unwrap();
    let five = ProcessExecutor::new(5).unwrap();
    let run = |executor: &ProcessExecutor, pairs: &[(u64, u64)]| {
        let tickets: Vec<_> = pairs
            .iter()
            .map(|&pair| executor.submit(tutorial_task, pair).unwrap())
            .collect();
        tickets
            .iter()
            .map(|t| t.result().unwrap())
            .collect::<Vec<_>>()
    };
    group.bench_function("2 tasks, default size", |b| {
        b.iter(|| run(&default, &[(1, 2), (1, 1)]))
    });
    group.bench_function("5 tasks, default size", |b| {
        b.iter(|| run(&default, &tutorial_pairs()))
    });
    group.bench_function("5 tasks, 5 workers", |b| {
        b.iter(|| run(&five, &tutorial_pairs()))
    });
    group.finish();
}
// ANCHOR_END: tutorial

fn main() {
    ch06_executor::serve_if_worker();
    let mut c = config();
    round_trip(&mut c);
    spin_budget(&mut c);
    first_result(&mut c);
    lifecycle(&mut c);
    tutorial(&mut c);
    c.final_summary();
}
