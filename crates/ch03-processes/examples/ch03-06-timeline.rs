//! One process per number as a timeline: four children, each one task, on the
//! machine's cores.
//!
//! `cargo course capture ch03` runs it with `COURSE_TIMELINE` set and draws
//! `book/ch03-processes/output/ch03-06-timeline.timeline.svg`. Each child appends its
//! record to the file as its task ends. The workload runs twice, plain then recorded,
//! and the two makespans are printed side by side.

#[cfg(unix)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use ch03_processes::tutorial::{join_all, start_all};
    use workloads::timeline;
    use workloads::{TUTORIAL_NUMBERS, cpu_bound};

    timeline::start()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    timeline::plain_then_recorded("one process per number", cores, |record| {
        let handles = start_all(TUTORIAL_NUMBERS.map(|n| {
            move || {
                timeline::task_if(
                    record,
                    || format!("cpu_bound({n})"),
                    || cpu_bound(n),
                )
            }
        }))?;
        join_all(handles)
    })?;
    timeline::finish()?;
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch03_processes::UNIX_ONLY);
}
