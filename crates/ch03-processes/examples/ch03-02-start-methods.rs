//! What starting one task costs: a thread, a forked child, a re-run of this program.
//!
//! Each task does nothing; the time is start + join, averaged over many tasks. The
//! criterion bench `start-join` measures the same thing more carefully.

#[cfg(unix)]
fn main() -> Result<(), ch03_processes::ProcessError> {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use ch03_processes::reexec::{self, Registry};
    use ch03_processes::spawn;

    // ANCHOR: registry
    // Re-run as a child (`... --ch03-task echo`), this program serves
    // the task and exits here.
    Registry::new().task("echo", |n: u64| n).serve_if_child();
    // ANCHOR_END: registry

    const TASKS: u32 = 40;
    let per_task =
        |f: &mut dyn FnMut() -> Result<u64, ch03_processes::ProcessError>| {
            let start = Instant::now();
            for _ in 0..TASKS {
                black_box(f()?);
            }
            Ok::<Duration, ch03_processes::ProcessError>(start.elapsed() / TASKS)
        };

    // ANCHOR: three_ways
    let thread =
        per_task(&mut || Ok(std::thread::spawn(|| black_box(1u64)).join().unwrap()))?;
    let fork = per_task(&mut || spawn(|| black_box(1u64))?.join())?;
    let reexec =
        per_task(&mut || reexec::spawn_task::<u64, u64>("echo", &1)?.join())?;
    // ANCHOR_END: three_ways

    println!("start + join of one task that does nothing, mean of {TASKS}:");
    println!("  thread             {thread:>10.1?}");
    println!(
        "  fork               {fork:>10.1?}  ({:.1}x a thread)",
        ratio(fork, thread)
    );
    println!(
        "  re-exec (spawn)    {reexec:>10.1?}  ({:.1}x a thread)",
        ratio(reexec, thread)
    );
    Ok(())
}

#[cfg(unix)]
fn ratio(a: std::time::Duration, b: std::time::Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch03_processes::UNIX_ONLY);
}
