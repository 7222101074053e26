//! Chapter 09's benchmarks: the tutorial and the long uneven list over
//! 1, 2 and 4 MPI ranks, static split against master/worker, beside
//! chapter 04's process pool on the same machine; and the one-way time
//! of a message between two ranks, from 8 B to 64 MiB.
//!
//! Criterion cannot run inside `mpirun`, so the MPI variants go the other
//! way round: each sample starts `mpirun -n N examples/ch09-06-bench-rank
//! ...` with the iterations criterion asks for, and reads back the time
//! rank 0 measured (`iter_custom`: mpirun's start-up is not in it). The
//! rank program needs the `mpi` feature; this bench builds it (a no-op
//! once built, as `capture-mpi.sh` does) and, without `mpirun` or without
//! the MPI libraries, says why and runs the other variants only.
//!
//! 4 ranks on a 2-core machine means `--oversubscribe`: two ranks per core.
//! Master/worker's rank 0 only hands out tasks, so N ranks are N - 1 computing
//! workers; its 3-rank variant is the one with a worker per core.
//!
//! `main` is written out so the process pools are forked first, while this process
//! has one thread.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use ch04_pools::ProcessPool;
use ch09_beyond_one_machine::decompose::uneven_tasks;
use ch09_beyond_one_machine::rank_program;
use criterion::Criterion;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

fn config() -> Criterion {
    workloads::bench::criterion().configure_from_args()
}

/// The rank program, built with the `mpi` feature, and `mpirun` to start it.
struct Mpi {
    exe: PathBuf,
}

impl Mpi {
    /// Builds the rank program beside this bench (same target dir and profile);
    /// `None`, after saying why, without `mpirun` or when the feature does not build.
    fn prepare() -> Option<Mpi> {
        let skip = |why: String| {
            println!("MPI variants skipped: {why}");
            None
        };
        if Command::new("mpirun")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_err()
        {
            return skip(
                "mpirun not found (install libopenmpi-dev openmpi-bin libclang-dev)"
                    .into(),
            );
        }
        // This bench is <target>/<profile>/deps/ranks-<hash>.
        let me = std::env::current_exe().expect("the bench's own path");
        let profile_dir = me
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>");
        let target = profile_dir.parent().expect("<target>");
        let release = profile_dir.file_name().is_some_and(|p| p == "release");
        let mut build =
            Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "--features=mpi",
                "--example",
                rank_program::NAME,
            ])
            .arg("--target-dir")
            .arg(target);
        if release {
            build.arg("--release");
        }
        match build.status() {
            Ok(s) if s.success() => Some(Mpi {
                exe: profile_dir.join("examples").join(rank_program::NAME),
            }),
            Ok(s) => skip(format!("the `mpi` feature does not build ({s})")),
            Err(e) => skip(format!("could not run cargo: {e}")),
        }
    }

    /// Runs the rank program on `ranks` ranks with `args` and `iters`;
    /// rank 0's total time.
    fn time(&self, ranks: usize, args: &[&str], iters: u64) -> Duration {
        let iters = iters.to_string();
        let args: Vec<&str> = args.iter().copied().chain([iters.as_str()]).collect();
        rank_program::total_time(&self.exe, ranks, &args)
    }
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

// ANCHOR: variants
/// One workload: sequential, MPI static on 1, 2, 4 ranks, MPI
/// master/worker on 2, 3, 4 ranks (1, 2, 3 workers: 3 ranks is the one
/// with a worker per core), and the process pools.
fn group(
    c: &mut Criterion,
    name: &str,
    inputs: &[u64],
    pools: &[ProcessPool],
    mpi: Option<&Mpi>,
) {
    let mut group = c.benchmark_group(name);
    group.bench_function("sequential", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|&n| cpu_bound(black_box(n)))
                .collect::<Vec<_>>()
        })
    });
    if let Some(mpi) = mpi {
        for ranks in [1, 2, 4] {
            let id = format!(
                "MPI static, {ranks} rank{}",
                if ranks == 1 { "" } else { "s" }
            );
            group.bench_function(id, |b| {
                b.iter_custom(|iters| mpi.time(ranks, &["static", name], iters))
            });
        }
        for ranks in [2, 3, 4] {
            let id = format!("MPI master/worker, {ranks} ranks");
            group.bench_function(id, |b| {
                b.iter_custom(|iters| {
                    mpi.time(ranks, &["master-worker", name], iters)
                })
            });
        }
    }
    for pool in pools {
        group.bench_function(format!("process pool, {} workers", pool.size()), |b| {
            b.iter(|| over_pool(pool, black_box(inputs)))
        });
    }
    group.finish();
}
// ANCHOR_END: variants

/// One-way time of a message between two ranks, 8 B to 64 MiB.
fn ping_pong(c: &mut Criterion, mpi: &Mpi) {
    let mut group = c.benchmark_group("ping-pong");
    for (bytes, label) in [
        (8, "8 B"),
        (1 << 10, "1 KiB"),
        (64 << 10, "64 KiB"),
        (1 << 20, "1 MiB"),
        (64 << 20, "64 MiB"),
    ] {
        let bytes = bytes.to_string();
        group.bench_function(format!("MPI {label}"), |b| {
            b.iter_custom(|iters| mpi.time(2, &["ping-pong", &bytes], iters))
        });
    }
    group.finish();
}

fn main() {
    let pools = [2, 4].map(|n| ProcessPool::new(n).expect("fork the pool's workers"));
    let mpi = Mpi::prepare();
    let mut c = config();
    group(&mut c, "tutorial", &TUTORIAL_NUMBERS, &pools, mpi.as_ref());
    group(&mut c, "uneven", &uneven_tasks(), &pools, mpi.as_ref());
    if let Some(mpi) = &mpi {
        ping_pong(&mut c, mpi);
    }
    c.final_summary();
}
