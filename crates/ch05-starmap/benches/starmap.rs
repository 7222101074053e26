//! Chapter 05's benchmarks: what one item costs against the chunk size, load balance
//! on uneven tasks, the time to the first and to the last result of `imap` and
//! `imap_unordered`, and the tutorial's two rows, scaled.
//!
//! `main` is written out (no `criterion_main!`) so that the process
//! pool is forked first, while this process still has one thread: every
//! thread pool here is created later.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ch04_pools::{ProcessPool, ThreadPool, rayon_pools};
use ch05_starmap::balance::{
    self, long_tail, run_chunked, run_longest_first, run_rayon,
};
use ch05_starmap::tutorial::{do_something, tutorial_args};
use ch05_starmap::{
    ChunkSize, default_chunksize, imap, imap_unordered, process_starmap, starmap,
};
use criterion::Criterion;
use rayon::prelude::*;
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at};

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

const ITEMS: u64 = 10_000;
const CHUNK_SIZES: [usize; 5] = [1, 10, 100, 1000, 10_000];

fn tiny(x: u64) -> u64 {
    x + 1
}

// ANCHOR: chunk_size
fn chunk_size(c: &mut Criterion, processes: &ProcessPool, workers: usize) {
    let mut group = c.benchmark_group("chunk-size");
    let threads = ThreadPool::new(workers).unwrap();
    let rayon = rayon_pools::build(workers).unwrap();
    for size in CHUNK_SIZES {
        let chunks = ChunkSize::Fixed(size);
        group.bench_function(format!("thread pool, chunksize {size}"), |b| {
            b.iter(|| starmap(&threads, tiny, 0..black_box(ITEMS), chunks).unwrap())
        });
        group.bench_function(format!("process pool, chunksize {size}"), |b| {
            b.iter(|| {
                process_starmap::starmap(processes, tiny, 0..black_box(ITEMS), chunks)
                    .unwrap()
            })
        });
        group.bench_function(format!("rayon, with_min_len {size}"), |b| {
            b.iter(|| {
                let items: Vec<u64> = (0..black_box(ITEMS)).collect();
                rayon.install(|| {
                    items
                        .par_iter()
                        .with_min_len(size)
                        .map(|&x| tiny(x))
                        .collect::<Vec<_>>()
                })
            })
        });
    }
    group.finish();
}
// ANCHOR_END: chunk_size

// ANCHOR: uneven
fn uneven(
    c: &mut Criterion,
    name: &str,
    tasks: &[u64],
    workers: usize,
    scale: Scale,
) {
    let mut group = c.benchmark_group(name);
    let pool = ThreadPool::new(workers).unwrap();
    let rayon = rayon_pools::build(workers).unwrap();
    let fixed = balance::static_chunksize(tasks.len(), workers);
    let default = default_chunksize(tasks.len(), workers);
    group.bench_function("sequential", |b| {
        b.iter(|| {
            tasks
                .iter()
                .map(|&n| cpu_bound_at(black_box(n), scale))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function(format!("static chunks ({fixed})"), |b| {
        b.iter(|| run_chunked(&pool, tasks, fixed, scale).unwrap())
    });
    if default > 1 && default != fixed {
        group.bench_function(format!("CPython's default chunks ({default})"), |b| {
            b.iter(|| run_chunked(&pool, tasks, default, scale).unwrap())
        });
    }
    group.bench_function("dynamic (chunksize 1)", |b| {
        b.iter(|| run_chunked(&pool, tasks, 1, scale).unwrap())
    });
    group.bench_function("rayon", |b| b.iter(|| run_rayon(&rayon, tasks, 1, scale)));
    group.bench_function("longest first (LPT)", |b| {
        b.iter(|| run_longest_first(&pool, tasks, scale).unwrap())
    });
    group.finish();
}
// ANCHOR_END: uneven

/// Task 0 sleeps 8 units, tasks 1..8 one unit each, on 2 workers.
fn nap(i: usize) -> usize {
    let units = if i == 0 { 8 } else { 1 };
    std::thread::sleep(Scale::TEST.sleep * units);
    i
}

// ANCHOR: ordered
fn ordered_vs_unordered(c: &mut Criterion) {
    let mut group = c.benchmark_group("ordered-vs-unordered");
    let pool = ThreadPool::new(2).unwrap();
    // Times the first `take` results; the rest are drained untimed.
    let time = |ordered: bool, take: usize, iters: u64| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            let mut results: Box<dyn Iterator<Item = usize>> = if ordered {
                Box::new(
                    imap(&pool, nap, 0..8, ChunkSize::Fixed(1))
                        .unwrap()
                        .map(Result::unwrap),
                )
            } else {
                Box::new(
                    imap_unordered(&pool, nap, 0..8, ChunkSize::Fixed(1))
                        .unwrap()
                        .map(|(_, r)| r.unwrap()),
                )
            };
            results.by_ref().take(take).for_each(|r| {
                black_box(r);
            });
            total += start.elapsed();
            results.for_each(drop);
        }
        total
    };
    group.bench_function("imap, first result", |b| {
        b.iter_custom(|n| time(true, 1, n))
    });
    group.bench_function("imap_unordered, first result", |b| {
        b.iter_custom(|n| time(false, 1, n))
    });
    group
        .bench_function("imap, last result", |b| b.iter_custom(|n| time(true, 8, n)));
    group.bench_function("imap_unordered, last result", |b| {
        b.iter_custom(|n| time(false, 8, n))
    });
    group.finish();
}
// ANCHOR_END: ordered

// ANCHOR: tutorial
fn tutorial(c: &mut Criterion) {
    let mut group = c.benchmark_group("tutorial");
    let scale = Scale::TEST; // a unit of sleep is 1 ms: ideal 9 ms and 3 ms
    group.bench_function("starmap_async, Pool(5), 5 tasks", |b| {
        b.iter(|| {
            let pool = ThreadPool::new(5).unwrap();
            let result = ch05_starmap::starmap_async(
                &pool,
                move |(a, b)| do_something(a, b, scale),
                tutorial_args(),
                ChunkSize::Default,
            )
            .unwrap();
            pool.join();
            result.get().unwrap()
        })
    });
    group.bench_function("apply_async x 2, Pool(2)", |b| {
        b.iter(|| {
            let pool = ThreadPool::new(2).unwrap();
            let first = pool.apply_async(move || do_something(1, 2, scale)).unwrap();
            let second = pool.apply_async(move || do_something(1, 2, scale)).unwrap();
            [first.get().unwrap(), second.get().unwrap()]
        })
    });
    group.finish();
}
// ANCHOR_END: tutorial

fn main() {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Fork first, while this process has a single thread (chapter 03's
    // `spawn` checks).
    let processes = ProcessPool::new(workers).expect("fork the workers");
    let mut c = config();
    chunk_size(&mut c, &processes, workers);
    uneven(&mut c, "uneven", &TUTORIAL_NUMBERS, workers, Scale::FULL);
    uneven(&mut c, "long-tail", &long_tail(), workers, Scale::FULL);
    ordered_vs_unordered(&mut c);
    tutorial(&mut c);
    c.final_summary();
}
