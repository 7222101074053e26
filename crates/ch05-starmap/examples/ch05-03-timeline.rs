//! The tutorial's starmap row as timelines: `starmap_async` of `do_something` over
//! `[(i, i + 1) for i in range(5)]` on a process pool of 5 and on a thread pool of 5,
//! then `apply_async` twice on a thread pool of 2. One unit of sleep is 0.1 s (the
//! tutorial's is 1 s).
//!
//! `cargo course capture ch05` runs it with `COURSE_TIMELINE` set and draws
//! `book/ch05-starmap/output/ch05-03-timeline.timeline.svg`. Each row runs twice,
//! plain then recorded, and the two makespans are printed side by side.

use ch04_pools::{ProcessPool, ThreadPool};
use ch05_starmap::tutorial::{do_something, tutorial_args};
use ch05_starmap::{ChunkSize, process_starmap, starmap_async};
use workloads::{Scale, timeline};

/// One task, recorded when asked: the label is the tutorial's call.
fn traced(a: u64, b: u64, record: bool) -> String {
    timeline::task_if(
        record,
        || format!("do_something({a}, {b})"),
        || do_something(a, b, Scale::DEMO),
    )
}

/// The process pool's task: a plain function of one tuple.
fn process_task((a, b, record): (u64, u64, bool)) -> String {
    traced(a, b, record)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Fork first, while this program has one thread.
    let processes = ProcessPool::new(5)?;
    timeline::start()?;
    timeline::plain_then_recorded("ProcessPool(5), starmap_async", 5, |record| {
        let items = tutorial_args().into_iter().map(|(a, b)| (a, b, record));
        process_starmap::starmap_async(
            &processes,
            process_task,
            items,
            ChunkSize::Default,
        )?
        .get()
    })?;
    processes.join();

    timeline::plain_then_recorded("ThreadPool(5), starmap_async", 5, |record| {
        let pool = ThreadPool::new(5)?;
        let f = move |(a, b)| traced(a, b, record);
        let result = starmap_async(&pool, f, tutorial_args(), ChunkSize::Default)?;
        pool.join();
        Ok::<_, Box<dyn std::error::Error>>(result.get()?)
    })?;

    timeline::plain_then_recorded("ThreadPool(2), apply_async x 2", 2, |record| {
        let pool = ThreadPool::new(2)?;
        let first = pool.apply_async(move || traced(1, 2, record))?;
        let second = pool.apply_async(move || traced(1, 2, record))?;
        Ok::<_, Box<dyn std::error::Error>>([first.get()?, second.get()?])
    })?;
    timeline::finish()?;
    Ok(())
}
