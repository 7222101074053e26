//! Ordered `imap` against `imap_unordered` when the first task is the
//! slowest: task 0 sleeps 1 s, tasks 1..5 sleep 0.1 s, on a pool of 2.
//! Prints when each result came out.
//!
//! Run: `cargo run --release -p ch05-starmap --example ch05-02-imap`

use std::time::{Duration, Instant};

use ch04_pools::ThreadPool;
use ch05_starmap::{ChunkSize, imap, imap_unordered};

// ANCHOR: main
fn nap(i: usize) -> usize {
    std::thread::sleep(Duration::from_millis(if i == 0 { 1000 } else { 100 }));
    i
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pool = ThreadPool::new(2)?;
    let start = Instant::now();
    let ordered: Vec<String> = imap(&pool, nap, 0..6, ChunkSize::Default)?
        .map(|r| r.map(|i| format!("{i}@{:.2}s", start.elapsed().as_secs_f64())))
        .collect::<Result<_, _>>()?;
    println!("{:>15}: {}", "imap", ordered.join(" "));

    let start = Instant::now();
    let unordered: Vec<String> =
        imap_unordered(&pool, nap, 0..6, ChunkSize::Default)?
            .map(|(i, r)| {
                r.map(|_| format!("{i}@{:.2}s", start.elapsed().as_secs_f64()))
            })
            .collect::<Result<_, _>>()?;
    println!("{:>15}: {}", "imap_unordered", unordered.join(" "));
    Ok(())
}
// ANCHOR_END: main
