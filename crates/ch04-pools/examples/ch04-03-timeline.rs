//! Pools as timelines: the tutorials' four numbers on a process pool of
//! one worker per core (CPython's `Pool().map`), then task i sleeping i
//! units on thread pools of 5 and of 2.
//!
//! `cargo course capture ch04` runs it with `COURSE_TIMELINE` set and draws
//! `book/ch04-pools/output/ch04-03-timeline.timeline.svg`. Each workload runs twice,
//! plain then recorded, and the two makespans are printed side by side.

use ch04_pools::sleep_tasks::{TUTORIAL_TASKS, sleep_i_units};
use ch04_pools::{ProcessPool, ThreadPool};
use workloads::timeline;
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound};

/// The process pool's task: a plain function, recorded when asked.
fn cpu_task((n, record): (u64, bool)) -> u64 {
    timeline::task_if(record, || format!("cpu_bound({n})"), || cpu_bound(n))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Fork first, while this program has one thread.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let processes = ProcessPool::new(cores)?;
    timeline::start()?;
    timeline::plain_then_recorded(
        &format!("ProcessPool({cores})"),
        cores,
        |record| {
            let handles = TUTORIAL_NUMBERS
                .map(|n| processes.apply_async(cpu_task, (n, record)))
                .into_iter()
                .collect::<Result<Vec<_>, _>>()?;
            let sums = handles
                .into_iter()
                .map(|h| h.get())
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, Box<dyn std::error::Error>>(sums)
        },
    )?;
    processes.join();

    for workers in [5, 2] {
        let label = format!("ThreadPool({workers}), task i sleeps i x 0.1 s");
        timeline::plain_then_recorded(&label, workers, |record| {
            let pool = ThreadPool::new(workers)?;
            let mut handles = Vec::new();
            for i in TUTORIAL_TASKS {
                let task = move || sleep_i_units(i, Scale::DEMO);
                handles.push(pool.apply_async(move || {
                    timeline::task_if(record, || format!("task {i}"), task)
                })?);
            }
            let mut reports = Vec::new();
            for handle in handles {
                reports.push(handle.get()?);
            }
            pool.join();
            Ok::<_, Box<dyn std::error::Error>>(reports)
        })?;
    }
    timeline::finish()?;
    Ok(())
}
