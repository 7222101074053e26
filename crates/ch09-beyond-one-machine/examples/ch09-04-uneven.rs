//! A long uneven task list (40 small tasks then 8 large ones) across ranks: a static
//! split puts every large task in the last blocks, master/worker spreads them.
//!
//! `mpirun -n 4 --oversubscribe target/release/examples/ch09-04-uneven`
//!
//! With `COURSE_TIMELINE=<file>` (capture-mpi.sh sets it), one more run of each
//! variant, after the timed ones, records every task a rank computes: every rank is a
//! process on this machine, on one `CLOCK_MONOTONIC`. Rank 0 writes the sections; the
//! others append one line per task.

use std::num::NonZeroUsize;

use ch01_sequential::ideal;
use ch01_sequential::timing::Spread;
use ch09_beyond_one_machine::decompose::{
    master_worker_makespan, static_makespan, uneven_tasks,
};
use ch09_beyond_one_machine::master_worker::master_worker;
use ch09_beyond_one_machine::mpi_world::{
    MpiTransport, quiet_barrier, static_split, timed_runs,
};
use ch09_beyond_one_machine::report;
use mpi::traits::*;
use workloads::{Scale, cpu_bound_at, timeline};

/// Each variant runs this often; the quiet barrier before each run keeps waiting
/// ranks off the cores while rank 0 times the sequential version.
const RUNS: NonZeroUsize = NonZeroUsize::new(5).unwrap();

fn main() {
    let universe = mpi::initialize().expect("MPI was initialised twice");
    let world = universe.world();
    let size = world.size() as usize;
    let inputs = uneven_tasks();
    let work = |n| cpu_bound_at(n, Scale::FULL);

    let timed = |run: &mut dyn FnMut()| timed_runs(&world, RUNS, run);
    let sequential = timed(&mut || {
        if world.rank() == 0 {
            std::hint::black_box(inputs.iter().map(|&n| work(n)).collect::<Vec<_>>());
        }
    });
    let statically = timed(&mut || {
        std::hint::black_box(static_split(&world, &inputs, work));
    });
    let transport = MpiTransport::new(&world);
    let dynamic = (size > 1).then(|| {
        timed(&mut || {
            std::hint::black_box(
                master_worker(&transport, &inputs, work).expect("protocol"),
            );
        })
    });

    if timeline::enabled() {
        record(&world, &inputs, &transport);
    }

    let Some(sequential) = sequential else { return };
    let tasks: Vec<f64> = inputs.iter().map(|&n| n as f64).collect();
    let total = ideal::total(&tasks);
    println!(
        "{size} ranks, {} uneven tasks (total n = {total}), {RUNS} runs each",
        tasks.len()
    );
    let line = |name: &str, spread: &Spread, makespan: f64| {
        println!(
            "{}",
            report::speedup_line(name, spread, &sequential, total / makespan)
        );
    };
    line("sequential", &sequential, total);
    line(
        "static split",
        &statically.expect("rank 0"),
        static_makespan(&tasks, size).expect("size > 0"),
    );
    if let Some(dynamic) = dynamic {
        line(
            "master/worker",
            &dynamic.expect("rank 0"),
            master_worker_makespan(&tasks, size).expect("size > 1"),
        );
    }
}

/// One recorded run of each variant, outside the timed ones: a section
/// per variant on rank 0 (the only rank that writes sections), a task
/// per input on the rank that computes it.
fn record<C: Communicator>(
    world: &C,
    inputs: &[u64],
    transport: &MpiTransport<'_, C>,
) {
    let rank0 = world.rank() == 0;
    if rank0 {
        timeline::start().expect("emptying the timeline file");
    }
    let work = |n| {
        timeline::task(
            || format!("cpu_bound({n})"),
            || cpu_bound_at(n, Scale::FULL),
        )
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = world.size() as usize;
    let section = |label: &str, computing: usize, run: &mut dyn FnMut()| {
        quiet_barrier(world);
        if rank0 {
            timeline::section(label, computing.clamp(1, cores), run);
        } else {
            run();
        }
    };
    section("static split", size, &mut || {
        std::hint::black_box(static_split(world, inputs, work));
    });
    if size > 1 {
        section(
            "master/worker (rank 0 only hands out)",
            size - 1,
            &mut || {
                std::hint::black_box(
                    master_worker(transport, inputs, work).expect("protocol"),
                );
            },
        );
    }
    if rank0 {
        timeline::finish().expect("writing the timeline file");
    }
}
