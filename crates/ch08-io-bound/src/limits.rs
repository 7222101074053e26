//! Is there room for `n` more child processes (or threads, or sockets) at once? A
//! probe of the limits that one process per task runs into, read before forking
//! rather than discovered by a failed `fork` halfway through a benchmark.
//!
//! * tasks: `RLIMIT_NPROC` (per user), `kernel.threads-max` and `kernel.pid_max` (per
//!   machine) bound the processes and threads that can exist at once. The probe
//!   counts every task on the machine (`/proc/loadavg`), a bound on this user's;
//! * file descriptors: the parent keeps one pipe per child until it joins it, and a
//!   service holds one socket per request, both under `RLIMIT_NOFILE`;
//! * memory: each child is charged [`KIB_PER_PROCESS`] against `MemAvailable`, at
//!   most half of it.
//!
//! Linux only (`/proc`); elsewhere the probe says it cannot tell.

/// What one child is charged: its private pages (tens of KiB for a forked Rust
/// program, the chapter's measurements show), its page tables, its kernel stack and
/// task structures. A deliberate overestimate.
pub const KIB_PER_PROCESS: u64 = 1024;

/// What one thread is charged: the pages of its stack it touches and its kernel
/// structures (a waiting thread holds about ten KiB, the chapter's measurements
/// show). Its 2 MiB stack is address space, not memory.
pub const KIB_PER_THREAD: u64 = 64;

/// Tasks and descriptors left free for everything else (the runtime's
/// threads, the terminal).
pub const MARGIN: u64 = 256;

/// The limits the probe read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The fewest of `RLIMIT_NPROC` (soft), `threads-max` and `pid_max`.
    pub max_tasks: u64,
    /// Every task (process or thread) on the machine now.
    pub tasks_now: u64,
    /// `RLIMIT_NOFILE` (soft).
    pub max_fds: u64,
    /// The descriptors this process has open now.
    pub fds_now: u64,
    /// `MemAvailable`.
    pub available_kib: u64,
}

/// Why `n` processes do not fit, naming the limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoRoom(pub String);

/// What a benchmark is about to ask for, on top of what runs now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Processes and threads.
    pub tasks: u64,
    /// File descriptors in this process.
    pub fds: u64,
    /// Memory.
    pub kib: u64,
}

impl Needs {
    /// `n` child processes, each joined through one pipe.
    pub fn processes(n: usize) -> Needs {
        let n = n as u64;
        Needs {
            tasks: n,
            fds: n,
            kib: n.saturating_mul(KIB_PER_PROCESS),
        }
    }

    /// `n` threads (their stacks are address space; the pages they
    /// touch are charged).
    pub fn threads(n: usize) -> Needs {
        let n = n as u64;
        Needs {
            tasks: n,
            fds: 0,
            kib: n.saturating_mul(KIB_PER_THREAD),
        }
    }

    /// `n` open sockets in this process.
    pub fn sockets(n: usize) -> Needs {
        Needs {
            fds: n as u64,
            ..Needs::default()
        }
    }

    /// Both at once.
    pub fn and(self, other: Needs) -> Needs {
        Needs {
            tasks: self.tasks.saturating_add(other.tasks),
            fds: self.fds.saturating_add(other.fds),
            kib: self.kib.saturating_add(other.kib),
        }
    }
}

// ANCHOR: room
impl Limits {
    /// `Ok` if `needs` fits under every limit, with [`MARGIN`] to spare.
    pub fn room_for(&self, needs: Needs) -> Result<(), NoRoom> {
        let tasks = self
            .tasks_now
            .saturating_add(needs.tasks)
            .saturating_add(MARGIN);
        if needs.tasks > 0 && tasks > self.max_tasks {
            return Err(NoRoom(format!(
                "{} more tasks: {} already run and the limit is {} \
                 (RLIMIT_NPROC, threads-max, pid_max)",
                needs.tasks, self.tasks_now, self.max_tasks
            )));
        }
        let fds = self
            .fds_now
            .saturating_add(needs.fds)
            .saturating_add(MARGIN);
        if needs.fds > 0 && fds > self.max_fds {
            return Err(NoRoom(format!(
                "{} more file descriptors: {} open, RLIMIT_NOFILE is {}",
                needs.fds, self.fds_now, self.max_fds
            )));
        }
        if needs.kib > self.available_kib / 2 {
            return Err(NoRoom(format!(
                "{} MiB charged, more than half of the {} MiB available",
                needs.kib / 1024,
                self.available_kib / 1024
            )));
        }
        Ok(())
    }
}
// ANCHOR_END: room

/// Reads the limits of this process and machine.
#[cfg(target_os = "linux")]
pub fn probe() -> Result<Limits, NoRoom> {
    use nix::sys::resource::{Resource, getrlimit};
    let cannot = |what: &str| NoRoom(format!("cannot read {what}"));
    let number = |path: &str| -> Result<u64, NoRoom> {
        let text = std::fs::read_to_string(path).map_err(|_| cannot(path))?;
        text.trim().parse().map_err(|_| cannot(path))
    };
    let soft = |resource| -> Result<u64, NoRoom> {
        let (soft, _) = getrlimit(resource).map_err(|_| cannot("getrlimit"))?;
        Ok(soft) // RLIM_INFINITY is u64::MAX: no limit
    };
    let loadavg = std::fs::read_to_string("/proc/loadavg")
        .map_err(|_| cannot("/proc/loadavg"))?;
    // "0.50 0.40 0.30 2/111 6726": the fourth field is running/total tasks
    let tasks_now = loadavg
        .split_whitespace()
        .nth(3)
        .and_then(|field| field.split('/').nth(1))
        .and_then(|total| total.parse().ok())
        .ok_or_else(|| cannot("/proc/loadavg"))?;
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .map_err(|_| cannot("/proc/meminfo"))?;
    let available_kib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| cannot("MemAvailable"))?;
    let fds_now = std::fs::read_dir("/proc/self/fd")
        .map_err(|_| cannot("/proc/self/fd"))?
        .count() as u64;
    Ok(Limits {
        max_tasks: soft(Resource::RLIMIT_NPROC)?
            .min(number("/proc/sys/kernel/threads-max")?)
            .min(number("/proc/sys/kernel/pid_max")?),
        tasks_now,
        max_fds: soft(Resource::RLIMIT_NOFILE)?,
        fds_now,
        available_kib,
    })
}

/// Reads the limits of this process and machine.
#[cfg(not(target_os = "linux"))]
pub fn probe() -> Result<Limits, NoRoom> {
    Err(NoRoom("the limits probe reads /proc: Linux only".into()))
}

/// `Ok` if `needs` fits here now; the reason if not.
pub fn room_for(needs: Needs) -> Result<(), NoRoom> {
    probe()?.room_for(needs)
}

/// Raises this process's soft `RLIMIT_NOFILE` to its hard limit (what
/// the soft limit is for: a program that needs more descriptors may
/// take them, up to the hard limit). Returns the new soft limit. A
/// thousand requests at once in one process hold two thousand sockets,
/// client and service sides, over the usual soft limit of 1,024.
#[cfg(unix)]
pub fn raise_fd_limit() -> Result<u64, NoRoom> {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (_, hard) =
        getrlimit(Resource::RLIMIT_NOFILE).map_err(|e| NoRoom(e.to_string()))?;
    setrlimit(Resource::RLIMIT_NOFILE, hard, hard)
        .map_err(|e| NoRoom(e.to_string()))?;
    Ok(hard)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMY: Limits = Limits {
        max_tasks: 10_000,
        tasks_now: 100,
        max_fds: 20_000,
        fds_now: 10,
        available_kib: 8 * 1024 * 1024,
    };

    #[test]
    fn a_thousand_fit_in_a_roomy_machine() {
        assert_eq!(ROOMY.room_for(Needs::processes(1000)), Ok(()));
        assert_eq!(
            ROOMY.room_for(Needs::threads(1000).and(Needs::sockets(2000))),
            Ok(())
        );
    }

    #[test]
    fn each_limit_is_named_when_it_is_the_one_that_binds() {
        let few_tasks = Limits {
            max_tasks: 1000,
            ..ROOMY
        };
        assert!(
            few_tasks
                .room_for(Needs::threads(1000))
                .unwrap_err()
                .0
                .contains("RLIMIT_NPROC")
        );
        let few_fds = Limits {
            max_fds: 1024,
            ..ROOMY
        };
        assert!(
            few_fds
                .room_for(Needs::sockets(1000))
                .unwrap_err()
                .0
                .contains("RLIMIT_NOFILE")
        );
        let little_memory = Limits {
            available_kib: 1024 * 1024,
            ..ROOMY
        };
        let err = little_memory.room_for(Needs::processes(1000)).unwrap_err();
        assert!(err.0.contains("MiB available"), "{err}");
    }

    #[test]
    fn the_tasks_already_running_count() {
        let busy = Limits {
            tasks_now: 9_000,
            ..ROOMY
        };
        assert!(busy.room_for(Needs::processes(1000)).is_err());
        assert!(busy.room_for(Needs::processes(500)).is_ok());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_probe_reads_this_machine() {
        let limits = probe().unwrap();
        assert!(limits.tasks_now >= 1 && limits.fds_now >= 3, "{limits:?}");
        assert!(room_for(Needs::processes(usize::MAX / 2)).is_err());
        assert!(raise_fd_limit().unwrap() >= limits.max_fds);
    }
}
