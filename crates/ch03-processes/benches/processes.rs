//! Chapter 03's benchmarks.
//!
//! * `start-join`: the cost of starting and joining one task that does nothing, with
//!   a thread, a forked child and a re-run of this program (the "spawn" start
//!   method). Baseline: thread.
//! * `tutorial`: the tutorials' `cpu_bound` over their four numbers,
//!   sequential, one process per number, one thread per number, and the
//!   start-then-join-in-the-loop mistake.
//! * `clock`: the other mistake. The same program timed correctly and with the clock
//!   stopped before `join`; the "speedup" of the second is pure measurement error.
//! * `fork-rss`: a fork whose child exits at once, from a parent holding 0, 100 MiB
//!   and 1 GiB more resident memory (small pages, then 1 GiB of huge pages), against
//!   a `Command` that runs `true` from the same parents. Baseline: fork, 0 MiB.
//!
//! This bench has its own `main` (not `criterion_main!`): re-run as a child, it must
//! serve its task before Criterion looks at the arguments.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[cfg(unix)]
mod unix {
    use super::*;
    use ch03_processes::fork_cost::{Pages, Resident, fork_exit_wait, run_true};
    use ch03_processes::reexec::{self, Registry};
    use ch03_processes::tutorial::{
        join_all, one_process_per_number, one_thread_per_number, sequential,
        start_all, start_join_in_loop,
    };
    use ch03_processes::{ProcessError, spawn};
    use criterion::Criterion;
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound};

    pub fn registry() -> Registry {
        Registry::new().task("echo", |n: u64| black_box(n))
    }

    pub fn start_join(c: &mut Criterion) {
        let mut group = c.benchmark_group("start-join");
        group.bench_function("thread", |b| {
            b.iter(|| std::thread::spawn(|| black_box(1u64)).join().unwrap())
        });
        group.bench_function("fork", |b| {
            b.iter(|| spawn(|| black_box(1u64)).unwrap().join().unwrap())
        });
        group.bench_function("re-exec", |b| {
            b.iter(|| {
                reexec::spawn_task::<u64, u64>("echo", &1)
                    .unwrap()
                    .join()
                    .unwrap()
            })
        });
        group.finish();
    }

    pub fn tutorial(c: &mut Criterion) {
        let numbers = TUTORIAL_NUMBERS;
        let scale = Scale::FULL;
        let mut group = c.benchmark_group("tutorial");
        group.bench_function("sequential", |b| {
            b.iter(|| sequential(black_box(&numbers), scale))
        });
        group.bench_function("one process per number", |b| {
            b.iter(|| one_process_per_number(black_box(&numbers), scale).unwrap())
        });
        group.bench_function("one thread per number", |b| {
            b.iter(|| one_thread_per_number(black_box(&numbers), scale))
        });
        group.bench_function("start-join in the loop", |b| {
            b.iter(|| {
                start_join_in_loop(numbers.map(|n| move || cpu_bound(n))).unwrap()
            })
        });
        group.finish();
    }

    pub fn clock(c: &mut Criterion) {
        let numbers = TUTORIAL_NUMBERS;
        let mut group = c.benchmark_group("clock");
        group.bench_function("stopped after join", |b| {
            b.iter_custom(|iters| timed(iters, &numbers, true))
        });
        group.bench_function("stopped before join", |b| {
            b.iter_custom(|iters| timed(iters, &numbers, false))
        });
        group.finish();
    }

    // ANCHOR: fork_rss
    pub fn fork_rss(c: &mut Criterion) {
        const MIB: usize = 1 << 20;
        let mut group = c.benchmark_group("fork-rss");
        type Start = fn() -> Result<(), ProcessError>;
        let runs: [(&str, usize, Pages, Start); 6] = [
            ("fork, 0 MiB", 0, Pages::Small, fork_exit_wait),
            ("fork, 100 MiB", 100 * MIB, Pages::Small, fork_exit_wait),
            ("fork, 1 GiB", 1024 * MIB, Pages::Small, fork_exit_wait),
            (
                "fork, 1 GiB of huge pages",
                1024 * MIB,
                Pages::Huge,
                fork_exit_wait,
            ),
            ("Command, 0 MiB", 0, Pages::Small, run_true),
            ("Command, 1 GiB", 1024 * MIB, Pages::Small, run_true),
        ];
        for (name, bytes, pages, start) in runs {
            // Resident for the duration of this variant only: one 1 GiB
            // region at a time.
            let region = Resident::new(bytes, pages).unwrap();
            group.bench_function(name, |b| b.iter(|| start().unwrap()));
            drop(region);
        }
        group.finish();
    }
    // ANCHOR_END: fork_rss

    /// Runs one process per number `iters` times; the clock stops after
    /// the joins, or before.
    fn timed(iters: u64, numbers: &[u64], after_join: bool) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            let handles =
                start_all(numbers.iter().map(|&n| move || cpu_bound(n))).unwrap();
            let before_join = start.elapsed();
            black_box(join_all(handles).unwrap());
            total += if after_join {
                start.elapsed()
            } else {
                before_join
            };
        }
        total
    }
}

#[cfg(unix)]
fn main() {
    unix::registry().serve_if_child();
    let mut c = workloads::bench::criterion().configure_from_args();
    unix::start_join(&mut c);
    unix::tutorial(&mut c);
    unix::clock(&mut c);
    unix::fork_rss(&mut c);
    c.final_summary();
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch03_processes::UNIX_ONLY);
}
