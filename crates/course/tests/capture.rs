//! `cargo course capture` on a fixture project: what it runs, what it writes, and that a failing
//! program leaves the committed output untouched.

use course::commands::capture::{redraw, run};
use course::services::capture;
use course::services::project::Project;
use std::fs;
use std::path::Path;
use std::time::Duration;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const MANIFEST: &str = "[package]\nname = \"ch01-sequential\"\nversion = \"0.1.0\"\n";

fn fixture(root: &Path, metadata: &str) -> Project {
    write(
        root,
        "crates/ch01-sequential/Cargo.toml",
        &format!("{MANIFEST}{metadata}"),
    );
    write(root, "crates/ch01-sequential/src/lib.rs", "");
    write(
        root,
        "crates/ch01-sequential/examples/ch01-02-folding.rs",
        "fn main() {}\n",
    );
    write(
        root,
        "crates/ch01-sequential/examples/ch01-01-sequential.rs",
        "fn main() {}\n",
    );
    write(
        root,
        "crates/ch01-sequential/python/sequential.py",
        SEQUENTIAL,
    );
    write(
        root,
        "crates/ch01-sequential/python/cores.py",
        "print('os.cpu_count() = 2', end='')\n",
    );
    Project::new(root)
}

const SEQUENTIAL: &str =
    "import sys\nprint('total: 3.1 s')\nprint('a note', file=sys.stderr)\n";

/// The fixture with its examples skipped, so that a capture runs no cargo, and `script` as
/// `python/sequential.py`.
fn scripts_only(root: &Path, script: &str) -> Project {
    let project = fixture(
        root,
        "[package.metadata.course.capture]\nskip = [\"ch01-01-sequential\", \"ch01-02-folding\"]\n",
    );
    write(root, "crates/ch01-sequential/python/sequential.py", script);
    project
}

#[test]
fn the_plan_runs_examples_by_name_then_extras_then_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let project = fixture(
        dir.path(),
        "[package.metadata.course.capture]\nskip = [\"ch01-02-folding\"]\nextra = [{ name = \"ch01-01-sequential.debug\", example = \"ch01-01-sequential\", profile = \"dev\" }]\n",
    );
    let ch = project.chapter("ch01").unwrap();
    let plan = capture::plan(&project, &ch).unwrap();
    let names: Vec<(&str, String)> = plan
        .iter()
        .map(|r| (r.name.as_str(), r.shown_command()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "ch01-01-sequential",
                "cargo run --release -p ch01-sequential --example ch01-01-sequential"
                    .to_string()
            ),
            (
                "ch01-01-sequential.debug",
                "cargo run -p ch01-sequential --example ch01-01-sequential"
                    .to_string()
            ),
            (
                "cores",
                "python3 crates/ch01-sequential/python/cores.py".to_string()
            ),
            (
                "sequential",
                "python3 crates/ch01-sequential/python/sequential.py".to_string()
            ),
        ]
    );
    assert_eq!(plan[2].profile, None, "a Python script, not an example");
}

#[test]
fn bad_capture_metadata_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let project = fixture(
        dir.path(),
        "[package.metadata.course.capture]\nskip = [\"ch01-09-nothing\"]\n",
    );
    let ch = project.chapter("ch01").unwrap();
    let err = format!("{:#}", capture::plan(&project, &ch).unwrap_err());
    assert!(err.contains("skips `ch01-09-nothing`"), "{err}");
    assert!(
        err.contains("ch01-01-sequential, ch01-02-folding, cores"),
        "{err}"
    );

    let project = fixture(
        dir.path(),
        "[package.metadata.course.capture]\nextra = [{ name = \"x.debug\", example = \"ch01-07-missing\", profile = \"dev\" }]\n",
    );
    let err = format!("{:#}", capture::plan(&project, &ch).unwrap_err());
    assert!(
        err.contains("example `ch01-07-missing`, which does not exist"),
        "{err}"
    );
}

#[test]
fn scripts_are_captured_in_the_committed_format() {
    let dir = tempfile::tempdir().unwrap();
    let project = scripts_only(dir.path(), SEQUENTIAL);
    let out = dir.path().join("out");
    run(&project, Some("01"), Some(&out), Duration::from_secs(60)).unwrap();
    let read = |name: &str| {
        fs::read_to_string(out.join("ch01-sequential/output").join(name)).unwrap()
    };
    assert_eq!(
        read("sequential.txt"),
        "$ python3 crates/ch01-sequential/python/sequential.py\ntotal: 3.1 s\na note\n"
    );
    assert_eq!(
        read("cores.txt"),
        "$ python3 crates/ch01-sequential/python/cores.py\nos.cpu_count() = 2\n",
        "a missing final newline is added"
    );
    assert!(
        !dir.path().join("book").exists(),
        "--out keeps the book untouched"
    );
}

#[test]
fn a_failing_program_writes_nothing_and_shows_its_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let project = scripts_only(
        dir.path(),
        "import sys\nprint('half of it')\nsys.exit('worker died: boom')\n",
    );
    let committed =
        "$ python3 crates/ch01-sequential/python/sequential.py\ntotal: 3.1 s\n";
    write(
        dir.path(),
        "book/ch01-sequential/output/sequential.txt",
        committed,
    );

    let err = run(
        &project,
        Some("ch01-sequential"),
        None,
        Duration::from_secs(60),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("1 capture failed"), "{err}");
    assert!(err.contains("ch01-sequential: sequential"), "{err}");
    let output = dir.path().join("book/ch01-sequential/output");
    assert_eq!(
        fs::read_to_string(output.join("sequential.txt")).unwrap(),
        committed,
        "the committed file is unchanged"
    );
    assert!(
        output.join("cores.txt").is_file(),
        "the other script still ran"
    );
    let leftovers: Vec<_> = fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The failure itself, with its stderr, as `capture_one` reports it.
    let ch = project.chapter("ch01").unwrap();
    let plan = capture::plan(&project, &ch).unwrap();
    let run = plan.iter().find(|r| r.name == "sequential").unwrap();
    let err =
        capture::capture_one(&project, &ch, run, &output, Duration::from_secs(60))
            .unwrap_err()
            .to_string();
    assert!(err.contains("failed (exit status: 1)"), "{err}");
    assert!(err.contains("worker died: boom"), "{err}");
}

#[test]
fn unknown_chapters_list_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let project = fixture(dir.path(), "");
    let err = run(&project, Some("ch07"), None, Duration::from_secs(5))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown chapter `ch07`"), "{err}");
    assert!(err.contains("ch01-sequential"), "{err}");
}

/// A script that records one section of two tasks when `COURSE_TIMELINE` names a file.
const RECORDING_SCRIPT: &str = concat!(
    "import os\n",
    "p = os.environ.get('COURSE_TIMELINE')\n",
    "if p:\n",
    "    with open(p, 'w') as f:\n",
    "        f.write('section\\t1\\t2\\t0\\t1000000000\\t0\\tPool(2)\\n')\n",
    "        f.write('task\\t2\\t2\\t0\\t800000000\\t790000000\\tcpu(1)\\n')\n",
    "        f.write('task\\t3\\t3\\t0\\t900000000\\t880000000\\tcpu(2)\\n')\n",
    "print('done')\n",
);

#[test]
fn capture_keeps_each_recording_and_report_only_redraws_its_chart() {
    let dir = tempfile::tempdir().unwrap();
    let project = scripts_only(dir.path(), RECORDING_SCRIPT);
    let out = dir.path().join("out");
    let output = out.join("ch01-sequential/output");
    // A stale pair of `cores`, whose run records no timeline.
    write(&output, "cores.timeline.svg", "<svg/>");
    write(&output, "cores.timeline.tsv", "stale");
    run(&project, Some("01"), Some(&out), Duration::from_secs(60)).unwrap();
    let (svg, tsv) = (
        output.join("sequential.timeline.svg"),
        output.join("sequential.timeline.tsv"),
    );
    let kept = fs::read_to_string(&tsv).unwrap();
    assert!(kept.contains("\tcpython\tsequential\n"), "{kept}");
    assert!(
        kept.ends_with("\ntask\t3\t3\t0\t900000000\t880000000\tcpu(2)\n"),
        "{kept}"
    );
    assert!(
        !output.join("cores.timeline.svg").exists()
            && !output.join("cores.timeline.tsv").exists(),
        "a run without a timeline leaves no stale chart or recording"
    );
    assert!(
        !dir.path()
            .join("target/timeline/ch01-sequential/sequential.tsv")
            .exists(),
        "the run's own file is moved into the book"
    );

    // Redrawn from the recording, running nothing: the script now fails if run.
    let drawn = fs::read(&svg).unwrap();
    fs::write(&svg, "<svg>an older drawing</svg>").unwrap();
    write(
        dir.path(),
        "crates/ch01-sequential/python/sequential.py",
        "raise SystemExit('ran')\n",
    );
    redraw(&project, Some("ch01"), Some(&out)).unwrap();
    assert_eq!(
        fs::read(&svg).unwrap(),
        drawn,
        "byte for byte what capture drew"
    );
    assert_eq!(fs::read_to_string(&tsv).unwrap(), kept);

    // A chart whose recording is missing (captured before recordings were kept).
    fs::remove_file(&tsv).unwrap();
    let err = format!("{:#}", redraw(&project, None, Some(&out)).unwrap_err());
    assert!(err.contains("sequential.timeline.svg"), "{err}");
    assert!(err.contains("recapture this chapter once"), "{err}");
    assert_eq!(fs::read(&svg).unwrap(), drawn, "nothing is drawn");

    // The book has no chart at all: nothing to redraw is an error, not a silent success.
    let err = format!("{:#}", redraw(&project, None, None).unwrap_err());
    assert!(err.contains("no timeline chart to redraw"), "{err}");
}
