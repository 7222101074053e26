//! The sequential baseline: `cpu_bound(n)` for each tutorial number (group
//! `cpu-bound`), and the whole tutorial run one task after the other (group
//! `tutorial`, variant `sequential`), the baseline every later chapter's `tutorial`
//! group divides by. Then folded against honest over growing `n` (group `folding`):
//! `(0..n).sum()` takes the same few nanoseconds for every `n`;
//! `workloads::sum_range` grows in proportion to `n`.

use std::hint::black_box;

use ch01_sequential::folding::{folded_sum, honest_sum};
use criterion::{Criterion, criterion_group, criterion_main};
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

// ANCHOR: cpu_bound
fn cpu_bound_per_number(c: &mut Criterion) {
    let mut group = c.benchmark_group("cpu-bound");
    for n in TUTORIAL_NUMBERS {
        group
            .bench_function(format!("n={n}"), |b| b.iter(|| cpu_bound(black_box(n))));
    }
    group.finish();
}
// ANCHOR_END: cpu_bound

// ANCHOR: tutorial
fn tutorial(c: &mut Criterion) {
    let mut group = c.benchmark_group("tutorial");
    group.bench_function("sequential", |b| {
        b.iter(|| {
            TUTORIAL_NUMBERS
                .iter()
                .map(|&n| cpu_bound(black_box(n)))
                .collect::<Vec<u64>>()
        })
    });
    group.finish();
}
// ANCHOR_END: tutorial

// ANCHOR: folding
fn folding(c: &mut Criterion) {
    let mut group = c.benchmark_group("folding");
    for n in [1_000u64, 100_000, 10_000_000] {
        group.bench_function(format!("folded n={n}"), |b| {
            b.iter(|| folded_sum(black_box(n)))
        });
        group.bench_function(format!("honest n={n}"), |b| {
            b.iter(|| honest_sum(black_box(n)))
        });
    }
    group.finish();
}
// ANCHOR_END: folding

/// The book's criterion settings, one place for every chapter:
/// `workloads::bench::criterion`.
fn config() -> Criterion {
    workloads::bench::criterion()
}

criterion_group! {
    name = benches;
    config = config();
    targets = cpu_bound_per_number, tutorial, folding
}
criterion_main!(benches);
