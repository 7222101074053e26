//! How many cores? Rust's `available_parallelism` against what Python's
//! `os.cpu_count()` reads, and what a CPU affinity mask changes.
//!
//! Run: `cargo run --release -p ch01-sequential --example ch01-04-cores`

use ch01_sequential::cores::worker_count;

// ANCHOR: main
fn main() {
    match std::thread::available_parallelism() {
        Ok(n) => println!("available_parallelism()        = {n}"),
        Err(e) => println!("available_parallelism() failed: {e}"),
    }
    #[cfg(unix)]
    match ch01_sequential::cores::online_cpus() {
        Some(n) => println!("online CPUs (os.cpu_count())   = {n}"),
        None => println!("online CPUs: sysconf could not tell"),
    }
    #[cfg(target_os = "linux")]
    match ch01_sequential::cores::parallelism_when_pinned_to_one_cpu() {
        Ok(n) => println!(
            "available_parallelism() pinned = {n}  (a thread allowed one CPU)"
        ),
        Err(e) => println!("pinning a thread failed: {e}"),
    }
    println!("workers to start               = {}", worker_count());
}
// ANCHOR_END: main
