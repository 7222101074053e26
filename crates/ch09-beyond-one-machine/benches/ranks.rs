//! Chapter 09's in-process benchmarks: master/worker over channels (threads standing for
//! ranks; rank 0 only hands out tasks) against chapter 04's process pool, on the tutorial's
//! numbers and on the long uneven list. The MPI runs cannot be driven by criterion (they need
//! `mpirun`): their examples print their own medians (book/ch09-beyond-one-machine/output/).
//!
//! `main` is written out so the process pools are forked first, while this process has one
//! thread.

use std::hint::black_box;

use ch04_pools::ProcessPool;
use ch09_beyond_one_machine::decompose::uneven_tasks;
use ch09_beyond_one_machine::master_worker::master_worker;
use ch09_beyond_one_machine::transport::run_ranks;
use criterion::Criterion;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

/// Every input through master/worker over channels, `ranks` ranks (one of them the master).
fn over_channels(ranks: usize, inputs: &[u64]) -> Vec<u64> {
    let outcomes = run_ranks(ranks, |t| master_worker(&t, inputs, cpu_bound));
    outcomes
        .into_iter()
        .next()
        .and_then(|master| master.expect("protocol"))
        .expect("rank 0 has the results")
        .results
}

/// Every input through a process pool, results in order.
fn over_pool(pool: &ProcessPool, inputs: &[u64]) -> Vec<u64> {
    let handles: Vec<_> = inputs
        .iter()
        .map(|&n| pool.apply_async(cpu_bound, n).expect("submit"))
        .collect();
    handles
        .into_iter()
        .map(|h| h.get().expect("task"))
        .collect()
}

fn group(c: &mut Criterion, name: &str, inputs: &[u64], pools: &[ProcessPool]) {
    let mut group = c.benchmark_group(name);
    group.bench_function("sequential", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|&n| cpu_bound(black_box(n)))
                .collect::<Vec<_>>()
        })
    });
    for ranks in [2, 3, 5] {
        group.bench_function(format!("master/worker, {ranks} ranks"), |b| {
            b.iter(|| over_channels(ranks, black_box(inputs)))
        });
    }
    for pool in pools {
        group.bench_function(format!("process pool, {} workers", pool.size()), |b| {
            b.iter(|| over_pool(pool, black_box(inputs)))
        });
    }
    group.finish();
}

fn main() {
    let pools = [2, 4].map(|n| ProcessPool::new(n).expect("fork the pool's workers"));
    let mut c = config();
    group(&mut c, "tutorial", &TUTORIAL_NUMBERS, &pools);
    group(&mut c, "uneven", &uneven_tasks(), &pools);
    c.final_summary();
}
