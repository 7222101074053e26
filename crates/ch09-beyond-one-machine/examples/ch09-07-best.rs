//! The best speedup each benchmark variant's schedule allows (chapter 01's ideal:
//! free messages, a core per computing rank), for the tutorial and the uneven list.
//! No MPI needed: these are schedules, computed. `cargo run -p
//! ch09-beyond-one-machine --example ch09-07-best`

use ch01_sequential::ideal;
use ch01_sequential::ideal::tutorial_tasks;
use ch09_beyond_one_machine::decompose::{
    master_worker_makespan, static_makespan, uneven_tasks,
};

fn main() {
    let uneven: Vec<f64> = uneven_tasks().iter().map(|&n| n as f64).collect();
    for (name, tasks) in [("tutorial", tutorial_tasks().to_vec()), ("uneven", uneven)]
    {
        let total = ideal::total(&tasks);
        println!("{name}: {} tasks, {total} units", tasks.len());
        println!("  variant                      computing  makespan  best speedup");
        let rows = [1, 2, 4]
            .map(|r| ("MPI static", r, r, static_makespan(&tasks, r)))
            .into_iter()
            .chain([2, 3, 4].map(|r| {
                (
                    "MPI master/worker",
                    r,
                    r - 1,
                    master_worker_makespan(&tasks, r),
                )
            }))
            .chain(
                [2, 4]
                    .map(|w| ("process pool", w, w, ideal::list_makespan(&tasks, w))),
            );
        for (variant, n, computing, makespan) in rows {
            let makespan = makespan.expect("at least one computing rank");
            let unit = match (variant, n) {
                ("process pool", _) => "workers",
                (_, 1) => "rank",
                _ => "ranks",
            };
            println!(
                "  {:<28} {computing:>9}  {makespan:>8}  {:>11.2}",
                format!("{variant}, {n} {unit}"),
                total / makespan
            );
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "with {cores} cores here, no variant can pass {cores}.00; more ranks than cores share them"
    );
}
