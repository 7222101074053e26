//! The tutorials' sequential loop as a timeline: which task ran when, on one core.
//!
//! Run: `COURSE_TIMELINE=target/t.tsv cargo run --release -p ch01-sequential
//! --example ch01-07-timeline`, or let `cargo course capture
//! ch01` run it and draw `book/ch01-sequential/output/ch01-07-timeline.timeline.svg`.
//! The loop runs twice, plain then recorded, and the two makespans are printed side
//! by side; then what one record costs.

use workloads::timeline;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

fn main() -> std::io::Result<()> {
    timeline::start()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    timeline::plain_then_recorded("sequential", cores, |record| {
        TUTORIAL_NUMBERS.map(|n| {
            timeline::task_if(record, || format!("cpu_bound({n})"), || cpu_bound(n))
        })
    });
    let (in_memory, appended) = timeline::cost(
        10_000,
        &std::env::temp_dir().join(format!("timeline-cost-{}", std::process::id())),
    )?;
    println!(
        "one record costs {in_memory} ns kept in memory (the recording process), {:.1} µs \
         appended to the file (a worker process); median of 10000 each",
        appended as f64 / 1000.0
    );
    timeline::finish()
}
