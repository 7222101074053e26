//! The tutorial's `cpu_bound` on [11, 23, 53, 34] across ranks, two ways: a static
//! split (scatter, compute, gather and reduce) and master/worker (rank 0 hands out
//! tasks). Read against chapter 01's ideal for the same number of ranks.
//!
//! `mpirun -n 4 target/release/examples/ch09-02-tutorial` (add `--oversubscribe` for
//! more ranks than cores).

use std::num::NonZeroUsize;

use ch01_sequential::ideal::{self, tutorial_tasks};
use ch01_sequential::timing::Spread;
use ch09_beyond_one_machine::decompose::{master_worker_makespan, static_makespan};
use ch09_beyond_one_machine::master_worker::master_worker;
use ch09_beyond_one_machine::mpi_world::{MpiTransport, static_split, timed_runs};
use ch09_beyond_one_machine::report;
use mpi::traits::*;
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at};

/// Each variant runs this often; the quiet barrier before each run keeps waiting
/// ranks off the cores while rank 0 times the sequential version.
const RUNS: NonZeroUsize = NonZeroUsize::new(5).unwrap();

fn main() {
    let universe = mpi::initialize().expect("MPI was initialised twice");
    let world = universe.world();
    let size = world.size() as usize;
    let work = |n| cpu_bound_at(n, Scale::FULL);
    let expected: Vec<u64> = TUTORIAL_NUMBERS.iter().map(|&n| work(n)).collect();

    let timed = |run: &mut dyn FnMut()| timed_runs(&world, RUNS, run);

    let sequential = timed(&mut || {
        if world.rank() == 0 {
            std::hint::black_box(TUTORIAL_NUMBERS.map(work));
        }
    });
    // ANCHOR: static_run
    let statically = timed(&mut || {
        if let Some((results, sum)) = static_split(&world, &TUTORIAL_NUMBERS, work) {
            assert_eq!(results, expected);
            assert_eq!(sum, expected.iter().sum::<u64>());
        }
    });
    // ANCHOR_END: static_run
    // ANCHOR: master_worker_run
    let transport = MpiTransport::new(&world);
    let dynamic = (size > 1).then(|| {
        timed(&mut || {
            let outcome =
                master_worker(&transport, &TUTORIAL_NUMBERS, work).expect("protocol");
            if let Some(outcome) = outcome {
                assert_eq!(outcome.results, expected);
            }
        })
    });
    // ANCHOR_END: master_worker_run

    let Some(sequential) = sequential else { return };
    let tasks = tutorial_tasks();
    let total = ideal::total(&tasks);
    println!("{size} ranks, cpu_bound on {TUTORIAL_NUMBERS:?}, {RUNS} runs each");
    let line = |name: &str, spread: &Spread, makespan: f64| {
        println!(
            "{}",
            report::speedup_line(name, spread, &sequential, total / makespan)
        );
    };
    // "this split's best": the speedup if every task took exactly its share of the
    // sequential time and messages cost nothing; chapter 01's best schedule on `size`
    // cores is the lower bound.
    println!(
        "chapter 01's best on {size} cores: speedup {:.2}",
        total / ideal::lower_bound(&tasks, size).expect("size > 0")
    );
    line("sequential", &sequential, total);
    line(
        "static split",
        &statically.expect("rank 0"),
        static_makespan(&tasks, size).expect("size > 0"),
    );
    match dynamic {
        Some(dynamic) => line(
            "master/worker",
            &dynamic.expect("rank 0"),
            master_worker_makespan(&tasks, size).expect("size > 1"),
        ),
        None => println!(
            "master/worker  needs 2 ranks or more: rank 0 only hands out tasks"
        ),
    }
}
