//! Where did the time go? Wall-clock time against the CPU time the process got, and
//! the steal time of the machine.
//!
//! A parallel run that is slower than every schedule allows has a cause outside the
//! code: the threads did not get the cores. Two counters tell which:
//!
//! * **CPU time** (`getrusage(RUSAGE_SELF)`, user plus system, summed over every
//!   thread of the process). Divided by the wall-clock time it gives the number of
//!   cores the process kept busy on average: close to 2 for two threads that really
//!   ran at once, close to 1 if they took turns on one core.
//! * **Other processes** (the busy columns of `/proc/stat`, Linux,
//!   minus this process's CPU time): the CPU time every other program
//!   on the machine used meanwhile. On a shared machine they take the
//!   cores the threads were meant to get.
//! * **Steal time** (the `steal` column of `/proc/stat`). On a virtual machine, the
//!   time the hypervisor ran another guest on a CPU this machine wanted to run on.
//!   Neither the process nor its kernel can see that time any other way: for them the
//!   CPU was simply slow.
//!
//! Together: a run whose threads kept two cores busy, next to no other
//! load and no steal, got the machine, and its time is the code's; a run
//! with fewer busy cores did not, and the other two columns say who had
//! them. `/proc/stat` counts in clock ticks (10 ms on most systems), so
//! its columns are coarse for runs of a few tens of milliseconds.

use std::io;
use std::time::{Duration, Instant};

// ANCHOR: usage
/// What a piece of work got from the machine while it ran.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// Wall-clock time, from [`Instant`].
    pub wall: Duration,
    /// CPU time of the whole process (all its threads), user plus system.
    pub cpu: Duration,
    /// CPU time every other process on the machine used meanwhile;
    /// `None` without `/proc/stat`.
    pub others: Option<Duration>,
    /// Steal time of the whole machine (all CPUs) meanwhile; `None`
    /// without `/proc/stat`.
    pub steal: Option<Duration>,
}

impl Usage {
    /// The number of cores the process kept busy on average: CPU time over wall time.
    pub fn busy_cores(&self) -> f64 {
        if self.wall.is_zero() {
            return 0.0;
        }
        self.cpu.as_secs_f64() / self.wall.as_secs_f64()
    }
}

/// Runs `work` and reports its value with the [`Usage`] measured around it.
pub fn measure<T>(work: impl FnOnce() -> T) -> io::Result<(T, Usage)> {
    let machine_before = machine_times().ok();
    let cpu_before = cpu_time()?;
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed();
    let cpu = cpu_time()?.saturating_sub(cpu_before);
    let machine = machine_before
        .zip(machine_times().ok())
        .map(|(before, after)| after.since(before));
    Ok((
        value,
        Usage {
            wall,
            cpu,
            others: machine.map(|m| m.busy.saturating_sub(cpu)),
            steal: machine.map(|m| m.steal),
        },
    ))
}
// ANCHOR_END: usage

// ANCHOR: cpu_time
/// CPU time used so far by every thread of this process, user plus
/// system (`getrusage`).
#[cfg(unix)]
pub fn cpu_time() -> io::Result<Duration> {
    // SAFETY: `rusage` is a plain C struct of integers; all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable `rusage` that outlives the call.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(timeval(usage.ru_utime) + timeval(usage.ru_stime))
}

#[cfg(unix)]
fn timeval(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros.into())
}
// ANCHOR_END: cpu_time

// ANCHOR: steal_time
/// The whole machine's CPU time, from the `cpu` line of `/proc/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineTimes {
    /// Time the CPUs ran programs or the kernel: user, nice, system, irq and softirq.
    pub busy: Duration,
    /// Time the hypervisor gave the CPUs to other guests.
    pub steal: Duration,
}

impl MachineTimes {
    /// What accrued between `earlier` and `self`.
    pub fn since(self, earlier: MachineTimes) -> MachineTimes {
        MachineTimes {
            busy: self.busy.saturating_sub(earlier.busy),
            steal: self.steal.saturating_sub(earlier.steal),
        }
    }
}

/// The machine's CPU time so far, all CPUs together (Linux `/proc/stat`).
pub fn machine_times() -> io::Result<MachineTimes> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    parse_proc_stat(&stat, clock_ticks_per_second()?).ok_or_else(|| {
        io::Error::other("/proc/stat has no cpu line with a steal column")
    })
}

/// Reads the `cpu` line of a `/proc/stat` text, converting clock ticks to time.
///
/// The line reads `cpu  user nice system idle iowait irq softirq steal ...`. Idle and
/// iowait are not busy; steal is the eighth number (kernels before 2.6.11 have none).
pub fn parse_proc_stat(
    proc_stat: &str,
    ticks_per_second: u64,
) -> Option<MachineTimes> {
    let line = proc_stat.lines().find(|l| l.starts_with("cpu "))?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let &[user, nice, system, _idle, _iowait, irq, softirq, steal, ..] =
        ticks.as_slice()
    else {
        return None;
    };
    let time = |t: u64| -> Option<Duration> {
        let per_second = u32::try_from(ticks_per_second).ok().filter(|&p| p > 0)?;
        Some(
            Duration::from_secs(t / ticks_per_second)
                + Duration::from_secs(t % ticks_per_second) / per_second,
        )
    };
    Some(MachineTimes {
        busy: time(user + nice + system + irq + softirq)?,
        steal: time(steal)?,
    })
}

/// The unit of `/proc/stat`, `sysconf(_SC_CLK_TCK)` (100 on most Linux systems).
#[cfg(unix)]
fn clock_ticks_per_second() -> io::Result<u64> {
    // SAFETY: sysconf takes a plain integer name, touches no memory of
    // ours, and is thread-safe.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks)
        .ok()
        .filter(|&t| t > 0)
        .ok_or_else(|| io::Error::other("sysconf(_SC_CLK_TCK) failed"))
}
// ANCHOR_END: steal_time

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_steal_come_from_the_cpu_line() {
        let stat = "cpu  103408 1 24016 36590 338 2 98 112 0 0\n\
                    cpu0 51955 0 11499 18712 72 0 8 53 0 0\n";
        let t = parse_proc_stat(stat, 100).unwrap();
        // user + nice + system + irq + softirq; idle and iowait are not busy.
        assert_eq!(
            t.busy,
            Duration::from_millis(10 * (103408 + 1 + 24016 + 2 + 98))
        );
        assert_eq!(t.steal, Duration::from_millis(1120));
        assert_eq!(
            parse_proc_stat(stat, 1000).unwrap().steal,
            Duration::from_millis(112)
        );
        let earlier = MachineTimes {
            busy: Duration::from_secs(1),
            steal: Duration::from_secs(2),
        };
        assert_eq!(t.since(earlier).steal, Duration::from_millis(0));
        assert_eq!(t.since(earlier).busy, t.busy - Duration::from_secs(1));
    }

    #[test]
    fn a_stat_without_steal_or_ticks_gives_none() {
        assert_eq!(parse_proc_stat("cpu  1 2 3 4 5 6 7\n", 100), None);
        assert_eq!(parse_proc_stat("intr 1 2 3\n", 100), None);
        assert_eq!(parse_proc_stat("cpu  1 2 3 4 5 6 7 8\n", 0), None);
        assert_eq!(parse_proc_stat("cpu  1 2 x 4 5 6 7 8\n", 100), None);
    }

    /// CPU time of the calling thread only (Linux `RUSAGE_THREAD`).
    #[cfg(target_os = "linux")]
    fn this_thread_cpu_time() -> Duration {
        // SAFETY: `rusage` is a plain C struct of integers; all zeroes
        // is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid, writable `rusage` that outlives the call.
        let status = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
        assert_eq!(status, 0, "getrusage(RUSAGE_THREAD)");
        timeval(usage.ru_utime) + timeval(usage.ru_stime)
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn process_cpu_time_includes_every_thread() {
        // Each spawned thread reports its own CPU time just before it ends; the
        // process's CPU time measured around them must contain all of it (the kernel
        // adds a thread's time to the process when the thread exits). A count of what
        // ran, not a bound on how long.
        let (threads, usage) = measure(|| {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..2)
                    .map(|_| {
                        s.spawn(|| {
                            std::hint::black_box(workloads::cpu_bound_at(
                                5,
                                workloads::Scale::DEMO,
                            ));
                            this_thread_cpu_time()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .unwrap();
        let spawned: Duration = threads.iter().sum();
        assert!(spawned > Duration::ZERO, "{threads:?}");
        assert!(
            usage.cpu >= spawned,
            "process {:?} < threads {spawned:?}",
            usage.cpu
        );
        assert!(usage.busy_cores() > 0.0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_machine_reports_busy_and_steal_times() {
        // Every Linux since 2.6.11 has the columns; steal may well be zero.
        let t = machine_times().unwrap();
        assert!(t.busy > Duration::ZERO);
    }
}
