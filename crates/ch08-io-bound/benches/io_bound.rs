//! Chapter 08's benchmarks: N sleeping tasks on threads, tokio tasks and processes; one round of
//! C requests at once against the local service, per model; the stall of a CPU-bound job run
//! inside a task against the same job on `spawn_blocking` or rayon.
//!
//! `main` is written out (no `criterion_main!`): in every group the process variants run first,
//! while this process has one thread, and every runtime and thread pool a group starts is
//! dropped, its threads joined, before the next group forks. The stall group, whose
//! `spawn_blocking` and rayon threads outlive it, comes last.

use std::time::Duration;

use ch04_pools::ThreadPool;
use ch08_io_bound::clients;
use ch08_io_bound::service::{ChildService, Config, Service};
use ch08_io_bound::sleepers;
use ch08_io_bound::stall::{Placement, sleeper_latency};
use criterion::Criterion;
use workloads::cpu_bound;

/// Each sleeping task's sleep, and the service's delay per request.
const WAIT: Duration = Duration::from_millis(10);

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

fn one_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

// ANCHOR: sleepers
/// N tasks sleeping `WAIT` at once; the ideal is `WAIT` whatever N.
fn sleepers(c: &mut Criterion) {
    for n in [10, 100, 1000] {
        let mut group = c.benchmark_group(format!("sleepers-{n}"));
        if n <= 100 {
            group.bench_function("processes", |b| {
                b.iter(|| sleepers::sleep_on_processes(n, WAIT).expect("fork"))
            });
        }
        group.bench_function("threads", |b| {
            b.iter(|| sleepers::sleep_on_threads(n, WAIT))
        });
        let runtime = one_thread_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| runtime.block_on(sleepers::sleep_on_tasks(n, WAIT)))
        });
        group.finish();
    }
}
// ANCHOR_END: sleepers

// ANCHOR: requests
/// One round of `clients` requests at once; the ideal is the service's delay.
fn requests(c: &mut Criterion) {
    for clients in [1, 10, 100] {
        let mut group = c.benchmark_group(format!("requests-{clients}"));
        let child = ChildService::start(Config::with_delay(WAIT)).expect("fork the service");
        group.bench_function("processes", |b| {
            b.iter(|| clients::one_process_per_request(child.addr(), clients).expect("answers"))
        });
        child.stop().expect("stop the service");
        let service = Service::start(Config::with_delay(WAIT)).expect("start the service");
        group.bench_function("threads", |b| {
            b.iter(|| clients::one_thread_per_request(service.addr(), clients).expect("answers"))
        });
        let pool = ThreadPool::new(10).expect("a pool");
        group.bench_function("thread pool of 10", |b| {
            b.iter(|| clients::thread_pool(&pool, service.addr(), clients).expect("answers"))
        });
        let runtime = one_thread_runtime();
        group.bench_function("tokio", |b| {
            b.iter(|| {
                runtime
                    .block_on(clients::tokio_tasks(service.addr(), clients))
                    .expect("answers")
            })
        });
        group.finish();
    }
}
// ANCHOR_END: requests

// ANCHOR: stall
/// How late a task sleeping 1 ms wakes up while a CPU-bound job (`cpu_bound(53)`) runs on the
/// same one-thread runtime, in a task or moved off it. The time measured is the sleeper's.
fn stall(c: &mut Criterion) {
    let mut group = c.benchmark_group("stall");
    let placements = [
        ("in a task", Placement::InTask),
        ("spawn_blocking", Placement::SpawnBlocking),
        ("rayon", Placement::Rayon),
    ];
    for (name, placement) in placements {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        sleeper_latency(placement, Duration::from_millis(1), || {
                            std::hint::black_box(cpu_bound(53));
                        })
                    })
                    .sum()
            })
        });
    }
    group.finish();
}
// ANCHOR_END: stall

fn main() {
    let mut c = config();
    sleepers(&mut c);
    requests(&mut c);
    stall(&mut c);
    c.final_summary();
}
