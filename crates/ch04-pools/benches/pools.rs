//! Chapter 04's benchmarks: what a round trip through a pool costs, what
//! a pool buys on the tutorial's CPU-bound workload, what pool sizes 1
//! to 16 do on CPU-bound and on sleeping tasks, the tutorial's sleeping
//! tasks on threads and on processes, and what moving 1 KiB to 100 MiB
//! to a worker and back costs, through pipes and through shared memory.
//!
//! `main` is written out (no `criterion_main!`) so that the process
//! pool is forked first, while this process still has one thread: every
//! thread pool here is created later.

use std::hint::black_box;

use ch04_pools::data_cost::{self, Bytes, SIZES};
use ch04_pools::shared_memory::{self, echo_through_shared_memory};
use ch04_pools::sizing::{self, POOL_SIZES};
use ch04_pools::sleep_tasks::{
    TUTORIAL_TASKS, sleep_i_units, sleep_i_units_in_worker,
};
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
            let handles = TUTORIAL_NUMBERS
                .map(|n| processes.apply_async(cpu_bound, n).unwrap());
            handles.map(|h| h.get().unwrap())
        })
    });
    group.finish();
}

fn oversubscription(c: &mut Criterion) {
    let mut group = c.benchmark_group("oversubscription");
    for size in POOL_SIZES {
        let pool = ThreadPool::new(size).unwrap();
        group.bench_function(workers(size), |b| {
            b.iter(|| sizing::cpu_bound_tasks(&pool))
        });
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

// ANCHOR: sleep_tasks
/// The Nvicta tutorial's tasks 1 to 5 (task `i` sleeps `i` units, here of 1 ms), one
/// after the other, then on a thread pool and on a process pool of five workers each.
fn sleep_tasks(c: &mut Criterion, five_processes: &ProcessPool) {
    let mut group = c.benchmark_group("sleep-tasks");
    group.bench_function("sequential", |b| {
        b.iter(|| {
            TUTORIAL_TASKS
                .map(|i| sleep_i_units(i, Scale::TEST))
                .collect::<Vec<_>>()
        })
    });
    let threads = ThreadPool::new(5).unwrap();
    group.bench_function("thread pool", |b| {
        b.iter(|| {
            sizing::run_all(&threads, TUTORIAL_TASKS, |i| {
                sleep_i_units(i, Scale::TEST)
            })
        })
    });
    let micros = Scale::TEST.sleep.as_micros() as u64;
    group.bench_function("process pool", |b| {
        b.iter(|| {
            let handles: Vec<_> = TUTORIAL_TASKS
                .map(|i| {
                    five_processes.apply_async(sleep_i_units_in_worker, (i, micros))
                })
                .collect::<Result<_, _>>()
                .unwrap();
            handles
                .into_iter()
                .map(|h| h.get().unwrap())
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}
// ANCHOR_END: sleep_tasks

// ANCHOR: data
/// Arguments and results of 1 KiB to 100 MiB: through the pool's pipes, through
/// shared memory, and (for scale) moved into a thread pool's task and back, which
/// copies nothing. Each iteration sends the buffer the previous one got back.
fn data(c: &mut Criterion, one_process: &ProcessPool) {
    let mut group = c.benchmark_group("data");
    for (label, n) in SIZES {
        let mut buffer = Bytes(vec![7u8; n]);
        group.bench_function(format!("pipes {label}"), |b| {
            b.iter(|| {
                let sent = std::mem::replace(&mut buffer, Bytes(Vec::new()));
                buffer = one_process
                    .apply_async(data_cost::echo, sent)
                    .unwrap()
                    .get()
                    .unwrap();
            })
        });
    }
    for (label, n) in SIZES {
        let mut buffer = vec![7u8; n];
        group.bench_function(format!("shared memory {label}"), |b| {
            b.iter(|| {
                buffer = echo_through_shared_memory(one_process, &buffer).unwrap()
            })
        });
    }
    let threads = ThreadPool::new(1).unwrap();
    let (label, n) = SIZES[SIZES.len() - 1];
    let mut buffer = vec![7u8; n];
    group.bench_function(format!("thread pool {label}"), |b| {
        b.iter(|| {
            let sent = std::mem::take(&mut buffer);
            buffer = threads.apply_async(move || sent).unwrap().get().unwrap();
        })
    });
    group.finish();
}
// ANCHOR_END: data

fn main() {
    // Shared memory before any fork: only workers forked afterwards share it. Room
    // for the largest size twice (the argument, then the result).
    let largest = SIZES[SIZES.len() - 1].1;
    shared_memory::share(2 * largest).expect("map the shared region");
    // Fork first, while this process has a single thread (chapter 03's
    // `spawn` checks).
    let one_process = ProcessPool::new(1).expect("fork the round-trip worker");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let processes = ProcessPool::new(cores).expect("fork the cpu-bound workers");
    let five_processes = ProcessPool::new(5).expect("fork the sleep-task workers");
    let mut c = config();
    round_trip(&mut c, &one_process);
    cpu_bound_throughput(&mut c, &processes);
    oversubscription(&mut c);
    sleeping(&mut c);
    sleep_tasks(&mut c, &five_processes);
    data(&mut c, &one_process);
    c.final_summary();
}
