//! Chapter 08's benchmarks: N sleeping tasks on threads, tokio tasks and processes (N
//! = 10 to 10,000); one round of C requests at once against the local service, per
//! model (C = 1 to 1,000); the stall of a CPU-bound job run inside a task against the
//! same job on `spawn_blocking` or rayon.
//!
//! A variant runs only if the machine has room for it ([`limits`]:
//! tasks, file descriptors, memory); processes stop at [`MAX_PROCESSES`]
//! whatever the limits, for time. What is left out is said on stderr.
//! Every group measures for [`MEASURE`] after [`WARM_UP`] (criterion's
//! minimum of 10 samples still applies: a group whose iteration takes a
//! second takes ten), so that the whole suite runs in about two minutes.
//!
//! `main` is written out (no `criterion_main!`): in every group the process variants
//! run first, while this process has one thread, and every runtime and thread pool a
//! group starts is dropped, its threads joined, before the next group forks. The
//! stall group, whose `spawn_blocking` and rayon threads outlive it, comes last.

use std::time::Duration;

use ch04_pools::ThreadPool;
use ch08_io_bound::clients;
use ch08_io_bound::limits::{self, Needs};
use ch08_io_bound::service::{ChildService, Config, Service};
use ch08_io_bound::sleepers;
use ch08_io_bound::stall::{Placement, sleeper_latency};
use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};
use workloads::cpu_bound;

/// Each sleeping task's sleep, and the service's delay per request.
const WAIT: Duration = Duration::from_millis(10);

/// Each group's measurement time, after its warm-up.
const MEASURE: Duration = Duration::from_secs(2);
const WARM_UP: Duration = Duration::from_millis(500);

/// One process per task stops here: 10,000 forks take seconds per iteration, ten
/// iterations at least per group.
const MAX_PROCESSES: usize = 1000;

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(WARM_UP).measurement_time(MEASURE);
    group
}

/// Whether `variant` of `group` has room here; says why not on stderr.
fn fits(group: &str, variant: &str, needs: Needs) -> bool {
    match limits::room_for(needs) {
        Ok(()) => true,
        Err(why) => {
            eprintln!("{group}/{variant}: left out, no room: {why}");
            false
        }
    }
}

/// `n` processes, at most [`MAX_PROCESSES`], if they fit.
fn processes_fit(group: &str, n: usize) -> bool {
    if n > MAX_PROCESSES {
        eprintln!(
            "{group}/processes: left out, {n} forks per iteration take too long"
        );
        return false;
    }
    fits(group, "processes", Needs::processes(n))
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
    for n in [10, 100, 1000, 10_000] {
        let name = format!("sleepers-{n}");
        let mut group = group(c, &name);
        if processes_fit(&name, n) {
            group.bench_function("processes", |b| {
                b.iter(|| sleepers::sleep_on_processes(n, WAIT).expect("fork"))
            });
        }
        if fits(&name, "threads", Needs::threads(n)) {
            group.bench_function("threads", |b| {
                b.iter(|| sleepers::sleep_on_threads(n, WAIT))
            });
        }
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
    for clients in [1, 10, 100, 1000] {
        let name = format!("requests-{clients}");
        let mut group = group(c, &name);
        // the service's process holds a socket per request
        if processes_fit(&name, clients)
            && fits(&name, "processes", Needs::sockets(clients))
        {
            let child = ChildService::start(Config::with_delay(WAIT))
                .expect("fork the service");
            group.bench_function("processes", |b| {
                b.iter(|| {
                    clients::one_process_per_request(child.addr(), clients)
                        .expect("answers")
                })
            });
            child.stop().expect("stop the service");
        }
        let service =
            Service::start(Config::with_delay(WAIT)).expect("start the service");
        // both ends of every connection are in this process
        let sockets = Needs::sockets(2 * clients);
        if fits(&name, "threads", Needs::threads(clients).and(sockets)) {
            group.bench_function("threads", |b| {
                b.iter(|| {
                    clients::one_thread_per_request(service.addr(), clients)
                        .expect("answers")
                })
            });
        }
        let pool = ThreadPool::new(10).expect("a pool");
        group.bench_function("thread pool of 10", |b| {
            b.iter(|| {
                clients::thread_pool(&pool, service.addr(), clients).expect("answers")
            })
        });
        let runtime = one_thread_runtime();
        if fits(&name, "tokio", sockets) {
            group.bench_function("tokio", |b| {
                b.iter(|| {
                    runtime
                        .block_on(clients::tokio_tasks(service.addr(), clients))
                        .expect("answers")
                })
            });
        }
        group.finish();
    }
}
// ANCHOR_END: requests

// ANCHOR: stall
/// How late a task sleeping 1 ms wakes up while a CPU-bound job (`cpu_bound(53)`)
/// runs on the same one-thread runtime, in a task or moved off it. The time measured
/// is the sleeper's.
fn stall(c: &mut Criterion) {
    let mut group = group(c, "stall");
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
    // a thousand requests hold two thousand sockets in this process:
    // take the hard limit
    if let Err(why) = limits::raise_fd_limit() {
        eprintln!("RLIMIT_NOFILE stays as it is: {why}");
    }
    let mut c = config();
    sleepers(&mut c);
    requests(&mut c);
    stall(&mut c);
    c.final_summary();
}
