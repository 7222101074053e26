//! The chapter's benchmarks. Every speedup the book quotes comes from here, through
//! `cargo course bench ch02-threads` (which writes `book/bench/ch02-threads.md`).
//!
//! * `tutorial`: the tutorials' workload (`cpu_bound` of 11, 23, 53, 34
//!   at full size).
//! * `contention`: one fixed range summed over
//!   `available_parallelism()` threads, five ways.
//! * `oversubscription`: the even split with 1, 4, 16 and 64 threads per core.
//!
//! After each group it prints what the group got from the machine: the cores this
//! process kept busy (CPU time over wall time), the CPU time of every other process,
//! and the steal time (`ch02_threads::usage`). A group run next to other load, or
//! with steal, is not to be trusted.

use std::hint::black_box;
use std::time::Duration;

use ch02_threads::contention::{BENCH_RANGE, VARIANTS};
use ch02_threads::gil::gil_in_a_bottle;
use ch02_threads::scope::{cores, even_split};
use ch02_threads::spawn::{one_thread_per_number, sequential};
use ch02_threads::usage::measure;
use criterion::Criterion;
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

/// A benchmark group: its name and the function that runs it.
type Group = (&'static str, fn(&mut Criterion));

// ANCHOR: main
fn main() {
    let mut c = config().configure_from_args();
    let groups: [Group; 3] = [
        ("tutorial", tutorial),
        ("contention", contention),
        ("oversubscription", oversubscription),
    ];
    for (name, group) in groups {
        let ((), usage) = measure(|| group(&mut c)).expect("getrusage works");
        let secs = |t: Option<Duration>| t.map_or(f64::NAN, |t| t.as_secs_f64());
        println!(
            "machine during `{name}`: {:.1} s, this process kept {:.2} cores busy; \
             other processes {:.1} s of CPU; steal {:.2} s",
            usage.wall.as_secs_f64(),
            usage.busy_cores(),
            secs(usage.others),
            secs(usage.steal),
        );
    }
    c.final_summary();
}
// ANCHOR_END: main
