//! A handle never joined: `main` returns, the process exits, and the detached threads
//! die mid-work. Nothing warns, nothing fails, the exit status is 0.
//!
//! Run: `cargo run --release -p ch02-threads --example ch02-02-never-joined`

use std::sync::mpsc;

use ch02_threads::pitfalls::fire_and_forget;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

fn main() {
    let (started, each_started) = mpsc::channel();
    let results = fire_and_forget(&TUTORIAL_NUMBERS, move |n| {
        started.send(n).expect("main is still listening");
        // Full size: the largest task takes a fair fraction of a second.
        (n, cpu_bound(n))
    });
    // Wait until every thread has started, so the point is not "they never ran".
    for _ in TUTORIAL_NUMBERS {
        each_started.recv().expect("every thread starts");
    }
    let finished = results.lock().map(|r| r.len()).unwrap_or(0);
    println!("4 threads started; {finished} finished when main returned");
    println!(
        "main returns now: the process exits and takes the unfinished threads with it"
    );
}
