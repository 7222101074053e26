//! Folded against honest over growing `n` (group `folding`): `(0..n).sum()` takes the same few
//! nanoseconds for every `n`; `workloads::sum_range` grows in proportion to `n`.

use std::hint::black_box;
use std::time::Duration;

use ch01_sequential::folding::{folded_sum, honest_sum};
use criterion::{Criterion, criterion_group, criterion_main};

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

/// The book's criterion settings: 10 samples after 1 s of warm-up, 3 s of measurement.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = folding
}
criterion_main!(benches);
