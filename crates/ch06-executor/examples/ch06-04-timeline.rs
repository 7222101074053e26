//! The tutorial's five tasks on a process executor as timelines: on the default size
//! (one worker per core), then on five workers. One unit of sleep is 0.1 s (the
//! tutorial's is 1 s).
//!
//! `cargo course capture ch06` runs it with `COURSE_TIMELINE` set and
//! draws `book/ch06-executor/output/ch06-04-timeline.timeline.svg`. The
//! workers are this program, started again: each appends its records to
//! the file as its tasks end. Each row runs twice, plain then recorded,
//! and the two makespans are printed side by side.

use ch06_executor::tutorial::{do_something, tutorial_pairs};
use ch06_executor::{Executor, ProcessExecutor};
use workloads::{Scale, timeline};

/// A plain function: only code crosses to a worker process, by address.
fn traced((a, b, record): (u64, u64, bool)) -> String {
    timeline::task_if(
        record,
        || format!("do_something({a}, {b})"),
        || do_something(a, b, Scale::DEMO),
    )
}

fn five_tasks(
    executor: &ProcessExecutor,
    record: bool,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let tickets = tutorial_pairs()
        .into_iter()
        .map(|(a, b)| executor.submit(traced, (a, b, record)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(tickets
        .iter()
        .map(|t| t.result())
        .collect::<Result<Vec<_>, _>>()?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // a worker of the executor starts here, and never returns
    ch06_executor::serve_if_worker();
    timeline::start()?;
    let default = ProcessExecutor::with_default_size()?;
    let size = default.pids().len();
    let label = format!("ProcessExecutor() ({size} workers), five tasks");
    timeline::plain_then_recorded(&label, size, |record| {
        five_tasks(&default, record)
    })?;
    let five = ProcessExecutor::new(5)?;
    timeline::plain_then_recorded("ProcessExecutor(5), five tasks", 5, |record| {
        five_tasks(&five, record)
    })?;
    timeline::finish()?;
    Ok(())
}
