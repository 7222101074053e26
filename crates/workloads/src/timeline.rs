//! Timelines: which worker ran which task, from when to when.
//!
//! Recording is off unless the environment variable [`ENV`] (`COURSE_TIMELINE`) names
//! a file; `cargo course capture` sets it and draws the file as a chart. Off, every
//! call below costs one check of a flag that is read once.
//!
//! On, [`task`] reads the clock before and after the task and keeps a record in
//! memory: no I/O while the work runs. The process that called [`start`] writes its
//! records at [`finish`]. A process that did not call [`start`] (a forked child, or a
//! worker started by exec) appends each record to the file as its task ends, with one
//! `write` to a file opened `O_APPEND`: one line, one system call, so lines of
//! concurrent writers do not interleave.
//!
//! Times come from `CLOCK_MONOTONIC` on Linux, the clock of CPython's
//! `time.monotonic_ns()` (`workloads/python/timeline.py` writes the same format), so
//! records of every process of a run, Rust or Python, share one time axis.
//!
//! The file has one record per line, tab-separated, times in nanoseconds:
//!
//! ```text
//! task     <pid> <tid>   <start_ns> <end_ns> <cpu_ns> <label>
//! section  <pid> <slots> <start_ns> <end_ns> 0        <label>
//! ```
//!
//! `cpu_ns` is the CPU time the task's thread used while it ran
//! (`CLOCK_THREAD_CPUTIME_ID`, CPython's `time.thread_time_ns()`): a task that shared
//! its core, or waited for a lock, has a bar longer than its work, and the chart's
//! ideal counts the work.
//!
//! A `section` brackets one run of a workload in the recording process; the chart
//! draws each section as one panel, with the tasks that started inside it. `slots` is
//! how many tasks can make progress at once (the cores for CPU-bound work, the
//! workers for sleeps): the ideal makespan is the larger of the longest task and the
//! total work divided by `slots`.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// The environment variable that names the timeline file; unset or
/// empty, nothing is recorded.
pub const ENV: &str = "COURSE_TIMELINE";

/// One line of a timeline file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// `task` or `section`.
    pub kind: Kind,
    /// The process that recorded it.
    pub pid: u32,
    /// For a task, the thread that ran it (Linux thread id; equal to `pid` on a
    /// process's main thread). For a section, its `slots`.
    pub tid_or_slots: u64,
    /// `CLOCK_MONOTONIC` when it began, in nanoseconds.
    pub start_ns: u64,
    /// `CLOCK_MONOTONIC` when it ended, in nanoseconds.
    pub end_ns: u64,
    /// For a task, the CPU time its thread used meanwhile, in
    /// nanoseconds; 0 for a section.
    pub cpu_ns: u64,
    /// What it was (`cpu_bound(53)`, `ThreadPool(5)`); tabs and
    /// newlines are replaced by spaces.
    pub label: String,
}

/// What a [`Record`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One task, run by one worker.
    Task,
    /// One run of a workload, in the recording process.
    Section,
}

impl Record {
    /// The record as one line of the file, newline included.
    pub fn line(&self) -> String {
        let kind = match self.kind {
            Kind::Task => "task",
            Kind::Section => "section",
        };
        let label: String = self
            .label
            .chars()
            .map(|c| if c == '\t' || c == '\n' { ' ' } else { c })
            .collect();
        format!(
            "{kind}\t{}\t{}\t{}\t{}\t{}\t{label}\n",
            self.pid, self.tid_or_slots, self.start_ns, self.end_ns, self.cpu_ns
        )
    }

    /// Parses one line written by [`Record::line`] (or by `timeline.py`).
    pub fn parse(line: &str) -> Option<Record> {
        let mut fields = line.trim_end_matches(['\n', '\r']).splitn(7, '\t');
        let kind = match fields.next()? {
            "task" => Kind::Task,
            "section" => Kind::Section,
            _ => return None,
        };
        let mut number = || fields.next()?.parse::<u64>().ok();
        let (pid, tid_or_slots, start_ns, end_ns) =
            (number()?, number()?, number()?, number()?);
        let cpu_ns = number()?;
        Some(Record {
            kind,
            pid: u32::try_from(pid).ok()?,
            tid_or_slots,
            start_ns,
            end_ns,
            cpu_ns,
            label: fields.next().unwrap_or("").to_string(),
        })
    }
}

/// Where records go: the file, and the records the recording process
/// keeps until [`finish`].
struct Recorder {
    path: PathBuf,
    /// The process that called [`start`]; records of any other process
    /// are appended at once.
    owner: OnceLock<u32>,
    kept: Mutex<Vec<Record>>,
}

fn recorder() -> Option<&'static Recorder> {
    static RECORDER: OnceLock<Option<Recorder>> = OnceLock::new();
    RECORDER
        .get_or_init(|| {
            let path = std::env::var_os(ENV).filter(|p| !p.is_empty())?;
            Some(Recorder {
                path: PathBuf::from(path),
                owner: OnceLock::new(),
                kept: Mutex::new(Vec::new()),
            })
        })
        .as_ref()
}

/// Whether [`ENV`] names a file, so that records are kept.
pub fn enabled() -> bool {
    recorder().is_some()
}

/// Makes this process the recording one and empties the file. Call it first in
/// `main`, before any worker starts. Does nothing when recording is off.
pub fn start() -> std::io::Result<()> {
    if let Some(r) = recorder() {
        let _ = r.owner.set(std::process::id());
        std::fs::File::create(&r.path)?;
    }
    Ok(())
}

/// Runs `work` as one task named `label`, recording which thread of which process ran
/// it, from when to when. With recording off, only runs `work`.
pub fn task<T>(label: impl FnOnce() -> String, work: impl FnOnce() -> T) -> T {
    let Some(r) = recorder() else {
        return work();
    };
    let (start_ns, cpu_start) = (now_ns(), sys::thread_cpu_ns());
    let value = work();
    let (end_ns, cpu_end) = (now_ns(), sys::thread_cpu_ns());
    r.keep(Record {
        kind: Kind::Task,
        pid: std::process::id(),
        tid_or_slots: thread_id(),
        start_ns,
        end_ns,
        cpu_ns: cpu_end.saturating_sub(cpu_start),
        label: label(),
    });
    value
}

/// [`task`] for a future: the task runs from its first poll to its end, and is
/// recorded on the thread that first polled it. A task that waits holds no thread
/// meanwhile (the thread runs other tasks, and another thread may wake it), so its
/// CPU time is not measured: 0, and the chart counts its whole bar as work. With
/// recording off, only awaits `work`.
pub async fn task_async<T>(
    label: impl FnOnce() -> String,
    work: impl Future<Output = T>,
) -> T {
    let Some(r) = recorder() else {
        return work.await;
    };
    let (start_ns, tid) = (now_ns(), thread_id());
    let value = work.await;
    r.keep(Record {
        kind: Kind::Task,
        pid: std::process::id(),
        tid_or_slots: tid,
        start_ns,
        end_ns: now_ns(),
        cpu_ns: 0,
        label: label(),
    });
    value
}

/// Runs `work` as one section (one panel of the chart) named `label`, in which
/// `slots` tasks can make progress at once. With recording off, only runs `work`.
pub fn section<T>(label: &str, slots: usize, work: impl FnOnce() -> T) -> T {
    let Some(r) = recorder() else {
        return work();
    };
    let start_ns = now_ns();
    let value = work();
    let end_ns = now_ns();
    r.keep(Record {
        kind: Kind::Section,
        pid: std::process::id(),
        tid_or_slots: slots as u64,
        start_ns,
        end_ns,
        cpu_ns: 0,
        label: label.to_string(),
    });
    value
}

/// [`task`] when `record` is true, else only `work()`: the same code runs a workload
/// plain and recorded, to compare the two.
pub fn task_if<T>(
    record: bool,
    label: impl FnOnce() -> String,
    work: impl FnOnce() -> T,
) -> T {
    if record { task(label, work) } else { work() }
}

/// Runs a workload twice, `run(false)` plain, then `run(true)` recorded as a
/// [`section`], and prints both makespans on one line: what recording changed, next
/// to what it recorded.
pub fn plain_then_recorded<T>(
    label: &str,
    slots: usize,
    mut run: impl FnMut(bool) -> T,
) -> T {
    let clock = std::time::Instant::now();
    std::hint::black_box(run(false));
    let plain = clock.elapsed();
    let clock = std::time::Instant::now();
    let value = section(label, slots, || run(true));
    let recorded = clock.elapsed();
    let state = if enabled() {
        "recorded"
    } else {
        "recording off"
    };
    println!(
        "{label}: {:.3} s plain, {:.3} s {state}",
        plain.as_secs_f64(),
        recorded.as_secs_f64()
    );
    value
}

impl Recorder {
    fn keep(&self, record: Record) {
        if self.owner.get() == Some(&std::process::id()) {
            self.kept
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(record);
        } else {
            // Another process: its memory is gone when it exits, so the
            // line goes out now. A failed write loses one record of a
            // chart, never the program's result.
            let _ = self.append(&record.line());
        }
    }

    fn append(&self, text: &str) -> std::io::Result<()> {
        // One write of the whole text: O_APPEND writers of a regular
        // file do not interleave.
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(text.as_bytes())
    }
}

/// Writes the records this process kept; call it last in `main`, after every worker
/// was joined. Does nothing when recording is off.
pub fn finish() -> std::io::Result<()> {
    let Some(r) = recorder() else {
        return Ok(());
    };
    let kept = std::mem::take(&mut *r.kept.lock().unwrap_or_else(|p| p.into_inner()));
    let mut text = String::new();
    for record in &kept {
        let _ = write!(text, "{}", record.line());
    }
    r.append(&text)
}

/// Reads a timeline file: every line that parses, in file order.
pub fn read(path: &std::path::Path) -> std::io::Result<Vec<Record>> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .filter_map(Record::parse)
        .collect())
}

#[cfg(target_os = "linux")]
mod sys {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
        fn gettid() -> i32;
    }

    const CLOCK_MONOTONIC: i32 = 1;
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    fn read(clock: i32) -> u64 {
        let mut ts = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec (two 64-bit fields on 64-bit
        // Linux, the only targets this module is built for, see the compile_error
        // below), and both clocks read here always exist on Linux.
        let rc = unsafe { clock_gettime(clock, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime({clock}) failed");
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }

    pub fn now_ns() -> u64 {
        read(CLOCK_MONOTONIC)
    }

    pub fn thread_cpu_ns() -> u64 {
        read(CLOCK_THREAD_CPUTIME_ID)
    }

    pub fn thread_id() -> u64 {
        // SAFETY: gettid takes no argument and cannot fail.
        let tid = unsafe { gettid() };
        tid as u64
    }

    #[cfg(not(target_pointer_width = "64"))]
    compile_error!("workloads::timeline reads a 64-bit timespec: 64-bit Linux only");
}

#[cfg(not(target_os = "linux"))]
mod sys {
    //! Elsewhere: a clock of this process only, and `std`'s thread ids.
    use std::sync::OnceLock;
    use std::time::Instant;

    pub fn now_ns() -> u64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_nanos() as u64
    }

    /// No per-thread CPU clock here: 0, and the chart counts wall time as work.
    pub fn thread_cpu_ns() -> u64 {
        0
    }

    pub fn thread_id() -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        std::thread::current().id().hash(&mut h);
        h.finish()
    }
}

/// `CLOCK_MONOTONIC` now, in nanoseconds (on Linux; elsewhere a clock
/// of this process).
pub fn now_ns() -> u64 {
    sys::now_ns()
}

/// The thread id the kernel gives this thread (on Linux; what Python's
/// `threading.get_native_id()` returns).
pub fn thread_id() -> u64 {
    sys::thread_id()
}

/// What recording costs, measured here: the nanoseconds of one [`task`] record kept
/// in memory (two clock reads and a push under a lock), and of one line appended to a
/// file by a process that is not the recording one (open, one write, close), each the
/// median of `rounds`.
pub fn cost(rounds: usize, scratch: &std::path::Path) -> std::io::Result<(u64, u64)> {
    let kept = Mutex::new(Vec::with_capacity(rounds));
    let mut in_memory = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = now_ns();
        let (start_ns, cpu_start) = (now_ns(), sys::thread_cpu_ns());
        let (end_ns, cpu_end) = (now_ns(), sys::thread_cpu_ns());
        kept.lock().unwrap_or_else(|p| p.into_inner()).push(Record {
            kind: Kind::Task,
            pid: std::process::id(),
            tid_or_slots: thread_id(),
            start_ns,
            end_ns,
            cpu_ns: cpu_end - cpu_start,
            label: format!("task {rounds}"),
        });
        in_memory.push(now_ns() - t);
    }
    std::hint::black_box(&kept);
    let appender = Recorder {
        path: scratch.to_path_buf(),
        owner: OnceLock::new(),
        kept: Mutex::new(Vec::new()),
    };
    let line = Record {
        kind: Kind::Task,
        pid: std::process::id(),
        tid_or_slots: thread_id(),
        start_ns: now_ns(),
        end_ns: now_ns(),
        cpu_ns: 0,
        label: "cpu_bound(53)".into(),
    }
    .line();
    let mut appended = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = now_ns();
        appender.append(&line)?;
        appended.push(now_ns() - t);
    }
    std::fs::remove_file(scratch)?;
    let median = |mut v: Vec<u64>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    Ok((median(in_memory), median(appended)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_labels_lose_tabs() {
        let r = Record {
            kind: Kind::Task,
            pid: 7,
            tid_or_slots: 9,
            start_ns: 10,
            end_ns: 20,
            cpu_ns: 5,
            label: "a\tb\nc".into(),
        };
        let line = r.line();
        assert_eq!(line, "task\t7\t9\t10\t20\t5\ta b c\n");
        assert_eq!(
            Record::parse(&line),
            Some(Record {
                label: "a b c".into(),
                ..r
            })
        );
        assert_eq!(Record::parse("garbage"), None);
        assert_eq!(Record::parse("task\t1\t2\t3"), None);
    }

    #[test]
    fn clock_reads_never_go_back() {
        let (a, b) = (now_ns(), now_ns());
        assert!(b >= a);
    }
}
