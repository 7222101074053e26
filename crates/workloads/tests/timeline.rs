//! The timeline recorder, across threads and processes, in Rust and in CPython.
//!
//! The recorder reads `COURSE_TIMELINE` once per process, so each case runs this test
//! binary again as a child with the variable set (the role is chosen by
//! `TIMELINE_TEST_ROLE`); its workers are further children. No assertion is about how
//! long anything took: only about who recorded what, and the order of events one
//! caused the other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use workloads::timeline::{self, ENV, Kind, Record};

const ROLE: &str = "TIMELINE_TEST_ROLE";

/// Runs this binary's test `name` in a child with `role`, and
/// `COURSE_TIMELINE` = `file`.
fn child(name: &str, role: &str, file: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(ROLE, role);
    match file {
        Some(f) => cmd.env(ENV, f),
        None => cmd.env_remove(ENV),
    };
    let out = cmd.output().expect("running the test binary");
    assert!(
        out.status.success(),
        "child {role} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("timeline-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The child roles: `recording` starts the recorder, runs two tasks on
/// two threads and starts two `worker` processes, each of which runs
/// one task without calling `start`.
#[test]
fn role() {
    match std::env::var(ROLE).as_deref() {
        Ok("recording") => {
            timeline::start().unwrap();
            timeline::section("two threads, two processes", 2, || {
                std::thread::scope(|s| {
                    for i in 0..2 {
                        s.spawn(move || {
                            timeline::task(|| format!("thread task {i}"), || i)
                        });
                    }
                });
                let workers: Vec<_> = (0..2)
                    .map(|_| {
                        Command::new(std::env::current_exe().unwrap())
                            .args(["--exact", "role", "--test-threads=1"])
                            .env(ROLE, "worker")
                            .spawn()
                            .unwrap()
                    })
                    .collect();
                for mut w in workers {
                    assert!(w.wait().unwrap().success());
                }
            });
            timeline::finish().unwrap();
        }
        Ok("worker") => {
            timeline::task(|| format!("process task {}", std::process::id()), || 1);
        }
        Ok("off") => {
            assert!(!timeline::enabled());
            timeline::start().unwrap();
            timeline::section("s", 1, || timeline::task(|| "t".into(), || ()));
            timeline::finish().unwrap();
        }
        _ => {} // run as an ordinary test: nothing to do
    }
}

#[test]
fn records_of_threads_and_processes_land_in_one_file() {
    let dir = scratch("both");
    let file = dir.join("timeline.tsv");
    child("role", "recording", Some(&file));
    let records = timeline::read(&file).unwrap();
    let sections: Vec<&Record> =
        records.iter().filter(|r| r.kind == Kind::Section).collect();
    let tasks: Vec<&Record> =
        records.iter().filter(|r| r.kind == Kind::Task).collect();
    assert_eq!(sections.len(), 1, "{records:#?}");
    assert_eq!(
        tasks.len(),
        4,
        "two thread tasks and two process tasks: {records:#?}"
    );
    let workers: BTreeSet<(u32, u64)> =
        tasks.iter().map(|t| (t.pid, t.tid_or_slots)).collect();
    assert_eq!(workers.len(), 4, "four distinct workers: {records:#?}");
    let pids: BTreeSet<u32> = tasks.iter().map(|t| t.pid).collect();
    assert_eq!(
        pids.len(),
        3,
        "the recording process and two workers: {records:#?}"
    );
    // One clock for every process: the section began before any of its tasks and
    // ended after all of them (the recording process waited for each).
    let s = sections[0];
    for t in &tasks {
        assert!(
            s.start_ns <= t.start_ns
                && t.start_ns <= t.end_ns
                && t.end_ns <= s.end_ns
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn recording_off_writes_no_file() {
    let dir = scratch("off");
    child("role", "off", None);
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    // An empty variable is off, too.
    let out = cmd
        .args(["--exact", "role", "--test-threads=1"])
        .env(ROLE, "off")
        .env(ENV, "")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "no file written"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

fn python() -> Option<()> {
    let ok = Command::new("python3").arg("--version").output().ok()?;
    ok.status.success().then_some(())
}

/// CPython's `time.monotonic_ns()` is the clock this module reads: a
/// reading taken by a child Python process falls between two readings
/// of ours taken before and after it.
#[test]
fn python_monotonic_ns_is_our_clock() {
    if python().is_none() {
        eprintln!("skipped: no python3");
        return;
    }
    for _ in 0..3 {
        let before = timeline::now_ns();
        let out = Command::new("python3")
            .args(["-c", "import time; print(time.monotonic_ns())"])
            .output()
            .unwrap();
        let after = timeline::now_ns();
        let theirs: u64 = String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(
            before <= theirs && theirs <= after,
            "python's monotonic_ns {theirs} not within [{before}, {after}]: not the same clock"
        );
    }
}

/// `timeline.py` writes the same format: two threads and a `Pool(2)` of processes.
#[test]
fn python_records_threads_and_pool_workers() {
    if python().is_none() {
        eprintln!("skipped: no python3");
        return;
    }
    let dir = scratch("python");
    let file = dir.join("timeline.tsv");
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("python");
    let script = r#"
import sys, threading, multiprocessing
sys.path.insert(0, sys.argv[1])
import timeline

def work(n):
    return n * 2

if __name__ == "__main__":
    timeline.start()
    task = timeline.Traced(work)
    with timeline.section("threads and a pool", 2):
        threads = [threading.Thread(target=task, args=(i,)) for i in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        with multiprocessing.get_context("fork").Pool(2) as pool:
            assert pool.map(task, [10, 11, 12, 13], chunksize=1) == [20, 22, 24, 26]
    timeline.finish()
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&module)
        .env(ENV, &file)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = timeline::read(&file).unwrap();
    let tasks: Vec<&Record> =
        records.iter().filter(|r| r.kind == Kind::Task).collect();
    assert_eq!(records.len() - tasks.len(), 1, "one section: {records:#?}");
    assert_eq!(tasks.len(), 6, "{records:#?}");
    let labels: BTreeSet<&str> = tasks.iter().map(|t| t.label.as_str()).collect();
    assert!(labels.contains("work(13)"), "{labels:?}");
    let thread_workers: BTreeSet<u64> = tasks[..]
        .iter()
        .filter(|t| t.label == "work(0)" || t.label == "work(1)")
        .map(|t| t.tid_or_slots)
        .collect();
    assert_eq!(thread_workers.len(), 2, "two threads: {records:#?}");
    let pids: BTreeSet<u32> = tasks.iter().map(|t| t.pid).collect();
    assert!(
        pids.len() >= 2,
        "the pool's tasks ran in other processes: {records:#?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
