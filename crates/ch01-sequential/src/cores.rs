//! How many workers to start: `std::thread::available_parallelism` against Python's
//! `os.cpu_count()`.
//!
//! They answer different questions. `os.cpu_count()` counts the CPUs the operating
//! system has online. `available_parallelism()` estimates how many this process may
//! actually use: on Linux (std's `sys/thread/unix.rs`, Rust 1.95) the smaller of the
//! CPUs in the affinity mask (`taskset`, `os.sched_setaffinity`) and the cgroup CPU
//! quota in whole CPUs, rounded down (cgroup v2 `cpu.max` of the process's cgroup and
//! its parents, or v1 `cpu.cfs_quota_us /
//! cpu.cfs_period_us`; a container started with `--cpus
//! 2`). Python 3.13's `os.process_cpu_count()` is `len(os.sched_getaffinity(0))`: the
//! affinity mask, never the quota. `available_parallelism()` can also fail, so it
//! returns a `Result`.
//!
//! This is the book's first `unsafe` code: calls into C through `libc`
//! (`sysconf`, `sched_getaffinity`, `sched_setaffinity`), `std::mem::zeroed`
//! and `libc`'s `CPU_SET` helpers. The compiler cannot check those, so each
//! `unsafe` block carries a `// SAFETY:` comment that names the rules the
//! callee requires and why they hold (Clippy's `undocumented_unsafe_blocks`
//! lint, on for the workspace, rejects a block without one).

use std::io;
use std::num::NonZeroUsize;

// ANCHOR: worker_count
/// The number of workers to start: what `available_parallelism`
/// reports, or one if it cannot tell.
///
/// One is the safe fallback: the program still runs, just without parallelism, and
/// never starts zero workers.
pub fn worker_count() -> NonZeroUsize {
    worker_count_from(std::thread::available_parallelism())
}

/// The decision in [`worker_count`], separated from the system call so a test can
/// feed it an error.
pub fn worker_count_from(reported: io::Result<NonZeroUsize>) -> NonZeroUsize {
    match reported {
        Ok(n) => n,
        Err(_) => NonZeroUsize::MIN,
    }
}
// ANCHOR_END: worker_count

// ANCHOR: online_cpus
/// What Python's `os.cpu_count()` reports on Unix: the number of CPUs
/// online, from `sysconf(_SC_NPROCESSORS_ONLN)`. Affinity masks and
/// cgroup quotas do not change it.
#[cfg(unix)]
pub fn online_cpus() -> Option<usize> {
    // SAFETY: sysconf takes a plain integer name, touches no memory of
    // ours, and is thread-safe.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(n).ok().filter(|&n| n > 0)
}
// ANCHOR_END: online_cpus

// ANCHOR: pinned
/// Asks `available_parallelism` from a new thread that may run on one
/// CPU only, as `taskset -c` would arrange for a whole process. Linux
/// only (the affinity call is Linux's).
///
/// Returns what that thread was told. The calling thread's own mask is left alone.
#[cfg(target_os = "linux")]
pub fn parallelism_when_pinned_to_one_cpu() -> io::Result<NonZeroUsize> {
    std::thread::spawn(|| {
        // SAFETY: cpu_set_t is a plain bit array; all zeroes is the valid empty set.
        let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `allowed` is a valid, writable cpu_set_t of `size` bytes; pid 0
        // means this thread.
        if unsafe { libc::sched_getaffinity(0, size, &mut allowed) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let first = (0..libc::CPU_SETSIZE as usize)
            // SAFETY: `cpu` is below CPU_SETSIZE, the number of bits in a cpu_set_t.
            .find(|&cpu| unsafe { libc::CPU_ISSET(cpu, &allowed) })
            .ok_or_else(|| {
                io::Error::other("this thread may run on no CPU at all")
            })?;
        // SAFETY: as above, the empty set is all zeroes.
        let mut one: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: `first` came from the range above, so it is below CPU_SETSIZE.
        unsafe { libc::CPU_SET(first, &mut one) };
        // SAFETY: `one` is a valid cpu_set_t of `size` bytes; pid 0 changes only this
        // thread, which ends right after the question below.
        if unsafe { libc::sched_setaffinity(0, size, &one) } != 0 {
            return Err(io::Error::last_os_error());
        }
        std::thread::available_parallelism()
    })
    .join()
    .map_err(|_| io::Error::other("the pinned thread panicked"))?
}
// ANCHOR_END: pinned

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_falls_back_to_one_worker() {
        let unsupported =
            io::Error::new(io::ErrorKind::Unsupported, "no idea on this platform");
        assert_eq!(worker_count_from(Err(unsupported)).get(), 1);
    }

    #[test]
    fn a_report_is_taken_as_is() {
        let eight = NonZeroUsize::new(8).unwrap();
        assert_eq!(worker_count_from(Ok(eight)), eight);
        assert!(worker_count().get() >= 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_process_may_use_at_most_the_online_cpus() {
        let online = online_cpus().expect("sysconf reports the online CPUs");
        if let Ok(usable) = std::thread::available_parallelism() {
            assert!(usable.get() <= online, "usable {usable}, online {online}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn affinity_limits_available_parallelism_but_not_the_online_count() {
        let pinned =
            parallelism_when_pinned_to_one_cpu().expect("pinning one thread works");
        assert_eq!(pinned.get(), 1);
        // This thread was not pinned: the online count is unchanged and
        // still at least one.
        assert!(online_cpus().unwrap() >= 1);
    }
}
