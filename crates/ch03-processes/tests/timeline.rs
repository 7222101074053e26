//! End to end: the example `ch03-06-timeline`, run as `cargo course capture` runs it
//! (with `COURSE_TIMELINE` naming a file), records one task per forked child in that
//! file, each with the child's own pid, inside the section the parent recorded.
//! Nothing here is about time.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use workloads::timeline::{self, Kind};

/// The example's binary: `cargo test -p ch03-processes` builds it next to the test
/// binaries' folder; a test run alone (`--test timeline`) builds it here first.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let path = dir.join("examples").join(name);
    if !path.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "ch03-processes", "--example", name])
            .status()
            .expect("running cargo");
        assert!(status.success(), "building the example {name} failed");
    }
    assert!(path.exists(), "{} is missing", path.display());
    path
}

#[test]
fn the_timeline_example_records_one_task_per_child() {
    let file = std::env::temp_dir()
        .join(format!("ch03-timeline-{}.tsv", std::process::id()));
    let out = Command::new(example("ch03-06-timeline"))
        .env(timeline::ENV, &file)
        .output()
        .expect("running the example");
    assert!(
        out.status.success(),
        "the example failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = timeline::read(&file).expect("the example wrote its timeline");
    std::fs::remove_file(&file).unwrap();

    let sections: Vec<_> =
        records.iter().filter(|r| r.kind == Kind::Section).collect();
    assert_eq!(sections.len(), 1, "one recorded run: {records:#?}");
    let (parent, section) = (sections[0].pid, sections[0]);
    let tasks: Vec<_> = records.iter().filter(|r| r.kind == Kind::Task).collect();
    let labels: BTreeSet<&str> = tasks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        BTreeSet::from([
            "cpu_bound(11)",
            "cpu_bound(23)",
            "cpu_bound(34)",
            "cpu_bound(53)"
        ]),
        "only the recorded run's tasks: {records:#?}"
    );
    let pids: BTreeSet<u32> = tasks.iter().map(|t| t.pid).collect();
    assert_eq!(pids.len(), 4, "four children: {records:#?}");
    assert!(
        !pids.contains(&parent),
        "the parent ran no task: {records:#?}"
    );
    for t in &tasks {
        // Each child ran its task on its main thread, inside the run
        // the parent recorded.
        assert_eq!(u64::from(t.pid), t.tid_or_slots, "{t:?}");
        assert!(
            section.start_ns <= t.start_ns && t.end_ns <= section.end_ns,
            "{t:?}"
        );
    }
}
