//! Chapter 04's benchmarks: what a round trip through a pool costs, what a pool buys on the
//! tutorial's CPU-bound workload, and what pool sizes 1 to 16 do on CPU-bound and on sleeping
//! tasks.
//!
//! `main` is written out (no `criterion_main!`) so that the process pool is forked first,
//! while this process still has one thread: every thread pool here is created later.

use std::hint::black_box;

use ch04_pools::sizing::{self, POOL_SIZES};
use ch04_pools::{ProcessPool, ThreadPool, rayon_pools};
use criterion::Criterion;
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound};

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

fn workers(n: usize) -> String {
    if n == 1 {
        "1 worker".to_owned()
    } else {
        format!("{n} workers")
    }
}

fn echo(n: u64) -> u64 {
    n
}

// ANCHOR: round_trip
fn round_trip(c: &mut Criterion, processes: &ProcessPool) {
    let mut group = c.benchmark_group("round-trip");
    let pool = ThreadPool::new(1).unwrap();
    group.bench_function("thread pool", |b| {
        b.iter(|| pool.apply_async(|| black_box(1u64)).unwrap().get().unwrap())
    });
    let rayon = rayon_pools::build(1).unwrap();
    group.bench_function("rayon spawn", |b| {
        b.iter(|| rayon_pools::spawn_and_get(&rayon, || black_box(1u64)))
    });
    group.bench_function("rayon install", |b| {
        b.iter(|| rayon.install(|| black_box(1u64)))
    });
    group.bench_function("process pool", |b| {
        b.iter(|| {
            processes
                .apply_async(echo, black_box(1))
                .unwrap()
                .get()
                .unwrap()
        })
    });
    group.finish();
}
// ANCHOR_END: round_trip

fn cpu_bound_throughput(c: &mut Criterion, processes: &ProcessPool) {
    let mut group = c.benchmark_group("cpu-bound");
    group.bench_function("sequential", |b| {
        b.iter(|| TUTORIAL_NUMBERS.map(|n| cpu_bound(black_box(n))))
    });
    let pool = ThreadPool::with_default_size().unwrap();
    group.bench_function("thread pool", |b| {
        b.iter(|| sizing::run_all(&pool, TUTORIAL_NUMBERS, cpu_bound))
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rayon = rayon_pools::build(cores).unwrap();
    group.bench_function("rayon", |b| {
        b.iter(|| rayon_pools::map_cpu_bound(&rayon, &TUTORIAL_NUMBERS, Scale::FULL))
    });
    group.bench_function("process pool", |b| {
        b.iter(|| {
            let handles = TUTORIAL_NUMBERS.map(|n| processes.apply_async(cpu_bound, n).unwrap());
            handles.map(|h| h.get().unwrap())
        })
    });
    group.finish();
}

fn oversubscription(c: &mut Criterion) {
    let mut group = c.benchmark_group("oversubscription");
    for size in POOL_SIZES {
        let pool = ThreadPool::new(size).unwrap();
        group.bench_function(workers(size), |b| b.iter(|| sizing::cpu_bound_tasks(&pool)));
    }
    group.finish();
}

fn sleeping(c: &mut Criterion) {
    let mut group = c.benchmark_group("sleeping");
    for size in POOL_SIZES {
        let pool = ThreadPool::new(size).unwrap();
        group.bench_function(workers(size), |b| {
            b.iter(|| sizing::sleeping_tasks(&pool, Scale::TEST))
        });
    }
    group.finish();
}

fn main() {
    // Fork first, while this process has a single thread (chapter 03's `spawn` checks).
    let one_process = ProcessPool::new(1).expect("fork the round-trip worker");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let processes = ProcessPool::new(cores).expect("fork the cpu-bound workers");
    let mut c = config();
    round_trip(&mut c, &one_process);
    cpu_bound_throughput(&mut c, &processes);
    oversubscription(&mut c);
    sleeping(&mut c);
    c.final_summary();
}
