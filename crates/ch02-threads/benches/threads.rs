//! The chapter's benchmarks. Every speedup the book quotes comes from here, through
//! `cargo course bench ch02-threads` (which writes `book/bench/ch02-threads.md`).
//!
//! * `tutorial`: the tutorials' workload (`cpu_bound` of 11, 23, 53, 34 at full size).
//! * `contention`: one fixed range summed over `available_parallelism()` threads, five ways.
//! * `oversubscription`: the even split with 1, 4, 16 and 64 threads per core.

use std::hint::black_box;

use ch02_threads::contention::{BENCH_RANGE, VARIANTS};
use ch02_threads::gil::gil_in_a_bottle;
use ch02_threads::scope::{cores, even_split};
use ch02_threads::spawn::{one_thread_per_number, sequential};
use criterion::{Criterion, criterion_group, criterion_main};
use workloads::{Scale, TUTORIAL_NUMBERS, sum_range};

// ANCHOR: tutorial
fn tutorial(c: &mut Criterion) {
    let numbers = black_box(TUTORIAL_NUMBERS);
    let mut g = c.benchmark_group("tutorial");
    g.bench_function("sequential", |b| {
        b.iter(|| sequential(&numbers, Scale::FULL))
    });
    g.bench_function("one thread per number", |b| {
        b.iter(|| one_thread_per_number(&numbers, Scale::FULL).unwrap())
    });
    g.bench_function("gil in a bottle", |b| {
        b.iter(|| gil_in_a_bottle(&numbers, Scale::FULL).unwrap())
    });
    g.bench_function("even split", |b| {
        b.iter(|| even_split(&numbers, Scale::FULL, cores()).unwrap())
    });
    g.finish();
}
// ANCHOR_END: tutorial

// ANCHOR: contention
fn contention(c: &mut Criterion) {
    let threads = cores();
    let mut g = c.benchmark_group("contention");
    g.bench_function("sequential", |b| {
        b.iter(|| sum_range(black_box(BENCH_RANGE)))
    });
    for (name, variant) in VARIANTS {
        g.bench_function(name, |b| {
            b.iter(|| variant(black_box(BENCH_RANGE), threads).unwrap())
        });
    }
    g.finish();
}
// ANCHOR_END: contention

// ANCHOR: oversubscription
fn oversubscription(c: &mut Criterion) {
    let numbers = black_box(TUTORIAL_NUMBERS);
    let mut g = c.benchmark_group("oversubscription");
    g.bench_function("sequential", |b| {
        b.iter(|| sequential(&numbers, Scale::FULL))
    });
    for per_core in [1, 4, 16, 64] {
        let threads = per_core * cores();
        g.bench_function(format!("{per_core} per core"), |b| {
            b.iter(|| even_split(&numbers, Scale::FULL, threads).unwrap())
        });
    }
    g.finish();
}
// ANCHOR_END: oversubscription

fn config() -> Criterion {
    workloads::bench::criterion()
}

criterion_group! {
    name = benches;
    config = config();
    targets = tutorial, contention, oversubscription
}
criterion_main!(benches);
