//! One thread per number as a timeline: four threads, four tasks, on
//! the machine's cores.
//!
//! `cargo course capture ch02` runs it with `COURSE_TIMELINE` set and draws
//! `book/ch02-threads/output/ch02-03-timeline.timeline.svg`. Each workload runs
//! twice, plain then recorded, and the two makespans are printed side by side.

use ch02_threads::scope::cores;
use ch02_threads::spawn::spawn_each;
use workloads::timeline;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    timeline::start()?;
    let cores = cores();
    timeline::plain_then_recorded("one thread per number", cores, |record| {
        spawn_each(&TUTORIAL_NUMBERS, move |n| {
            timeline::task_if(record, || format!("cpu_bound({n})"), || cpu_bound(n))
        })
    })?;
    timeline::finish()?;
    Ok(())
}
